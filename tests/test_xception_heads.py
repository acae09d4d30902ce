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


def test_a_head_for_382_px_maps_has_the_same_weights_as_one_for_254():
    """train_xception --size 382 trains on 24x24 maps: same layers and weight shapes, so it reads any scale."""
    from skin_core.training.cache_features import cache_prefix

    small = xd.build_classifier_head(12, init_from_sklesion=False)
    large = xd.build_classifier_head(12, init_from_sklesion=False, spatial=24)
    assert tuple(large.inputs[0].shape) == (None, 24, 24, 728)
    assert [w.shape for w in small.get_weights()] == [w.shape for w in large.get_weights()]
    large.set_weights(small.get_weights())
    x = np.random.default_rng(2).normal(0, 1, (2, 24, 24, 728)).astype(np.float32)
    assert np.asarray(large(x, training=False)).shape == (2, 12)
    assert cache_prefix(xd.TRUNK_OUT) == "trunk" and cache_prefix(xd.TRUNK_OUT, size=382) == "trunk382"
    assert cache_prefix(xd.MID_OUT, "sog", 382) == "mid382_sog"


def test_the_native_resolution_verdict_is_rendered_in_the_card():
    from skin_core import cards

    e = {"history": [{"epoch": 1, "val_macro_f1": 0.61}, {"epoch": 2, "val_macro_f1": 0.64}],
         "val_macro_f1": {"xception_derm at 254 px": 0.652, "xception_native at 382 px": 0.66},
         "val_bootstrap_share_better_than_254": {"xception_native at 382 px": 0.71},
         "val_bootstrap_share_mean_better_than_multiscale": 0.55,
         "ensemble_with_native_view": {"student_weights": {"custom_cnn": 0.1, "efficientnet_b0": 0.7},
                                       "val_macro_f1": 0.73, "committed_val_macro_f1": 0.722,
                                       "val_bootstrap_share_better_than_committed": 0.8,
                                       "val_split_half_gain_over_committed": {"mean": 0.004}},
         "rule": "replaces ... only if >= 95%", "kept": False, "command": "python -m x"}
    text = cards.to_markdown({**cards.read_card("xception_derm"), "native_resolution_experiment": e})
    assert "## A head trained on the photos at 382 px (val split)" in text
    assert "1 0.610, 2 0.640" in text and "ahead in 80.0% of resamples" in text and "kept: **no**" in text
