"""Run the lesion segmenter on an image: mask at the image's own size, outline, ABC measurements, fallback.

The DeepLabV3+ decoder was trained on dermoscopic images (PH2). On clinical photos its mask can be empty,
fragmented or swallow the whole frame; then we fall back to a colour-contrast mask (Otsu on the distance to
the median skin colour in Lab, the largest component near the centre) and say so in `status`/`message`. An outline
whose centre lies in the outer part of the frame is not trusted: on 955 val photos nearly all of those were a
watermark, an eye, hair or the photo's background (`OFF_CENTRE`).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

import cv2
import numpy as np

from . import images, registry
from .models import xception_derm as xd

MIN_AREA, MAX_AREA = 0.005, 0.90
# mean |p - 0.5| * 2 over the frame; chosen by eye on an earlier 12-photo gallery drawn from the test split (the
# gallery now comes from val). No reported metric depends on it: PH2 IoU/Dice score the model's own mask.
MIN_CONFIDENCE = 0.55


@dataclass
class SegmentationResult:
    mask: np.ndarray  # (H, W) uint8, 0 or 255, at the input image's size
    probability: np.ndarray | None  # the model's lesion probability at its own input size (254 x 254), float32
    status: str  # ok | fallback | none
    message: str
    confidence: float
    measurements: dict = field(default_factory=dict)

    @property
    def area_fraction(self) -> float:
        return float((self.mask > 0).mean())

    def to_dict(self) -> dict:
        return {"status": self.status, "message": self.message, "area_fraction": self.area_fraction,
                "confidence": self.confidence, "measurements": self.measurements}


class DeepLabSegmenter:
    """Shared trunk + the trained DeepLabV3+ decoder (registry entry `deeplabv3plus`)."""

    def __init__(self, spec, card):
        import tensorflow as tf

        from .classifiers import _load_keras

        self.spec, self.card, self.name = spec, card, spec.name
        self.threshold = float(card.get("thresholds", {}).get("mask", 0.5))
        self.decoder = _load_keras(spec.weights_path)
        self._fn = tf.function(lambda f: tf.sigmoid(self.decoder(f, training=False)), reduce_retracing=True)
        self._lock = threading.Lock()

    def probabilities(self, batch: np.ndarray | None, trunk_out: dict | None = None) -> np.ndarray:
        """(N, 254, 254) lesion probabilities for a (N, 254, 254, 3) uint8 batch (or its trunk features)."""
        from .classifiers import shared_trunk_features

        with self._lock:
            if trunk_out is None:
                trunk_out = shared_trunk_features(batch, tta=False)
            feats = {xd.TRUNK_OUT: trunk_out[xd.TRUNK_OUT], xd.LOW_LEVEL: trunk_out[xd.LOW_LEVEL]}
            return np.asarray(self._fn(feats))[..., 0]


def largest_component(mask: np.ndarray) -> np.ndarray:
    n, lab, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if n <= 1:
        return np.zeros_like(mask, np.uint8)
    best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    out = (lab == best).astype(np.uint8)
    return cv2.morphologyEx(out, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))


CENTRE_SPREAD = 0.35  # how fast `centre_weight` falls off, in half-diagonals of the frame
# An outline whose centroid lies farther than this from the frame's centre (in half-diagonals; a corner is 1.0) is
# not trusted. Chosen by eye on the 955 val photos: of the outlines past 0.5 (4 low-confidence model regions, 16
# colour-contrast ones, 80 "confident" model masks), the model regions were all the DermNet watermark and most of
# the rest an edge, an eye, hair or the background (`python -m skin_core.training.seg_gallery` shows the outlines
# the app draws).
OFF_CENTRE = 0.5


def centre_weight(shape: tuple[int, ...], x, y) -> np.ndarray:
    """A Gaussian of a point's distance from the frame's centre, in half-diagonals: 1 at the centre, 0.36 half-way
    to a corner, 0.02 in it. People centre the problem in the photo, while a corner holds a watermark or a label."""
    return np.exp(-off_centre(shape, x, y) ** 2 / (2 * CENTRE_SPREAD ** 2))


def off_centre(shape: tuple[int, ...], x, y) -> np.ndarray:
    """Distance of a point from the frame's centre, in half-diagonals (0 at the centre, 1 in a corner)."""
    h, w = shape[:2]
    return np.hypot(np.asarray(x) - (w - 1) / 2, np.asarray(y) - (h - 1) / 2) / (0.5 * np.hypot(w, h))


def central_component(mask: np.ndarray) -> np.ndarray:
    """The component with the largest area x `centre_weight` of its centroid: a blob half-way to a corner must be
    about 3x larger than a central one to win, one near the corner (0.9) about 25x."""
    n, lab, stats, centroids = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if n <= 1:
        return np.zeros_like(mask, np.uint8)
    score = stats[1:, cv2.CC_STAT_AREA] * centre_weight(mask.shape, centroids[1:, 0], centroids[1:, 1])
    out = (lab == 1 + int(np.argmax(score))).astype(np.uint8)
    return cv2.morphologyEx(out, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))


def centred(mask: np.ndarray) -> bool:
    """Whether a mask's centroid lies within `OFF_CENTRE` of the frame's centre (an empty mask is not)."""
    ys, xs = np.nonzero(mask)
    return len(xs) > 0 and float(off_centre(mask.shape, xs.mean(), ys.mean())) <= OFF_CENTRE


def colour_fallback(rgb: np.ndarray) -> np.ndarray:
    """Lesion = skin-region pixels far from the median skin colour (Lab, Otsu), the largest component near the
    centre (`central_component`)."""
    from .quality import skin_mask

    small = images.resize(rgb, 254)
    skin = skin_mask(small)
    if skin.mean() < 0.05:
        return np.zeros(small.shape[:2], np.uint8)
    lab = cv2.cvtColor(cv2.GaussianBlur(small, (5, 5), 0), cv2.COLOR_RGB2LAB).astype(np.float32)
    dist = np.linalg.norm(lab - np.median(lab[skin], axis=0), axis=2)
    region = cv2.dilate(skin.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    dist[~region] = 0
    d8 = cv2.normalize(dist, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    _, m = cv2.threshold(d8, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return central_component(m & region.astype(np.uint8))


def measure(rgb: np.ndarray, mask: np.ndarray) -> dict:
    """A, B, C of ABCD from a binary mask: asymmetry, border irregularity, colour variegation (+ area)."""
    m = (mask > 0).astype(np.uint8)
    area = int(m.sum())
    if area < 20:
        return {"area_fraction": float(m.mean())}
    ys, xs = np.nonzero(m)
    cy, cx = ys.mean(), xs.mean()
    cov = np.cov(np.stack([xs - cx, ys - cy]))
    evals, evecs = np.linalg.eigh(cov)
    angle = np.degrees(np.arctan2(evecs[1, -1], evecs[0, -1]))
    h, w = m.shape
    rot = cv2.getRotationMatrix2D((cx, cy), angle, 1.0)
    rot[:, 2] += (w / 2 - cx, h / 2 - cy)  # centre the lesion so flips stay in frame
    side = int(2 * max(h, w))
    rot[:, 2] += (side / 2 - w / 2, side / 2 - h / 2)
    aligned = cv2.warpAffine(m, rot, (side, side), flags=cv2.INTER_NEAREST)
    asym = []
    for flipped in (aligned[::-1, :], aligned[:, ::-1]):
        asym.append(float(np.logical_xor(aligned, flipped).sum() / (2 * aligned.sum())))
    contours, _ = cv2.findContours(m, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    perimeter = sum(cv2.arcLength(c, True) for c in contours)
    hull = cv2.convexHull(max(contours, key=cv2.contourArea))
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32)
    inside = lab[m > 0]
    return {
        "area_fraction": float(m.mean()),
        "asymmetry": float(np.mean(asym)),  # 0 = mirror-symmetric on both principal axes
        "border_irregularity": float(perimeter ** 2 / (4 * np.pi * area)),  # 1 = a perfect circle
        "solidity": float(area / max(cv2.contourArea(hull), 1.0)),
        "colour_variegation": float(inside.std(axis=0).mean() / 255 * 4),  # ~0 uniform, ~1 very mixed
    }


def outline(rgb: np.ndarray, mask: np.ndarray, colour=(0, 255, 255), thickness: int | None = None) -> np.ndarray:
    """The photo with the mask's contour drawn on it."""
    out = rgb.copy()
    contours, _ = cv2.findContours((mask > 0).astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    t = thickness or max(2, round(max(rgb.shape[:2]) / 200))
    cv2.drawContours(out, contours, -1, colour, t)
    return out


def fill(rgb: np.ndarray, mask: np.ndarray, alpha: float = 0.4, colour=(0, 200, 255)) -> np.ndarray:
    """The photo with the mask filled semi-transparently."""
    out = rgb.astype(np.float32)
    m = mask > 0
    out[m] = out[m] * (1 - alpha) + np.array(colour, np.float32) * alpha
    return out.astype(np.uint8)


def segment(rgb: np.ndarray, trunk_out: dict | None = None, model: str | None = None) -> SegmentationResult:
    """Lesion mask for one RGB image at its own size (model mask, or a stated colour fallback)."""
    h, w = rgb.shape[:2]
    prob_model, conf, reason = None, 0.0, ""
    names = registry.list_models("segmentation")
    if names:
        seg = registry.load_model(model or names[0], "segmentation")
        x = None if trunk_out is not None else images.resize(rgb, xd.INPUT_SIZE)[None]  # the trunk has seen it
        p = seg.probabilities(x, trunk_out)[0]
        conf = float(np.mean(np.abs(p - 0.5)) * 2)
        m = central_component((p >= seg.threshold).astype(np.uint8))
        area = float(m.mean())
        prob_full = cv2.resize(p.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
        prob_model = p.astype(np.float32)  # kept at the model's size: a photo-sized copy would triple a cached result
        if MIN_AREA <= area <= MAX_AREA and conf >= MIN_CONFIDENCE:
            mask = (central_component((prob_full >= seg.threshold).astype(np.uint8)) * 255).astype(np.uint8)
            if centred(mask):
                return SegmentationResult(mask, prob_model, "ok", "", conf, measure(rgb, mask))
            reason = f"model mask off-centre (confidence {conf:.2f})"
        else:
            reason = f"model mask rejected (area {area:.1%}, confidence {conf:.2f})"
        if p.max() >= 0.3:  # the model sees something: keep its most lesion-like region near the centre
            rel = central_component((prob_full >= 0.5 * p.max()).astype(np.uint8))
            if MIN_AREA <= rel.mean() <= MAX_AREA and centred(rel):
                mask = (rel * 255).astype(np.uint8)
                msg = ("Approximate outline: the lesion model's own outline was not usable on this photo, so this is "
                       "the region near the centre it rated most lesion-like.")
                return SegmentationResult(mask, prob_model, "fallback", f"{msg} [{reason}]", conf, measure(rgb, mask))
    m = colour_fallback(rgb)
    area = float(m.mean())
    mask = (cv2.resize(m, (w, h), interpolation=cv2.INTER_NEAREST) * 255).astype(np.uint8)
    if MIN_AREA <= area <= MAX_AREA and centred(mask):
        msg = "Outline from colour contrast (the lesion model was not confident on this photo); treat it as approximate."
        return SegmentationResult(mask, prob_model, "fallback", msg + (f" [{reason}]" if reason else ""), conf, measure(rgb, mask))
    return SegmentationResult(np.zeros((h, w), np.uint8), prob_model, "none",
                              "No lesion outline could be found reliably on this photo.", conf, {})
