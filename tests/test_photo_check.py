"""The skin-photo density check: its second look at dim photos (PhotoDensity.verdicts), on stubs and real photos."""
import numpy as np
import pytest

from skin_core import data, images, pipeline, quality, registry
from skin_core.photo_check import PhotoDensity
from tests.conftest import needs_data


def _maps(*values):
    """Trunk maps (N, 2, 2, 2) whose pooled feature is (v, 0): distance v from a density centred at 0."""
    return np.stack([np.full((2, 2, 2), 0.0) + np.array([v, 0.0]) for v in values]).astype(np.float32)


def test_only_a_dim_refused_photo_gets_a_second_look():
    density = PhotoDensity("stub", {}, np.zeros(2, np.float32), np.eye(2, dtype=np.float32), 1.0)
    photos = np.full((4, 8, 8, 3), 40, np.uint8)
    seen = []

    def encode(batch):  # the brightened photos come back near the centre
        seen.append(batch)
        return _maps(*([0.0] * len(batch)))

    dim, bright = quality.EXPOSURE_REF - 1, quality.EXPOSURE_REF + 1
    got = density.verdicts(_maps(0.5, 5.0, 5.0, 0.2), photos, [dim, dim, bright, bright], encode)
    assert got == [True, True, False, True]  # the bright far photo stays refused: no second look for it
    assert len(seen) == 1 and len(seen[0]) == 1  # one pass, for the one dim refused photo
    assert abs(float(seen[0].mean()) - quality.EXPOSURE_REF) < 2  # brightened to the reference exposure
    assert density.verdicts(_maps(0.5), photos[:1], [dim], encode) == [True] and len(seen) == 1  # no pass needed


@pytest.mark.slow
@needs_data
def test_a_dim_melanoma_is_not_refused_as_not_skin_but_a_dim_cup_of_coffee_is():
    """A val melanoma darkened to mean brightness 50 is refused by the density at its own exposure, and passes the
    app's check (brightened, it is plainly skin); a cup of coffee darkened the same way stays refused."""
    import skimage.data

    from skin_core.classifiers import shared_trunk_features
    from skin_core.models import xception_derm as xd

    rec = next(r for r in data.read_manifest() if r.file == "melanoma/e13601bf7057fb8a.jpg" and r.split == "val")
    photo = images.load_image(rec.path())
    dim = np.clip(photo * (50 / quality.check(photo).brightness), 0, 255).astype(np.uint8)
    density = registry.load_model("skin_photo_density", "photo_check")
    x = images.resize(dim, xd.INPUT_SIZE)[None].astype(np.float32)
    assert not density.is_skin_photo(shared_trunk_features(x, tta=False)["trunk_out"])[0]  # the density alone
    a = pipeline.analyze_batch([dim])[0]
    assert a.status != "not_skin" and a.quality.is_skin, (a.status, a.quality.codes)  # it gets an answer
    coffee = (skimage.data.coffee() * (50 / quality.check(skimage.data.coffee()).brightness)).astype(np.uint8)
    assert pipeline.analyze_batch([coffee])[0].status == "not_skin"
