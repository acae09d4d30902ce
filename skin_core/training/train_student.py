"""Train a from-scratch classifier family (custom CNN, EfficientNet-B0, small ResNet) on the manifest.

No ImageNet weights exist offline, so these start from random weights and learn from the ground truth plus
the dermoscopy Xception's soft predictions (knowledge distillation, Hinton et al. 2015). Small input
(112 px by default), colour/lighting augmentation, class-balanced loss; same 12 outputs, calibration and card as the
Xception.

    python -m skin_core.training.train_student --model custom_cnn --epochs 30
    python -m skin_core.training.train_student --model resnet_small --epochs 30 --resume   # one more cycle
    python -m skin_core.training.train_student --model resnet_small --epochs 20 --resume --teacher oof   # from oof_teacher
    python -m skin_core.training.train_student --model custom_cnn --epochs 16 --resume --soup   # greedy weight soup
"""
from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .. import augment, cards, data, evaluation, images, registry
from . import weight_soup
from ..config import MANIFEST_PATH, REPO_ROOT
from ..data import CLASSES, OTHER
from ..metrics import softmax
from ..models import cnn, efficientnet, resnet

FAMILIES = {
    "custom_cnn": (cnn, "cnn", "Custom VGG-style CNN (8 conv layers, BN, GAP)"),
    "efficientnet_b0": (efficientnet, "efficientnet", "EfficientNet-B0 (keras.applications, no pretrained weights)"),
    "resnet_small": (resnet, "resnet", "Pre-activation ResNet-18 layout, widths 32-256"),
}
STORE = 136  # images kept in RAM at this size; random crops are resized to the input size


def _load_all(recs, size):
    def one(r):
        return images.resize(images.load_image(r.path()), size)

    with ThreadPoolExecutor(2) as ex:
        return np.stack(list(ex.map(one, recs)))


def teacher_logits(split: str) -> np.ndarray | None:
    """Xception teacher's logits (original view) per manifest record of a split, from the feature cache."""
    try:
        import csv

        from ..classifiers import _load_keras
        from ..config import CACHE_DIR

        head = _load_keras(registry.weights_path(registry.default_model()))
        feats = np.load(CACHE_DIR / f"trunk_{split}.npy", mmap_mode="r")
        with open(CACHE_DIR / f"trunk_{split}.csv", newline="") as fh:
            rows = list(csv.DictReader(fh))
        idx = [i for i, r in enumerate(rows) if r["view"] == "0"]
        return np.concatenate([head.predict_on_batch(np.asarray(feats[idx[i:i + 64]], np.float32))
                               for i in range(0, len(idx), 64)])
    except Exception as exc:  # no teacher yet: train on labels alone
        print(f"no teacher logits ({exc}); training without distillation", file=sys.stderr)
        return None


def oof_teacher() -> tuple[np.ndarray, str]:
    """Out-of-fold teacher logits of the train records and the command that made them (see oof_teacher)."""
    import json

    from .oof_teacher import OOF_PATH

    if not OOF_PATH.exists():
        raise SystemExit(f"{OOF_PATH} is missing: run python -m skin_core.training.oof_teacher first")
    return np.load(OOF_PATH), json.loads(OOF_PATH.with_suffix(".json").read_text())["command"]


def _initialisation(previous: str | None, distilled: bool, oof: bool, weight: float, temp: float) -> str:
    """The card's `initialisation`: how this cycle learned, after the earlier cycles' text when it differs."""
    this = ("random (no pretrained weights); knowledge distillation from "
            + ("out-of-fold exit-flow heads' (oof_teacher)" if oof else "xception_derm's")
            + f" soft predictions (weight {weight}, T={temp})") if distilled else "random; labels only"
    how = this.split("; ", 1)[-1]
    if previous is None or how in previous:
        return previous or this
    return f"{previous}; then a cycle of {how}"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", choices=sorted(FAMILIES), required=True)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--size", type=int, default=112)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--distill", type=float, default=0.5, help="weight of the teacher term (0 = labels only)")
    ap.add_argument("--teacher", choices=["head", "oof"], default="head",
                    help="head: the default Xception's logits (fitted on these photos); oof: out-of-fold heads'")
    ap.add_argument("--mixup", type=float, default=0.0,
                    help="mixup alpha (Zhang et al. 2018): each batch mixed with a shuffled copy of itself, labels, "
                         "teacher targets and class weights alike; 0 = off")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--resume", action="store_true",
                    help="start from the committed weights/<model>.keras (a warm restart: one more cosine cycle)")
    ap.add_argument("--soup", action="store_true",
                    help="with --resume: keep the greedy weight average (weight_soup) of the committed weights and "
                         "this cycle's epoch snapshots instead of the single best epoch")
    args = ap.parse_args(argv)
    if args.soup and not args.resume:
        ap.error("--soup averages this cycle's snapshots with the committed weights: it needs --resume")
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(args.seed)
    t_start = time.time()
    module, family, desc = FAMILIES[args.model]
    recs = data.select(data.read_manifest(), sources=data.CLASSIFIER_SOURCES)
    tr = [r for r in recs if r.split == "train"]
    va = [r for r in recs if r.split == "val"]
    te = [r for r in recs if r.split == "test"]
    x_tr, x_va, x_te = _load_all(tr, STORE), _load_all(va, args.size), _load_all(te, args.size)
    y = evaluation.label_index([r.label for r in tr])
    n_out = len(CLASSES) + 1
    teach, teacher_command = None, None
    if args.distill > 0:
        teach, teacher_command = oof_teacher() if args.teacher == "oof" else (teacher_logits("train"), None)
    if teach is not None and len(teach) != len(tr):
        raise SystemExit(f"teacher logits for {len(teach)} train photos, the manifest has {len(tr)}: "
                         "rebuild the feature cache (cache_features) and the teacher")
    counts = np.bincount(y, minlength=n_out)
    class_w = ((counts.sum() / (n_out * np.maximum(counts, 1))) ** 0.5).astype(np.float32)
    model = module.build(n_out, args.size)
    previous_command, previous_history, previous_cycles, previous_init, not_kept = None, [], [], None, []
    views = 2  # val/test TTA: the mirror, or on a restart the committed card's choice, so the keep rule scores what ships
    if args.resume:
        from ..classifiers import _load_keras

        model.set_weights(_load_keras(registry.weights_path(args.model)).get_weights())
        previous = cards.read_card(args.model)
        previous_command, previous_history = previous["training_command"], previous.get("history", [])
        previous_cycles = previous.get("training", {}).get("cycles", [])
        previous_init = previous.get("initialisation")
        not_kept = previous.get("cycles_not_kept", [])
        views = cards.tta_view_count(previous)
    steps_per_epoch = len(tr) // args.batch
    opt = keras.optimizers.AdamW(keras.optimizers.schedules.CosineDecay(
        args.lr * 0.1, max(args.epochs, 1) * steps_per_epoch, warmup_target=args.lr, warmup_steps=steps_per_epoch),
        weight_decay=5e-4)
    temp = 2.0
    teach_soft = softmax(teach.astype(np.float32), temp).astype(np.float32) if teach is not None else None

    @tf.function
    def step(x, y_soft, wb, t_soft, use_t):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            ce = keras.losses.categorical_crossentropy(y_soft, logits, from_logits=True)
            kd = keras.losses.kl_divergence(t_soft, tf.nn.softmax(logits / temp)) * temp ** 2
            per = ce + use_t * args.distill * kd
            loss = tf.reduce_sum(per * wb) / tf.reduce_sum(wb)
        opt.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
        return loss

    def targets(idx, rng):
        """A batch's views, smoothed labels, class weights and teacher targets; mixed with a shuffled copy when
        --mixup > 0 (no random draw otherwise, so runs without it repeat earlier ones)."""
        x = batch_views(idx, rng)
        y_soft = np.eye(n_out, dtype=np.float32)[y[idx]] * 0.95 + 0.05 / n_out
        t_soft = teach_soft[idx] if teach is not None else zeros_t[:len(idx)]
        wb = class_w[y[idx]]
        if args.mixup > 0:
            x, y_soft, t_soft, wb = augment.mixup((x, y_soft, t_soft, wb), args.mixup, rng)
        return x, y_soft, wb, t_soft

    def batch_views(idx, rng):
        return np.stack([augment.train_view(x_tr[i], rng, args.size) for i in idx]).astype(np.float32)

    def logits_of(x):
        out = [np.mean([model.predict_on_batch(v) for v in augment.tta_views(x[i:i + 64].astype(np.float32), views)], 0)
               for i in range(0, len(x), 64)]
        return np.concatenate(out)

    rng = np.random.default_rng(args.seed)
    yv = evaluation.label_index([r.label for r in va])
    known = yv < len(CLASSES)

    def val_scores() -> tuple[float, float]:
        from sklearn.metrics import f1_score

        pred = logits_of(x_va)[known, :len(CLASSES)].argmax(1)
        return float(f1_score(yv[known], pred, average="macro")), float((pred == yv[known]).mean())

    best, best_w, history = -1.0, None, []
    if args.resume:  # a restart never ends below where it started
        best, best_w = val_scores()[0], model.get_weights()
    start_f1, improved = best, not args.resume
    start_w, snapshots, soup = best_w, [], None
    zeros_t = np.zeros((args.batch, n_out), np.float32)
    for epoch in range(args.epochs):
        t0, losses = time.time(), []
        order = rng.permutation(len(tr))
        for b in range(steps_per_epoch):
            idx = order[b * args.batch:(b + 1) * args.batch]
            losses.append(float(step(*targets(idx, rng), np.float32(teach is not None))))
        f1, acc = val_scores()
        history.append({"epoch": len(previous_history) + epoch + 1, "train_loss": float(np.mean(losses)),
                        "val_macro_f1": f1, "val_accuracy": acc})
        print(history[-1], f"{time.time() - t0:.0f}s", flush=True)
        if args.soup:
            snapshots.append((f1, model.get_weights()))
        elif f1 > best:
            best, best_w, improved = f1, model.get_weights(), True
    if args.soup:
        def soup_score(weights) -> float:
            model.set_weights(weights)
            bn_rng = np.random.default_rng(args.seed + 1)
            order = bn_rng.permutation(len(tr))
            weight_soup.recalibrate_batch_norm(model, (batch_views(order[i:i + args.batch], bn_rng)
                                                       for i in range(0, len(tr), args.batch)))
            return val_scores()[0]

        soup_w, soup_f1, members = weight_soup.greedy_soup(start_w, snapshots, soup_score)
        print(f"greedy soup of the committed weights + epochs {[h['epoch'] for h in (history[i] for i in members)]}:"
              f" val macro-F1 {soup_f1:.4f} (committed {start_f1:.4f})", flush=True)
        soup = {"members": ["committed"] + [history[i]["epoch"] for i in sorted(members)],
                "val_macro_f1": round(soup_f1, 4), "val_macro_f1_committed": round(start_f1, 4),
                "method": "greedy soup (Wortsman et al. 2022): snapshots tried best val macro-F1 first, kept when "
                          "the average's val macro-F1 rises; batch-norm statistics re-estimated on train views"}
        if soup_f1 > start_f1:
            soup_score(soup_w)  # leaves the soup in the model with its re-estimated batch-norm statistics
            best, best_w, improved = soup_f1, model.get_weights(), True
    command = "python -m skin_core.training.train_student " + " ".join(sys.argv[1:] if argv is None else argv)
    if not improved:  # nothing beat the committed weights on val: keep them, and say in the card what was tried
        card = cards.read_card(args.model)
        card.setdefault("cycles_not_kept", []).append({
            "command": (f"{teacher_command} && " if teacher_command else "") + command, "epochs": args.epochs,
            "val_macro_f1_start": round(start_f1, 4),
            "val_macro_f1_peak": round(max((h["val_macro_f1"] for h in history), default=start_f1), 4),
            "wall_time_s": round(time.time() - t_start), "hardware": cards.hardware(),
            **({"weight_soup": soup} if soup else {})})
        cards.write_card(card)
        print(f"nothing beat the committed val macro-F1 {start_f1:.4f}: weights unchanged, attempt recorded")
        return
    model.set_weights(best_w)
    lv, lt = logits_of(x_va), logits_of(x_te)
    decisions = evaluation.fit_decisions_on_val(lv, [{"label": r.label, "source": r.source, "file": r.file}
                                                     for r in va])
    entries = evaluation.test_entries(lt, [{"label": r.label, "source": r.source, "file": r.file,
                                            "skin_type": r.skin_type} for r in te], decisions)
    test_metrics = entries["test_metrics"]
    path = registry.weights_path(args.model)
    model.save(path)
    from ..models.xception_derm import file_sha256

    card = {
        "name": args.model,
        "task": "classification",
        "family": family,
        "version": time.strftime("%Y-%m-%d"),
        "description": f"{desc}, trained from scratch on clinical photos; 11 conditions + an 'other' output.",
        "classes": list(CLASSES),
        "outputs": list(CLASSES) + [OTHER],
        "input_size": args.size,
        "cam_layer": module.CAM_LAYER,
        "preprocessing": f"RGB uint8 resized (bilinear, no crop) to {args.size}x{args.size}; scaling inside the "
                         f"model; TTA = mean logits of {views} flip/quarter-turn view{'s' if views > 1 else ''}",
        "weights": f"weights/{path.name}",
        "sha256": file_sha256(path),
        "initialisation": (previous_init if soup and soup["members"] == ["committed"] else  # no new snapshot in it
                           _initialisation(previous_init, teach is not None, bool(teacher_command), args.distill, temp)),
        "data": "dermnet-11 + fitzpatrick (6 classes) for the 11 classes; dermnet-other + fitzpatrick/other as "
                "'other'; random resized crops, flips, rot90, brightness/contrast/saturation/white balance/gamma"
                + (f"; mixup (alpha {args.mixup}) in the latest cycle" if args.mixup else ""),
        "split": str(MANIFEST_PATH.relative_to(REPO_ROOT)),
        **evaluation.card_decisions(decisions),
        **entries,
        "val_metrics": evaluation.val_summary(lv, [{"label": r.label, "source": r.source, "skin_type": r.skin_type}
                                                   for r in va], decisions),
        "history": previous_history + history,
        "training_command": (f"{previous_command} && " if previous_command else "")
        + (f"{teacher_command} && " if teacher_command else "") + command,
        "training": cards.training_record(args.seed, previous_cycles, {
            "command": command,
            "epochs": args.epochs, "wall_time_s": round(time.time() - t_start), "hardware": cards.hardware()}),
        **({"cycles_not_kept": not_kept} if not_kept else {}),
        **({"weight_soup": soup} if soup else {}),
        "tta": views > 1, "tta_views": views,
        "intended_use": "Comparing how model families behave (classroom); the default xception_derm is stronger.",
        "limitations": "Trained from scratch on 2,035 labelled photos of the 11 conditions (plus 2,305 of other conditions) on 2 CPU cores: far weaker than the "
                       "pretrained Xception; see the metrics before trusting any answer.",
    }
    cards.write_card(card)
    print({k: test_metrics[k] for k in ("accuracy", "macro_f1", "top3_accuracy", "study5_accuracy", "melanoma_recall")})


if __name__ == "__main__":
    main()
