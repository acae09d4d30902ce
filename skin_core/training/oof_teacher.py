"""Out-of-fold teacher logits for distilling the from-scratch students.

The Xception head was fitted on the train photos, so on them it is 95 % right and its soft predictions say
little beyond the label (on val it is 72 % right). Here K fresh exit-flow heads (the same recipe as
`train_xception`) are each fitted on K-1 folds of train and predict the fold they never saw, so every
train photo gets the teacher's honest guess, confusions included. Val only picks each head's epoch.

    python -m skin_core.training.oof_teacher --folds 4          # cache/teacher_oof_train.npy (+ .json)
    python -m skin_core.training.train_student --model custom_cnn --teacher oof --resume
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np

from .. import evaluation
from ..config import CACHE_DIR
from ..data import CLASSES
from .train_xception import fit_head, load_cache

OOF_PATH = CACHE_DIR / "teacher_oof_train.npy"


def fold_of_records(labels: list[str], folds: int, seed: int) -> np.ndarray:
    """Stratified fold number per train record (seeded)."""
    from sklearn.model_selection import StratifiedKFold

    fold = np.zeros(len(labels), int)
    y = evaluation.label_index(labels)
    for k, (_, held) in enumerate(StratifiedKFold(folds, shuffle=True, random_state=seed).split(y, y)):
        fold[held] = k
    return fold


def views_kept(rows: list[dict], views: int) -> np.ndarray:
    """Mask of the cached rows among each photo's first `views` views (0: all of them)."""
    return np.array([views <= 0 or int(r["view"]) < views for r in rows], bool)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--lr", type=float, default=4e-4, help="one cached view per photo: fewer steps than train_xception's")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--views", type=int, default=0,
                    help="train the heads on each photo's first N cached views only (1: the original photo, as the "
                         "committed teacher's one-view cache; 0: every cached view, 4x the time on a 4-view cache)")
    args = ap.parse_args(argv)
    t_start = time.time()
    tr_f, tr_rows = load_cache("train")
    va_f, va_rows = load_cache("val")
    rec = np.array([int(r["record"]) for r in tr_rows])
    first = {}
    for i, r in enumerate(tr_rows):
        first.setdefault(int(r["record"]), i)
    n_rec = rec.max() + 1
    labels = [tr_rows[first[i]]["label"] for i in range(n_rec)]
    fold = fold_of_records(labels, args.folds, args.seed)
    y_rows = evaluation.label_index([r["label"] for r in tr_rows])
    view0 = np.array([first[i] for i in range(n_rec)])
    in_views = views_kept(tr_rows, args.views)
    oof = np.zeros((n_rec, len(CLASSES) + 1), np.float32)
    report = []
    for k in range(args.folds):
        train_idx = np.flatnonzero((fold[rec] != k) & in_views)
        head, history = fit_head(tr_f, y_rows, train_idx, va_f, va_rows, epochs=args.epochs, lr=args.lr,
                                 seed=args.seed + k)
        held = np.flatnonzero(fold == k)
        oof[held] = np.concatenate([head.predict_on_batch(np.asarray(tr_f[view0[held[i:i + 64]]], np.float32))
                                    for i in range(0, len(held), 64)])
        report.append({"fold": k, "best_val_macro_f1": max(h["val_macro_f1"] for h in history)})
        print(report[-1], flush=True)
    y = evaluation.label_index(labels)
    known = y < len(CLASSES)
    summary = {
        "command": "python -m skin_core.training.oof_teacher --folds %d --epochs %d --lr %g --seed %d"
                   % (args.folds, args.epochs, args.lr, args.seed) + (f" --views {args.views}" if args.views else ""),
        "folds": report,
        "oof_accuracy_known": float((oof[known, :len(CLASSES)].argmax(1) == y[known]).mean()),
        "wall_time_s": round(time.time() - t_start),
    }
    np.save(OOF_PATH, oof)
    OOF_PATH.with_suffix(".json").write_text(json.dumps(summary, indent=2))
    print(summary)


if __name__ == "__main__":
    main()
