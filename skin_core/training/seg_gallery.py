"""Render 12 val-split clinical photos with their lesion outlines as one small PNG grid for the card.

    python -m skin_core.training.seg_gallery
"""
from __future__ import annotations

import cv2
import numpy as np

from .. import data, images, segmentation
from ..config import WEIGHTS_DIR

TILE = 128


def main() -> None:
    recs = [r for r in data.read_manifest() if r.split == "val" and r.source == "dermnet-11"]  # never test: choices are made by eye here
    picks = []
    for cls in data.CLASSES:  # one or two per class, deterministic
        picks += [r for r in recs if r.label == cls][:1]
    picks = (picks + [r for r in recs if r.label in data.MALIGNANT][1:2])[:12]
    tiles = []
    for r in picks:
        rgb = images.load_image(r.path())
        res = segmentation.segment(rgb)
        colour = (0, 255, 255) if res.status == "ok" else (255, 160, 0)
        tile = images.resize(segmentation.outline(rgb, res.mask, colour, thickness=4), TILE)
        cv2.putText(tile, f"{r.label[:14]} ({res.status})", (3, TILE - 5), cv2.FONT_HERSHEY_SIMPLEX, 0.3,
                    (255, 255, 255), 1, cv2.LINE_AA)
        tiles.append(tile)
    rows = [np.concatenate(tiles[i:i + 4], axis=1) for i in range(0, 12, 4)]
    grid = np.concatenate(rows, axis=0)
    out = WEIGHTS_DIR / "deeplabv3plus_gallery.png"
    out.write_bytes(images.encode_png(grid))
    print(f"wrote {out} (cyan: model outline; orange: low-confidence fallback outline)")


if __name__ == "__main__":
    main()
