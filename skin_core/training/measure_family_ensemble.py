"""Does adding a from-scratch student to the fine-tuned Xception (logits = xception + w * student) help? On val.

Both members run as the app runs them (the Xception head on the cached trunk features of the 254 px photo, the
student on its own resize of the photo). w is chosen on val macro-F1; the combination would be worth building
into the app only if it beat the Xception alone in at least 95 % of paired bootstrap resamples of the val photos
(a gain of a point or two on a few hundred photos is noise). Records the result in the Xception's card
(`family_ensemble_experiment`).

    python -m skin_core.training.measure_family_ensemble --student custom_cnn
    python -m skin_core.training.measure_family_ensemble --student custom_cnn efficientnet_b0   # both at once
    python -m skin_core.training.measure_family_ensemble --student custom_cnn efficientnet_b0 --scales 254 382
      # the Xception's logits averaged over the photo at 254 and 382 px (multi-scale TTA), from the images

The chosen weights are judged on the same val photos they were chosen on, so the card also records a split-half
check: weights chosen on one half of val, gain measured on the other.
"""
from __future__ import annotations

import argparse
import itertools

import numpy as np
from sklearn.metrics import f1_score

from .. import cards, evaluation
from ..models.xception_derm import INPUT_SIZE
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


def combine(base: np.ndarray, students: list[np.ndarray], weights, idx: np.ndarray | None = None) -> np.ndarray:
    """base + sum(w * student) logits, on the photos `idx` (all by default)."""
    idx = slice(None) if idx is None else idx
    return base[idx] + sum(w * s[idx] for w, s in zip(weights, students))


def choose_weights(base: np.ndarray, students: list[np.ndarray], rows: list[dict], idx: np.ndarray | None = None):
    """The student weights (one per student, from WEIGHT_GRID, 0 allowed with several) with the best val macro-F1
    on the photos `idx` (all by default); ties go to the smaller total weight."""
    grid = WEIGHT_GRID if len(students) == 1 else (0.0, *WEIGHT_GRID)
    idx = np.arange(len(rows)) if idx is None else idx
    sub = [rows[i] for i in idx]
    trials = {ws: macro_f1(combine(base, students, ws, idx), sub)
              for ws in itertools.product(grid, repeat=len(students))}
    return max(trials, key=lambda ws: (trials[ws], -sum(ws))), trials


def split_half_gain(base: np.ndarray, students: list[np.ndarray], rows: list[dict], repeats: int = 10,
                    seed: int = 0, reference: np.ndarray | None = None) -> dict:
    """Out-of-sample check of the weight search: choose on one random half of val, score on the other half,
    against `reference` (default: the base alone)."""
    reference = base if reference is None else reference
    rng = np.random.default_rng(seed)
    gains = []
    for _ in range(repeats):
        perm = rng.permutation(len(rows))
        for fit, ev in ((perm[: len(rows) // 2], perm[len(rows) // 2:]), (perm[len(rows) // 2:], perm[: len(rows) // 2])):
            ws, _ = choose_weights(base, students, rows, fit)
            sub = [rows[i] for i in ev]
            gains.append(macro_f1(combine(base, students, ws, ev), sub) - macro_f1(reference[ev], sub))
    gains = np.array(gains)
    return {"mean": round(float(gains.mean()), 4), "share_positive": round(float((gains > 0).mean()), 3),
            "n_splits": len(gains)}


def experiment_key(students: list[str], scales: list[int]) -> str:
    """The card key of one combination: the students, and the Xception's scales when there is more than one."""
    key = "+".join(students)
    return key if len(scales) == 1 else f"{key}@{'+'.join(map(str, scales))}"


def multiscale_member_logits(xception: str, students: list[str], scales: list[int], split: str):
    """({member: 12 logits}, the Xception's logits at 254 px alone, rows) on one split, through the multi-scale
    ensemble's own prediction path (`member_logits` on the photos, as the app gives them)."""
    from .. import data, images, registry
    from ..classifiers import FamilyEnsembleClassifier

    card = {"classes": list(evaluation.CLASSES), "input_size": scales[0],
            "members": {"base": xception, "students": {n: 0.0 for n in students}, "scales": scales}}
    clf = FamilyEnsembleClassifier(registry.get_spec("family_ensemble"), card, registry.load_model(xception),
                                   {n: registry.load_model(n) for n in students})
    recs = [r for r in data.read_manifest() if r.split == split and r.source in data.CLASSIFIER_SOURCES]
    members, alone = [], []
    for i in range(0, len(recs), 16):
        photos = [images.load_image(r.path()) for r in recs[i:i + 16]]
        batch = np.stack([clf.prepare(im) for im in photos])
        trunk = clf.trunk_features(batch)  # one trunk pass at 254 px serves both
        members.append(clf.member_logits(batch, trunk, photos=photos)[0])
        alone.append(clf.base.head_outputs(batch, trunk)[0])
    rows = [{"label": r.label, "source": r.source, "skin_type": r.skin_type} for r in recs]
    return {k: np.concatenate([m[k] for m in members]) for k in members[0]}, np.concatenate(alone), rows


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--xception", default="xception_derm")
    ap.add_argument("--student", nargs="+", default=["custom_cnn"])
    ap.add_argument("--scales", nargs="+", type=int, default=[INPUT_SIZE],
                    help=f"photo sizes the Xception's logits are averaged over (multi-scale TTA); {INPUT_SIZE} first")
    args = ap.parse_args(argv)
    extra = {}
    if len(args.scales) == 1:
        x_l, rows = _cache_logits(args.xception, "val")
        students = []
        for name in args.student:
            s_l, s_rows = _image_logits(name, "val")
            if [r["label"] for r in rows] != [r["label"] for r in s_rows]:
                raise RuntimeError("the val feature cache does not match the manifest; rebuild it")
            students.append(s_l)
        reference = x_l
    else:
        members, reference, rows = multiscale_member_logits(args.xception, args.student, args.scales, "val")
        x_l, students = members[args.xception], [members[n] for n in args.student]
        extra = {"scales": args.scales,
                 "val_macro_f1_xception_254_alone": macro_f1(reference, rows),
                 "val_bootstrap_share_multiscale_xception_alone_better": bootstrap_share_better(reference, x_l, rows)}
    weights, trials = choose_weights(x_l, students, rows)
    share = bootstrap_share_better(reference, combine(x_l, students, weights), rows)
    key = experiment_key(args.student, args.scales)
    label = ", ".join(f"{n} x{w}" for n, w in zip(args.student, weights))
    scales_arg = "" if len(args.scales) == 1 else f" --scales {' '.join(map(str, args.scales))}"
    result = {
        "student": key, "student_weights": dict(zip(args.student, weights)),
        "val_macro_f1": {args.xception if len(args.scales) == 1 else f"{args.xception} at {args.scales}":
                         macro_f1(x_l, rows),
                         **{n: macro_f1(s, rows) for n, s in zip(args.student, students)},
                         f"ensemble ({label})": trials[weights]},
        "val_bootstrap_share_better": share, "worth_building": share >= MIN_BOOTSTRAP_SHARE,
        "val_split_half_gain": split_half_gain(x_l, students, rows, reference=reference),
        "rule": f"worth building only if it beats {args.xception} (254 px) in >= {MIN_BOOTSTRAP_SHARE:.0%} of "
                "1,000 paired bootstrap resamples of the val photos (macro-F1)",
        "command": f"python -m skin_core.training.measure_family_ensemble --student {' '.join(args.student)}"
                   + scales_arg,
        **extra,
    }
    if extra:  # against the committed single-scale ensemble of the same students too
        committed = cards.read_card("family_ensemble")["members"]["students"]
        if set(committed) == set(args.student):
            single = combine(reference, students, [committed[n] for n in args.student])
            result["val_macro_f1_committed_single_scale_ensemble"] = macro_f1(single, rows)
            result["val_bootstrap_share_better_than_committed_ensemble"] = bootstrap_share_better(
                single, combine(x_l, students, weights), rows)
    if len(students) == 1:
        result["student_weight"] = weights[0]
        result["weight_grid_val_macro_f1"] = {str(ws[0]): f for ws, f in trials.items()}
    card = cards.read_card(args.xception)
    card.setdefault("family_ensemble_experiment", {})[key] = result
    cards.write_card(card)
    print(result)


if __name__ == "__main__":
    main()
