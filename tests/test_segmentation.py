import numpy as np
import pytest
from PIL import Image

from skin_core import data, images, registry, segmentation
from tests import hostile
from tests.conftest import needs_data


def _iou(a, b):
    return np.logical_and(a, b).sum() / max(np.logical_or(a, b).sum(), 1)


@pytest.mark.slow
@needs_data
def test_ph2_test_iou_with_real_model():
    card = registry.read_card("deeplabv3plus")
    recs = data.select(data.read_manifest(), split="test", sources=["ph2"])
    ious = []
    for r in recs:
        rgb = images.load_image(r.path())
        gt = np.asarray(Image.open(data.ph2_mask_path(r)).convert("L")) > 127
        res = segmentation.segment(rgb)
        assert res.mask.shape == gt.shape == rgb.shape[:2]
        assert set(np.unique(res.mask)) <= {0, 255}
        ious.append(_iou(res.mask > 0, gt))
    assert np.mean(ious) >= card["test_metrics"]["mean_iou"] - 0.03 >= 0.80, np.mean(ious)


@pytest.mark.slow
@needs_data
def test_clinical_photos_get_a_sensible_outline():
    recs = [r for r in data.read_manifest() if r.split == "test" and r.source == "dermnet-11"][::20][:12]
    for r in recs:
        rgb = images.load_image(r.path())
        res = segmentation.segment(rgb)
        assert res.mask.shape == rgb.shape[:2]
        if res.status != "none":
            assert 0.005 <= res.area_fraction <= 0.9, (r.file, res.area_fraction)
        assert res.status in ("ok", "fallback", "none") and (res.status == "ok" or res.message)


def test_measurements_on_shapes():
    circle = np.zeros((200, 200), np.uint8)
    yy, xx = np.mgrid[:200, :200]
    circle[(yy - 100) ** 2 + (xx - 100) ** 2 < 60 ** 2] = 255
    blob = circle.copy()
    blob[100:180, 100:190] = 255  # an asymmetric, irregular lesion
    rgb = hostile.skin_like(200, 200)
    mc, mb = segmentation.measure(rgb, circle), segmentation.measure(rgb, blob)
    assert mc["asymmetry"] < 0.05 < mb["asymmetry"]
    assert mc["border_irregularity"] < mb["border_irregularity"]
    assert 0 < mc["area_fraction"] < mb["area_fraction"] < 1


def test_outline_and_fill_keep_size():
    rgb = hostile.skin_like()
    mask = np.zeros(rgb.shape[:2], np.uint8)
    mask[50:150, 100:200] = 255
    assert segmentation.outline(rgb, mask).shape == rgb.shape
    assert segmentation.fill(rgb, mask).shape == rgb.shape
    assert not np.array_equal(segmentation.outline(rgb, mask), rgb)


def _skin_with(spots: list[tuple[int, int, int, tuple[int, int, int]]], h: int = 240, w: int = 320) -> np.ndarray:
    """A flat skin-coloured frame with filled discs (cx, cy, r, colour), slightly textured so it reads as a photo."""
    import cv2

    rgb = np.empty((h, w, 3), np.uint8)
    rgb[...] = (205, 150, 125)
    rgb = np.clip(rgb + np.random.default_rng(0).normal(0, 3, rgb.shape), 0, 255).astype(np.uint8)
    for cx, cy, r, colour in spots:
        cv2.circle(rgb, (cx, cy), r, colour, -1)
    return rgb


def test_the_colour_outline_prefers_the_central_spot_to_a_larger_one_in_a_corner():
    """A watermark or a label sits in a corner; the problem is what the person centred in the frame."""
    rgb = _skin_with([(160, 120, 22, (160, 75, 70)), (30, 215, 30, (170, 100, 90))])  # lesion; a bigger corner blob
    m = segmentation.colour_fallback(rgb) > 0
    ys, xs = np.nonzero(m)
    assert len(xs) and abs(xs.mean() / m.shape[1] - 0.5) < 0.1 and abs(ys.mean() / m.shape[0] - 0.5) < 0.1


def test_an_outline_only_in_a_corner_is_not_trusted():
    mask = np.zeros((240, 320), np.uint8)
    mask[190:235, 5:60] = 255  # the corner where a watermark lives
    assert not segmentation.centred(mask) and not segmentation.centred(np.zeros_like(mask))
    mask[100:140, 140:180] = 255
    assert segmentation.centred(segmentation.central_component(mask > 0) * 255)


@pytest.mark.slow
@needs_data
def test_the_dermnet_watermark_is_not_outlined_as_the_lesion():
    """A real test-split photo (a faint basal cell carcinoma) where the lesion model's most lesion-like region
    was the DermNet logo in the bottom-left corner: the outline the app draws is not there."""
    rec = next(r for r in data.read_manifest() if r.file.endswith("0015d1a7eae1117a.jpg"))
    rgb = images.load_image(rec.path())
    res = segmentation.segment(rgb)
    assert res.status == "none" or segmentation.centred(res.mask), res.message
    logo = np.zeros(rgb.shape[:2], bool)
    logo[int(0.6 * rgb.shape[0]):, :int(0.3 * rgb.shape[1])] = True  # where the logo is on this photo
    assert (res.mask[logo] > 0).mean() < 0.02
