"""Does adding a from-scratch student to the fine-tuned Xception (logits = xception + w * student) help? On val.

Both members run as the app runs them (the Xception head on the cached trunk features of the 254 px photo, the
student on its own resize of the photo). w is chosen on val macro-F1; the combination would be worth building
into the app only if it beat the Xception alone in at least 95 % of paired bootstrap resamples of the val photos
(a gain of a point or two on a few hundred photos is noise). Records the result in the Xception's card
(`family_ensemble_experiment`).

    python -m skin_core.training.measure_family_ensemble --student custom_cnn
"""
from __future__ import annotations

import argparse

import numpy as np
from sklearn.metrics import f1_score

from .. import cards, evaluation
from .refit_decisions import _cache_logits, _image_logits

WEIGHT_GRID = tuple(round(0.1 * i, 1) for i in range(1, 11))
MIN_BOOTSTRAP_SHARE = 0.95


def macro_f1(logits: np.ndarray, rows: list[dict]) -> float:
    return evaluation.known_macro_f1(logits, [r["label"] for r in rows])


def bootstrap_share_better(base: np.ndarray, new: np.ndarray, rows: list[dict], n: int = 1000, seed: int = 0) -> float:
    """Share of paired bootstrap resamples of the known-class photos in which `new` beats `base` on macro-F1."""
    labels = [r["label"] for r in rows]
    (y, pb), (_, pn) = evaluation.known_top1(base, labels), evaluation.known_top1(new, labels)
    rng = np.random.default_rng(seed)
    wins = 0
    for _ in range(n):
        i = rng.integers(0, len(y), len(y))
        wins += f1_score(y[i], pn[i], average="macro") > f1_score(y[i], pb[i], average="macro")
    return wins / n


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--xception", default="xception_derm")
    ap.add_argument("--student", default="custom_cnn")
    args = ap.parse_args(argv)
    x_l, rows = _cache_logits(args.xception, "val")
    s_l, s_rows = _image_logits(args.student, "val")
    if [r["label"] for r in rows] != [r["label"] for r in s_rows]:
        raise RuntimeError("the val feature cache does not match the manifest; rebuild it")
    trials = {w: macro_f1(x_l + w * s_l, rows) for w in WEIGHT_GRID}
    weight = max(trials, key=lambda w: (trials[w], -w))  # ties: the smaller student weight
    share = bootstrap_share_better(x_l, x_l + weight * s_l, rows)
    result = {
        "student": args.student, "student_weight": weight,
        "val_macro_f1": {args.xception: macro_f1(x_l, rows), args.student: macro_f1(s_l, rows),
                         f"ensemble (w={weight})": trials[weight]},
        "weight_grid_val_macro_f1": {str(w): f for w, f in trials.items()},
        "val_bootstrap_share_better": share, "worth_building": share >= MIN_BOOTSTRAP_SHARE,
        "rule": f"worth building only if it beats {args.xception} in >= {MIN_BOOTSTRAP_SHARE:.0%} of 1,000 paired "
                "bootstrap resamples of the val photos (macro-F1)",
        "command": f"python -m skin_core.training.measure_family_ensemble --student {args.student}",
    }
    card = cards.read_card(args.xception)
    card.setdefault("family_ensemble_experiment", {})[args.student] = result
    cards.write_card(card)
    print(result)


if __name__ == "__main__":
    main()
