"""Grad-CAM sanity (Adebayo et al. 2018): a real image gives a non-constant map that changes with the weights."""
import numpy as np
import pytest

from skin_core import data, explain, images, registry
from tests.conftest import needs_data


def _photo():
    rec = [r for r in data.read_manifest() if r.split == "test" and r.label == "melanoma"][0]
    return images.load_image(rec.path())


def _randomised_corr(a, b):
    """Pearson correlation of two maps; a constant map (e.g. all-zero after the ReLU) shares no pattern: 0."""
    a, b = np.ravel(a), np.ravel(b)
    if a.std() == 0 or b.std() == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


# students carry a `cam_layer` for tf-keras-vis Grad-CAM; the trunk models compute a CAM in their forward pass
STUDENTS = [n for n in registry.list_models("classification") if registry.read_card(n).get("cam_layer")]
TRUNK_MODELS = [n for n in registry.list_models("classification") if n not in STUDENTS]


def test_both_heatmap_paths_have_a_model_to_check():
    """The two sanity tests below are parametrised over these lists: an empty list would make them vanish."""
    assert TRUNK_MODELS, f"no classifier with a forward-pass CAM in weights/ ({registry.list_models('classification')})"
    assert STUDENTS, f"no classifier with a `cam_layer` for Grad-CAM in weights/ ({registry.list_models('classification')})"
    assert registry.default_model("classification") in TRUNK_MODELS + STUDENTS


@pytest.mark.parametrize("name", TRUNK_MODELS)
@pytest.mark.slow
@needs_data
def test_xception_cam_is_informative_and_weight_dependent(name):
    clf = registry.load_model(name)
    x = clf.prepare(_photo())[None]
    cam = clf.predict_photos([_photo()], tta=False).cam[0]
    heat = explain.upsample(cam, 300, 400)
    assert heat.shape == (300, 400) and heat.std() > 0.05
    # model-randomisation test: the fine-tuned exit flow + dense layer re-initialised, same graph
    import keras

    xc = getattr(clf, "base", clf)  # the ensemble's heatmap is its Xception member's CAM
    keras.utils.set_random_seed(0)
    rand = keras.models.clone_model(xc.head)  # outputs [cam_fmap, logits] with fresh random weights
    fmap, logits = rand(xc.head_feed(xc.trunk_features(x, tta=False)))
    top = int(np.asarray(logits)[0, : len(clf.classes)].argmax())
    w = rand.get_layer("logits").get_weights()[0]
    cam_rand = np.maximum(np.asarray(fmap)[0] @ w[:, top], 0)
    assert _randomised_corr(cam, cam_rand) < 0.9


@pytest.mark.parametrize("name", STUDENTS)
@pytest.mark.slow
@needs_data
def test_student_gradcam_sanity(name):
    import keras

    clf = registry.load_model(name)
    x = clf.prepare(_photo())[None].astype(np.float32)
    idx = int(clf.predict(x.astype(np.uint8), tta=False).probabilities[0].argmax())
    cam = clf.gradcam(x, idx)[0]
    assert cam.std() > 0.01
    keras.utils.set_random_seed(0)  # the randomised model is the same on every run
    clone = keras.models.clone_model(clf.model)  # same graph, fresh random weights
    cam_rand = explain.gradcam(clone, x, idx, clf.cam_layer)[0]
    assert _randomised_corr(cam, cam_rand) < 0.9


def test_overlay_and_energy():
    rgb = np.full((100, 120, 3), 128, np.uint8)
    heat = np.zeros((100, 120), np.float32)
    heat[20:40, 30:60] = 1
    for cmap in explain.COLORMAPS:
        ov = explain.overlay(rgb, heat, 0.5, cmap)
        assert ov.shape == rgb.shape and not np.array_equal(ov, rgb)
    mask = np.zeros((100, 120), np.uint8)
    mask[20:40, 30:60] = 255
    assert explain.energy_inside(heat, mask) == pytest.approx(1.0)
