"""The non-Streamlit formatting helpers and chart builders the pages use (hand-built analyses, no model)."""
import dataclasses

import numpy as np
import pytest

from skin_core import charts, knowledge, pipeline, quality, robustness, ui_helpers as uh
from skin_core.data import CLASSES, MALIGNANT
from skin_core.i18n import class_name, percent, short_class_name, status_name, t

from .helpers import hand_built


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_only_ok_names_a_condition(lang):
    ok = uh.status_screen(hand_built("ok", lang=lang), lang)
    assert class_name("melanoma", lang) in ok.title and ok.kind == "info"
    for status in ("uncertain", "out_of_scope", "not_skin", "poor_quality"):
        screen = uh.status_screen(hand_built(status, lang=lang), lang)
        assert class_name("melanoma", lang) not in screen.title + screen.body, status
    assert uh.status_screen(hand_built("weird"), "en").kind == "error"


def test_probabilities_and_differential_only_for_ok_and_uncertain():
    assert uh.shows_probabilities(hand_built("ok")) and uh.shows_probabilities(hand_built("uncertain"))
    for status in ("out_of_scope", "not_skin", "poor_quality"):
        assert not uh.shows_probabilities(hand_built(status))
    lines = uh.top3_lines(hand_built("uncertain"), "en")
    assert lines[0].startswith("1. Melanoma") and len(lines) == 3


def test_overlays_keep_the_photo_size_and_do_not_modify_it():
    a = hand_built()
    before = a.image.copy()
    for view in uh.MASK_VIEWS:
        assert uh.photo_view(a, view, 0.5).shape == a.image.shape
    assert not np.array_equal(uh.photo_view(a, "outline"), a.image)
    for cmap in uh.HEAT_CMAPS:
        assert uh.heatmap_view(a, 0.5, cmap).shape == a.image.shape
    assert np.array_equal(a.image, before)
    assert uh.heatmap_view(hand_built("not_skin"), 0.5) is None


def test_memo_sections_use_the_analysis_urgency():
    a = hand_built("ok", label="melanocytic_nevus", urgency="urgent")
    when = dict((h, body) for h, body, _ in uh.memo_sections(a.memo, "en", urgency=a.urgency))["When to see a doctor"]
    assert when[0].startswith("Urgency: Urgent")
    assert "higher than usual for Melanocytic naevus" in when[1]  # says why
    assert a.memo.when_to_see not in when and len(when) == 2  # the usual timing would contradict the raised level
    own = dict((h, body) for h, body, _ in uh.memo_sections(a.memo, "en"))["When to see a doctor"]
    assert own[0].startswith("Urgency: Routine") and own[1:] == [a.memo.when_to_see]
    same = dict((h, body) for h, body, _ in uh.memo_sections(a.memo, "ko", urgency="routine"))["언제 진료를 받아야 하나요"]
    assert len(same) == 2  # not raised: no explanation line


@pytest.mark.parametrize("urgency, flags, scores, reason", [
    ("urgent", (), None, "scores"),  # a mole whose melanoma score crossed the threshold
    ("urgent", (), True, "scores"),
    ("same_day", ("fever",), None, "flags"),  # a fever says nothing about cancer
    ("same_day", ("fever",), True, "both"),  # the fever set "today"; the scores still point to a cancer
    ("urgent", ("rapid_change",), None, "flags"),  # a changing mole: what the user reported...
    ("urgent", ("rapid_change",), False, "flags"),
    ("urgent", ("rapid_change",), True, "both"),  # ...and when the scores alone say the same, both are named
    ("soon", (), None, "uncertain"),  # a hedged answer is at least "soon"
])
def test_the_raised_urgency_line_names_its_real_reason(urgency, flags, scores, reason):
    memo = hand_built("ok", label="melanocytic_nevus").memo
    when = dict((h, body) for h, body, _ in uh.memo_sections(memo, "en", urgency=urgency, red_flags=flags,
                                                             scores=scores))
    assert when["When to see a doctor"][1] == t(f"memo.urgency_raised.{reason}", "en", name=memo.name)


def test_a_reported_sign_does_not_hide_the_cancer_scores_behind_an_urgent_result():
    """A result already urgent from its cancer scores (here: not a known condition, melanoma 0.55): ticking "bleeds"
    leaves the level alone, so the memo must still name the scores (on the page, in the PDF and in the JSON alike)."""
    a = dataclasses.replace(hand_built("out_of_scope", urgency="urgent"), red_flags=("bleeding",))
    assert pipeline.scores_urgent(a)  # 0.6 against the default's threshold
    when = dict((h, body) for h, body, _ in uh.memo_sections(a.memo, "en", urgency=a.urgency, red_flags=a.red_flags,
                                                             scores=pipeline.scores_urgent(a)))
    assert when["When to see a doctor"][1] == a.to_dict()["memo"]["when_to_see"] == t(
        "memo.urgency_raised.both", "en", name=a.memo.name)


def test_the_json_memo_tells_the_same_story_as_the_page():
    """The CLI's JSON carries the result's urgency and advice in its memo, not the condition's usual ones."""
    a = dataclasses.replace(hand_built("ok", label="melanocytic_nevus", urgency="urgent"), red_flags=())
    memo = a.to_dict()["memo"]
    page = dict((h, body) for h, body, _ in uh.memo_sections(a.memo, "en", urgency=a.urgency))["When to see a doctor"]
    assert memo["urgency"] == "urgent" != a.memo.urgency
    assert memo["when_to_see"] == page[1] == t("memo.urgency_raised.scores", "en", name=a.memo.name)
    assert hand_built("not_skin").to_dict()["malignancy_score"] is None  # not a reassuring 0.0


def test_models_more_urgent_than_the_selected_one_are_named():
    calm = dataclasses.replace(hand_built("ok", label="acne", urgency="routine"), malignancy_score=0.0)
    results = {"a": calm, "b": hand_built("ok", urgency="urgent"), "c": calm}
    assert uh.more_urgent_models(results, "a") == ["b"]
    assert uh.more_urgent_models(results, "b") == []
    soon = dataclasses.replace(calm, urgency="soon")
    note = uh.more_urgent_note({**results, "d": soon}, "a", "en")  # each with its own level, the most urgent first
    assert "b: Urgent (2 weeks); d: Soon (weeks)" in note, note
    assert uh.more_urgent_note(results, "b", "en") is None


def test_compare_rows_never_show_a_label_for_rejections():
    rows = uh.compare_rows({"a": hand_built("ok"), "b": hand_built("out_of_scope")}, "en")
    assert rows[0]["Answer"] == class_name("melanoma", "en")
    assert rows[1]["Answer"] == "(no single answer)" and rows[1]["Top probability"] == ""


def _distinct(seed: int) -> dict[str, float]:
    """Probabilities over the 11 classes with no ties (so "the k most likely" is well defined)."""
    p = np.random.default_rng(seed).permutation(np.arange(1, len(CLASSES) + 1, dtype=float))
    return dict(zip(CLASSES, (p / p.sum()).tolist()))


def test_probability_bars_show_every_class_with_its_value_and_the_highlight():
    a = hand_built()
    fig = charts.probability_bars(a.probabilities, "ko", highlight="melanoma")
    assert len(fig.data) == 1
    bars = fig.data[0]
    assert bars.type == "bar" and bars.orientation == "h"
    assert len(bars.x) == len(a.classes) == 11
    names = [short_class_name(c, "ko") for c in a.classes]
    assert sorted(bars.y) == sorted(names)
    for name, value in zip(bars.y, bars.x):
        c = a.classes[names.index(name)]
        assert value == pytest.approx(a.probabilities[c], abs=1e-12), c
    assert list(bars.x) == sorted(bars.x)  # most likely at the top of a horizontal chart
    colours = list(bars.marker.color)
    hi = colours[list(bars.y).index(short_class_name("melanoma", "ko"))]
    assert colours.count(hi) == 1 and len(set(colours)) == 2, colours
    assert list(bars.text) == [percent(v) for v in bars.x]  # colour is never the only cue
    plain = charts.probability_bars(a.probabilities, "en")  # no highlight: one colour for all
    assert len(set(plain.data[0].marker.color)) == 1


def test_compare_bars_one_trace_per_model_over_the_top_classes():
    first, second = _distinct(0), _distinct(1)
    fig = charts.compare_bars({"m1": first, "m2": second}, "en", k=5)
    assert [tr.name for tr in fig.data] == ["m1", "m2"]
    assert fig.layout.barmode == "group"
    top = sorted(CLASSES, key=lambda c: max(first[c], second[c]), reverse=True)[:5]
    top += [c for c in MALIGNANT if c not in top]  # the cancers are always shown: they decide an urgent row
    for tr, probs in zip(fig.data, (first, second)):
        assert tr.orientation == "h"  # a phone's width goes to the bars, not to 35 thin columns
        assert list(tr.y) == [short_class_name(c, "en") for c in top]
        assert list(tr.x) == pytest.approx([probs[c] for c in top])
    assert fig.data[0].marker.color != fig.data[1].marker.color
    assert fig.layout.yaxis.autorange == "reversed"  # the most likely condition at the top


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_before_after_bars_two_traces_with_both_probabilities(lang):
    before, after = _distinct(0), _distinct(3)
    fig = charts.before_after_bars(before, after, lang, k=4)
    assert [tr.name for tr in fig.data] == [t("chart.before", lang), t("chart.after", lang)]
    top = sorted(CLASSES, key=lambda c: max(before[c], after[c]), reverse=True)[:4]
    for tr, probs in zip(fig.data, (before, after)):
        assert list(tr.x) == [short_class_name(c, lang) for c in top]
        assert list(tr.y) == pytest.approx([probs[c] for c in top])
    assert list(fig.data[0].y) != list(fig.data[1].y)


def test_confusion_heatmap_is_row_normalised():
    a = hand_built()
    cm = np.eye(11, dtype=int) * 4
    cm[0, 1] = 4  # half of the first class is mistaken for the second
    fig = charts.confusion_heatmap(cm.tolist(), list(a.classes), "en")
    z = np.asarray(fig.data[0].z)
    assert z.shape == (11, 11) and np.allclose(z.sum(1), 1.0)
    assert z[0, 0] == pytest.approx(0.5) and z[0, 1] == pytest.approx(0.5) and np.allclose(z.diagonal()[1:], 1.0)
    assert np.array_equal(np.asarray(fig.data[0].text), cm)
    bar = fig.data[0].colorbar  # under the matrix, so a phone's width goes to the cells; it says what the colour is
    assert bar.orientation == "h" and bar.title.text == t("report.row_share", "en")


def test_reliability_diagram_bins_and_diagonal():
    bins = [{"lo": 0.5, "hi": 0.6, "n": 10, "confidence": 0.58, "accuracy": 0.5},
            {"lo": 0.9, "hi": 1.0, "n": 30, "confidence": 0.93, "accuracy": 0.9}]
    fig = charts.reliability_diagram(bins, "en")
    bars, points, diagonal = fig.data
    assert list(bars.x) == pytest.approx([0.55, 0.95]) and list(bars.y) == [0.5, 0.9]
    assert list(bars.width) == pytest.approx([0.1, 0.1]) and list(bars.customdata) == [10, 30]
    assert list(bars.text) == ["n=10", "n=30"]  # a bin of a few photos says so on the chart, not only on hover
    # the mean confidence sits on its own bar: the gap to the bar's top is that bin's calibration error
    assert list(points.x) == pytest.approx([0.55, 0.95]) and list(points.y) == [0.58, 0.93]
    assert points.name == t("report.mean_confidence", "en")
    assert list(diagonal.x) == [0, 1] and list(diagonal.y) == [0, 1]


def test_roc_curve_plots_the_given_points():
    ood = {"auroc": 0.8, "fpr": [0, 0.2, 0.5, 1], "tpr": [0, 0.6, 0.9, 1]}
    fig = charts.roc_curve(ood, "en")
    curve, chance = fig.data
    assert list(curve.x) == ood["fpr"] and list(curve.y) == ood["tpr"]
    assert curve.name == "AUROC 0.800"
    assert list(chance.x) == [0, 1] and list(chance.y) == [0, 1]
    thinned = charts.roc_curve({"auroc": 0.8, "fpr": [0, 0.2, 0.8], "tpr": [0, 0.6, 0.99]}, "en").data[0]
    assert (thinned.x[-1], thinned.y[-1]) == (1.0, 1.0)  # a curve stored without its end still reaches it


def test_ood_auroc_keeps_both_ends_of_a_thinned_curve():
    from skin_core.metrics import ood_auroc

    rng = np.random.default_rng(0)
    roc = ood_auroc(rng.normal(0, 1, 500), rng.normal(1, 1, 500))
    assert len(roc["fpr"]) <= 70 and (roc["fpr"][0], roc["tpr"][0]) == (0.0, 0.0)
    assert (roc["fpr"][-1], roc["tpr"][-1]) == (1.0, 1.0)


def test_group_accuracy_bars_leave_out_groups_without_images():
    groups = {"I-II": {"accuracy": 0.7, "n": 20}, "III-IV": {"accuracy": 0.55, "n": 12},
              "V-VI": {"accuracy": None, "n": 0}}
    bars = charts.group_accuracy_bars(groups, "en").data[0]
    assert list(bars.x) == ["I-II", "III-IV"] and list(bars.y) == [0.7, 0.55]
    assert list(bars.text) == [f"{percent(0.7)} (n=20)", f"{percent(0.55)} (n=12)"]
    assert len(charts.group_accuracy_bars({}, "en").data[0].x or ()) == 0


def test_group_accuracy_bars_carry_wider_error_bars_for_smaller_groups():
    bars = charts.group_accuracy_bars({"big": {"accuracy": 0.75, "n": 400}, "small": {"accuracy": 0.75, "n": 12}},
                                      "en").data[0]
    up, down = list(bars.error_y.array), list(bars.error_y.arrayminus)
    assert all(0 < v < 0.5 for v in up + down)
    assert up[1] > 3 * up[0] and down[1] > 3 * down[0]  # a dozen photos: an interval several times wider
    assert 0.75 + up[1] <= 1.0  # Wilson's interval stays inside [0, 1]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_per_class_rows_give_each_recall_its_interval(lang):
    card = {"test_metrics": {"per_class": {
        "acne": {"precision": 0.8, "recall": 0.857, "f1-score": 0.83, "support": 84},
        "molluscum": {"precision": 0.75, "recall": 0.5, "f1-score": 0.6, "support": 12},
        "tinea": {"precision": 0.7, "recall": 0.6, "f1-score": 0.65, "support": 15}}}}
    rows = uh.per_class_rows(card, lang)
    col = t("report.col.recall_ci", lang)
    lo, hi = (float(v.rstrip("%")) / 100 for v in rows[1][col].split(" - "))  # percentages, as the tiles
    assert lo < 0.5 < hi and hi - lo > 0.4  # 6 of 12 photos
    acne_lo, acne_hi = (float(v.rstrip("%")) / 100 for v in rows[0][col].split(" - "))
    assert acne_lo < 0.857 < acne_hi and acne_hi - acne_lo < hi - lo
    assert rows[1][t("report.col.class", lang)] == short_class_name("molluscum", lang)
    tinea = rows[2][t("report.col.class", lang)]  # short: the figures stay on a phone's screen
    assert "(" in class_name("tinea", lang) and "(" not in tinea and class_name("tinea", lang).startswith(tinea)


def test_iou_histogram_bins_every_value_on_0_to_1():
    values = [0.1, 0.12, 0.5, 0.93, 0.95, 1.0]
    fig = charts.iou_histogram(values, "en")
    hist = fig.data[0]
    assert hist.type == "histogram" and list(hist.x) == values
    assert hist.xbins.start == 0 and hist.xbins.size == 0.05 and hist.xbins.end >= 1.0  # 1.0 falls in the last bin
    assert list(fig.layout.xaxis.range) == [0, 1] and fig.layout.xaxis.title.text == "IoU"
    assert fig.layout.yaxis.title.text == t("report.images", "en")


def test_sweep_lines_one_line_per_top_class():
    a = hand_built()
    probs = np.array([list(a.probabilities.values())] * 2)
    sweep = robustness.SweepResult("blur", [0.0, 4.0], list(a.classes), probs, [0.1, 0.2], ["ok", "uncertain"],
                                   ["melanoma", "melanoma"], [[], ["blurry"]])
    fig = charts.sweep_lines(sweep, "en", "Blur", current=0.0)
    assert len(fig.data) == 5  # three classes, the quality-warning marks and the current setting
    assert [tr.name for tr in fig.data[:3]] == [short_class_name(c, "en") for c in sweep.top_classes(3)]
    assert list(fig.data[0].x) == [0.0, 4.0] and list(fig.data[0].y) == sweep.series("melanoma")
    assert fig.data[3].name == t("chart.quality_warning", "en") and list(fig.data[3].x) == [4.0]  # the blurry one
    assert fig.data[4].name == t("chart.current", "en") and list(fig.data[4].x) == [0.0, 0.0]
    leaning = t("whatif.uncertain_answer", "en", name=class_name("melanoma", "en"))
    assert uh.sweep_answers(sweep, "en") == [class_name("melanoma", "en"), leaning]


def test_the_sweep_cancer_line_names_the_flagged_values_in_both_languages():
    a = hand_built()
    probs = np.array([list(a.probabilities.values())] * 3)
    args = ("blur", [0.0, 4.0, 6.5], list(a.classes), probs, [0.1] * 3, ["ok"] * 3, ["melanoma"] * 3, [[]] * 3)
    assert uh.sweep_cancer_warning(robustness.SweepResult(*args, [False] * 3), "en", "Blur (px)") is None
    assert uh.sweep_cancer_warning(robustness.SweepResult(*args), "en", "Blur (px)") is None  # none recorded: no claim
    flagged = robustness.SweepResult(*args, [True, False, True])
    assert flagged.cancer_values() == [0.0, 6.5]
    line = uh.sweep_cancer_warning(flagged, "en", "Blur (px)")
    assert line == t("whatif.sweep_cancer", "en", axis="Blur (px)", values="0, 6.5")
    assert line.startswith("Possible skin cancer at Blur (px) = 0, 6.5:")
    ko = uh.sweep_cancer_warning(flagged, "ko", "흐림 (픽셀)")
    assert ko.startswith("흐림 (픽셀) = 0, 6.5에서") and "흑색종" in ko
    every = uh.sweep_cancer_warning(robustness.SweepResult(*args, [True] * 3), "en", "Blur (px)")
    assert every.startswith("Possible skin cancer at every Blur (px) tried (0 to 6.5):")
    assert uh.sweep_cancer_warning(robustness.SweepResult(*args, [True] * 3), "ko", "흐림 (픽셀)").startswith(
        "시험한 모든 흐림 (픽셀) 값(0~6.5)에서")
    fig = charts.sweep_lines(flagged, "en", "Blur")  # the chart marks the same values and draws the cancers' sum
    marks = [tr for tr in fig.data if tr.name == t("chart.cancer_warning", "en")]
    assert len(marks) == 1 and list(marks[0].x) == [0.0, 6.5]
    mal = [tr for tr in fig.data if tr.name == t("chart.malignancy_sum", "en")]
    want = [sum(p) for p in zip(*(flagged.series(c) for c in MALIGNANT))]
    assert len(mal) == 1 and np.allclose(list(mal[0].y), want)
    plain = charts.sweep_lines(robustness.SweepResult(*args, [False] * 3), "en", "Blur").data
    assert not {t("chart.cancer_warning", "en"), t("chart.malignancy_sum", "en")} & {tr.name for tr in plain}


def test_sweep_answers_keep_every_change_in_order():
    """not skin -> uncertain -> Melanoma -> uncertain: the return is shown, and a swap of the leading class under
    "uncertain" counts as a change."""
    a = hand_built()
    probs = np.array([list(a.probabilities.values())] * 6)
    statuses = ["not_skin", "uncertain", "ok", "uncertain", "uncertain", "uncertain"]
    labels = [None, "melanoma", "melanoma", "melanoma", "melanocytic_nevus", "melanocytic_nevus"]
    sweep = robustness.SweepResult("crop", [0.5, 0.6, 0.7, 0.8, 0.9, 1.0], list(a.classes), probs, [0.1] * 6,
                                   statuses, labels, [[]] * 6)
    lean = lambda c: t("whatif.uncertain_answer", "ko", name=class_name(c, "ko"))  # noqa: E731
    assert uh.sweep_answers(sweep, "ko") == [status_name("not_skin", "ko"), lean("melanoma"),
                                             class_name("melanoma", "ko"), lean("melanoma"),
                                             lean("melanocytic_nevus")]


def test_image_errors_are_translated_in_korean():
    from skin_core import images

    err = images.CorruptImageError("The image file is damaged and cannot be read.")
    assert uh.image_error_text(err, "en") == str(err)
    assert "손상" in uh.image_error_text(err, "ko")


def test_the_model_picker_shows_accuracy_on_unseen_photos_and_falls_back_to_test_accuracy(monkeypatch):
    from skin_core import registry

    name = registry.default_model("classification")
    card = registry.read_card(name)
    label = uh.model_label(name, "en")
    assert label == f"{name} (default, {100 * card['test_metrics_unseen']['accuracy']:.1f}% on unseen photos)"
    monkeypatch.setattr(uh, "unseen_accuracy", lambda n: None)  # a card without the near-duplicate audit
    assert uh.model_label(name, "ko") == f"{name} (기본, 테스트 정확도 {100 * card['test_metrics']['accuracy']:.1f}%)"


def test_photo_alt_says_what_is_drawn():
    from types import SimpleNamespace

    drawn = SimpleNamespace(segmentation=SimpleNamespace(status="ok"))
    bare = SimpleNamespace(segmentation=None)
    for lang in ("en", "ko"):
        assert uh.photo_alt(drawn, "outline", lang) == uh.t("result.photo_alt.outline", lang)
        assert uh.photo_alt(drawn, "mask", lang) == uh.t("result.photo_alt.mask", lang)
        assert uh.photo_alt(bare, "outline", lang) == uh.t("result.photo_alt.none", lang)
    assert "cyan" not in uh.photo_alt(bare, "outline", "en")


def test_every_card_has_a_korean_description_with_the_same_figures():
    """The Model report shows `description_ko` in Korean; it must say what the English one says, numbers included,
    so a retrained card whose English description changed fails here until the Korean one follows."""
    import re

    from skin_core import registry

    for name in registry.list_models():
        card = registry.read_card(name)
        assert uh.card_description(card, "ko") == card["description_ko"], name
        assert uh.card_description(card, "en") == card["description"], name
        figures = lambda text: sorted(re.findall(r"\d+(?:\.\d+)?", text))  # noqa: E731
        assert figures(card["description_ko"]) == figures(card["description"]), name


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_poor_photo_flagged_urgent_does_not_say_nothing_was_found(lang):
    urgent = uh.status_screen(hand_built("poor_quality", lang=lang, urgency="urgent"), lang)
    calm = uh.status_screen(dataclasses.replace(hand_built("poor_quality", lang=lang, urgency="soon"),
                                                malignancy_score=0.0), lang)
    assert urgent.body == t("status.poor_quality.body_urgent", lang) != calm.body == t("status.poor_quality.body", lang)
    # a fever on top lifts the level to same_day; the scores still point to cancer, and the body must still say so
    today = uh.status_screen(hand_built("poor_quality", lang=lang, urgency="same_day"), lang)
    assert today.body == t("status.poor_quality.body_urgent", lang)
    # urgent only because the user said it bleeds: the scores said nothing, so the body must not claim they did
    flagged = dataclasses.replace(hand_built("poor_quality", lang=lang, urgency="urgent"), malignancy_score=0.0)
    assert uh.status_screen(flagged, lang).body == t("status.poor_quality.body", lang)


def test_an_unknown_condition_under_the_cancer_banner_points_to_it():
    loud = uh.status_screen(hand_built("out_of_scope", label=None, urgency="urgent"), "en")
    quiet = uh.status_screen(dataclasses.replace(hand_built("out_of_scope", label=None, urgency="soon"),
                                                 cancer_banner=None), "en")
    assert loud.body == t("status.out_of_scope.body_banner", "en") and "if you are worried" not in loud.body
    assert quiet.body == t("status.out_of_scope.body", "en")
    assert (loud.kind, quiet.kind) == ("warning", "info")  # never a calm box under a cancer warning


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_unknown_condition_score_gives_its_threshold(lang):
    from skin_core import registry

    a = hand_built("out_of_scope", label=None, lang=lang)
    limit = registry.read_card(a.classifier)["thresholds"]["ood"]
    assert uh.ood_line(a, lang) == t("result.ood", lang, v=a.ood_score, limit=limit) and f"{limit:.2f}" in uh.ood_line(a, lang)


def test_the_cancer_scores_behind_a_banner_are_shown_when_no_probabilities_are():
    loud = hand_built("out_of_scope", label=None, urgency="urgent")  # melanoma 0.55 in its probabilities
    assert uh.cancer_score_lines(loud, "en") == [f"{class_name(c, 'en')} {percent(loud.probabilities[c])}"
                                                for c in ("melanoma", "basal_cell_carcinoma")]
    assert uh.cancer_score_lines(hand_built("ok"), "en") == []  # the full chart is there already
    calm = dataclasses.replace(loud, cancer_banner=None)
    assert uh.cancer_score_lines(calm, "ko") == []
    flagged = dataclasses.replace(loud, malignancy_score=0.01)  # the banner from a reported sign, not the scores
    assert uh.cancer_score_lines(flagged, "en") == []


def test_sweep_lines_shade_where_the_app_would_not_answer():
    """A status change along the sweep ("-> not skin") is visible on the chart, not only in the summary line."""
    a = hand_built()
    probs = np.array([list(a.probabilities.values())] * 5)
    statuses = ["ok", "uncertain", "uncertain", "ok", "not_skin"]
    sweep = robustness.SweepResult("blur", [0.0, 1.0, 2.0, 3.0, 4.0], list(a.classes), probs, [0.1] * 5, statuses,
                                   ["melanoma"] * 5, [[]] * 5)
    fig = charts.sweep_lines(sweep, "ko", "Blur", current=1.0)
    rects = [sh for sh in fig.layout.shapes if sh.type == "rect"]
    assert [(sh.x0, sh.x1) for sh in rects] == [(0.5, 2.5), (3.5, 4.0)]
    assert rects[0].fillcolor != rects[1].fillcolor  # a hedge does not look like a refusal
    assert all(sh.line.width > 0 for sh in rects)  # neighbouring bands stay apart
    labels = [an.text for an in fig.layout.annotations]
    assert sorted(labels) == sorted([status_name("uncertain", "ko"), status_name("not_skin", "ko")])
    assert fig.data[-1].name == t("chart.current", "ko")  # in the legend, so it never overlaps a band's label
    assert fig.layout.yaxis.range[1] > 1.1  # headroom: the labels sit above every line


def test_a_blurry_photo_refused_as_not_skin_is_named_too_blurry_everywhere():
    """The Analyze page says "too blurry to tell whether this is skin"; the What-if sweep, its answers and the
    compare table name that status the same way, not "not skin"."""
    assert status_name("not_skin", "en", ["blurry"]) == t("status.name.not_skin_blurry", "en") == "too blurry to tell"
    assert status_name("not_skin", "ko", ["too_small", "blurry"]) == status_name("not_skin", "ko")  # size first
    assert status_name("uncertain", "en", ["blurry"]) == status_name("uncertain", "en")
    # what to fix first: darkness (it blurs too), and no "too blurry" for colours that are plainly not skin
    assert status_name("not_skin", "en", ["blurry", "too_dark"]) == "too dark to tell"
    assert status_name("not_skin", "en", ["blurry", "not_skin"]) == status_name("not_skin", "en") == "not skin"
    dark = dataclasses.replace(hand_built("not_skin"), malignancy_score=0.0, quality=quality.QualityReport(
        300, 300, 5.0, 20.0, 0.5, (quality.Issue("blurry", "blurry", False), quality.Issue("too_dark", "dark", False))))
    screen = uh.status_screen(dark, "ko")
    assert (screen.title, screen.body) == (t("status.not_skin.title_dark", "ko"), t("status.not_skin.body_dark", "ko"))
    assert uh.status_quality_reasons(dark, "en") == [t("quality.blurry", "en")]  # the screen already says "dark"
    a = hand_built()
    probs = np.array([list(a.probabilities.values())] * 3)
    sweep = robustness.SweepResult("blur", [0.0, 6.0, 12.0], list(a.classes), probs, [0.1] * 3,
                                   ["ok", "not_skin", "not_skin"], ["melanoma", None, None], [[], ["blurry"], ["blurry"]])
    blurry = t("status.name.not_skin_blurry", "ko")
    assert uh.sweep_answers(sweep, "ko") == [class_name("melanoma", "ko"), blurry]
    assert [an.text for an in charts.sweep_lines(sweep, "ko", "Blur").layout.annotations] == [blurry]


def test_sweep_quality_caption_skips_values_refused_as_not_skin():
    """The caption promises a 'go on' choice, which a not-skin refusal does not offer."""
    a = hand_built()
    probs = np.array([list(a.probabilities.values())] * 3)
    sweep = robustness.SweepResult("blur", [0.0, 2.0, 4.0], list(a.classes), probs, [0.1] * 3,
                                   ["ok", "uncertain", "not_skin"], ["melanoma", "melanoma", None],
                                   [[], ["blurry"], ["blurry", "dark"]])
    assert uh.sweep_quality_values(sweep) == ["2"]


def test_an_unknown_condition_with_high_cancer_scores_is_not_called_unlike_every_condition():
    """The "other" memo says the photo resembles none of the known conditions; beside a cancer banner raised by its
    scores it says both things instead (page and PDF share these sections)."""
    memo = knowledge.memo("other", "ko")
    calm = uh.memo_sections(memo, "ko", urgency="soon")[0][1]
    loud = uh.memo_sections(memo, "ko", urgency="urgent", scores=True)[0][1]
    assert calm == [memo.summary] and loud == [t("memo.other_summary_scores", "ko")]
    acne = knowledge.memo("acne", "en")
    assert uh.memo_sections(acne, "en", urgency="urgent", scores=True)[0][1] == [acne.summary]


def test_the_json_memo_says_what_the_page_says_about_an_unknown_condition_with_cancer_scores():
    a = hand_built("out_of_scope")
    assert a.memo.condition == "other" and pipeline.scores_urgent(a)
    page = uh.memo_sections(a.memo, "en", urgency=a.urgency, red_flags=a.red_flags, scores=True)[0][1]
    assert a.to_dict()["memo"]["summary"] == page[0] == t("memo.other_summary_scores", "en")


def test_streamlits_own_widget_words_are_replaced_in_korean_only():
    from skin_core.i18n import t
    from skin_core.ui_helpers import widget_words_css

    assert widget_words_css("en") == ""
    css = widget_words_css("ko")
    for key in ("browse", "take", "clear"):
        assert f'content: "{t(f"input.{key}_button", "ko")}"' in css
    assert css.count("{") == css.count("}") and "stFileUploaderDropzoneInstructions" in css
