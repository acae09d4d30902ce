"""End-to-end fine-tuned Xception: it starts exactly where the committed exit-flow head stands, and only
blocks 4-14 and the dense learn."""
import numpy as np
import pytest

from skin_core import data, images
from skin_core.models import xception_derm as xd
from tests.conftest import needs_data

pytestmark = pytest.mark.slow


def _photos(n: int = 3) -> np.ndarray:
    recs = [r for r in data.read_manifest() if r.split == "val" and r.source == "dermnet-11"][::50][:n]
    return np.stack([images.resize(images.load_image(r.path()), xd.INPUT_SIZE) for r in recs]).astype(np.float32)


@needs_data
def test_whole_network_from_the_committed_head_reproduces_trunk_plus_head_on_real_photos():
    """The transplant of blocks 13-14 (the auto-named residual conv and batch-norm included) and the un-folded
    dense: the whole network's logits equal the shared trunk + the chosen member head + its dense rows."""
    import keras

    from skin_core.training.finetune_xception import committed_head

    head, suffix, kernel, bias = committed_head("xception_derm")
    assert suffix and kernel.shape == (2048, 12)
    full = xd.build_full_classifier(12, init_head=(head, suffix, kernel, bias))
    x = _photos()
    fmap = head(xd.build_trunk()(x, training=False)[xd.TRUNK_OUT], training=False)
    expected = keras.ops.convert_to_numpy(keras.ops.mean(fmap, axis=(1, 2))) @ kernel + bias
    got = np.asarray(full(x, training=False))
    np.testing.assert_allclose(got, expected, rtol=1e-3, atol=2e-3)
    assert len(set(got.argmax(1))) > 1 or got.std() > 0.1  # real, differing photos: not a constant output


def test_only_blocks_4_to_14_and_the_dense_are_trainable():
    import keras

    full = xd.build_full_classifier(12)
    trainable = {layer.name for layer in full.layers if layer.trainable and layer.weights}
    assert "logits" in trainable and "block4_sepconv1" in trainable and "block14_sepconv2" in trainable
    assert not trainable & {"block1_conv1", "block2_sepconv1", "block3_sepconv2"}
    assert not any(isinstance(full.get_layer(n), keras.layers.BatchNormalization) for n in trainable)
    assert full.get_layer(xd.FULL_CAM_LAYER).output.shape[1:] == (8, 8, 2048)


def test_end_to_end_verdicts_in_the_default_card_follow_their_rule():
    """Each recorded run is kept exactly when it beat the default in 95 % of paired val resamples, and a run that
    was not kept left no weights behind (the registry only lists what was kept)."""
    from skin_core import registry
    from skin_core.training.measure_family_ensemble import MIN_BOOTSTRAP_SHARE

    runs = registry.read_card("xception_derm").get("end_to_end_experiment", {})
    assert runs, "the end-to-end runs' verdicts are missing from the default's card"
    for command, run in runs.items():
        assert command == run["command"] and command.startswith("python -m skin_core.training.finetune_xception")
        assert run["kept"] == (run["val_bootstrap_share_better"]["end_to_end"] >= MIN_BOOTSTRAP_SHARE)
        best = max(run["val_macro_f1_by_epoch"].values())
        assert abs(best - run["val_macro_f1"]["end_to_end"]) < 0.02  # the best epoch, re-scored with its TTA
    if not any(r["kept"] for r in runs.values()):
        assert "xception_finetuned" not in registry.list_models()
