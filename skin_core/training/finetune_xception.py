"""Fine-tune the dermoscopy Xception end to end (blocks 4-14 + a 12-way head) on augmented photos.

The exit-flow heads (`train_xception`) learn on cached block-12 maps, so lighting and framing augmentation can only
reach them through four fixed views per photo. Here every step sees fresh random crops, flips, quarter-turns and
colour/lighting changes of the photo itself, and blocks 4-12 adapt too. Blocks 1-3 and every batch-norm's
statistics stay sklesion's (few photos, small batches). On CPU it trains in bfloat16 mixed precision where the
processor has it (about 0.08 s per photo on 2 cores with AMX; `--precision fp32` elsewhere) and is stored as float16,
float32 at run time.

    python -m skin_core.training.finetune_xception --epochs 6

Each epoch sees every known-class train photo once plus a fresh random share of the "other" photos; the epoch with
the best val macro-F1 is kept (checkpointed in the cache folder, so `--finish` can write the card from it after an
interruption). Mirror TTA is kept only if it scores higher on val. The network is kept only if it beats the default
(`xception_derm`, through the app's path) in 95 % of paired val bootstrap resamples; the verdict, kept or not, goes into
the default's card (`end_to_end_experiment`). Kept: temperatures and thresholds on val, metrics on test only,
weights/xception_finetuned.keras + card; it then needs its one line in `registry.py` (`_build_keras_classifier`, a
whole network with a `cam_layer`, like the students). No run has been kept yet (README).

    python -m skin_core.training.finetune_xception --epochs 8 --init-from xception_derm --lr 5e-5 --head-lr-mult 2
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .. import augment, cards, data, evaluation, images, registry
from ..config import CACHE_DIR, MANIFEST_PATH, REPO_ROOT
from ..data import CLASSES, OTHER
from ..models import xception_derm as xd
from .train_student import _load_all

NAME = "xception_finetuned"


def _originals(recs) -> list[np.ndarray]:
    """Decoded photos at their own size (random crops are cut from them), two threads."""
    with ThreadPoolExecutor(2) as ex:
        return list(ex.map(lambda r: images.load_image(r.path()), recs))


def _rows(recs) -> list[dict]:
    return [{"label": r.label, "source": r.source, "file": r.file, "skin_type": r.skin_type} for r in recs]


def predict_logits(model, x: np.ndarray, views: int = 1, batch: int = 32) -> np.ndarray:
    """Mean 12 logits over the first `views` flip views (augment.tta_views) of a uint8 (N, 254, 254, 3) array."""
    import tensorflow as tf

    fn = tf.function(lambda b: model(b, training=False), reduce_retracing=True)
    out = []
    for i in range(0, len(x), batch):
        vs = augment.tta_views(x[i:i + batch].astype(np.float32), views)
        out.append(np.mean([np.asarray(fn(v), np.float64) for v in vs], axis=0))
    return np.concatenate(out)


def _checkpoint_paths(name: str):
    return CACHE_DIR / f"{name}.best.weights.h5", CACHE_DIR / f"{name}.history.json"


def committed_head(name: str):
    """`build_full_classifier`'s init_head from a committed exit-flow classifier: its best member by val macro-F1 when
    it is a folded mean of heads (`ensemble_xception`; the member's dense rows times the member count undo the mean)."""
    from ..classifiers import _load_keras

    head = _load_keras(registry.weights_path(name))
    kernel, bias = head.get_layer("logits").get_weights()
    ensemble = cards.read_card(name).get("ensemble", {})
    members = ensemble.get("heads", [])
    if len(members) < 2:
        return head, "", kernel, bias
    scores = ensemble["val_macro_f1"]
    i = max(range(len(members)), key=lambda j: scores[members[j]])
    sub = next(l for l in head.layers if hasattr(l, "layers") and any(x.name == f"cam_fmap_{i}" for x in l.layers))
    width = kernel.shape[0] // len(members)
    return sub, f"_{i}", kernel[i * width:(i + 1) * width] * len(members), bias


def train(args, tr, va) -> list[dict]:
    """The fine-tuning loop; checkpoints the best-val epoch's weights. Returns the history."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(args.seed)
    if args.precision == "bf16":
        keras.mixed_precision.set_global_policy("mixed_bfloat16")
    init = committed_head(args.init_from) if args.init_from else None
    model = xd.build_full_classifier(len(CLASSES) + 1, dropout=args.dropout, train_from=args.train_from,
                                     init_head=init)
    keras.mixed_precision.set_global_policy("float32")
    head_vars = [v for v in model.trainable_variables if v.path.startswith("logits")]
    body_vars = [v for v in model.trainable_variables if not v.path.startswith("logits")]
    n_out = len(CLASSES) + 1
    y_all = evaluation.label_index([r.label for r in tr])
    known_idx, other_idx = np.flatnonzero(y_all < len(CLASSES)), np.flatnonzero(y_all == len(CLASSES))
    per_epoch = len(known_idx) + min(args.others_per_epoch, len(other_idx))
    steps = args.epochs * (per_epoch // args.batch)
    warm = max(1, per_epoch // args.batch // 2)
    body_opt = keras.optimizers.AdamW(keras.optimizers.schedules.CosineDecay(
        0.0, steps - warm, warmup_target=args.lr, warmup_steps=warm), weight_decay=1e-5)
    head_opt = keras.optimizers.AdamW(keras.optimizers.schedules.CosineDecay(
        args.lr * args.head_lr_mult, steps), weight_decay=1e-4)
    counts = np.bincount(y_all[known_idx], minlength=n_out).astype(np.float64)
    counts[-1] = min(args.others_per_epoch, len(other_idx))
    class_w = ((counts.sum() / (n_out * np.maximum(counts, 1))) ** 0.5).astype(np.float32)
    class_w[-1] *= 0.7  # "other" is a catch-all; keep it from swallowing rare classes (as the exit-flow heads)

    @tf.function
    def step(x, yb):
        target = tf.one_hot(yb, n_out) * (1 - args.smoothing) + args.smoothing / n_out
        wb = tf.gather(class_w, yb)
        with tf.GradientTape() as tape:
            logits = tf.cast(model(x, training=True), tf.float32)
            per = keras.losses.categorical_crossentropy(target, logits, from_logits=True)
            loss = tf.reduce_sum(per * wb) / tf.reduce_sum(wb)
        grads = tape.gradient(loss, body_vars + head_vars)
        body_opt.apply_gradients(zip(grads[:len(body_vars)], body_vars))
        head_opt.apply_gradients(zip(grads[len(body_vars):], head_vars))
        return loss

    print("loading photos", flush=True)
    photos = _originals(tr)
    x_va = _load_all(va, xd.INPUT_SIZE)
    va_labels = [r.label for r in va]
    rng = np.random.default_rng(args.seed)

    def view(rgb, r):
        if r.random() < args.clean_share:  # the whole photo, only flipped/turned: what val and the app see
            return augment.tta_views(images.resize(rgb, xd.INPUT_SIZE)[None], 8)[int(r.integers(0, 8))][0]
        return augment.train_view(rgb, r, xd.INPUT_SIZE)

    def make_batch(idx, seed):
        r = np.random.default_rng(seed)
        return np.stack([view(photos[i], r) for i in idx]).astype(np.float32), y_all[idx].astype(np.int32)

    best_path, hist_path = _checkpoint_paths(args.name)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    best, history, val_logits = -1.0, [], {}
    if init is not None:  # the starting point is a candidate too: a run that never beats it changes nothing
        logits = predict_logits(model, x_va)
        yk, top1 = evaluation.known_top1(logits, va_labels)
        best = evaluation.known_macro_f1(logits, va_labels)
        val_logits["epoch0"] = logits
        history.append({"epoch": 0, "val_macro_f1": best, "val_accuracy": float((yk == top1).mean())})
        print(history[-1], flush=True)
        model.save_weights(best_path)
    with ThreadPoolExecutor(1) as ex:
        for epoch in range(args.epochs):
            t0 = time.time()
            order = np.concatenate([known_idx, rng.choice(other_idx, per_epoch - len(known_idx), replace=False)])
            order = order[rng.permutation(len(order))]
            batches = [order[b:b + args.batch] for b in range(0, len(order) - args.batch + 1, args.batch)]
            seeds = rng.integers(0, 2**31, len(batches))
            pending, losses = ex.submit(make_batch, batches[0], seeds[0]), []
            for k in range(len(batches)):
                xb, yb = pending.result()
                if k + 1 < len(batches):
                    pending = ex.submit(make_batch, batches[k + 1], seeds[k + 1])
                losses.append(float(step(xb, yb)))
                if k % 40 == 0:
                    print(f"epoch {epoch + 1} step {k}/{len(batches)} loss {np.mean(losses[-40:]):.3f} "
                          f"{time.time() - t0:.0f}s", flush=True)
            logits = predict_logits(model, x_va)
            f1 = evaluation.known_macro_f1(logits, va_labels)
            yk, top1 = evaluation.known_top1(logits, va_labels)
            history.append({"epoch": epoch + 1, "train_loss": float(np.mean(losses)), "val_macro_f1": float(f1),
                            "val_accuracy": float((yk == top1).mean()), "seconds": round(time.time() - t0)})
            print(history[-1], flush=True)
            val_logits[f"epoch{epoch + 1}"] = logits
            np.savez(CACHE_DIR / f"{args.name}.val_logits.npz", **val_logits)
            if args.snapshots:  # every epoch's weights, for a weight soup or ensemble probed on val afterwards
                model.save_weights(CACHE_DIR / f"{args.name}.epoch{epoch + 1}.weights.h5")
            if f1 > best:
                best = f1
                model.save_weights(best_path)
            hist_path.write_text(json.dumps(history))
    return history


REFERENCE = "xception_derm"  # what an end-to-end network must beat to be kept: the default, through its app path


def judge(va_logits: np.ndarray, va, args, history: list[dict], views: int, wall_s: float) -> dict:
    """Val-only verdict against the default classifier, alone and as the mean of both, recorded in the default's card
    (`end_to_end_experiment`). Kept only if it beats the default in 95 % of paired val bootstrap resamples."""
    from .measure_family_ensemble import MIN_BOOTSTRAP_SHARE, bootstrap_share_better, macro_f1
    from .refit_decisions import _image_logits

    ref, ref_rows = _image_logits(REFERENCE, "val")
    rows = _rows(va)
    if [r["label"] for r in ref_rows] != [r["label"] for r in rows]:
        raise RuntimeError("the default's val photos and this run's are not the same list")
    alone, mean = bootstrap_share_better(ref, va_logits, rows), bootstrap_share_better(ref, ref + va_logits, rows)
    best = max(history, key=lambda h: h["val_macro_f1"])
    result = {
        "what": f"The whole Xception fine-tuned end to end ({args.train_from} onwards) on augmented photos, "
                f"{args.epochs} epochs; the best val epoch ({best['epoch']}) with {views}-view TTA",
        "val_macro_f1": {REFERENCE: macro_f1(ref, rows), "end_to_end": macro_f1(va_logits, rows),
                         "mean_of_both": macro_f1(ref + va_logits, rows)},
        "val_macro_f1_by_epoch": {str(h["epoch"]): round(h["val_macro_f1"], 4) for h in history},
        "val_bootstrap_share_better": {"end_to_end": alone, "mean_of_both": mean},
        "rule": f"kept only if it beats {REFERENCE} in >= {MIN_BOOTSTRAP_SHARE:.0%} of 1,000 paired bootstrap "
                "resamples of the val photos (macro-F1)",
        "kept": alone >= MIN_BOOTSTRAP_SHARE,
        "command": "python -m skin_core.training.finetune_xception " + " ".join(args.argv),
        "wall_time_s": round(wall_s), "hardware": cards.hardware(),
    }
    card = cards.read_card(REFERENCE)
    card.setdefault("end_to_end_experiment", {})[result["command"]] = result
    cards.write_card(card)
    print({k: result[k] for k in ("val_macro_f1", "val_bootstrap_share_better", "kept")}, flush=True)
    return result


def finish(args, va, te, history: list[dict], wall_s: float) -> dict | None:
    """Best checkpoint -> float32 model -> TTA choice on val -> verdict against the default (`judge`); if kept,
    decisions on val, test metrics, float16 weights + card."""
    import keras

    from ..classifiers import recast

    model = xd.build_full_classifier(len(CLASSES) + 1, dropout=args.dropout, train_from=args.train_from)
    model.load_weights(_checkpoint_paths(args.name)[0])
    x_va = _load_all(va, xd.INPUT_SIZE)
    va_rows, te_rows = _rows(va), _rows(te)
    per_view = {n: predict_logits(model, x_va, n) for n in (1, 2)}
    scores = {n: evaluation.known_macro_f1(per_view[n], [r.label for r in va]) for n in per_view}
    views = max(scores, key=lambda n: (round(scores[n], 6), -n))
    va_logits = per_view[views]
    if not judge(va_logits, va, args, history, views, wall_s)["kept"]:
        print(f"not kept: no weights written; the verdict is in weights/{REFERENCE}.json", flush=True)
        return None
    decisions = evaluation.fit_decisions_on_val(va_logits, va_rows)
    te_logits = predict_logits(model, _load_all(te, xd.INPUT_SIZE), views)
    entries = evaluation.test_entries(te_logits, te_rows, decisions)
    test_metrics = entries["test_metrics"]
    path = registry.weights_path(args.name)
    recast(model, "float16").save(path)
    keras.backend.clear_session()
    command = "python -m skin_core.training.finetune_xception " + " ".join(args.argv)
    card = {
        "name": args.name,
        "task": "classification",
        "family": "xception",
        "version": time.strftime("%Y-%m-%d"),
        "description": "Dermoscopy-pretrained Xception (sklesion, HAM10000) fine-tuned end to end (blocks 4-14 and "
                       "the head) on augmented clinical photos; 11 conditions + an 'other' output for rejection. "
                       "Its own full network: it does not share the app's trunk.",
        "classes": list(CLASSES),
        "outputs": list(CLASSES) + [OTHER],
        "input_size": xd.INPUT_SIZE,
        "cam_layer": xd.FULL_CAM_LAYER,
        "preprocessing": "RGB uint8 resized (bilinear, no crop) to 254x254, sklesion's Normalization layer inside "
                         f"the model; TTA = mean logits of {views} flip view{'s' if views > 1 else ''}",
        "weights": f"weights/{path.name}",
        "sha256": xd.file_sha256(path),
        "base_weights": xd.sklesion_provenance(
            "initialisation of blocks 1-14 (blocks 1-3 and batch-norm statistics frozen)"),
        "initialisation": "blocks 1-14 from sklesion's HAM10000 Xception"
                          + (f"; blocks 13-14 and the dense from the committed {args.init_from}'s best exit-flow head"
                             if args.init_from else "; a new dense head")
                          + f"; {args.train_from} onwards fine-tuned end to end (batch-norm statistics kept)",
        "data": "dermnet-11 + fitzpatrick (6 classes) for the 11 classes; dermnet-other + fitzpatrick/other as "
                f"'other' ({args.others_per_epoch} fresh random ones per epoch). Training views: "
                + (f"{args.clean_share:.0%} the whole photo flipped or turned, the rest " if args.clean_share else "")
                + "random resized crop, flips, rot90, brightness, contrast, saturation, white balance, gamma.",
        "split": str(MANIFEST_PATH.relative_to(REPO_ROOT)),
        **evaluation.card_decisions(decisions),
        **entries,
        "val_metrics": evaluation.val_summary(va_logits, va_rows, decisions),
        "history": history,
        "tta": views > 1, "tta_views": views,
        "tta_choice": {"val_macro_f1": {f"{n} view{'s' if n > 1 else ''}": round(v, 4) for n, v in scores.items()},
                       "chosen_on": "val macro-F1 (ties: fewer views)"},
        "training_command": command,
        "training": {"seed": args.seed, "epochs": args.epochs, "batch": args.batch, "lr": args.lr,
                     "precision": args.precision, "wall_time_s": round(wall_s), "hardware": cards.hardware()},
        "intended_use": "Education and exploring model behaviour on clinical photos of 11 skin conditions. "
                        "Not a diagnosis; never reassurance that a lesion is harmless.",
        "limitations": "Trained on atlas photos (DermNet, Fitzpatrick17k subset) with noisy page-level labels and "
                       "few dark-skin images; a second full Xception pass per photo on top of the shared trunk.",
    }
    cards.write_card(card)
    print({k: test_metrics[k] for k in ("accuracy", "macro_f1", "top3_accuracy", "study5_accuracy",
                                        "melanoma_recall", "malignant_urgent_rate", "ece_15")},
          test_metrics["ood"]["auroc"], test_metrics["fitzpatrick_by_skin_group"], flush=True)
    return card


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-4, help="peak learning rate of blocks 4-14 (the head: --head-lr-mult times it)")
    ap.add_argument("--head-lr-mult", type=float, default=10.0, help="the dense head's peak lr / --lr")
    ap.add_argument("--init-from", default=None,
                    help="start blocks 13-14 and the dense from this committed exit-flow classifier (e.g. "
                         "xception_derm: linear-probe-then-fine-tune) instead of sklesion's and a fresh dense")
    ap.add_argument("--clean-share", type=float, default=0.0,
                    help="share of training views that are the whole photo, only flipped or turned (no crop or colour)")
    ap.add_argument("--snapshots", action="store_true", help="keep every epoch's weights in the cache folder")
    ap.add_argument("--others-per-epoch", type=int, default=700)
    ap.add_argument("--train-from", default="block4")
    ap.add_argument("--dropout", type=float, default=0.3)
    ap.add_argument("--smoothing", type=float, default=0.1)
    ap.add_argument("--precision", choices=["bf16", "fp32"], default="bf16")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--name", default=NAME)
    ap.add_argument("--finish", action="store_true", help="only write weights + card from the last run's checkpoint")
    args = ap.parse_args(argv)
    args.argv = [a for a in (sys.argv[1:] if argv is None else argv) if a != "--finish"]
    t0 = time.time()
    recs = data.select(data.read_manifest(), sources=data.CLASSIFIER_SOURCES)
    tr, va, te = ([r for r in recs if r.split == s] for s in data.SPLITS)
    if args.finish:
        history = json.loads(_checkpoint_paths(args.name)[1].read_text())
    else:
        history = train(args, tr, va)
    trained_s = sum(h.get("seconds", 0) for h in history) if args.finish else 0  # the interrupted run's epochs
    finish(args, va, te, history, trained_s + time.time() - t0)


if __name__ == "__main__":
    main()
