"""Render 12 val-split clinical photos (one per class and one of another condition) with their lesion outlines as
one PNG grid for the segmentation card.

    python -m skin_core.training.seg_gallery
"""
from __future__ import annotations

import cv2
import numpy as np

from .. import data, images, segmentation
from ..config import WEIGHTS_DIR
from ..i18n import short_class_name

TILE = 192
COLUMNS = 4


def _label(tile: np.ndarray, lines: list[str]) -> np.ndarray:
    """White text on a dark strip along the tile's bottom edge, so it reads on any skin."""
    h = 14 * len(lines) + 4
    tile[-h:] = (tile[-h:] * 0.35).astype(tile.dtype)
    for i, line in enumerate(lines):
        cv2.putText(tile, line, (4, TILE - h + 13 + 14 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (255, 255, 255), 1,
                    cv2.LINE_AA)
    return tile


def main() -> None:
    # never test: choices are made by eye here
    recs = [r for r in data.read_manifest() if r.split == "val" and r.source in ("dermnet-11", "dermnet-other")]
    picks = [next(r for r in recs if r.label == cls) for cls in (*data.CLASSES, "other")]
    tiles = []
    for r in picks:
        rgb = images.load_image(r.path())
        res = segmentation.segment(rgb)
        colour = (0, 255, 255) if res.status == "ok" else (255, 160, 0)
        tile = images.resize(segmentation.outline(rgb, res.mask, colour, thickness=4), TILE)
        name = "Another condition" if r.label == "other" else short_class_name(r.label, "en")
        kind = {"ok": "model outline", "fallback": "fallback outline"}.get(res.status, "no outline drawn")
        tiles.append(_label(tile, [name, kind]))
    rows = [np.concatenate(tiles[i:i + COLUMNS], axis=1) for i in range(0, len(tiles), COLUMNS)]
    grid = np.concatenate(rows, axis=0)
    out = WEIGHTS_DIR / "deeplabv3plus_gallery.png"
    out.write_bytes(images.encode_png(grid))
    print(f"wrote {out} (cyan: model outline; orange: low-confidence fallback outline)")


if __name__ == "__main__":
    main()
