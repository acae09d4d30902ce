"""Is this a photo of skin at all? A density check on the shared trunk's pooled features.

Colour rules (quality.py) stop documents and landscapes but a ginger cat or a plate of food is "skin coloured".
Here a Gaussian (Ledoit-Wolf) fitted to the block-12 features of every training photo (11 conditions and
other skin conditions) gives a Mahalanobis distance; a photo farther than the 99th percentile of validation
photos is `not_skin`, unless it is dim and passes once brightened to a normal exposure (`verdicts`). The statistics
live in the registry entry `skin_photo_density` (npz, no pickle).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import quality


@dataclass
class PhotoDensity:
    """Runtime object for the registry entry: mean, precision and the val-chosen distance threshold."""

    name: str
    card: dict
    mean: np.ndarray
    precision: np.ndarray
    threshold: float

    def distance(self, pooled: np.ndarray) -> np.ndarray:
        d = pooled - self.mean
        return np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", d, self.precision, d), 0))

    def is_skin_photo(self, trunk_out) -> tuple[bool, float]:
        """(verdict, distance) for the first image of a trunk_out batch (16x16x728 maps)."""
        pooled = np.asarray(trunk_out, np.float32)[:1].mean(axis=(1, 2))
        dist = float(self.distance(pooled)[0])
        return dist <= self.threshold, dist

    def verdicts(self, trunk_out, photos: np.ndarray, brightness, encode) -> list[bool]:
        """Per photo of a batch: a skin photo or not. `photos` are the trunk's inputs (N, 254, 254, 3), `brightness`
        each photo's `QualityReport.brightness`, `encode` maps such a batch to its trunk_out maps. A photo dimmer
        than `quality.EXPOSURE_REF` that is refused is checked once more brightened to that exposure: dimness alone
        moves skin out of the density (val photos darkened to mean brightness 50: 33 of 955 refused; with this
        second look 6), while no non-skin test picture passed that way (README, "Photo checks")."""
        ok = [self.is_skin_photo(trunk_out[i:i + 1])[0] for i in range(len(photos))]
        again = [i for i, b in enumerate(brightness) if not ok[i] and b < quality.EXPOSURE_REF]
        if again:
            brightened = np.stack([quality.exposure_normalised(np.asarray(photos[i], np.uint8)) for i in again])
            out = np.asarray(encode(brightened.astype(np.float32)))
            for j, i in enumerate(again):
                ok[i] = self.is_skin_photo(out[j:j + 1])[0]
        return ok


def build(spec, card) -> PhotoDensity:
    with np.load(spec.weights_path, allow_pickle=False) as z:
        return PhotoDensity(spec.name, card, z["mean"], z["precision"], float(card["thresholds"]["distance"]))
