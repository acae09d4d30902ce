"""Analyze page (AppTest): the red-flag checklist raises the urgency of a real photo without re-running a model."""
from skin_core import knowledge, ui_helpers
from skin_core.i18n import t

from .conftest import RUN_TIMEOUT
from .helpers import CONFIDENT, UNKNOWN, document_png, photo_bytes, texts

BANNER = knowledge.cancer_banner("en")["title"]
FLAG_BANNER = knowledge.cancer_banner("en", from_scores=False)["title"]  # urgent from the user's answers alone


def _upload(app, which):
    name, data = photo_bytes(*which)
    app.file_uploader(key="upload").set_value((name, data, "image/jpeg"))
    app.run(timeout=RUN_TIMEOUT)
    assert not app.exception, app.exception
    return app


def _flags(app, keys):
    app.multiselect(key="red_flags_en").set_value(keys).run(timeout=RUN_TIMEOUT)
    assert not app.exception, app.exception


def _model_runs(app):
    return [a for k, a in app.session_state["analyses"].items() if not k[-1]]  # keys without red flags


def test_a_rash_not_improving_becomes_soon_and_never_enters_the_cancer_pathway(app):
    _upload(app, CONFIDENT)  # acne the default model is sure of: routine
    (first,) = _model_runs(app)
    assert first.status == "ok" and first.urgency == "routine" and BANNER not in texts(app, "error")
    assert set(app.multiselect(key="red_flags_en").options) == set(knowledge.red_flag_labels("en").values())
    _flags(app, ["not_improving"])
    assert knowledge.urgency_label("soon", "en") in texts(app, "warning")
    _flags(app, ["rapid_change"])  # a changing rash: sooner care, but it is not the possible-cancer pathway
    assert knowledge.urgency_label("soon", "en") in texts(app, "warning") and not any(
        b in texts(app, "error") for b in (BANNER, FLAG_BANNER))
    assert _model_runs(app) == [first]  # the model ran once; the flags only re-triaged its result


def test_a_changing_spot_the_model_does_not_know_is_urgent(app):
    _upload(app, UNKNOWN)  # a condition outside the 11, rejected as out of scope: "see a doctor soon"
    (first,) = _model_runs(app)
    assert first.status == "out_of_scope" and first.urgency == "soon"
    _flags(app, ["rapid_change"])
    shown = texts(app, "error")
    assert FLAG_BANNER in shown and knowledge.urgency_label("urgent", "en") in shown
    assert BANNER not in shown  # its scores did not point to cancer: no "the result includes a possible skin cancer"
    _flags(app, [])
    assert FLAG_BANNER not in texts(app, "error")


def test_the_chosen_flags_survive_a_language_switch_and_the_next_rerun(app):
    """A flag picked in English is still picked in Korean (shown with its Korean label) and back. Each language has
    its own widget: in a real browser one widget kept across the switch held English labels the Korean options did
    not have, and the next rerun raised a TypeError."""
    _upload(app, UNKNOWN)
    _flags(app, ["spreading"])
    app.radio(key="lang").set_value("ko").run(timeout=RUN_TIMEOUT)
    assert not app.exception, app.exception
    ko = app.multiselect(key="red_flags_ko")
    assert ko.value == ["spreading"] and ko.format_func("spreading") == knowledge.red_flag_labels("ko")["spreading"]
    app.radio(key="source_ko").set_value("camera").run(timeout=RUN_TIMEOUT)  # any rerun after the switch
    assert not app.exception, app.exception
    assert app.multiselect(key="red_flags_ko").value == ["spreading"]
    app.radio(key="lang").set_value("en").run(timeout=RUN_TIMEOUT)
    assert not app.exception and app.multiselect(key="red_flags_en").value == ["spreading"]


def test_a_fever_means_care_today_and_the_page_says_what_was_reported(app):
    """Acne the model is sure of, with a fever: not "routine" or "within weeks" but the same day, with the user's own
    answer echoed under the urgency; a fever is not a cancer sign, so no cancer banner."""
    _upload(app, CONFIDENT)
    _flags(app, ["fever"])
    shown = texts(app, "error")
    assert knowledge.urgency_label("same_day", "en") in shown
    assert ui_helpers.told_us(("fever",), "en") in shown and knowledge.red_flag_labels("en")["fever"] in shown
    assert BANNER not in shown and FLAG_BANNER not in shown
    assert app.error[0].value.startswith(f"**{t('same_day.title', 'en')}**")  # at the top, not only in its column


def test_a_refused_photo_still_shows_the_urgency_the_user_reported(app):
    """A document is not skin, so nothing is classified; but a reported fever still means care today, and the page
    says so (with the PDF) instead of stopping at 'retake the photo'."""
    app.file_uploader(key="upload").set_value(("page.png", document_png(), "image/png"))
    app.run(timeout=RUN_TIMEOUT)
    assert not app.exception and not app.get("download_button")  # nothing reported: no urgency, no report
    assert knowledge.urgency_label("same_day", "en") not in texts(app, "error")
    _flags(app, ["fever"])
    shown = texts(app, "error")
    assert knowledge.urgency_label("same_day", "en") in shown and ui_helpers.told_us(("fever",), "en") in shown
    assert app.get("download_button")
