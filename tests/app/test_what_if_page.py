"""What-if page (AppTest): the real model on a real photo under brightness/colour/blur/rotation/crop changes."""
import numpy as np
import pytest

from skin_core import pipeline, robustness, ui_helpers
from skin_core.i18n import percent, status_name, t

from .conftest import RUN_TIMEOUT, switch
from .helpers import photo_bytes, texts


def _whatif_result(at, data: bytes, model: str, **settings) -> dict:
    """The page's cached prediction (pages/_ui.whatif_prediction) for `data` under `settings` (others neutral)."""
    key = (ui_helpers.digest(data), model, tuple(sorted({**robustness.neutral_settings(), **settings}.items())))
    store = at.session_state["whatif"]
    assert key in store, f"no what-if prediction for {settings or 'the original'}: {list(store)}"
    return store[key]


@pytest.mark.slow
def test_changes_move_the_prediction_and_the_sweep_plots_it(app):
    _, data = photo_bytes("acne", 0)
    app.session_state["current_photo"] = data  # as the Analyze page leaves it
    app.switch_page("pages/what_if.py").run(timeout=RUN_TIMEOUT)
    assert not app.exception, app.exception
    assert any("Analyze page" in c.value for c in app.caption)
    assert len(app.image) >= 2 and app.get("plotly_chart")
    assert any(m.value.startswith("Original:") for m in app.markdown)

    model = app.session_state["_whatif_model"]
    assert model == ui_helpers.classifier_names()[0]
    before = _whatif_result(app, data, model)
    # "Original" is exactly what the Analyze page's pipeline gives the same bytes with the same model
    ref = pipeline.analyze(data, model, allow_poor_quality=True, segment=False, explain_heatmap=False)
    assert set(before["probs"]) == set(ref.probabilities)
    for c, p in ref.probabilities.items():
        assert abs(before["probs"][c] - p) <= 1e-5, (c, before["probs"][c], p)
    assert before["status"] == ref.status and before["cancer"] == pipeline.scores_urgent(ref)
    warned = [e.value for e in app.error if "skin cancer" in e.value]
    assert warned == ([ui_helpers.whatif_cancer_warning(before, before, "en")] if before["cancer"] else []), warned

    app.slider(key="wi_brightness").set_value(0.3).run(timeout=RUN_TIMEOUT)
    assert not app.exception
    assert any("too dark" in w.value for w in app.warning)
    assert _whatif_result(app, data, model)["probs"] == before["probs"]  # the original is not recomputed
    after = _whatif_result(app, data, model, brightness=0.3)
    assert not np.array_equal(after["image"], before["image"])
    moved = max(abs(after["probs"][c] - before["probs"][c]) for c in before["probs"])
    assert moved > 0.01, f"a 70 % darker photo left every probability within {moved:.4f}"
    raw = [c.value for c in app.caption if "raw view" in c.value]  # bars for a photo Analyze would refuse say so
    refused = next((p for p in (after, before) if p["status"] not in ("ok", "uncertain")), None)
    assert raw == ([t("whatif.raw_view", "en", status=status_name(refused["status"], "en",
                                                                  refused["quality"].codes))] if refused else []), raw

    app.selectbox(key="wi_axis_en").set_value("rotation")
    app.button(key="wi_sweep").click().run(timeout=RUN_TIMEOUT)
    assert not app.exception
    shown = texts(app)
    assert "Probability of the top conditions vs Rotation" in shown
    assert "The answer" in shown
    assert len(app.get("plotly_chart")) == 2
    sweep = next(iter(app.session_state["sweeps"].values()))
    line = ui_helpers.sweep_cancer_warning(sweep, "en", t("whatif.t.rotation", "en"))  # where Analyze would warn
    assert [e.value for e in app.error if e.value.startswith("Possible skin cancer at")] == ([line] if line else [])

    app.radio(key="lang").set_value("ko").run(timeout=RUN_TIMEOUT)  # switching language keeps the work on screen
    assert not app.exception
    assert app.slider(key="wi_brightness").value == 0.3
    assert app.selectbox(key="wi_axis_ko").value == "rotation"
    assert len(app.get("plotly_chart")) == 2, "the sweep chart vanished with the language switch"
    app.radio(key="lang").set_value("en").run(timeout=RUN_TIMEOUT)

    app.slider(key="wi_blur").set_value(2.0).run(timeout=RUN_TIMEOUT)  # another setting: the old plot no longer fits
    assert len(app.get("plotly_chart")) == 1 and t("whatif.sweep_stale", "en") in texts(app, "info")

    app.button(key="wi_reset").click().run(timeout=RUN_TIMEOUT)
    assert app.slider(key="wi_brightness").value == robustness.TRANSFORMS["brightness"].neutral


@pytest.mark.slow
def test_a_possible_cancer_keeps_its_warning_on_the_what_if_page(app):
    """A melanoma the Analyze page bannered is bannered here too (both versions, in the page's language), with the
    score; the warning names only the version whose scores cross."""
    _, data = photo_bytes("melanoma", 2)
    app.session_state["current_photo"] = data
    switch(app, "pages/what_if.py", lang="ko")
    assert not app.exception, app.exception
    model = app.session_state["_whatif_model"]
    before = _whatif_result(app, data, model)
    ref = pipeline.analyze(data, model, segment=False, explain_heatmap=False)
    assert ref.cancer_banner and before["cancer"] and abs(before["malignancy"] - ref.malignancy_score) < 1e-5
    both = t("whatif.cancer", "ko", which=t("whatif.cancer.both", "ko"), p=percent(ref.malignancy_score))
    assert [e.value for e in app.error] == [both]
    changed = {"original": {**before, "cancer": False}, "changed": before}
    assert t("whatif.cancer.changed", "en") in ui_helpers.whatif_cancer_warning(changed["original"], before, "en")
    assert ui_helpers.whatif_cancer_warning(changed["original"], changed["original"], "en") is None


@pytest.mark.slow
def test_without_a_photo_offers_samples_in_korean(app):
    switch(app, "pages/what_if.py", lang="ko")
    assert app.title[0].value == "사진이 달랐다면?"
    from skin_core import config

    if config.data_available():
        assert app.selectbox(key="whatif_sample_ko").options
        assert any("원본:" in m.value for m in app.markdown)
    else:
        assert any("먼저 분석 페이지" in i.value for i in app.info)
