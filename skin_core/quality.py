"""Is this photo usable? Resolution, blur, exposure and "is this skin at all", each with a reason.

Thresholds were chosen on the train split of the manifest; `python -m skin_core.training.measure_quality` records
each rule's rate on train and val, per source and skin-type group, in `manifests/quality_rates.json`:
the skin-fraction floor keeps >= 99 % of clinical training photos while a cat, a landscape or a document
falls below it. Photos that pass here still face the classifier's out-of-scope detector.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import cv2
import numpy as np

from .i18n import t

MIN_SIDE_OK = 128  # smaller photos are analysed but flagged: lesions are few pixels wide
BLUR_MIN = 20.0  # variance of the Laplacian on a 256-px grey copy
DARK_MAX = 45.0  # mean luminance (0-255)
HIGHLIGHTS_MIN = 100.0  # 99th percentile of luminance: under it nothing in the photo is lit; no train photo is that dim
BRIGHT_MIN = 235.0
SKIN_MIN_FRACTION = 0.10
EXPOSURE_REF = 130.0  # about the training photos' median brightness; dimmer photos are brightened to it for the colour rule


@dataclass(frozen=True)
class Issue:
    code: str  # too_small | blurry | too_dark | too_bright | not_skin
    message: str
    blocking: bool  # True: do not classify (not_skin); False: the user may go on anyway


@dataclass(frozen=True)
class QualityReport:
    width: int
    height: int
    blur: float
    brightness: float
    skin_fraction: float
    issues: tuple[Issue, ...] = field(default_factory=tuple)
    highlights: float = 255.0  # 99th percentile of luminance

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def codes(self) -> tuple[str, ...]:
        """The issues' codes, e.g. ("blurry", "too_dark")."""
        return tuple(i.code for i in self.issues)

    @property
    def is_skin(self) -> bool:
        return "not_skin" not in self.codes

    @property
    def may_hide_skin(self) -> bool:
        """True when blur or darkness may be why real skin looked like something else, so a refusal as not skin
        means "cannot tell": both hide skin's texture from the photo check, and deep darkness also hides its colour
        from the colour rule here, past what `exposure_normalised` restores (blur keeps colours: a blurred rocket is
        no skin). Only these two: on val, the scores of
        photos refused with them still tell cancers apart (README, "Photo checks"); a tiny or glaring photo's do not
        count (shrunk to 40 px, 9 of 15 benign test photos crossed the cancer threshold)."""
        codes = set(self.codes)
        return bool(codes & {"blurry", "too_dark"}) if self.is_skin else "too_dark" in codes

    def to_dict(self) -> dict:
        d = asdict(self)
        d["ok"] = self.ok
        d["issues"] = [asdict(i) for i in self.issues]
        return d


def _grey_small(rgb: np.ndarray, side: int = 256) -> np.ndarray:
    h, w = rgb.shape[:2]
    s = side / max(h, w)
    small = cv2.resize(rgb, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), small


def exposure_normalised(rgb: np.ndarray) -> np.ndarray:
    """A photo dimmer than `EXPOSURE_REF` brightened to it (one gain for all pixels). Darkening shrinks chroma with
    brightness, so without this an under-exposed melanoma fell out of the skin colour range."""
    mean = float(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).mean())
    if mean >= EXPOSURE_REF:
        return rgb
    return np.clip(rgb.astype(np.float32) * (EXPOSURE_REF / max(mean, 1.0)), 0, 255).astype(np.uint8)


def _skin_colours(rgb_normal: np.ndarray) -> np.ndarray:
    """Pixels of an already exposure-normalised image in a broad skin/lesion colour range in YCrCb."""
    ycrcb = cv2.cvtColor(rgb_normal, cv2.COLOR_RGB2YCrCb).astype(np.int16)
    y, cr, cb = ycrcb[..., 0], ycrcb[..., 1], ycrcb[..., 2]
    return (y > 25) & (cr >= 133) & (cr <= 185) & (cb >= 75) & (cb <= 135)


def skin_mask(rgb_small: np.ndarray) -> np.ndarray:
    """Pixels in a broad skin/lesion colour range in YCrCb (covers light to dark skin and red lesions), judged at a
    normal exposure (`exposure_normalised`)."""
    return _skin_colours(exposure_normalised(rgb_small))


def skin_fraction(rgb_small: np.ndarray) -> float:
    return float(skin_mask(rgb_small).mean())


def measure(rgb: np.ndarray) -> tuple[float, float, float, float]:
    """(blur, brightness, skin_fraction, highlights) of an RGB uint8 image. Blur is read at a normal exposure
    (`exposure_normalised`): darkening alone shrinks the Laplacian's variance with the square of the gain, and a
    sharp but dark photo was told to hold the camera steady."""
    grey, small = _grey_small(rgb)
    normal = exposure_normalised(small)
    blur = float(cv2.Laplacian(cv2.cvtColor(normal, cv2.COLOR_RGB2GRAY), cv2.CV_64F).var())
    return blur, float(grey.mean()), float(_skin_colours(normal).mean()), float(np.percentile(grey, 99))


def check(rgb: np.ndarray) -> QualityReport:
    """Quality report with human-readable reasons (English; `i18n.quality_reasons` gives them in another language);
    `not_skin` is blocking, the rest can be overridden."""
    h, w = rgb.shape[:2]
    blur, bright, skin, highlights = measure(rgb)
    codes = []
    if min(h, w) < MIN_SIDE_OK:
        codes.append("too_small")
    if blur < BLUR_MIN:
        codes.append("blurry")
    if bright < DARK_MAX or highlights < HIGHLIGHTS_MIN:  # dark overall, or under-exposed (judged by its highlights,
        codes.append("too_dark")                          # which do not depend on the skin's own tone)
    elif bright > BRIGHT_MIN:
        codes.append("too_bright")
    if skin < SKIN_MIN_FRACTION:
        codes.append("not_skin")
    issues = [Issue(c, t(f"quality.{c}", "en", w=w, h=h), c == "not_skin") for c in codes]
    return QualityReport(w, h, blur, bright, skin, tuple(issues), highlights)
