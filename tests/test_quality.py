import cv2
import numpy as np
import pytest
import skimage.data

from skin_core import data, images, quality
from tests import hostile
from tests.conftest import needs_data


def _rgb(name):
    a = getattr(skimage.data, name)()
    if a.ndim == 2:
        a = np.stack([a] * 3, -1)
    return np.ascontiguousarray(a[..., :3])


@pytest.mark.parametrize("factor", [1.0, 0.3])
@pytest.mark.parametrize("name", ["text", "page", "rocket", "hubble_deep_field", "colorwheel"])
def test_non_skin_images_are_blocked(name, factor):
    """Also when dim: brightening a photo for the colour rule must not turn a rocket's colours into skin's."""
    rgb = np.clip(_rgb(name) * factor, 0, 255).astype(np.uint8)
    rep = quality.check(rgb)
    assert not rep.is_skin, rep.skin_fraction
    assert any(i.code == "not_skin" and i.blocking for i in rep.issues)


def test_exposure_normalisation_brightens_only_dim_photos():
    bright = np.full((8, 8, 3), 200, np.uint8)
    assert quality.exposure_normalised(bright) is bright
    dim = np.full((8, 8, 3), 26, np.uint8)
    assert abs(float(quality.exposure_normalised(dim).mean()) - quality.EXPOSURE_REF) < 1


@needs_data
def test_a_dim_skin_photo_keeps_its_skin_colours():
    """Darkening shrinks chroma with brightness: without exposure normalisation a melanoma at mean brightness 47 (just
    above "too dark") fell out of the skin colour range and was refused with no warning. Every dermnet melanoma in
    val darkened so still passes the colour rule, with most of its skin pixels."""
    recs = [r for r in data.read_manifest() if r.split == "val" and r.label == "melanoma" and r.source == "dermnet-11"]
    assert len(recs) >= 10
    for r in recs:
        rgb = images.load_image(r.path())
        before = quality.check(rgb)
        dim = np.clip(rgb.astype(np.float32) * (47 / before.brightness), 0, 255).astype(np.uint8)
        after = quality.check(dim)
        assert after.brightness > quality.DARK_MAX, after.brightness
        assert after.is_skin == before.is_skin and after.skin_fraction > 0.75 * before.skin_fraction, r.file


def test_synthetic_skin_passes():
    rep = quality.check(hostile.skin_like())
    assert rep.ok, rep.issues


def test_blur_dark_bright_and_small_are_soft_issues():
    rgb = hostile.skin_like()
    blurred = cv2.GaussianBlur(rgb, (0, 0), 8)
    assert "blurry" in {i.code for i in quality.check(blurred).issues}
    dark = (rgb * 0.12).astype(np.uint8)
    assert "too_dark" in {i.code for i in quality.check(dark).issues}
    bright = np.full_like(rgb, 250)
    assert "too_bright" in {i.code for i in quality.check(bright).issues}
    small = images.resize(rgb, 64)
    rep = quality.check(small)
    assert "too_small" in {i.code for i in rep.issues}


def test_only_darkness_can_hide_skin_from_the_colour_rule():
    """A refusal is "cannot tell" when blur or darkness may explain it: either for the photo check, only darkness
    for the colour rule (a blurred blue sky keeps its colour)."""
    def report(*codes):
        return quality.QualityReport(300, 300, 10.0, 100.0, 0.5, tuple(quality.Issue(c, c, c == "not_skin")
                                                                      for c in codes))
    assert not report().may_hide_skin and not report("not_skin").may_hide_skin
    assert report("blurry").may_hide_skin and report("too_dark").may_hide_skin
    assert not report("too_small").may_hide_skin and not report("too_bright").may_hide_skin  # a small cat stays a cat
    assert not report("blurry", "not_skin").may_hide_skin
    assert report("too_dark", "not_skin").may_hide_skin


@needs_data
def test_real_clinical_photos_pass_as_skin():
    recs = [r for r in data.read_manifest() if r.split == "test" and r.source in ("dermnet-11", "fitzpatrick")]
    recs = recs[:: max(1, len(recs) // 120)]
    reps = [quality.check(images.load_image(r.path())) for r in recs]
    skin = np.mean([r.is_skin for r in reps])
    ok = np.mean([r.ok for r in reps])
    assert skin >= 0.95, skin
    assert ok >= 0.85, ok


def test_quality_rates_split_by_source_and_skin_group():
    from skin_core.training.measure_quality import rates

    rows = [("a", "I-II", {"blurry"}), ("a", "V-VI", set()), ("b", None, {"not_skin", "too_dark"}), ("b", "V-VI", set())]
    r = rates(rows)
    assert r["all"]["n"] == 4 and r["all"]["blurry"] == 0.25 and r["all"]["not_skin"] == 0.25
    assert r["by_source"]["b"]["too_dark"] == 0.5 and r["by_source"]["a"]["not_skin"] == 0
    assert r["by_skin_group"]["V-VI"] == {"n": 2, "too_small": 0, "blurry": 0, "too_dark": 0, "too_bright": 0,
                                          "not_skin": 0}
    assert r["by_skin_group"]["III-IV"] is None


def test_committed_quality_rates_match_the_thresholds_in_code():
    """The committed record was measured with today's thresholds (rerun measure_quality when they change)."""
    import json

    from skin_core import quality
    from skin_core.training.measure_quality import OUT

    rec = json.loads(OUT.read_text())
    assert rec["thresholds"] == {"MIN_SIDE_OK": quality.MIN_SIDE_OK, "BLUR_MIN": quality.BLUR_MIN,
                                 "DARK_MAX": quality.DARK_MAX, "HIGHLIGHTS_MIN": quality.HIGHLIGHTS_MIN,
                                 "BRIGHT_MIN": quality.BRIGHT_MIN,
                                 "SKIN_MIN_FRACTION": quality.SKIN_MIN_FRACTION,
                                 "EXPOSURE_REF": quality.EXPOSURE_REF}
    assert rec["train"]["all"]["not_skin"] <= 0.01 and rec["val"]["all"]["not_skin"] <= 0.01
    for split in ("train", "val"):  # "too dark" must not be a verdict on dark skin: no skin-type group over 1.5 %
        for group, r in rec[split]["by_skin_group"].items():
            assert r is None or r["too_dark"] <= 0.015, (split, group, r)


def test_darkness_alone_is_not_called_blur():
    """The Laplacian's variance falls with the square of the exposure: a sharp photo at a fifth of its brightness is
    too dark, not blurry; a blurred one is still blurry when dark."""
    rgb = hostile.skin_like()
    sharp = quality.check(rgb)
    assert "blurry" not in sharp.codes
    dark = quality.check((rgb * 0.2).astype(np.uint8))
    assert dark.codes == ("too_dark",) and dark.blur > quality.BLUR_MIN, (dark.codes, dark.blur, sharp.blur)
    dark_blurred = quality.check((cv2.GaussianBlur(rgb, (0, 0), 8) * 0.2).astype(np.uint8))
    assert {"blurry", "too_dark"} <= set(dark_blurred.codes)


@needs_data
def test_an_under_exposed_photo_is_too_dark_by_its_highlights():
    """A melanoma at 45 % of its exposure has a mean brightness well above the "too dark" cut, but nothing in it is
    lit: its 99th-percentile luminance is under HIGHLIGHTS_MIN, so the Analyze page says it is too dark."""
    rec = next(r for r in data.read_manifest() if r.split == "val" and r.label == "melanoma")
    rgb = images.load_image(rec.path())
    assert "too_dark" not in quality.check(rgb).codes
    dim = quality.check((rgb * 0.45).astype(np.uint8))
    assert dim.brightness > quality.DARK_MAX and dim.highlights < quality.HIGHLIGHTS_MIN and "too_dark" in dim.codes
