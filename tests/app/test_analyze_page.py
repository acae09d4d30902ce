"""Analyze page (AppTest): real photos through the real models, rejection screens, language, caching."""
import io

import numpy as np
import pytest
from PIL import Image

from skin_core import images, knowledge, pipeline, registry, ui_helpers
from skin_core.i18n import class_name, t

from .conftest import RUN_TIMEOUT, switch
from .helpers import CANCER, CONFIDENT, UNKNOWN, UNKNOWN_WITH_CANCER_SCORES, UNSURE, document_png, frame_with, photo_bytes, real_record, texts


def _upload(at, name: str, data: bytes, mime: str = "image/jpeg"):
    at.file_uploader(key="upload").set_value((name, data, mime))
    at.run(timeout=RUN_TIMEOUT)
    assert not at.exception, at.exception
    return at


def _last_analysis(at):
    cache = at.session_state["analyses"]
    return cache[next(reversed(cache))]


def _jpeg(data: bytes, **transform) -> bytes:
    img = Image.open(io.BytesIO(data)).convert("RGB")
    if "brightness" in transform:
        img = Image.fromarray((np.asarray(img, np.float32) * transform["brightness"]).astype(np.uint8))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=92)
    return buf.getvalue()


def test_first_screen_asks_for_a_photo(app):
    assert app.title[0].value == "Analyze a skin photo"
    assert any("Add a photo" in i.value for i in app.info)
    names = ui_helpers.classifier_names()
    assert names, "no classifier in weights/"
    box = app.selectbox(key="model_en")
    assert box.value == names[0]
    unseen = registry.read_card(names[0])["test_metrics_unseen"]["accuracy"]
    assert f"{100 * unseen:.1f}% on unseen photos" in box.options[0]  # the fairer figure for a new photo
    assert "never saw in training" in box.help  # what the percentage means
    assert app.file_uploader(key="upload").allowed_type == list(images.SUFFIXES)  # every format the loader reads


def test_corrupt_upload_shows_the_loaders_message(app):
    _upload(app, "broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 200)
    errors = [e.value for e in app.error]
    assert errors and errors[0].startswith("**Cannot analyse this file.**")
    assert "cannot be read" in errors[0] or "not an image" in errors[0]
    assert not app.get("plotly_chart") and not any("Looks most like" in i.value for i in app.info)


@pytest.mark.slow
def test_a_file_that_cannot_be_read_takes_the_previous_photo_off_the_what_if_page(app):
    """What-if uses the Analyze page's photo: after a real photo, then a broken file, it must not go on showing the
    first photo (and its warnings) as if it were the one on the Analyze page."""
    _upload(app, *photo_bytes(*CONFIDENT))
    assert app.session_state["current_photo"]
    _upload(app, "broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 200)
    assert app.error and "current_photo" not in app.session_state
    app.switch_page("pages/what_if.py").run(timeout=RUN_TIMEOUT)
    assert not app.exception
    assert t("whatif.pick_sample_unreadable", "en") in [i.value for i in app.info]
    assert not any(c.value == t("whatif.current", "en") for c in app.caption)


def test_text_file_renamed_to_png_is_refused(app):
    _upload(app, "notes.png", b"just some text, not a photo\n" * 20, "image/png")
    assert app.error and "Cannot analyse this file" in app.error[0].value


@pytest.mark.slow
def test_real_photo_shows_label_probabilities_heatmap_and_memo(app):
    name, data = photo_bytes(*CONFIDENT)
    _upload(app, name, data)
    a = _last_analysis(app)
    assert a.status == "ok" and a.label == CONFIDENT[0], (a.status, a.label, a.top3)
    assert any(f"Looks most like: {class_name(a.label, 'en')}" in i.value for i in app.info)
    shown = texts(app)
    for c, _ in a.top3:
        assert class_name(c, "en") in shown  # the top-3 differential
    assert app.get("plotly_chart"), "probability chart missing"
    assert len(app.image) >= 2, "photo with outline and Grad-CAM overlay expected"
    for img in app.image:  # accessible: every image has a caption and alt text
        assert img.captions[0] and img.proto.imgs[0].alt
    memo = knowledge.memo(a.label, "en")
    assert memo.name in shown and memo.disclaimer in shown
    assert app.get("download_button"), "PDF download missing"
    assert not any("Possible skin cancer" in e.value for e in app.error) or a.urgency == "urgent"
    if ui_helpers.abc_rows(a, "en"):  # shape numbers never stand without saying they cannot rule melanoma out
        assert t("result.abc.caveat", "en") in texts(app, "caption")


@pytest.mark.slow
def test_possible_cancer_shows_the_loud_banner(app):
    name, data = photo_bytes(*CANCER)
    _upload(app, name, data)
    a = _last_analysis(app)
    assert a.urgency == "urgent", (a.status, a.top3)
    banner = knowledge.cancer_banner("en")
    assert any(banner["title"] in e.value for e in app.error)
    assert "healthy" not in texts(app).lower()


@pytest.mark.slow
def test_uncertain_shows_the_differential_but_no_label(app):
    name, data = photo_bytes(*UNSURE)
    _upload(app, name, data)
    a = _last_analysis(app)
    assert a.status == "uncertain", (a.status, a.top3)
    assert any("The model is not sure" in w.value for w in app.warning)
    assert not any("Looks most like" in i.value for i in app.info)
    shown = texts(app)
    for c, _ in a.top3:
        assert class_name(c, "en") in shown
    # the differential is one numbered list, with no bullet in front of its numbers
    assert [m.value for m in app.markdown if m.value.startswith("1. ")] == ["\n".join(ui_helpers.top3_lines(a, "en"))]
    assert not any(m.value.startswith("- 1. ") for m in app.markdown)
    assert app.get("plotly_chart")
    assert knowledge.memo("uncertain", "en").name in shown


@pytest.mark.slow
def test_unknown_condition_is_out_of_scope_without_probabilities(app):
    name, data = photo_bytes(*UNKNOWN)
    _upload(app, name, data)
    a = _last_analysis(app)
    assert a.status == "out_of_scope", (a.status, a.ood_score)
    assert any("Not one of the conditions this model knows" in i.value for i in app.info)
    assert not any("Looks most like" in i.value for i in app.info)
    assert not app.get("plotly_chart"), "no probabilities for a photo the model does not know"
    assert not any(m.value.startswith("1. ") for m in app.markdown)
    assert knowledge.memo("other", "en").name in texts(app)


@pytest.mark.slow
def test_unknown_condition_under_the_cancer_banner_shows_the_scores_behind_it(app):
    """'Not a known condition' beside 'melanoma + BCC 91 %' must show where that figure comes from, and must not sit
    in a calm blue box under the red banner."""
    name, data = photo_bytes(*UNKNOWN_WITH_CANCER_SCORES)
    _upload(app, name, data)
    a = _last_analysis(app)
    assert a.status == "out_of_scope" and a.cancer_banner and pipeline.scores_urgent(a), (a.status, a.ood_score)
    assert any(t("status.out_of_scope.title", "en") in w.value for w in app.warning)
    assert not any(t("status.out_of_scope.title", "en") in i.value for i in app.info)
    shown = [m.value for m in app.markdown]
    assert f"**{t('result.cancer_scores', 'en')}**" in shown
    assert "\n".join(f"- {line}" for line in ui_helpers.cancer_score_lines(a, "en")) in shown
    assert not app.get("plotly_chart")  # still no label and no full probability chart


@pytest.mark.slow
def test_document_is_not_skin(app):
    _upload(app, "page.png", document_png(), "image/png")
    a = _last_analysis(app)
    assert a.status == "not_skin"
    assert any("does not look like a photo of skin" in w.value for w in app.warning)
    assert not any("does not look like a photo of skin" in m.value for m in app.markdown)  # said once, not twice
    assert not any("Looks most like" in i.value for i in app.info)
    assert not app.get("plotly_chart") and not app.get("download_button")
    assert not app.checkbox, "not-skin cannot be overridden"


@pytest.mark.slow
def test_dark_photo_is_refused_then_analysed_anyway(app):
    name, data = photo_bytes(*CONFIDENT)
    _upload(app, "dark.jpg", _jpeg(data, brightness=0.3))
    a = _last_analysis(app)
    assert a.status == "poor_quality", a.quality.issues
    assert any("too dark" in m.value for m in app.markdown)
    assert not app.get("plotly_chart")
    box = app.checkbox[0]
    assert box.label.startswith("Analyse anyway")
    box.check().run(timeout=RUN_TIMEOUT)
    assert not app.exception
    a = _last_analysis(app)
    assert a.status != "poor_quality"
    assert any("Quality warnings were overridden" in c.value for c in app.caption)


@pytest.mark.slow
def test_widget_changes_do_not_rerun_the_model(app, monkeypatch):
    calls = []
    real = pipeline.analyze
    monkeypatch.setattr(pipeline, "analyze", lambda *a, **k: calls.append(1) or real(*a, **k))
    name, data = photo_bytes(*CONFIDENT)
    _upload(app, name, data)
    assert len(calls) == 1
    app.slider(key="heat_opacity").set_value(0.8)
    app.selectbox(key="cmap_en").set_value("cividis")
    app.radio(key="mask_view_en").set_value("mask")
    app.run(timeout=RUN_TIMEOUT)
    assert not app.exception and len(calls) == 1


@pytest.mark.slow
def test_camera_photo_in_korean(app):
    app.radio(key="lang").set_value("ko").run()
    assert app.title[0].value == "피부 사진 분석"
    assert t("input.waiting", "ko") in [i.value for i in app.info]
    app.radio(key="source_ko").set_value("camera").run()
    waiting = [i.value for i in app.info]  # the camera's own instructions, not the uploader's 15 MB rule
    assert t("input.waiting.camera", "ko") in waiting and t("input.waiting", "ko") not in waiting
    _, data = photo_bytes(*CONFIDENT)
    app.camera_input[0].set_value(("shot.jpg", _jpeg(data), "image/jpeg"))
    app.run(timeout=RUN_TIMEOUT)
    assert not app.exception
    a = _last_analysis(app)
    assert a.lang == "ko" and a.memo is not None
    assert a.status == "ok" and a.label == CONFIDENT[0], (a.status, a.top3)  # a re-encoded copy of the acne photo
    assert any(f"가장 비슷한 질환: {class_name(a.label, 'ko')}" in i.value for i in app.info)
    shown = texts(app)
    assert knowledge.memo(a.label, "ko").name in shown
    assert knowledge.disclaimer("ko") in shown
    assert "보정된 확률" in shown and app.get("plotly_chart")


@pytest.mark.slow
def test_heic_upload_and_compare_all_models(app):
    import pillow_heif

    rec = real_record(*CONFIDENT)
    heif = pillow_heif.from_pillow(Image.open(rec.path()).convert("RGB"))
    buf = io.BytesIO()
    heif.save(buf, quality=90)
    _upload(app, "photo.heic", buf.getvalue(), "image/heic")
    a = _last_analysis(app)
    # the same picture as the JPEG on disk, re-encoded lossily: same answer, probabilities within 0.02
    ref = pipeline.analyze(rec.path().read_bytes(), a.classifier)
    assert (a.status, a.label) == (ref.status, ref.label) == ("ok", CONFIDENT[0]), (a.status, a.top3, ref.top3)
    assert set(a.probabilities) == set(ref.probabilities)
    diff = max(abs(a.probabilities[c] - ref.probabilities[c]) for c in ref.probabilities)
    assert diff < 0.02, f"HEIC and JPEG of the same photo differ by {diff:.4f} in a probability"
    assert any(f"Looks most like: {class_name(a.label, 'en')}" in i.value for i in app.info)
    app.toggle(key="compare").set_value(True).run(timeout=RUN_TIMEOUT)
    assert not app.exception
    table = frame_with(app, "Model")
    assert list(table["Model"]) == ui_helpers.classifier_names()
    levels = {t(f"urgency.short.{lv}", "en"): lv for lv in knowledge.URGENCY_LEVELS}
    louder = [m for m, u in zip(table["Model"], table["Urgency"])
              if knowledge.urgency_rank(levels[u]) > knowledge.urgency_rank(a.urgency)]
    warned = [w.value for w in app.warning if "The models disagree on how urgent" in w.value]
    assert bool(warned) == bool(louder), (louder, warned)  # a louder model is named, never silently outvoted
    for m, u in zip(table["Model"], table["Urgency"]):  # each louder model with its own level, as in the table
        assert any(f"{m}: {u}" in w for w in warned) == (m in louder), (m, u, warned)
    assert all(s.endswith("%") or s == "–" for s in table["Melanoma + BCC"])  # why a model is urgent


def test_pages_switch_and_keep_the_language(app):
    switch(app, "pages/conditions.py", lang="ko")
    assert app.title[0].value == "질환 정보 모음"
    switch(app, "pages/analyze.py")
    assert app.title[0].value == "피부 사진 분석"


def test_the_language_lives_in_the_link_so_a_reload_keeps_it():
    """A reload starts a new session: ?lang=ko (set when the user picks Korean) brings Korean back; English links
    carry no parameter."""
    from streamlit.testing.v1 import AppTest

    from .conftest import APP

    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT)
    at.run()
    assert "lang" not in at.query_params
    at.radio(key="lang").set_value("ko").run()
    assert at.query_params["lang"] == "ko"
    reloaded = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT)
    reloaded.query_params["lang"] = "ko"
    reloaded.run()
    assert not reloaded.exception and reloaded.title[0].value == "피부 사진 분석"
    reloaded.radio(key="lang").set_value("en").run()
    assert "lang" not in reloaded.query_params and reloaded.title[0].value != "피부 사진 분석"
