"""Greedy weight soup and batch-norm re-estimation (skin_core.training.weight_soup)."""
import numpy as np
import pytest

from skin_core.training import weight_soup


def test_average_is_elementwise_mean_and_keeps_dtype():
    a = [np.zeros((2, 3), np.float32), np.ones(4, np.float32)]
    b = [np.full((2, 3), 2, np.float32), np.full(4, 3, np.float32)]
    out = weight_soup.average([a, b])
    assert out[0].dtype == np.float32 and np.all(out[0] == 1) and np.all(out[1] == 2)
    with pytest.raises(ValueError):
        weight_soup.average([])


def test_greedy_soup_keeps_only_snapshots_that_raise_the_score():
    target = np.array([1.0, 1.0])
    score = lambda w: -float(np.abs(w[0] - target).sum())  # noqa: E731  (closer to target = better)
    start = [np.array([0.0, 2.0])]
    good = (0.9, [np.array([2.0, 0.0])])   # averaged with start lands exactly on target
    bad = (0.95, [np.array([9.0, 9.0])])   # best own score, but drags any average away
    soup, best, kept = weight_soup.greedy_soup(start, [bad, good], score)
    assert kept == [1] and best == 0.0 and np.allclose(soup[0], target)


def test_greedy_soup_of_no_useful_snapshot_is_the_start():
    start = [np.array([1.0])]
    soup, best, kept = weight_soup.greedy_soup(start, [(1.0, [np.array([5.0])])], lambda w: -abs(float(w[0][0]) - 1))
    assert kept == [] and best == 0.0 and soup[0][0] == 1.0


def test_recalibrated_batch_norm_holds_the_mean_statistics_of_the_batches():
    import keras

    inp = keras.Input((3,))
    model = keras.Model(inp, keras.layers.BatchNormalization()(keras.layers.Dense(3, use_bias=False)(inp)))
    rng = np.random.default_rng(0)
    batches = [rng.normal(5.0, 2.0, (16, 3)).astype(np.float32) for _ in range(6)]
    dense = model.layers[1]
    bn = model.layers[2]
    n = weight_soup.recalibrate_batch_norm(model, batches)
    feats = [np.asarray(dense(b)) for b in batches]
    assert n == 6 and bn.momentum == 0.99
    np.testing.assert_allclose(np.asarray(bn.moving_mean), np.mean([f.mean(0) for f in feats], 0), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(np.asarray(bn.moving_variance), np.mean([f.var(0) for f in feats], 0), rtol=1e-3)


def test_card_says_what_the_soup_kept_and_what_was_not_kept():
    from skin_core import cards

    card = dict(cards.read_card("custom_cnn"))
    card["weight_soup"] = {"members": ["committed"], "val_macro_f1": 0.5516, "val_macro_f1_committed": 0.5481,
                           "method": "greedy soup"}
    card["cycles_not_kept"] = [{"command": "c", "epochs": 0, "wall_time_s": 5, "val_macro_f1_peak": 0.5588,
                                "val_macro_f1_start": 0.5588, "weight_soup": {"val_macro_f1": 0.5579}}]
    text = cards.to_markdown(card)
    assert "committed weights with re-estimated batch-norm statistics: val macro-F1 0.5516 against 0.5481" in text
    assert "its weight soup (batch-norm re-estimated) scored 0.5579" in text
    card["weight_soup"]["members"] = ["committed", 3, 7]
    assert "averaged with epochs 3, 7 of the last cycle" in cards.to_markdown(card)
