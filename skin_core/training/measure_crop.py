"""Does classifying the lesion crop (segment, then classify, as the study did) beat the whole photo? On val.

    python -m skin_core.training.measure_crop
Records the result in the segmentation card (`crop_experiment`); the pipeline keeps whole-photo
classification unless the crop measures better.
"""
from __future__ import annotations

import numpy as np
from sklearn.metrics import f1_score

from .. import cards, data, images, pipeline, segmentation
from ..data import CLASSES


def crop_to_mask(rgb: np.ndarray, mask: np.ndarray, pad: float = 0.25) -> np.ndarray:
    ys, xs = np.nonzero(mask)
    if len(ys) == 0:
        return rgb
    h, w = mask.shape
    y0, y1, x0, x1 = ys.min(), ys.max(), xs.min(), xs.max()
    py, px = int((y1 - y0) * pad) + 8, int((x1 - x0) * pad) + 8
    return rgb[max(0, y0 - py): min(h, y1 + py + 1), max(0, x0 - px): min(w, x1 + px + 1)]


def main() -> None:
    recs = [r for r in data.read_manifest() if r.split == "val" and r.label in CLASSES]
    y = np.array([CLASSES.index(r.label) for r in recs])
    full, crop = [], []
    for i in range(0, len(recs), 16):
        ims = [images.load_image(r.path()) for r in recs[i:i + 16]]
        full.append(pipeline.classify_batch(ims)[1].probabilities)
        crops = [crop_to_mask(im, segmentation.segment(im).mask) for im in ims]
        crop.append(pipeline.classify_batch(crops)[1].probabilities)
    res = {}
    for name, p in (("whole_photo", np.concatenate(full)), ("lesion_crop", np.concatenate(crop))):
        res[name] = {"val_accuracy": float((p.argmax(1) == y).mean()),
                     "val_macro_f1": float(f1_score(y, p.argmax(1), average="macro"))}
    res["kept"] = "lesion_crop" if res["lesion_crop"]["val_macro_f1"] > res["whole_photo"]["val_macro_f1"] else "whole_photo"
    res["n_val"] = int(len(y))
    card = cards.read_card("deeplabv3plus")
    card["crop_experiment"] = res
    cards.write_card(card)
    print(res)


if __name__ == "__main__":
    main()
