"""Train the DeepLabV3+ decoder on the PH2 train split (frozen shared trunk), select on val, test once.

    python -m skin_core.training.train_segmentation --epochs 40
Writes weights/deeplabv3plus.keras + card (IoU, Dice, ISIC thresholded Jaccard, asymmetry agreement, gallery).
"""
from __future__ import annotations

import argparse
import csv
import sys
import time

import cv2
import numpy as np
from PIL import Image

from .. import augment, cards, data, images, registry, segmentation
from ..config import MANIFEST_PATH, REPO_ROOT, WEIGHTS_DIR, data_root
from ..models import deeplabv3plus, xception_derm as xd

NAME = "deeplabv3plus"
S = xd.INPUT_SIZE


def load_pair(rec):
    rgb = images.load_image(rec.path(), max_side=4096)
    mask = np.asarray(Image.open(data.ph2_mask_path(rec)).convert("L")) > 127
    return rgb, mask.astype(np.uint8)


def joint_augment(rgb, mask, rng):
    """Same geometry for image and mask (crop, flips, rot90, small rotation); colour/lighting on the image."""
    h, w = mask.shape
    scale = rng.uniform(0.65, 1.0)
    ch, cw = int(h * np.sqrt(scale)), int(w * np.sqrt(scale))
    y0, x0 = rng.integers(0, h - ch + 1), rng.integers(0, w - cw + 1)
    rgb, mask = rgb[y0:y0 + ch, x0:x0 + cw], mask[y0:y0 + ch, x0:x0 + cw]
    rot = cv2.getRotationMatrix2D((cw / 2, ch / 2), rng.uniform(-30, 30), 1.0)
    rgb = cv2.warpAffine(rgb, rot, (cw, ch), borderMode=cv2.BORDER_REFLECT)
    mask = cv2.warpAffine(mask, rot, (cw, ch), flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_REFLECT)
    k = int(rng.integers(0, 4))
    rgb, mask = np.rot90(rgb, k), np.rot90(mask, k)
    if rng.random() < 0.5:
        rgb, mask = rgb[:, ::-1], mask[:, ::-1]
    rgb = images.resize(np.ascontiguousarray(rgb), S)
    mask = cv2.resize(np.ascontiguousarray(mask), (S, S), interpolation=cv2.INTER_NEAREST)
    return augment.photometric(rgb, rng), mask


def iou_dice(pred: np.ndarray, gt: np.ndarray) -> tuple[float, float]:
    inter = np.logical_and(pred, gt).sum()
    union = np.logical_or(pred, gt).sum()
    s = pred.sum() + gt.sum()
    return (float(inter / union) if union else 1.0), (float(2 * inter / s) if s else 1.0)


def evaluate(decoder, trunk_fn, pairs, threshold=0.5):
    """Per-image IoU/Dice at each image's own size (prediction upsampled), mirror TTA."""
    import tensorflow as tf

    ious, dices, probs = [], [], []
    for rgb, mask in pairs:
        x = images.resize(rgb, S)[None].astype(np.float32)
        xs = np.concatenate([x, x[:, :, ::-1]])
        f = trunk_fn(xs)
        p = np.asarray(tf.sigmoid(decoder({xd.TRUNK_OUT: f[xd.TRUNK_OUT], xd.LOW_LEVEL: f[xd.LOW_LEVEL]}, training=False)))[..., 0]
        p = (p[0] + p[1][:, ::-1]) / 2
        pf = cv2.resize(p, (mask.shape[1], mask.shape[0]), interpolation=cv2.INTER_LINEAR)
        pred = segmentation.largest_component((pf >= threshold).astype(np.uint8)) > 0
        i, d = iou_dice(pred, mask > 0)
        ious.append(i)
        dices.append(d)
        probs.append(pf)
    return np.array(ious), np.array(dices), probs


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    import keras
    import tensorflow as tf

    from ..classifiers import shared_trunk

    keras.utils.set_random_seed(args.seed)
    t_start = time.time()
    recs = data.select(data.read_manifest(), sources=["ph2"])
    train = [load_pair(r) for r in recs if r.split == "train"]
    val = [load_pair(r) for r in recs if r.split == "val"]
    test_recs = [r for r in recs if r.split == "test"]
    test = [load_pair(r) for r in test_recs]
    _, trunk_fn = shared_trunk()
    decoder = deeplabv3plus.build_decoder()
    steps = args.epochs * (len(train) // args.batch)
    opt = keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(args.lr, steps))

    @tf.function
    def step(f_high, f_low, y):
        with tf.GradientTape() as tape:
            logits = decoder({xd.TRUNK_OUT: f_high, xd.LOW_LEVEL: f_low}, training=True)
            bce = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(y, logits))
            p = tf.sigmoid(logits)
            dice = 1 - (2 * tf.reduce_sum(p * y, [1, 2, 3]) + 1) / (tf.reduce_sum(p + y, [1, 2, 3]) + 1)
            loss = bce + tf.reduce_mean(dice)
        opt.apply_gradients(zip(tape.gradient(loss, decoder.trainable_variables), decoder.trainable_variables))
        return loss

    rng = np.random.default_rng(args.seed)
    best, best_w, history = -1.0, None, []
    for epoch in range(args.epochs):
        order = rng.permutation(len(train))
        losses = []
        for b in range(0, len(order) - args.batch + 1, args.batch):
            xs, ys = zip(*(joint_augment(*train[i], rng) for i in order[b:b + args.batch]))
            f = trunk_fn(np.stack(xs).astype(np.float32))
            losses.append(float(step(f[xd.TRUNK_OUT], f[xd.LOW_LEVEL], np.stack(ys)[..., None].astype(np.float32))))
        if epoch % 2 == 1 or epoch == args.epochs - 1:
            vi, vd, _ = evaluate(decoder, trunk_fn, val)
            history.append({"epoch": epoch + 1, "loss": float(np.mean(losses)), "val_iou": float(vi.mean())})
            print(history[-1], f"{time.time() - t_start:.0f}s", flush=True)
            if vi.mean() > best:
                best, best_w = float(vi.mean()), decoder.get_weights()
    decoder.set_weights(best_w)
    ti, td, tprobs = evaluate(decoder, trunk_fn, test)
    with open(data_root() / "ph2" / "labels.csv", newline="") as fh:
        expert = {r["image"]: int(r["asymmetry"]) for r in csv.DictReader(fh)}
    from scipy.stats import spearmanr

    asym_pred, asym_true = [], []
    for rec, (rgb, _mask), pf in zip(test_recs, test, tprobs):
        m = segmentation.largest_component((pf >= 0.5).astype(np.uint8))
        asym_pred.append(segmentation.measure(rgb, m).get("asymmetry", 0.0))
        asym_true.append(expert[rec.file.split("/")[-1].split(".")[0]])
    rho = spearmanr(asym_pred, asym_true).statistic
    WEIGHTS_DIR.mkdir(exist_ok=True)
    path = registry.weights_path(NAME)
    decoder.save(path)
    test_metrics = {
        "n": len(test),
        "mean_iou": float(ti.mean()),
        "dice": float(td.mean()),
        "thresholded_jaccard": float(np.where(ti < 0.65, 0.0, ti).mean()),
        "asymmetry_spearman_vs_expert": float(rho),
        "per_image_iou": [round(float(v), 4) for v in ti],
    }
    card = {
        "name": NAME,
        "task": "segmentation",
        "family": "deeplabv3plus",
        "version": time.strftime("%Y-%m-%d"),
        "description": "DeepLabV3+ (ASPP with atrous separable convolutions at rates 2/4/6 on stride-16 features, "
                       "image pooling, decoder fusing stride-4 features) on the frozen sklesion Xception trunk, "
                       "which the default classifier shares: one encoder pass per photo.",
        "classes": ["lesion"],
        "input_size": S,
        "preprocessing": "same as xception_derm (254x254 RGB, sklesion normalization); mirror TTA in evaluation; "
                         "mask = probability >= 0.5, largest connected component, upsampled to the input size",
        "weights": f"weights/{path.name}",
        "sha256": xd.file_sha256(path),
        "base_weights": xd.sklesion_provenance(),
        "initialisation": "encoder: sklesion HAM10000 Xception (frozen); decoder: random, trained here",
        "data": "PH2 dermoscopic images with expert masks, manifest split (train 112 / val 24 / test 24); "
                "augmentation: crop, rotation, flips, rot90, brightness/contrast/saturation/white balance/gamma",
        "split": str(MANIFEST_PATH.relative_to(REPO_ROOT)),
        "thresholds": {"mask": 0.5},
        "test_metrics": test_metrics,
        "history": history,
        "training_command": "python -m skin_core.training.train_segmentation " + " ".join(sys.argv[1:] if argv is None else argv),
        "training": {"seed": args.seed, "wall_time_s": round(time.time() - t_start), "hardware": cards.hardware()},
        "intended_use": "Outlining a single lesion; trained on dermoscopy, so outlines on clinical photos are "
                        "approximate and fall back to a colour-contrast outline when the model is not confident.",
        "limitations": "PH2 has 160 images of melanocytic lesions only; rashes and multiple lesions have no "
                       "ground truth here.",
        "gallery": "deeplabv3plus_gallery.png",
    }
    cards.write_card(card)
    print({k: v for k, v in test_metrics.items() if k != "per_image_iou"})


if __name__ == "__main__":
    main()
