"""The cross-family ensemble measurement's keep rule, on constructed logits."""
import numpy as np

from skin_core.data import CLASSES, OTHER
from skin_core.training.measure_family_ensemble import bootstrap_share_better, macro_f1


def _rows_and_logits(rng, n=400, hit_rate=0.6):
    labels = list(rng.choice(list(CLASSES) + [OTHER], n))
    idx = [len(CLASSES) if lbl == OTHER else CLASSES.index(lbl) for lbl in labels]
    logits = rng.normal(0, 1, (n, len(CLASSES) + 1))
    hit = rng.random(n) < hit_rate
    logits[np.arange(n)[hit], np.array(idx)[hit]] += 5
    return [{"label": lbl} for lbl in labels], logits


def test_a_clearly_better_model_wins_nearly_every_resample_and_a_copy_never_does():
    rng = np.random.default_rng(0)
    rows, weak = _rows_and_logits(rng, hit_rate=0.5)
    y = np.array([len(CLASSES) if r["label"] == OTHER else CLASSES.index(r["label"]) for r in rows])
    strong = weak.copy()
    strong[np.arange(len(y)), y] += 5  # right on every photo
    assert macro_f1(strong, rows) > macro_f1(weak, rows) + 0.3
    assert bootstrap_share_better(weak, strong, rows, n=200) >= 0.99
    assert bootstrap_share_better(weak, weak, rows, n=200) == 0.0


def test_a_one_photo_difference_is_not_enough():
    rng = np.random.default_rng(1)
    rows, base = _rows_and_logits(rng)
    y = np.array([len(CLASSES) if r["label"] == OTHER else CLASSES.index(r["label"]) for r in rows])
    wrong = np.nonzero((base[:, : len(CLASSES)].argmax(1) != y) & (y < len(CLASSES)))[0]
    new = base.copy()
    new[wrong[0], y[wrong[0]]] += 20  # fixes a single photo
    assert macro_f1(new, rows) > macro_f1(base, rows)
    assert bootstrap_share_better(base, new, rows, n=200) < 0.95
