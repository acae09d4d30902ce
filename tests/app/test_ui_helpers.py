"""The non-Streamlit formatting helpers and chart builders the pages use (hand-built analyses, no model)."""
import numpy as np
import plotly.graph_objects as go
import pytest

from skin_core import charts, robustness, ui_helpers as uh
from skin_core.i18n import class_name

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
    own = dict((h, body) for h, body, _ in uh.memo_sections(a.memo, "en"))["When to see a doctor"]
    assert own[0].startswith("Urgency: Routine")


def test_compare_rows_never_show_a_label_for_rejections():
    rows = uh.compare_rows({"a": hand_built("ok"), "b": hand_built("out_of_scope")}, "en")
    assert rows[0]["Answer"] == class_name("melanoma", "en")
    assert rows[1]["Answer"] == "(no single answer)" and rows[1]["Top probability"] == ""


def test_chart_builders_return_figures():
    a = hand_built()
    assert isinstance(charts.probability_bars(a.probabilities, "ko", highlight="melanoma"), go.Figure)
    assert isinstance(charts.compare_bars({"m1": a.probabilities, "m2": a.probabilities}, "en"), go.Figure)
    assert isinstance(charts.before_after_bars(a.probabilities, a.probabilities, "en"), go.Figure)
    cm = np.eye(11, dtype=int).tolist()
    fig = charts.confusion_heatmap(cm, list(a.classes), "en")
    assert np.allclose(np.asarray(fig.data[0].z).diagonal(), 1.0)
    bins = [{"lo": 0.5, "hi": 0.6, "n": 10, "confidence": 0.55, "accuracy": 0.5}]
    assert isinstance(charts.reliability_diagram(bins, "en"), go.Figure)
    assert isinstance(charts.roc_curve({"auroc": 0.8, "fpr": [0, 0.5, 1], "tpr": [0, 0.9, 1]}, "en"), go.Figure)
    assert isinstance(charts.group_accuracy_bars({"I-II": {"accuracy": 0.7, "n": 20}, "V-VI": {"accuracy": None, "n": 0}}, "en"), go.Figure)
    sweep = robustness.SweepResult("blur", [0.0, 4.0], list(a.classes),
                                   np.array([list(a.probabilities.values())] * 2), [0.1, 0.2], ["ok", "uncertain"],
                                   ["melanoma", "melanoma"], [[], ["blurry"]])
    fig = charts.sweep_lines(sweep, "en", "Blur", current=0.0)
    assert len(fig.data) == 3
    assert uh.sweep_answers(sweep, "en") == [class_name("melanoma", "en"), "uncertain"]


def test_image_errors_are_translated_in_korean():
    from skin_core import images

    err = images.CorruptImageError("The image file is damaged and cannot be read.")
    assert uh.image_error_text(err, "en") == str(err)
    assert "손상" in uh.image_error_text(err, "ko")
