"""Training-time augmentation helpers on constructed batches."""
import numpy as np

from skin_core import augment


def test_mixup_mixes_views_targets_and_weights_with_one_partner_and_one_weight():
    rng = np.random.default_rng(3)
    x = rng.random((8, 4, 4, 3)).astype(np.float32)
    y = np.eye(8, dtype=np.float32)  # row i is one-hot on i: the mixed targets reveal partner and weight
    w = np.arange(1, 9, dtype=np.float32)
    mx, my, mw = augment.mixup((x, y, w), 0.4, np.random.default_rng(0))
    assert np.allclose(my.sum(1), 1) and mx.dtype == np.float32 and mx.shape == x.shape
    partner = np.where(np.eye(8, dtype=bool), -1, my).argmax(1)  # the other photo in each row's target
    mixed = my[np.arange(8), partner] > 0
    assert mixed.sum() >= 6  # a shuffle leaves few rows on their own
    lam = np.diag(my)[mixed]
    assert np.allclose(lam, lam[0]) and 0.5 <= lam[0] < 1  # one weight per batch; each row stays mostly itself
    p = partner[mixed]
    assert np.allclose(mx[mixed], lam[0] * x[mixed] + (1 - lam[0]) * x[p], atol=1e-6)
    assert np.allclose(mw[mixed], lam[0] * w[mixed] + (1 - lam[0]) * w[p])
    assert np.allclose(mx[~mixed], x[~mixed]) and np.allclose(mw[~mixed], w[~mixed])  # fixed points

def test_mixup_is_repeatable_from_the_seed():
    x = np.random.default_rng(1).random((6, 3)).astype(np.float32)
    a = augment.mixup((x,), 0.2, np.random.default_rng(7))[0]
    b = augment.mixup((x,), 0.2, np.random.default_rng(7))[0]
    assert np.array_equal(a, b) and not np.array_equal(a, x)
