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
