"""Conditions page: the memo library, browsable in both languages."""
from skin_core import knowledge
from skin_core.i18n import t

from .conftest import switch
from .helpers import texts


def test_every_condition_is_listed_and_shows_its_memo(app):
    switch(app, "pages/conditions.py")
    box = app.selectbox(key="condition_en")
    assert list(box.options) == [knowledge.memo(c, "en").name for c in knowledge.list_conditions()]
    box.set_value("melanoma").run()
    assert not app.exception
    memo = knowledge.memo("melanoma", "en")
    shown = texts(app)
    assert memo.name in shown and memo.summary in shown and memo.disclaimer in shown
    # "When to see a doctor" is its own expander, open by default, holding the memo's advice and its urgency
    when = [e for e in app.expander if e.label == t("memo.when_to_see", "en")]
    assert len(when) == 1, [e.label for e in app.expander]
    assert when[0].proto.expanded
    body = "\n".join(m.value for m in when[0].markdown)
    assert memo.when_to_see in body and knowledge.urgency_label(memo.urgency, "en") in body


def test_conditions_in_korean(app):
    switch(app, "pages/conditions.py", lang="ko")
    app.selectbox(key="condition_ko").set_value("psoriasis").run()
    memo = knowledge.memo("psoriasis", "ko")
    shown = texts(app)
    assert app.title[0].value == "질환 정보 모음"
    assert memo.name in shown and memo.summary in shown and knowledge.disclaimer("ko") in shown


def test_choice_survives_a_language_switch(app):
    """Option labels are translated, so each language has its own widget; the chosen condition carries over."""
    switch(app, "pages/conditions.py")
    app.selectbox(key="condition_en").set_value("tinea").run()
    app.radio(key="lang").set_value("ko").run()
    assert not app.exception
    assert app.selectbox(key="condition_ko").value == "tinea"
    assert knowledge.memo("tinea", "ko").name in texts(app)


def test_overview_says_which_conditions_spread_to_others(app):
    """The overview table's contagion column comes from each memo's `contagious_flag`, in the page's language."""
    from skin_core.i18n import short_class_name as class_name  # the table is short-named

    for lang in ("en", "ko"):
        switch(app, "pages/conditions.py", lang=lang)
        table = app.dataframe[0].value
        rows = dict(zip(table[t("conditions.select", lang)], table[t("conditions.contagious", lang)]))
        assert rows[class_name("tinea", lang)] == rows[class_name("molluscum", lang)] == t("conditions.contagious.yes", lang)
        assert rows[class_name("psoriasis", lang)] == t("conditions.contagious.no", lang)
        assert len(rows) == len(knowledge.list_conditions())
