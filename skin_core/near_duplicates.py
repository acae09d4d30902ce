"""Near-duplicate photos across splits: the same photo re-cropped, re-encoded or re-coloured, or the same patient
and lesion photographed twice in one session. A test photo with such a twin in train says little about photos a
model never saw, so the cards also report test metrics without them (`training.audit_duplicates`).

Two stages, as in copy detection:
1. Candidates: for each query photo, its `CANDIDATES` most similar reference photos by cosine of the sklesion
   trunk's mean-pooled block-12 features (centred on the reference photos' mean), plus any reference photo whose
   64-bit perceptual hash (imagehash.phash) is within `CANDIDATE_PHASH` bits.
2. Verification: SIFT keypoints, Lowe's ratio test and a RANSAC homography. A pair is a near-duplicate when at
   least `MIN_INLIERS` distinct matches agree on one (non-degenerate) geometry and they spread over at least
   `MIN_SPREAD` of both photos. A resized or re-encoded copy passes with hundreds of matches; a close hash alone
   does not decide (smooth, plain photos share hashes).
Keypoints in the bottom-left corner are ignored: every atlas stamps its watermark there, and two unrelated photos
of one atlas otherwise "match" on it. Global features alone were not enough: photos on the same plain backdrop
reach cosine 0.99 without sharing anything else. The constants were set by eye on galleries of candidate pairs,
before any model was scored on the result.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass

import numpy as np

from .config import NEAR_DUPLICATES_PATH

CANDIDATES = 5
CANDIDATE_PHASH = 10
MIN_INLIERS = 15
MIN_SPREAD = 0.05  # convex hull of the inliers, as a share of each photo's area
WATERMARK_CORNER = (0.75, 0.45)  # ignored: rows below 75 % of the height, columns left of 45 % of the width
_RATIO = 0.75
_RANSAC_PX = 6.0
_MIN_AREA_RATIO = 0.05  # a homography may shrink or grow areas at most 20-fold
_CHUNK = 512


@dataclass(frozen=True)
class Fingerprints:
    """Per-photo features (N, 728) and perceptual-hash bits (N, 64) of a list of photos, in order."""

    features: np.ndarray
    phash: np.ndarray

    def __len__(self) -> int:
        return len(self.features)

    def take(self, idx) -> "Fingerprints":
        return Fingerprints(self.features[idx], self.phash[idx])


def fingerprint(rgbs: list[np.ndarray], batch: int = 32) -> Fingerprints:
    """Fingerprints of RGB uint8 photos of any size: the shared trunk at its input size (one pass, no mirror)."""
    import imagehash
    from PIL import Image

    from . import images
    from .classifiers import shared_trunk
    from .models import xception_derm as xd

    _, call = shared_trunk()
    feats = []
    for i in range(0, len(rgbs), batch):
        x = np.stack([images.resize(im, xd.INPUT_SIZE) for im in rgbs[i:i + batch]]).astype(np.float32)
        out = call(x)
        maps = np.asarray(out[xd.TRUNK_OUT] if isinstance(out, dict) else out)
        feats.append(maps.mean(axis=(1, 2)))
    bits = [imagehash.phash(Image.fromarray(im)).hash.reshape(-1) for im in rgbs]
    return Fingerprints(np.concatenate(feats) if feats else np.zeros((0, 728), np.float32),
                        np.array(bits, dtype=bool).reshape(len(rgbs), 64))


def _unit(features: np.ndarray, centre: np.ndarray) -> np.ndarray:
    f = features.astype(np.float64) - centre
    return f / np.maximum(np.linalg.norm(f, axis=1, keepdims=True), 1e-12)


def candidates(query: Fingerprints, reference: Fingerprints, k: int = CANDIDATES):
    """For each query photo: (reference indices, their cosine similarities, their hash distances), the k nearest by
    features first, then any further photo within `CANDIDATE_PHASH` hash bits."""
    if len(reference) == 0:
        raise ValueError("no reference photos to compare with")
    centre = reference.features.astype(np.float64).mean(axis=0)
    ref, ref_bits = _unit(reference.features, centre), reference.phash.astype(np.float32)
    out = []
    for i in range(0, len(query), _CHUNK):
        sim = _unit(query.features[i:i + _CHUNK], centre) @ ref.T
        qb = query.phash[i:i + _CHUNK].astype(np.float32)
        dist = qb @ (1 - ref_bits).T + (1 - qb) @ ref_bits.T  # Hamming distance of 0/1 vectors
        for s, d in zip(sim, dist):
            top = list(np.argsort(-s)[:k])
            idx = np.array(top + [j for j in np.flatnonzero(d <= CANDIDATE_PHASH) if j not in top], dtype=int)
            out.append((idx, s[idx], d[idx].astype(int)))
    return out


def keypoints(rgb: np.ndarray):
    """SIFT keypoint positions (M, 2), descriptors (M, 128) and the photo's (height, width), watermark corner
    excluded."""
    import cv2

    gray = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    h, w = gray.shape
    mask = np.full((h, w), 255, np.uint8)
    mask[int(WATERMARK_CORNER[0] * h):, :int(WATERMARK_CORNER[1] * w)] = 0
    kps, desc = cv2.SIFT_create(nfeatures=1000).detectAndCompute(gray, mask)
    pts = np.float32([kp.pt for kp in kps]).reshape(-1, 2)
    return pts, (desc if desc is not None else np.zeros((0, 128), np.float32)), (h, w)


def geometric_match(a, b) -> tuple[int, float]:
    """(inliers, spread) of two photos' `keypoints`: matches that agree on one RANSAC homography, and the smaller of
    the two shares of photo area their convex hull covers."""
    import cv2

    (pa, da, sa), (pb, db, sb) = a, b
    if len(da) < 2 or len(db) < 2:
        return 0, 0.0
    pairs = cv2.BFMatcher().knnMatch(da, db, k=2)
    good = [m for m, n in (p for p in pairs if len(p) == 2) if m.distance < _RATIO * n.distance]
    if len(good) < 4:
        return 0, 0.0
    qa = pa[[m.queryIdx for m in good]]
    qb = pb[[m.trainIdx for m in good]]
    hom, mask = cv2.findHomography(qa, qb, cv2.RANSAC, _RANSAC_PX)
    if hom is None or not _MIN_AREA_RATIO < abs(np.linalg.det(hom[:2, :2])) < 1 / _MIN_AREA_RATIO:
        return 0, 0.0  # none, or a degenerate homography that folds many points onto a few
    inl = mask.ravel().astype(bool)
    # distinct positions on both sides: several keypoints at one spot (scales, orientations) count once
    n = min(len(np.unique(qa[inl].round(), axis=0)), len(np.unique(qb[inl].round(), axis=0)))
    if n < 3:
        return n, 0.0
    spread = min(cv2.contourArea(cv2.convexHull(qa[inl])) / (sa[0] * sa[1]),
                 cv2.contourArea(cv2.convexHull(qb[inl])) / (sb[0] * sb[1]))
    return n, float(spread)


def is_near_duplicate(inliers, spread):
    """The verification rule (module docstring), element-wise."""
    return (np.asarray(inliers) >= MIN_INLIERS) & (np.asarray(spread) >= MIN_SPREAD)


def read_list(path=NEAR_DUPLICATES_PATH) -> list[dict]:
    """The committed near-duplicate list: one row per val/test photo with a twin in an earlier split."""
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def seen_test_keys(rows: list[dict] | None = None) -> set[tuple[str, str]]:
    """(source, file) of the test photos with a near-duplicate in train or val."""
    rows = read_list() if rows is None else rows
    return {(r["source"], r["file"]) for r in rows if r["split"] == "test"}
