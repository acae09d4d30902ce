"""Photometric and geometric augmentation (numpy) and Shades-of-Gray colour constancy.

Lighting and camera colour were the study's named weakness, so training views vary brightness, contrast,
saturation, white balance and gamma as much as framing.
"""
from __future__ import annotations

import numpy as np
from PIL import Image


def shades_of_gray(rgb: np.ndarray, p: int = 6) -> np.ndarray:
    """Shades-of-Gray colour constancy (Finlayson & Trezzi 2004): equalise the Minkowski p-norm per channel."""
    x = rgb.astype(np.float32) + 1e-6
    norm = np.power(np.mean(np.power(x, p), axis=(0, 1)), 1.0 / p)
    gain = norm.mean() / norm
    return np.clip(x * gain, 0, 255).astype(np.uint8)


def photometric(rgb: np.ndarray, rng: np.random.Generator, strength: float = 1.0) -> np.ndarray:
    """Random brightness, contrast, saturation, per-channel white balance and gamma."""
    x = rgb.astype(np.float32) / 255.0
    wb = 1.0 + rng.uniform(-0.15, 0.15, size=3) * strength
    x = x * wb
    x = x * (1.0 + rng.uniform(-0.3, 0.3) * strength)
    mean = x.mean()
    x = (x - mean) * (1.0 + rng.uniform(-0.3, 0.3) * strength) + mean
    grey = x.mean(axis=2, keepdims=True)
    x = grey + (x - grey) * (1.0 + rng.uniform(-0.35, 0.35) * strength)
    x = np.clip(x, 0, 1) ** np.exp(rng.uniform(-0.25, 0.25) * strength)
    return (np.clip(x, 0, 1) * 255).astype(np.uint8)


def geometric(rgb: np.ndarray, rng: np.random.Generator, size: int) -> np.ndarray:
    """Random resized crop (60-100 % area), flips and a 90-degree rotation, resized to size x size."""
    h, w = rgb.shape[:2]
    scale = rng.uniform(0.6, 1.0)
    aspect = np.exp(rng.uniform(np.log(3 / 4), np.log(4 / 3)))
    ch = int(min(h, round(np.sqrt(scale * h * w / aspect))))
    cw = int(min(w, round(np.sqrt(scale * h * w * aspect))))
    y0 = int(rng.integers(0, h - ch + 1))
    x0 = int(rng.integers(0, w - cw + 1))
    crop = rgb[y0 : y0 + ch, x0 : x0 + cw]
    if rng.random() < 0.5:
        crop = crop[:, ::-1]
    if rng.random() < 0.5:
        crop = crop[::-1]
    crop = np.rot90(crop, int(rng.integers(0, 4)))
    img = Image.fromarray(np.ascontiguousarray(crop)).resize((size, size), Image.Resampling.BILINEAR)
    return np.asarray(img, dtype=np.uint8)


def train_view(rgb: np.ndarray, rng: np.random.Generator, size: int) -> np.ndarray:
    return photometric(geometric(rgb, rng, size), rng)


def mixup(arrays: tuple[np.ndarray, ...], alpha: float, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Mixup (Zhang et al. 2018): every array of a batch (views, targets, weights) mixed with the same shuffled copy
    of itself, lam ~ Beta(alpha, alpha) folded to >= 0.5 so each row stays mostly itself (as `train_xception`)."""
    lam = np.float32(max(l := rng.beta(alpha, alpha), 1 - l))
    perm = rng.permutation(len(arrays[0]))
    return tuple((lam * a + (1 - lam) * a[perm]).astype(np.float32) for a in arrays)


TTA_VIEW_COUNTS = (1, 2, 4, 8)


def tta_views(batch: np.ndarray, n: int) -> list[np.ndarray]:
    """The first n of the 8 flips and quarter-turns of an (N, s, s, 3) batch, for test-time augmentation.

    1: the photo; 2: and its mirror; 4: and both upside down; 8: and the four transposed ones. Each prefix is a
    group, so no orientation is favoured; the students saw all eight in training (`geometric`)."""
    if n not in TTA_VIEW_COUNTS:
        raise ValueError(f"tta views must be one of {TTA_VIEW_COUNTS}, not {n}")
    base = [batch, batch[:, :, ::-1], batch[:, ::-1], batch[:, ::-1, ::-1]]
    turned = [np.swapaxes(v, 1, 2) for v in base]
    return (base + turned)[:n]
