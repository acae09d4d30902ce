"""Analyze page (AppTest): photos that are not skin (a sharp cup of coffee, a small blurred cat), through the real
models, are turned away as not skin: no condition named, no probabilities, no way to "analyse anyway", and nothing
left for the What-if page. (A sharp photo of scikit-image's cat is the learned photo check's known miss: README.)"""
import io

import cv2
import numpy as np
import pytest
import skimage.data
from PIL import Image

from skin_core import pipeline, ui_helpers
from skin_core.data import CLASSES, MALIGNANT
from skin_core.i18n import class_name, short_class_name, t

from .conftest import RUN_TIMEOUT
from .helpers import real_record, texts

pytestmark = pytest.mark.slow


def _jpeg(rgb: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="JPEG", quality=90)
    return buf.getvalue()


def cat() -> np.ndarray:
    """skimage's `chelsea`: a 451x300 photo of a cat."""
    return np.ascontiguousarray(skimage.data.chelsea())


def coffee() -> np.ndarray:
    """skimage's `coffee`: a 600x400 photo of a cup of coffee on a saucer, skin-coloured enough for the colour rule."""
    return np.ascontiguousarray(skimage.data.coffee())


def small_blurred_cat() -> np.ndarray:
    """The same cat at 100x66 px, Gaussian-blurred: the quality check also finds it too small and blurry."""
    small = cv2.resize(cat(), (100, 66), interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(small, (0, 0), sigmaX=2.0, sigmaY=2.0)


def blurred_skin() -> np.ndarray:
    """A real acne photo from the test split, Gaussian-blurred (sigma 8 px): skin, but past telling."""
    from skin_core import images

    return cv2.GaussianBlur(images.load_image(real_record("acne", 0).path()), (0, 0), sigmaX=8.0, sigmaY=8.0)


@pytest.mark.parametrize("name, photo, issues, warned", [
    ("coffee.jpg", coffee, set(), False),  # sharp: its scores do not count
    # too small or blurred to tell: the scores count, and these cross the cancer threshold (a banner that says "if
    # this is a spot on your skin": for a heavily blurred photo the price of not missing a blurred cancer)
    ("cat_small_blurred.jpg", small_blurred_cat, {"too_small", "blurry"}, True),
    ("acne_blurred.jpg", blurred_skin, {"blurry"}, True),  # told to retake it in focus, not only "not skin"
])
def test_a_photo_that_is_not_skin_cannot_be_analysed_anyway(app, name, photo, issues, warned):
    rgb = photo()
    app.file_uploader(key="upload").set_value((name, _jpeg(rgb), "image/jpeg"))
    app.run(timeout=RUN_TIMEOUT)
    assert not app.exception, app.exception
    cache = app.session_state["analyses"]
    a = cache[next(reversed(cache))]
    assert a.image.shape == rgb.shape
    assert issues <= {i.code for i in a.quality.issues}, a.quality.issues

    # the not-skin screen, and nothing that reads as an answer
    assert a.status == "not_skin" and a.label is None and a.memo is None, (a.status, a.top3)
    assert pipeline.scores_urgent(a) == warned and bool(a.cancer_banner) == warned, a.malignancy_score
    variant = "_small" if "too_small" in issues else "_blurry" if "blurry" in issues else ""
    body = t(f"status.not_skin.body{variant}" if not warned else "status.not_skin.body_urgent", "en",
             w=rgb.shape[1], h=rgb.shape[0])  # the size or blur may be why
    title = t("status.not_skin.title" + ("_blurry" if variant == "_blurry" or warned else ""), "en")
    assert any(title in w.value and body in w.value for w in app.warning), [w.value for w in app.warning]
    reasons = ui_helpers.status_quality_reasons(a, "en")
    assert [m.value for m in app.markdown if m.value.startswith("- ")][:len(reasons)] == [f"- {r}" for r in reasons]
    blur = ui_helpers.quality_reasons(a.quality, "en")
    assert (variant == "_blurry") == (len(reasons) < len(blur))  # the "too blurry" screen does not repeat itself
    assert not any("Looks most like" in i.value for i in app.info)
    assert not any(m.value.startswith("1. ") for m in app.markdown), "no top-3 differential for a cat"
    assert not app.get("plotly_chart"), "no probability chart for a cat"
    assert bool(app.get("download_button")) == warned, "a PDF only to carry a cancer warning"
    assert any(c.value == t("result.no_memo", "en") for c in app.caption)
    shown = texts(app, "title", "header", "subheader", "markdown", "caption", "success", "warning", "info")
    named = set(ui_helpers.cancer_score_lines(a, "en"))  # the scores behind a banner, and nothing else
    assert bool(named) == warned and all(line in shown for line in named)
    for c in CLASSES:  # (the cancer banner, an st.error, may mention melanoma in its ABCDE advice)
        if not (warned and c in MALIGNANT):
            assert class_name(c, "en") not in shown and short_class_name(c, "en") not in shown, c
    screen = ui_helpers.status_screen(a, "en")
    assert screen.kind == "warning" and screen.title == title
    assert len(app.image) == 1  # the photo itself, no outline or heatmap

    # not skin cannot be overridden, and nothing says quality warnings were overridden
    assert not app.checkbox, [c.label for c in app.checkbox]
    assert not any(t("quality.override", "en") in str(el.value) for el in app.markdown)
    assert not any(c.value.startswith("Quality warnings were overridden") for c in app.caption)

    # the What-if page gets no photo that was turned away
    assert "current_photo" not in app.session_state
    if not warned:  # it says why it has none (a refused photo), rather than "no photo analysed yet"
        app.switch_page("pages/what_if.py").run(timeout=RUN_TIMEOUT)
        assert not app.exception
        said = t("whatif.pick_sample_refused", "en", status=ui_helpers.status_name(a.status, "en", a.quality.codes))
        assert said in [i.value for i in app.info], [i.value for i in app.info]
