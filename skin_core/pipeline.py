"""The one path a photo takes: load -> quality -> segment -> classify -> decide -> explain -> memo -> Analysis.

The app page, the PDF and the CLI's JSON all render the `Analysis` this returns; nothing else decides.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import decisions, explain, images, knowledge, quality, registry
from .classifiers import ClassifierOutput, shared_trunk_features
from .images import ImageInput
from .models.xception_derm import INPUT_SIZE

BATCH = 8  # images per encoder call on the batch paths: throughput is flat beyond this, peak memory is not

NOT_SKIN_PHOTO = ("This does not look like a close-up photo of skin (it is unlike every skin photo the models "
                  "were built on). Take a close, well-lit photo of the skin problem.")


@dataclass
class Analysis:
    """Everything known about one photo after analysis (arrays are RGB uint8 at the loaded image's size)."""

    status: str
    label: str | None
    urgency: str
    message: str
    classifier: str
    classifier_version: str
    classes: list[str]
    probabilities: dict[str, float]
    top3: list[tuple[str, float]]
    ood_score: float
    malignancy_score: float
    quality: quality.QualityReport
    image: np.ndarray
    segmentation: Any = None  # segmentation.SegmentationResult or None
    heatmap: np.ndarray | None = None  # (H, W) in [0, 1]
    memo: Any = None  # knowledge.Memo or None
    cancer_banner: dict | None = None
    lang: str = "en"
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def confident(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict:
        """JSON-serialisable summary (no pixels): what the CLI prints and tests compare."""
        seg = self.segmentation
        return {
            "status": self.status,
            "label": self.label if self.status in ("ok", "uncertain") else None,
            "probabilities": self.probabilities,
            "top3": [[c, p] for c, p in self.top3],
            "ood_score": self.ood_score,
            "urgency": self.urgency,
            "message": self.message,
            "model": self.classifier,
            "model_version": self.classifier_version,
            "malignancy_score": self.malignancy_score,
            "quality": self.quality.to_dict(),
            "segmentation": seg.to_dict() if seg is not None else None,
            "memo": self.memo.to_dict() if self.memo is not None else None,
            "cancer_banner": self.cancer_banner,
        }


def _memo_for(status: str, label: str | None, lang: str):
    if status == "ok" and label:
        return knowledge.memo(label, lang)
    if status == "uncertain":
        return knowledge.memo("uncertain", lang)
    if status == "out_of_scope":
        return knowledge.memo("other", lang)
    return None


def _banner(urgency: str, lang: str) -> dict | None:
    return knowledge.cancer_banner(lang) if urgency == "urgent" else None


def _decide(report, photo_ok: bool, probs: dict, ood: float, thresholds: dict, allow_poor_quality: bool):
    """Status precedence: not a skin photo > poor quality (unless overridden) > the classifier's decision."""
    if not report.is_skin:
        return decisions.rejected("not_skin", next(i.message for i in report.issues if i.code == "not_skin"))
    if not photo_ok:
        return decisions.rejected("not_skin", NOT_SKIN_PHOTO)
    if report.issues and not allow_poor_quality:
        return decisions.rejected("poor_quality", " ".join(i.message for i in report.issues), probs, thresholds)
    return decisions.decide(probs, ood, thresholds)


def _encode(clf, x: np.ndarray, rgbs: list[np.ndarray], needed: bool) -> dict | None:
    """One shared-trunk pass (+ mirror when the classifier uses TTA) serving the photo check, segmentation and the
    Xception classifier; None when nothing needs it."""
    if not (clf.uses_trunk or needed):
        return None
    batch = x if clf.uses_trunk else np.stack([images.resize(im, INPUT_SIZE) for im in rgbs])
    return shared_trunk_features(batch, tta=clf.uses_trunk and clf.tta)


def _photo_checks(trunk: dict | None, n: int) -> list[bool]:
    """Per image: does it look like a skin photo to the registered photo check (True when there is none)."""
    names = registry.list_models("photo_check")
    if not names or trunk is None:
        return [True] * n
    density = registry.load_model(names[0], "photo_check")
    return [density.is_skin_photo(trunk["trunk_out"][i:i + 1])[0] for i in range(n)]


def predict_batch(rgbs: list[np.ndarray], classifier: str | None = None, allow_poor_quality: bool = False) -> list[dict]:
    """Batch path of the CLI: quality, photo check, classifier and decisions (no outline/heatmap/memo) per image."""
    if len(rgbs) > BATCH:
        return [row for s in range(0, len(rgbs), BATCH)
                for row in predict_batch(rgbs[s:s + BATCH], classifier, allow_poor_quality)]
    clf = registry.load_model(classifier, "classification")
    x = np.stack([clf.prepare(im) for im in rgbs])
    trunk = _encode(clf, x, rgbs, needed=bool(registry.list_models("photo_check")))
    out = clf.predict(x, trunk=trunk)
    rows = []
    for i, (rgb, photo_ok) in enumerate(zip(rgbs, _photo_checks(trunk, len(rgbs)))):
        probs = decisions.as_dict(clf.classes, out.probabilities[i])
        ood = float(out.ood_score[i])
        dec = _decide(quality.check(rgb), photo_ok, probs, ood, clf.thresholds, allow_poor_quality)
        rows.append({"model": clf.name, "status": dec.status,
                     "label": dec.label if dec.status in ("ok", "uncertain") else None,
                     "probabilities": probs, "top3": [[c, p] for c, p in decisions.top_k(probs)],
                     "ood_score": ood, "urgency": dec.urgency, "message": dec.reason})
    return rows


def classify_batch(rgbs: list[np.ndarray], classifier: str | None = None, tta: bool | None = None):
    """(model, ClassifierOutput) for a list of RGB images, run through the model in batches of BATCH."""
    clf = registry.load_model(classifier, "classification")
    outs = [clf.predict(np.stack([clf.prepare(im) for im in rgbs[s:s + BATCH]]), tta=tta)
            for s in range(0, len(rgbs), BATCH)]
    return clf, ClassifierOutput.concat(outs)


def analyze(
    image: ImageInput | np.ndarray,
    classifier: str | None = None,
    *,
    lang: str = "en",
    allow_poor_quality: bool = False,
    segment: bool = True,
    explain_heatmap: bool = True,
) -> Analysis:
    """Analyse one photo. Raises `images.InvalidImageError` if it cannot be read at all."""
    timings: dict[str, float] = {}
    t = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        timings[name] = (now - t) * 1000
        t = now

    rgb = image if isinstance(image, np.ndarray) else images.load_image(image)
    lap("load")
    report = quality.check(rgb)
    lap("quality")
    clf = registry.load_model(classifier, "classification")
    x = clf.prepare(rgb)[None]
    trunk = _encode(clf, x, [rgb], needed=segment or bool(registry.list_models("photo_check")))
    lap("encode")
    photo_ok = _photo_checks(trunk, 1)[0]
    seg = None
    if segment:
        from . import segmentation

        seg = segmentation.segment(rgb, trunk_out=None if trunk is None else {k: v[:1] for k, v in trunk.items()})
        lap("segment")
    out = clf.predict(x, trunk=trunk)
    probs = decisions.as_dict(clf.classes, out.probabilities[0])
    ood = float(out.ood_score[0])
    lap("classify")
    dec = _decide(report, photo_ok, probs, ood, clf.thresholds, allow_poor_quality)
    heat = None
    if explain_heatmap and dec.status in ("ok", "uncertain", "out_of_scope"):
        if out.cam is not None:
            heat = explain.upsample(out.cam[0], *rgb.shape[:2])
        elif getattr(clf, "cam_layer", None):
            heat = explain.upsample(clf.gradcam(x, clf.classes.index(max(probs, key=probs.get)))[0], *rgb.shape[:2])
        lap("explain")
    memo = _memo_for(dec.status, dec.label, lang)
    lap("memo")
    return Analysis(
        status=dec.status,
        label=dec.label,
        urgency=dec.urgency,
        message=dec.reason,
        classifier=clf.name,
        classifier_version=str(clf.card.get("version", "")),
        classes=clf.classes,
        probabilities=probs,
        top3=decisions.top_k(probs, 3),
        ood_score=ood,
        malignancy_score=dec.malignancy_score,
        quality=report,
        image=rgb,
        segmentation=seg,
        heatmap=heat,
        memo=memo,
        cancer_banner=_banner(dec.urgency, lang),
        lang=lang,
        timings_ms=timings,
    )
