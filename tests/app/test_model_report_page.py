"""Model report page: card metrics, per-group and per-class tables, plots, comparison of all models."""
import pytest

from skin_core import registry, ui_helpers as uh
from skin_core.i18n import card_text, short_class_name, t

from .conftest import switch
from .helpers import frame_with, texts


def _needs(task):
    names = registry.list_models(task)
    if not names:
        pytest.fail(f"no {task} model in weights/: train it first")
    return names


def test_comparison_tables_list_every_model(app):
    """One table per task, metrics down the side and one column per model (default first), so it fits the page."""
    switch(app, "pages/model_report.py")
    for i, task in enumerate(uh.TASK_METRICS):
        table = frame_with(app, "Metric", i)
        names = sorted(_needs(task), key=lambda n: (n != registry.default_model(task), n))
        assert list(table.columns) == ["Metric", *names]
        want = ["Version", *(t(f"metric.{k}", "en") for k in uh.TASK_METRICS[task])]
        if task == "classification":  # the picker's "on unseen photos" figure has its row too, after accuracy
            want.insert(2, t("report.col.accuracy_unseen", "en"))
            unseen = table.set_index("Metric").loc[t("report.col.accuracy_unseen", "en")]
            assert list(unseen) == [uh.format_metric("accuracy", uh.unseen_accuracy(n)) for n in names]
            acc = table.set_index("Metric").loc[t("metric.accuracy", "en")]
            assert list(acc) == [uh.format_metric("accuracy", registry.read_card(n)["test_metrics"]["accuracy"])
                                 for n in names]
        assert list(table["Metric"]) == want


def test_classifier_card_shows_metrics_and_plots(app):
    name = registry.default_model("classification") or _needs("classification")[0]
    switch(app, "pages/model_report.py")
    app.selectbox(key="report_model").set_value(name).run()
    assert not app.exception
    card = registry.read_card(name)
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Accuracy (11 classes)"] == f"{100 * card['test_metrics']['accuracy']:.1f}%"
    assert "Unknown-condition AUROC" in metrics
    lo, hi = card["test_metrics"]["ci95"]["accuracy"]
    assert f"95 % CI {100 * lo:.1f}% - {100 * hi:.1f}%" in texts(app, "caption")  # the uncertainty, beside it
    floor = card["test_metrics"]["ece_noise_floor"]  # ECE's own yardstick: what chance alone gives on n photos
    assert f"would show {floor['median']:.3f} here ({floor['p95']:.3f}" in texts(app, "caption")
    per_class = frame_with(app, "Condition")
    assert len(per_class) == len(card["classes"]) and short_class_name("melanoma", "en") in set(per_class["Condition"])
    assert t("report.error_bars", "en") in texts(app, "caption")
    assert per_class["Recall 95 % CI"].str.fullmatch(r"\d+\.\d% - \d+\.\d%").all()  # small classes: wide
    assert len(app.get("plotly_chart")) >= 5  # by source, by skin type, confusion, reliability, ROC
    shown = texts(app)
    assert card["intended_use"] in shown and card["limitations"] in shown and card["split"] in shown


def test_segmentation_card_and_korean(app):
    name = _needs("segmentation")[0]
    switch(app, "pages/model_report.py", lang="ko")
    app.selectbox(key="report_model").set_value(name).run()
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    card = registry.read_card(name)
    assert metrics["평균 IoU"] == f"{card['test_metrics']['mean_iou']:.3f}"
    assert app.title[0].value == "모델 보고서"
    training = texts(app, "caption")
    assert "학습 시간" in training and "CPU 코어" in training and "cores" not in training
    if card.get("gallery"):  # clinical examples: the caption says the dermoscopy IoU does not describe them
        assert t("report.gallery_note", "ko") in training
    shown = texts(app)
    assert card_text(card["limitations"], "ko") in shown and card["limitations"] not in shown  # in Korean


def test_a_students_card_shows_both_temperatures_beside_the_thresholds(app):
    own = [n for n in _needs("classification")
           if registry.read_card(n).get("known_temperature", registry.read_card(n)["temperature"])
           != registry.read_card(n)["temperature"]]
    assert own, "the students' cards carry a known-class temperature of their own (chosen on val ECE)"
    name = own[0]
    switch(app, "pages/model_report.py")
    app.selectbox(key="report_model").set_value(name).run()
    assert not app.exception
    card = registry.read_card(name)
    table = frame_with(app, "Threshold")
    shown = dict(zip(table["Threshold"], table["Value"]))
    assert shown["known_temperature"] == round(card["known_temperature"], 4)
    assert shown["temperature"] == round(card["temperature"], 4)
    assert set(card["thresholds"]) <= set(shown)


def test_the_default_card_shows_its_figures_without_near_duplicates(app):
    """All test photos beside those with no near-duplicate in train or val, with how many were left out."""
    name = registry.default_model("classification")
    card = registry.read_card(name)
    u = card["test_metrics_unseen"]
    switch(app, "pages/model_report.py")
    app.selectbox(key="report_model").set_value(name).run()
    assert not app.exception
    table = frame_with(app, f"All test photos (n={card['test_metrics']['n']})")
    row = table[table["Metric"] == "Accuracy (11 classes)"].iloc[0]
    lo, hi = card["test_metrics"]["ci95"]["accuracy"]
    assert row[f"All test photos (n={card['test_metrics']['n']})"] == \
        f"{100 * card['test_metrics']['accuracy']:.1f}% ({100 * lo:.1f}% - {100 * hi:.1f}%)"
    lo, hi = u["ci95"]["accuracy"]
    assert row[f"Without near-duplicates (n={u['n']})"] == f"{100 * u['accuracy']:.1f}% ({100 * lo:.1f}% - {100 * hi:.1f}%)"
    ece = table[table["Metric"] == "Calibration error (ECE)"].iloc[0]
    assert ece[f"Without near-duplicates (n={u['n']})"] == f"{u['ece_15']:.3f}"  # ECE has no bootstrap interval
    assert f"{u['left_out']['known']} of the test photos of known conditions" in texts(app, "caption")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_photo_check_has_its_card_too(app, lang):
    """The "is this skin?" check decides whether anything is answered: its card shows whom it turns away (skin
    photos refused, per source and skin type, and the melanoma and BCC photos among them) and how many pictures that
    are not skin it lets through. The first listed is the one the app runs."""
    name = _needs("photo_check")[0]
    assert name == registry.default_model("photo_check")
    card = registry.read_card(name)
    m = card["test_metrics"]
    switch(app, "pages/model_report.py", lang=lang)
    app.selectbox(key="report_model").set_value(name).run()
    assert not app.exception
    metrics = {x.label: x.value for x in app.metric}
    assert metrics[t("metric.skin_photos_rejected", lang)] == uh.format_metric("", m["skin_photos_rejected"])
    assert metrics[t("metric.malignant_rejected", lang)] == uh.format_metric(
        "", m["malignant_rejected"]["rejected"] / m["malignant_rejected"]["n"])
    assert t("report.k_of_n", lang, k=m["malignant_rejected"]["rejected"], n=m["malignant_rejected"]["n"]) in texts(
        app, "caption")
    ns = m["nonskin_accepted"]  # measured on pictures that are not skin, not only on skin photos
    assert metrics[t("metric.nonskin_accepted", lang)] == uh.format_metric("", ns["accepted"] / ns["n"])
    assert t("report.nonskin_k_of_n", lang, k=ns["accepted"], n=ns["n"]) in texts(app, "caption")
    fresh = m["fresh_accepted"]  # and on real photos that no check saw before it was judged
    assert metrics[t("metric.fresh_accepted", lang)] == uh.format_metric("", fresh["accepted"] / fresh["n"])
    assert t("report.fresh_k_of_n", lang, k=fresh["accepted"], n=fresh["n"], photos=fresh["photos"]) in texts(
        app, "caption")
    groups = frame_with(app, t("report.group", lang))
    named = {t("report.group.unknown", lang) if g == "unknown" else g for g in [*m["by_source"], *m["by_skin_group"]]}
    assert set(groups[t("report.group", lang)]) == named
    meaning = t(f"threshold.{next(iter(card['thresholds']))}", lang)
    assert meaning in set(frame_with(app, t("report.col.meaning", lang))[t("report.col.meaning", lang)])


def test_the_cancer_rate_says_what_the_app_itself_flags(app):
    """Under "Cancers flagged urgent" (the scores alone), the share the app flags through its photo checks."""
    name = registry.default_model("classification")
    app_path = registry.read_card(name)["test_app_path"]
    switch(app, "pages/model_report.py")
    app.selectbox(key="report_model").set_value(name).run()
    line = t("report.app_path", "en", rate=uh.percent(app_path["rate"]), k=app_path["urgent"], n=app_path["n"])
    assert line in texts(app, "caption")
