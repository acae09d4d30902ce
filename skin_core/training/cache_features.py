"""Cache the frozen Xception trunk's block-12 (or, --layer mid_out, block-9) feature maps (16x16x728 at 254 px, float16).

Train images get the original plus N augmented views; val/test get the original and its mirror (for TTA).
Fine-tuning the exit flow on these caches costs minutes on 2 CPU cores instead of hours.

    python -m skin_core.training.cache_features --views 4                    # cache/trunk_*.npy
    python -m skin_core.training.cache_features --views 4 --layer mid_out    # cache/mid_*.npy
    python -m skin_core.training.cache_features --views 4 --colour-constancy sog   # cache/trunk_sog_*.npy
    python -m skin_core.training.cache_features --views 4 --size 382   # cache/trunk382_*.npy (24x24 maps)
"""
from __future__ import annotations

import argparse
import csv
import time

import numpy as np

from .. import augment, data, images
from ..config import CACHE_DIR
from ..models import xception_derm as xd


def cache_prefix(layer: str, colour_constancy: str = "none", size: int = xd.INPUT_SIZE) -> str:
    """File prefix of a cache: trunk_* (block 12) or mid_* (block 9), + _sog with Shades-of-Gray input,
    + the photo size when it is not the trunk's own 254 px (e.g. trunk382_*)."""
    return (("trunk" if layer == xd.TRUNK_OUT else "mid") + (str(size) if size != xd.INPUT_SIZE else "")
            + ("_sog" if colour_constancy == "sog" else ""))


def _views(rgb: np.ndarray, split: str, n_views: int, rng: np.random.Generator, size: int) -> list[np.ndarray]:
    base = images.resize(rgb, size)
    if split != "train":
        return [base, base[:, ::-1]]
    return [base] + [augment.train_view(rgb, rng, size) for _ in range(n_views - 1)]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--views", type=int, default=4)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--layer", choices=[xd.TRUNK_OUT, xd.MID_OUT], default=xd.TRUNK_OUT)
    ap.add_argument("--colour-constancy", choices=["none", "sog"], default="none",
                    help="Shades of Gray on every photo before its views (an option measured on val)")
    ap.add_argument("--size", type=int, default=xd.INPUT_SIZE,
                    help="photo size fed to the trunk (382: the atlases' native ~384 px; maps 24x24)")
    args = ap.parse_args(argv)
    import tensorflow as tf

    from ..classifiers import same_layers_on

    trunk = xd.build_trunk()
    if args.size != xd.INPUT_SIZE:
        trunk = same_layers_on(trunk, (args.size, args.size))
    run = tf.function(lambda x: trunk(x, training=False)[args.layer], jit_compile=False)
    side = int(run(np.zeros((1, args.size, args.size, 3), np.float32)).shape[1])
    prefix = cache_prefix(args.layer, args.colour_constancy, args.size)
    records = data.select(data.read_manifest(), sources=data.CLASSIFIER_SOURCES)
    rng = np.random.default_rng(args.seed)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    for split in data.SPLITS:
        recs = [r for r in records if r.split == split]
        per = args.views if split == "train" else 2
        n = len(recs) * per
        feats = np.lib.format.open_memmap(
            CACHE_DIR / f"{prefix}_{split}.npy", mode="w+", dtype=np.float16, shape=(n, side, side, 728)
        )
        index = []
        buf, t0, k = [], time.time(), 0
        for i, rec in enumerate(recs):
            rgb = images.load_image(rec.path())
            if args.colour_constancy == "sog":
                rgb = augment.shades_of_gray(rgb)
            for v, view in enumerate(_views(rgb, split, per, rng, args.size)):
                buf.append(view)
                index.append((i, v, rec.source, rec.file, rec.label, rec.skin_type))
            if len(buf) >= args.batch or i == len(recs) - 1:
                out = run(np.stack(buf).astype(np.float32)).numpy()
                feats[k : k + len(buf)] = out.astype(np.float16)
                k += len(buf)
                buf = []
                print(f"{split}: {i + 1}/{len(recs)} images, {time.time() - t0:.0f}s", flush=True)
        feats.flush()
        with open(CACHE_DIR / f"{prefix}_{split}.csv", "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["record", "view", "source", "file", "label", "skin_type"])
            w.writerows(index)


if __name__ == "__main__":
    main()
