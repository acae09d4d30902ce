"""Xception heads: deeper heads copy sklesion's middle blocks exactly; folding heads equals their weighted mean."""
import numpy as np
import pytest

from skin_core.models import xception_derm as xd

pytestmark = pytest.mark.slow


def test_deeper_head_starts_from_sklesions_own_blocks_10_to_12():
    import keras

    trunk = xd.build_trunk()
    head = xd.build_classifier_head(12, from_block=10)
    assert [t.name for t in head.inputs] == [xd.MID_OUT]
    x = np.random.default_rng(0).uniform(0, 255, (2, xd.INPUT_SIZE, xd.INPUT_SIZE, 3)).astype(np.float32)
    feats = trunk(x, training=False)
    block12 = keras.Model(head.inputs, head.get_layer("block12_add").output)(feats[xd.MID_OUT], training=False)
    np.testing.assert_allclose(np.asarray(block12), np.asarray(feats[xd.TRUNK_OUT]), rtol=1e-4, atol=1e-3)


def test_folded_heads_equal_the_weighted_mean_of_their_logits():
    from skin_core.training.ensemble_xception import combine

    keras_seed = np.random.default_rng(1)
    a = xd.build_classifier_head(12, init_from_sklesion=False)
    b = xd.build_classifier_head(12, init_from_sklesion=False, from_block=10)
    for head in (a, b):
        head.set_weights([keras_seed.normal(0, 0.05, w.shape).astype(np.float32) for w in head.get_weights()])
    folded = combine([a, b], (0.3, 0.7))
    assert sorted(t.name for t in folded.inputs) == sorted([xd.TRUNK_OUT, xd.MID_OUT])
    assert folded.get_layer("cam_fmap") is not None and folded.get_layer("logits") is not None
    t = keras_seed.normal(0, 1, (3, 16, 16, 728)).astype(np.float32)
    m = keras_seed.normal(0, 1, (3, 16, 16, 728)).astype(np.float32)
    feed = [t, m] if folded.inputs[0].name == xd.TRUNK_OUT else [m, t]
    expected = 0.3 * np.asarray(a(t, training=False)) + 0.7 * np.asarray(b(m, training=False))
    np.testing.assert_allclose(np.asarray(folded(feed, training=False)), expected, rtol=1e-4, atol=1e-4)
