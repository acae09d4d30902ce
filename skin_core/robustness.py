"""What-if transforms: how does a prediction move when the same photo is lighter, warmer, blurrier, turned or cropped?

Pure image functions (RGB uint8 in, RGB uint8 out, same size except `crop`) plus `sweep`, which runs one
classifier on a batch of transformed copies and applies the card's decision thresholds to each. The app's
"What if" page only draws what this returns.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from . import images


def brightness(rgb: np.ndarray, factor: float) -> np.ndarray:
    """Multiply every pixel by `factor` (1 = unchanged, 0.5 = half as bright)."""
    return np.clip(rgb.astype(np.float32) * float(factor), 0, 255).astype(np.uint8)


def temperature(rgb: np.ndarray, shift: float) -> np.ndarray:
    """White-balance shift in [-1, 1]: negative = cooler (bluer), positive = warmer (redder), 0 = unchanged."""
    gains = np.array([1 + 0.35 * shift, 1.0, 1 - 0.35 * shift], np.float32)
    return np.clip(rgb.astype(np.float32) * gains, 0, 255).astype(np.uint8)


def blur(rgb: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur; `sigma` is in pixels of a 512-px-wide copy, so the effect does not depend on photo size."""
    if sigma <= 0:
        return rgb.copy()
    s = float(sigma) * max(rgb.shape[:2]) / 512
    return cv2.GaussianBlur(rgb, (0, 0), sigmaX=s, sigmaY=s)


def rotate(rgb: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate about the centre by `degrees` (counter-clockwise), same size, edges mirrored."""
    if degrees % 360 == 0:
        return rgb.copy()
    h, w = rgb.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), float(degrees), 1.0)
    return cv2.warpAffine(rgb, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)


def crop(rgb: np.ndarray, keep: float) -> np.ndarray:
    """Centre crop keeping `keep` of each side (1 = whole photo, 0.5 = the middle quarter, i.e. a 2x zoom), never
    below `images.MIN_SIDE` a side, so a cropped small photo can still be analysed."""
    keep = float(np.clip(keep, 0.05, 1.0))
    if keep >= 1.0:
        return rgb.copy()
    h, w = rgb.shape[:2]
    ch, cw = (max(min(side, images.MIN_SIDE), round(side * keep)) for side in (h, w))
    y0, x0 = (h - ch) // 2, (w - cw) // 2
    return np.ascontiguousarray(rgb[y0 : y0 + ch, x0 : x0 + cw])


@dataclass(frozen=True)
class Transform:
    name: str
    fn: object
    neutral: float
    lo: float
    hi: float
    step: float
    grid: tuple[float, ...]  # the values a sweep evaluates


TRANSFORMS: dict[str, Transform] = {
    t.name: t
    for t in (
        Transform("brightness", brightness, 1.0, 0.3, 1.8, 0.05, (0.3, 0.5, 0.7, 0.85, 1.0, 1.2, 1.4, 1.6, 1.8)),
        Transform("temperature", temperature, 0.0, -1.0, 1.0, 0.05, (-1.0, -0.6, -0.3, 0.0, 0.3, 0.6, 1.0)),
        Transform("blur", blur, 0.0, 0.0, 12.0, 0.5, (0.0, 1.0, 2.0, 4.0, 6.0, 9.0, 12.0)),
        Transform("rotation", rotate, 0.0, -180.0, 180.0, 5.0, (-180.0, -120.0, -60.0, -30.0, 0.0, 30.0, 60.0, 120.0, 180.0)),
        Transform("crop", crop, 1.0, 0.3, 1.0, 0.05, (0.3, 0.4, 0.5, 0.6, 0.7, 0.85, 1.0)),
    )
}
ORDER = tuple(TRANSFORMS)  # the order every transform is applied in


def neutral_settings() -> dict[str, float]:
    return {name: t.neutral for name, t in TRANSFORMS.items()}


def apply(rgb: np.ndarray, settings: dict[str, float] | None = None, **overrides: float) -> np.ndarray:
    """Apply every non-neutral transform in `settings` (name -> value), in a fixed order."""
    values = {**neutral_settings(), **(settings or {}), **overrides}
    unknown = set(values) - set(TRANSFORMS)
    if unknown:
        raise KeyError(f"unknown transform(s) {sorted(unknown)}; known: {', '.join(ORDER)}")
    out = rgb
    for name in ORDER:
        t = TRANSFORMS[name]
        if values[name] != t.neutral:
            out = t.fn(out, values[name])
    return out if out is not rgb else rgb.copy()


@dataclass
class SweepResult:
    transform: str
    values: list[float]
    classes: list[str]
    probabilities: np.ndarray  # (len(values), len(classes))
    ood_scores: list[float]
    statuses: list[str]
    labels: list[str | None]
    quality_issues: list[list[str]]  # quality-check issue codes per value (what the Analyze page would flag)
    cancer: list[bool] = field(default_factory=list)  # per value: would the Analyze page raise its cancer banner

    def series(self, cls: str) -> list[float]:
        return self.probabilities[:, self.classes.index(cls)].tolist()

    def quality_warned(self) -> list[float]:
        """Values at which the Analyze page would stop at its quality warning (until the user goes on); a value
        refused as not skin has no such choice."""
        return [v for v, status, issues in zip(self.values, self.statuses, self.quality_issues)
                if issues and status != "not_skin"]

    def cancer_values(self) -> list[float]:
        """Values at which the melanoma + BCC scores count and cross the model's urgent threshold."""
        return [v for v, c in zip(self.values, self.cancer) if c]

    def leaders(self) -> list[str]:
        """Each class that is the most likely one at some swept value, in the order they first lead."""
        out: list[str] = []
        for row in self.probabilities:
            c = self.classes[int(np.argmax(row))]
            if c not in out:
                out.append(c)
        return out

    def top_classes(self, k: int = 3, at: float | None = None) -> list[str]:
        """The k most likely classes at value `at` (default: the transform's neutral value, else the first)."""
        at = TRANSFORMS[self.transform].neutral if at is None else at
        i = self.values.index(at) if at in self.values else 0
        order = np.argsort(-self.probabilities[i])[:k]
        return [self.classes[j] for j in order]


def sweep(
    rgb: np.ndarray,
    transform: str,
    classifier: str | None = None,
    base: dict[str, float] | None = None,
    values: tuple[float, ...] | None = None,
) -> SweepResult:
    """Run `classifier` on copies of `rgb` with `transform` set to each of `values` (others from `base`)."""
    t = TRANSFORMS[transform]
    vals = [float(v) for v in (values or t.grid)]
    batch = [apply(rgb, base, **{transform: v}) for v in vals]
    # through the pipeline's own checks, decisions and the card's TTA; quality issues allowed, since the point is to
    # watch them move the answer; a cancer flag is `pipeline.scores_urgent`, what raises the Analyze page's banner
    from . import pipeline

    res = pipeline.analyze_batch(batch, classifier, allow_poor_quality=True)
    classes = list(res[0].classes)
    return SweepResult(transform, vals, classes, np.array([[a.probabilities[c] for c in classes] for a in res]),
                       [a.ood_score for a in res], [a.status for a in res],
                       [a.label if a.status in ("ok", "uncertain") else None for a in res],
                       [list(a.quality.codes) for a in res], [pipeline.scores_urgent(a) for a in res])
