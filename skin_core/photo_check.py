"""Is this a photo of skin at all? Checks on the shared trunk's maps, run before any answer is shown.

Colour rules (quality.py) stop documents and landscapes, but a ginger cat or a plate of food is "skin coloured". A
check here gives each photo a "not skin" score from the trunk's pooled maps; above a threshold that lets through 99 %
of val skin photos the photo is `not_skin`, unless it is dim and passes once brightened to a normal exposure
(`PhotoCheck.verdicts`). Two live in the registry (npz, no pickle):
- `skin_photo_logistic`, the default: a logistic regression of skin photos against pictures that are not skin, on the
  mean and spread of blocks 3, 9 and 12 (`training/measure_learned_photo_check`);
- `skin_photo_density`: a Gaussian (Ledoit-Wolf) fitted to skin photos alone, the Mahalanobis distance of block 12's
  mean (`training/fit_photo_check`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import quality


def pooled(maps: dict, features) -> np.ndarray:
    """(N, D): per map named in `features` ("trunk_out:mean", "low_level:std"...), its mean or spread over space."""
    parts = []
    for f in features:
        key, stat = f.split(":")
        m = np.asarray(maps[key], np.float32)
        parts.append(m.mean(axis=(1, 2)) if stat == "mean" else m.std(axis=(1, 2)))
    return np.concatenate(parts, axis=1)


@dataclass
class PhotoCheck:
    """A "not skin" score on the trunk's maps and its val-chosen threshold."""

    name: str
    card: dict
    threshold: float

    def scores(self, maps: dict) -> np.ndarray:
        raise NotImplementedError

    def is_skin(self, maps: dict) -> np.ndarray:
        return self.scores(maps) <= self.threshold

    def verdicts(self, maps: dict, photos: np.ndarray, brightness, encode) -> list[bool]:
        """Per photo of a batch: a skin photo or not. `maps` are the trunk's maps of `photos` (its inputs, (N, 254,
        254, 3)), `brightness` each photo's `QualityReport.brightness`, `encode` maps such a batch to its maps. A
        photo dimmer than `quality.EXPOSURE_REF` that is refused is checked once more brightened to that exposure:
        dimness alone moves skin out of what a check learned (the density: val photos darkened to mean brightness 50,
        33 of 955 refused, with this second look 6), while no non-skin test picture passed that way (README, "Photo
        checks")."""
        ok = self.is_skin(maps).tolist()
        again = [i for i, b in enumerate(brightness) if not ok[i] and b < quality.EXPOSURE_REF]
        if again:
            brightened = np.stack([quality.exposure_normalised(np.asarray(photos[i], np.uint8)) for i in again])
            second = self.is_skin(encode(brightened.astype(np.float32)))
            for j, i in enumerate(again):
                ok[i] = bool(second[j])
        return ok


@dataclass
class PhotoDensity(PhotoCheck):
    """Mahalanobis distance of block 12's pooled map from the skin photos' Gaussian."""

    mean: np.ndarray
    precision: np.ndarray

    def distance(self, rows: np.ndarray) -> np.ndarray:
        d = rows - self.mean
        return np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", d, self.precision, d), 0))

    def scores(self, maps: dict) -> np.ndarray:
        return self.distance(pooled(maps, ["trunk_out:mean"]))


@dataclass
class LogisticPhotoCheck(PhotoCheck):
    """Log-odds of "not skin" from standardised pooled statistics of the trunk's maps."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def scores(self, maps: dict) -> np.ndarray:
        return ((pooled(maps, self.features) - self.mean) / self.scale) @ self.coef + self.intercept


def build_density(spec, card) -> PhotoDensity:
    with np.load(spec.weights_path, allow_pickle=False) as z:
        return PhotoDensity(spec.name, card, float(card["thresholds"]["distance"]), z["mean"], z["precision"])


def build_logistic(spec, card) -> LogisticPhotoCheck:
    with np.load(spec.weights_path, allow_pickle=False) as z:
        return LogisticPhotoCheck(spec.name, card, float(card["thresholds"]["score"]), tuple(z["features"].tolist()),
                                  z["mean"], z["scale"], z["coef"], float(z["intercept"]))
