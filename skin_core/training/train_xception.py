"""Fine-tune the dermoscopy Xception's exit flow (blocks 13-14) + a 12-way head on cached trunk features.

Outputs: the 11 known classes + "other" (dermnet-other and fitzpatrick/other train images), so the
"none of these" score is learned. Class-balanced weights, augmented views, early stopping on val macro-F1,
temperature and thresholds on val, metrics on test; writes weights/xception_derm.keras + card.

    python -m skin_core.training.cache_features --views 4
    python -m skin_core.training.train_xception --epochs 6
    python -m skin_core.training.cache_features --views 4 --layer mid_out   # deeper: blocks 10-14
    python -m skin_core.training.train_xception --train-from block10 --name xception_derm_v3
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import time

import numpy as np

from .. import cards, evaluation, registry
from ..config import CACHE_DIR, MANIFEST_PATH, REPO_ROOT, WEIGHTS_DIR
from ..data import CLASSES, OTHER
from ..models import xception_derm as xd
from .cache_features import cache_prefix

NAME = "xception_derm"


def load_cache(split: str, prefix: str = "trunk"):
    """Cached (features memmap, index rows) of one split; prefix trunk (block 12) or mid (block 9)."""
    feats = np.load(CACHE_DIR / f"{prefix}_{split}.npy", mmap_mode="r")
    with open(CACHE_DIR / f"{prefix}_{split}.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return feats, rows


def head_logits(head, split: str, tta: bool) -> tuple[np.ndarray, list[dict]]:
    """Per-record logits of a head (or folded ensemble) on a split, fed from the caches its inputs name."""
    caches = [load_cache(split, cache_prefix(t.name)) for t in head.inputs]
    rows = caches[0][1]
    if any(len(c[1]) != len(rows) for c in caches):
        raise RuntimeError(f"the trunk and mid caches of {split} do not line up; rebuild them")
    return tta_logits(head, [c[0] for c in caches] if len(caches) > 1 else caches[0][0], rows, tta=tta)


def tta_logits(head, feats, rows, batch: int = 64, tta: bool = True) -> tuple[np.ndarray, list[dict]]:
    """Mean logits over each record's cached views (original + mirror; original only without tta) -> one row
    per record. feats: one cached array, or a list of aligned arrays for a multi-input head."""
    multi = isinstance(feats, list)
    if not tta:
        keep = [i for i, r in enumerate(rows) if r["view"] == "0"]
        feats = [f[keep] for f in feats] if multi else feats[keep]
        rows = [rows[i] for i in keep]
    n_rows = len(rows)

    def chunk(i):
        if multi:
            return [np.asarray(f[i : i + batch], np.float32) for f in feats]
        return np.asarray(feats[i : i + batch], np.float32)

    out = np.concatenate([head.predict_on_batch(chunk(i)) for i in range(0, n_rows, batch)])
    rec = np.array([int(r["record"]) for r in rows])
    n = rec.max() + 1
    agg = np.zeros((n, out.shape[1]))
    np.add.at(agg, rec, out)
    agg /= np.bincount(rec, minlength=n)[:, None]
    first = {}
    for r in rows:
        first.setdefault(int(r["record"]), r)
    return agg, [first[i] for i in range(n)]


def fit_head(tr_f, y: np.ndarray, train_idx: np.ndarray, va_f, va_rows: list[dict], *, epochs: int = 6,
             batch: int = 48, lr: float = 2e-4, train_from: str = "block13", seed: int = 1, dropout: float = 0.3,
             mixup: float = 0.0, spatial: int = 16):
    """Fine-tune a fresh exit-flow head on the cached rows train_idx (labels y per cached row); keep the
    epoch with the best val macro-F1. Returns (head, history)."""
    import keras
    import tensorflow as tf
    from sklearn.metrics import f1_score

    keras.utils.set_random_seed(seed)
    from_block = 10 if train_from == "block10" else 13
    head = xd.build_classifier_head(len(CLASSES) + 1, dropout=dropout, from_block=from_block, spatial=spatial)
    for layer in head.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.trainable = False  # keep pretrained statistics: few images, small batches
        elif train_from == "block14" and layer.name.startswith("block13"):
            layer.trainable = False
    counts = np.bincount(y[train_idx], minlength=len(CLASSES) + 1)
    class_w = (counts.sum() / (len(counts) * np.maximum(counts, 1))) ** 0.5
    class_w[len(CLASSES)] *= 0.7  # "other" is a catch-all; keep it from swallowing rare classes
    opt = keras.optimizers.AdamW(learning_rate=keras.optimizers.schedules.CosineDecay(
        lr, decay_steps=epochs * (len(train_idx) // batch), warmup_target=None), weight_decay=1e-4)
    n_cls = len(CLASSES) + 1

    @tf.function
    def step(x, yb, wb, lam, perm):
        target = tf.one_hot(yb, n_cls) * 0.95 + 0.05 / n_cls
        x = lam * x + (1 - lam) * tf.gather(x, perm)
        target = lam * target + (1 - lam) * tf.gather(target, perm)
        wb = lam * wb + (1 - lam) * tf.gather(wb, perm)
        with tf.GradientTape() as tape:
            logits = head(x, training=True)
            per = keras.losses.categorical_crossentropy(target, logits, from_logits=True)
            loss = tf.reduce_sum(per * wb) / tf.reduce_sum(wb)
        grads = tape.gradient(loss, head.trainable_variables)
        opt.apply_gradients(zip(grads, head.trainable_variables))
        return loss

    rng = np.random.default_rng(seed)
    best, best_w, history = -1.0, None, []
    for epoch in range(epochs):
        order = train_idx[rng.permutation(len(train_idx))]
        t0, losses = time.time(), []
        for b in range(0, len(order) - batch + 1, batch):
            idx = np.sort(order[b : b + batch])
            x = np.asarray(tr_f[idx], np.float32)
            lam = np.float32(max(l := rng.beta(mixup, mixup), 1 - l)) if mixup > 0 else np.float32(1.0)
            losses.append(float(step(x, y[idx], class_w[y[idx]].astype(np.float32), lam,
                                     rng.permutation(len(idx)).astype(np.int32))))
            if (b // batch) % 50 == 0:
                print(f"epoch {epoch + 1} step {b // batch} loss {np.mean(losses[-50:]):.3f} "
                      f"{time.time() - t0:.0f}s", flush=True)
        logits, rows = tta_logits(head, va_f, va_rows)
        yv = evaluation.label_index([r["label"] for r in rows])
        known = yv < len(CLASSES)
        f1 = f1_score(yv[known], logits[known, : len(CLASSES)].argmax(1), average="macro")
        acc = float((logits[known, : len(CLASSES)].argmax(1) == yv[known]).mean())
        history.append({"epoch": epoch + 1, "train_loss": float(np.mean(losses)), "val_macro_f1": float(f1), "val_accuracy": acc})
        print(history[-1], f"{time.time() - t0:.0f}s", flush=True)
        if f1 > best:
            best, best_w = f1, head.get_weights()
    head.set_weights(best_w)
    return head, history


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--batch", type=int, default=48)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--train-from", choices=["block10", "block13", "block14"], default="block13")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dropout", type=float, default=0.3)
    ap.add_argument("--mixup", type=float, default=0.0, help="Beta(a, a) manifold mixup on block-12 features (0 = off)")
    ap.add_argument("--name", default=NAME, help="weights/card name to write (experiments)")
    ap.add_argument("--colour-constancy", choices=["none", "sog"], default="none",
                    help="train/evaluate on the Shades-of-Gray cache (measured on val; not used by the app)")
    ap.add_argument("--size", type=int, default=xd.INPUT_SIZE,
                    help="photo size of the cache to train on (cache_features --size; 382: the photos' own detail)")
    ap.add_argument("--val-only", action="store_true",
                    help="an experiment: save the head and its val logits under cache/, no card, no test figures")
    args = ap.parse_args(argv)
    t_start = time.time()  # fit_head seeds keras itself
    from_block = 10 if args.train_from == "block10" else 13
    prefix = cache_prefix(xd.MID_OUT if from_block == 10 else xd.TRUNK_OUT, args.colour_constancy, args.size)
    tr_f, tr_rows = load_cache("train", prefix)
    va_f, va_rows = load_cache("val", prefix)
    y = evaluation.label_index([r["label"] for r in tr_rows])
    head, history = fit_head(tr_f, y, np.arange(len(y)), va_f, va_rows, epochs=args.epochs, batch=args.batch,
                             lr=args.lr, train_from=args.train_from, seed=args.seed, dropout=args.dropout,
                             mixup=args.mixup, spatial=int(tr_f.shape[1]))
    va_logits, va_rec = tta_logits(head, va_f, va_rows)
    if args.val_only:
        head.save(CACHE_DIR / f"{args.name}.keras")
        for tta in (False, True):
            lg, _ = tta_logits(head, va_f, va_rows, tta=tta)
            np.save(CACHE_DIR / f"{args.name}.val_logits{'_tta' if tta else ''}.npy", lg)
        (CACHE_DIR / f"{args.name}.history.json").write_text(json.dumps(history))
        print({"name": args.name, "history": history, "wall_time_s": round(time.time() - t_start)})
        return
    te_f, te_rows = load_cache("test", prefix)
    decisions = evaluation.fit_decisions_on_val(va_logits, va_rec)
    te_logits, te_rec = tta_logits(head, te_f, te_rows)
    entries = evaluation.test_entries(te_logits, te_rec, decisions)
    test_metrics = entries["test_metrics"]
    val_metrics = evaluation.card_metrics_from_rows(va_logits, va_rec, decisions)
    WEIGHTS_DIR.mkdir(exist_ok=True)
    path = registry.weights_path(args.name)
    head.save(path)
    card = {
        "name": args.name,
        "task": "classification",
        "family": "xception",
        "version": time.strftime("%Y-%m-%d"),
        "description": "Dermoscopy-pretrained Xception (sklesion, HAM10000) with its exit flow fine-tuned on "
                       "clinical photos; 11 conditions + an 'other' output that drives out-of-scope rejection.",
        "classes": list(CLASSES),
        "outputs": list(CLASSES) + [OTHER],
        "input_size": xd.INPUT_SIZE,
        "preprocessing": "RGB uint8 resized (bilinear, no crop) to 254x254, sklesion's Normalization layer "
                         "(per-channel mean/variance on 0-255 values); mirror TTA (mean logits of image + mirror) only when the card's `tta` is true",
        "weights": f"weights/{path.name}",
        "sha256": xd.file_sha256(path),
        "base_weights": xd.sklesion_provenance("frozen trunk (blocks 1-12), shared with the segmentation decoder"),
        "initialisation": "blocks 1-14 from sklesion's HAM10000 Xception; "
                          + {"block10": "blocks 10-14", "block13": "blocks 13-14", "block14": "block 14"}[args.train_from]
                          + " fine-tuned (batch-norm statistics kept)",
        "data": "dermnet-11 + fitzpatrick (6 classes) for the 11 classes; dermnet-other + fitzpatrick/other as "
                "'other'. Train views: original + 3 augmented (crop, flips, rot90, brightness, contrast, "
                "saturation, white balance, gamma).",
        "split": str(MANIFEST_PATH.relative_to(REPO_ROOT)),
        **evaluation.card_decisions(decisions),
        **entries,
        "val_metrics": {k: val_metrics[k] for k in evaluation.VAL_SUMMARY},
        "history": history,
        "training_command": "python -m skin_core.training.cache_features --views 4"
                            + (" --layer mid_out" if from_block == 10 else "") + " && python -m "
                            "skin_core.training.train_xception " + " ".join(sys.argv[1:] if argv is None else argv),
        "training": {
            "seed": args.seed,
            "wall_time_s": round(time.time() - t_start),
            "hardware": cards.hardware(),
        },
        "intended_use": "Education and exploring model behaviour on clinical photos of 11 skin conditions. "
                        "Not a diagnosis; never reassurance that a lesion is harmless.",
        "limitations": "Trained on atlas photos (DermNet, Fitzpatrick17k subset) with noisy page-level labels "
                       "and few dark-skin images; conditions outside the 11 are rejected only as well as the "
                       "AUROC above says.",
    }
    cards.write_card(card)
    print({k: test_metrics[k] for k in ("accuracy", "macro_f1", "top3_accuracy", "study5_accuracy",
                                        "melanoma_recall", "malignant_urgent_rate", "ece_15")},
          test_metrics["ood"]["auroc"], test_metrics["fitzpatrick_by_skin_group"])


if __name__ == "__main__":
    main()
