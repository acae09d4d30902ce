"""The photo checks (is it a skin photo?): their scores, their second look at dim photos (PhotoCheck.verdicts), on
stubs and real photos."""
import numpy as np
import pytest

from skin_core import data, images, pipeline, quality, registry
from skin_core.photo_check import LogisticPhotoCheck, PhotoDensity, pooled
from tests.conftest import needs_data


def _maps(*values):
    """Trunk maps whose block-12 map (N, 2, 2, 2) pools to (v, 0): distance v from a density centred at 0."""
    return {"trunk_out": np.stack([np.full((2, 2, 2), 0.0) + np.array([v, 0.0]) for v in values]).astype(np.float32)}


def test_only_a_dim_refused_photo_gets_a_second_look():
    density = PhotoDensity("stub", {}, 1.0, np.zeros(2, np.float32), np.eye(2, dtype=np.float32))
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


def test_pooled_statistics_read_each_named_map_and_statistic():
    rng = np.random.default_rng(1)
    maps = {"trunk_out": rng.random((2, 4, 4, 3)), "low_level": rng.random((2, 8, 8, 1))}
    row = pooled(maps, ["trunk_out:mean", "low_level:std"])
    assert row.shape == (2, 4)
    np.testing.assert_allclose(row[:, :3], maps["trunk_out"].mean(axis=(1, 2)), rtol=1e-5)
    np.testing.assert_allclose(row[:, 3], maps["low_level"].std(axis=(1, 2))[:, 0], rtol=1e-5)


def test_the_learned_check_refuses_above_its_threshold_and_gives_dim_photos_a_second_look():
    """Log-odds of "not skin" from the standardised spread of block 12: a flat map is skin, a busy one is not."""
    check = LogisticPhotoCheck("stub", {}, 0.0, ("trunk_out:std",), mean=np.array([1.0], np.float32),
                               scale=np.array([0.5], np.float32), coef=np.array([2.0], np.float32), intercept=0.0)

    def spread(*values):  # maps whose block-12 spread over space is v
        return {"trunk_out": np.stack([np.r_[np.zeros(2), np.full(2, 2 * v)].reshape(2, 2, 1) for v in values])}

    np.testing.assert_allclose(check.scores(spread(1.0, 2.0)), [0.0, 4.0], atol=1e-6)
    dim, bright = quality.EXPOSURE_REF - 1, quality.EXPOSURE_REF + 1
    photos = np.full((3, 8, 8, 3), 40, np.uint8)
    got = check.verdicts(spread(0.5, 3.0, 3.0), photos, [bright, dim, bright], lambda batch: spread(*[0.5] * len(batch)))
    assert got == [True, True, False]


def test_the_app_asks_the_learned_check_and_no_other(monkeypatch):
    """One check decides in the app: the registry's default photo check, the learned one."""
    asked = []

    class Stub:
        def verdicts(self, maps, photos, brightness, encode):
            return [maps["trunk_out"].shape[0] == len(photos)] * len(photos)  # maps cut to the batch, not its mirror

    monkeypatch.setattr(registry, "load_model", lambda name, task: asked.append((name, task)) or Stub())
    report = quality.check(np.full((64, 64, 3), (200, 150, 130), np.uint8))
    got = pipeline._photo_checks({"trunk_out": np.zeros((2, 2, 2, 2))}, np.zeros((2, 8, 8, 3), np.uint8)[:1], [report])
    assert got == [True] and asked == [("skin_photo_logistic", "photo_check")]


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
    assert not density.is_skin(shared_trunk_features(x, tta=False))[0]  # the density alone
    a = pipeline.analyze_batch([dim])[0]
    assert a.status != "not_skin" and a.quality.is_skin, (a.status, a.quality.codes)  # it gets an answer
    coffee = (skimage.data.coffee() * (50 / quality.check(skimage.data.coffee()).brightness)).astype(np.uint8)
    assert pipeline.analyze_batch([coffee])[0].status == "not_skin"


@pytest.mark.slow
def test_every_version_of_a_skin_coloured_micrograph_is_refused():
    """scikit-image's stained-tissue micrograph is pink and brown like skin: all 17 versions of it (crops, mirror,
    JPEG copies, blur...) pass the colour rule. Through the app the learned check refuses every one; the density it
    replaced let 5 of them through (README, "A learned check, second try")."""
    import skimage.data

    from skin_core.training import nonskin_photos

    versions = nonskin_photos.fixed_versions(skimage.data.immunohistochemistry())
    assert all(quality.check(v).is_skin for v in versions)  # the colour rule alone lets every one through
    out = pipeline.analyze_batch(versions)
    assert [a.status for a in out] == ["not_skin"] * 17
    assert all(a.to_dict()["label"] is None and a.cancer_banner is None for a in out)
