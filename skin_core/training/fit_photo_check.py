"""Fit the "is this a skin photo" density (see skin_core/photo_check.py) on train, threshold on val, report test.

    python -m skin_core.training.fit_photo_check
"""
from __future__ import annotations

import time

import numpy as np

from .. import cards, data, images
from ..config import MANIFEST_PATH, REPO_ROOT, WEIGHTS_DIR
from ..models import xception_derm as xd

NAME = "skin_photo_density"
SOURCES = data.CLASSIFIER_SOURCES + ("ph2",)  # ph2: dermoscopic photos are skin too


def pooled_features(recs, fn, batch: int = 32) -> np.ndarray:
    out = []
    for i in range(0, len(recs), batch):
        x = np.stack([images.resize(images.load_image(r.path()), xd.INPUT_SIZE) for r in recs[i:i + batch]])
        out.append(np.asarray(fn(x.astype(np.float32))[xd.TRUNK_OUT]).mean(axis=(1, 2)))
    return np.concatenate(out)


def main() -> None:
    from sklearn.covariance import LedoitWolf

    from ..classifiers import shared_trunk

    t0 = time.time()
    _, fn = shared_trunk()
    recs = data.select(data.read_manifest(), sources=SOURCES)
    feats = {s: pooled_features([r for r in recs if r.split == s], fn) for s in data.SPLITS}
    lw = LedoitWolf().fit(feats["train"])

    def dist(x):
        d = x - lw.location_
        return np.sqrt(np.einsum("ij,jk,ik->i", d, lw.precision_, d))

    threshold = float(np.percentile(dist(feats["val"]), 99))
    test_d = dist(feats["test"])
    path = WEIGHTS_DIR / f"{NAME}.npz"
    np.savez(path, mean=lw.location_.astype(np.float32), precision=lw.precision_.astype(np.float32))
    card = {
        "name": NAME,
        "task": "photo_check",
        "family": "gaussian-density",
        "version": time.strftime("%Y-%m-%d"),
        "description": "Ledoit-Wolf Gaussian on the sklesion trunk's pooled block-12 features of every training "
                       "photo; Mahalanobis distance above the val 99th percentile -> `not_skin`.",
        "classes": [],
        "input_size": xd.INPUT_SIZE,
        "preprocessing": "as xception_derm (shared trunk); global average pooling of the 16x16x728 block-12 map",
        "weights": f"weights/{path.name}",
        "sha256": xd.file_sha256(path),
        "data": "train split of dermnet-11, dermnet-other, fitzpatrick and ph2 (clinical and dermoscopic skin photos)",
        "split": str(MANIFEST_PATH.relative_to(REPO_ROOT)),
        "thresholds": {"distance": threshold},
        "test_metrics": {
            "n": int(len(test_d)),
            "skin_photos_rejected": float((test_d > threshold).mean()),
        },
        "training_command": "python -m skin_core.training.fit_photo_check",
        "training": {"seed": None,
                     "wall_time_s": round(time.time() - t0), "hardware": cards.hardware()},
        "intended_use": "Rejecting photos that are not close-ups of skin (animals, food, scenes) before any label is shown.",
        "limitations": "No non-skin photo set exists here to measure recall; it is checked on a handful of "
                       "scikit-image sample photos in the tests. Unusual skin photos can be rejected (see rate).",
    }
    cards.write_card(card)
    print(card["thresholds"], card["test_metrics"])


if __name__ == "__main__":
    main()
