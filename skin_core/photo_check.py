"""Is this a photo of skin at all? A density check on the shared trunk's pooled features.

Colour rules (quality.py) stop documents and landscapes but a ginger cat or a plate of food is "skin coloured".
Here a Gaussian (Ledoit-Wolf) fitted to the block-12 features of every training photo (11 conditions and
other skin conditions) gives a Mahalanobis distance; a photo farther than the 99th percentile of validation
photos is `not_skin`. The statistics live in the registry entry `skin_photo_density` (npz, no pickle).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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


def build(spec, card) -> PhotoDensity:
    with np.load(spec.weights_path, allow_pickle=False) as z:
        return PhotoDensity(spec.name, card, z["mean"], z["precision"], float(card["thresholds"]["distance"]))
