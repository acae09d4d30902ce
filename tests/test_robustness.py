"""What-if transforms: pure, size-preserving (except crop), neutral values are the identity."""
import numpy as np
import pytest

from skin_core import robustness
from tests.conftest import needs_data


@pytest.fixture
def rgb():
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (120, 160, 3), dtype=np.uint8)


def test_neutral_settings_are_the_identity(rgb):
    out = robustness.apply(rgb, robustness.neutral_settings())
    assert np.array_equal(out, rgb) and out is not rgb
    for name, tf in robustness.TRANSFORMS.items():
        assert np.array_equal(tf.fn(rgb, tf.neutral), rgb), name
        assert tf.lo <= tf.neutral <= tf.hi and tf.neutral in tf.grid, name


def test_each_transform_does_what_it_says(rgb):
    assert robustness.brightness(rgb, 0.5).mean() < rgb.mean() * 0.55
    warm = robustness.temperature(rgb, 1.0)
    assert warm[..., 0].mean() > rgb[..., 0].mean() and warm[..., 2].mean() < rgb[..., 2].mean()
    assert robustness.blur(rgb, 6).std() < rgb.std()
    assert robustness.rotate(rgb, 90).shape == rgb.shape
    assert robustness.crop(rgb, 0.5).shape == (60, 80, 3)
    for name, tf in robustness.TRANSFORMS.items():
        out = tf.fn(rgb, tf.hi)
        assert out.dtype == np.uint8 and out.ndim == 3, name
    assert np.array_equal(rgb, np.random.default_rng(0).integers(0, 256, (120, 160, 3), dtype=np.uint8))  # untouched


def test_crop_never_makes_a_photo_too_small_to_analyse():
    from skin_core import images

    small = np.zeros((100, 40, 3), np.uint8)
    assert robustness.crop(small, 0.3).shape == (images.MIN_SIDE, images.MIN_SIDE, 3)
    assert robustness.crop(small, 0.5).shape == (50, images.MIN_SIDE, 3)
    tiny = np.zeros((images.MIN_SIDE, images.MIN_SIDE, 3), np.uint8)
    assert robustness.crop(tiny, 0.3).shape == tiny.shape
    images.validate_array(robustness.apply(small, crop=robustness.TRANSFORMS["crop"].lo))


@pytest.mark.slow
def test_sweep_of_crop_on_a_small_photo_runs():
    from skin_core import registry

    photo = np.random.default_rng(1).integers(60, 200, (100, 100, 3), dtype=np.uint8)
    res = robustness.sweep(photo, "crop", registry.default_model("classification"))
    assert len(res.statuses) == len(robustness.TRANSFORMS["crop"].grid)


def test_unknown_transform_is_rejected(rgb):
    with pytest.raises(KeyError):
        robustness.apply(rgb, {"sharpen": 2})


@pytest.mark.slow
@needs_data
def test_sweep_runs_the_real_model_on_a_real_photo():
    from skin_core import data, images, registry

    rec = sorted(data.select(data.read_manifest(), split="test", sources=["dermnet-11"], labels=["acne"]),
                 key=lambda r: r.file)[0]
    photo = images.load_image(rec.path())
    res = robustness.sweep(photo, "brightness", registry.default_model("classification"))
    assert res.probabilities.shape == (len(robustness.TRANSFORMS["brightness"].grid), len(res.classes))
    assert np.allclose(res.probabilities.sum(axis=1), 1, atol=1e-4)
    assert len(res.statuses) == len(res.values) == len(res.quality_issues)
    assert "too_dark" in res.quality_issues[0]  # 0.3x brightness is what the Analyze page calls too dark
    assert len(res.top_classes(3)) == 3


@pytest.mark.slow
@needs_data
def test_a_sweep_of_a_melanoma_says_where_the_cancer_warning_holds():
    """Each swept value carries the Analyze page's cancer flag (`pipeline.scores_urgent`): a sure melanoma has it at
    the untouched setting, and the sweep's warning names exactly the flagged values."""
    from skin_core import images, pipeline, registry, ui_helpers
    from skin_core.i18n import t
    from tests.app.helpers import CANCER, real_record

    model = registry.default_model("classification")
    photo = images.load_image(real_record(*CANCER).path())
    res = robustness.sweep(photo, "blur", model, values=(0.0, 12.0))
    one = pipeline.analyze(photo, model, allow_poor_quality=True, segment=False, explain_heatmap=False)
    assert res.cancer[0] is True and pipeline.scores_urgent(one)
    assert len(res.cancer) == len(res.values) and res.cancer_values() == [v for v, c in zip(res.values, res.cancer) if c]
    line = ui_helpers.sweep_cancer_warning(res, "en", "Blur (px)")
    values = ", ".join(f"{v:g}" for v in res.cancer_values())
    assert line == t("whatif.sweep_cancer_all" if all(res.cancer) else "whatif.sweep_cancer", "en", axis="Blur (px)",
                     values=values, lo="0", hi="12")
