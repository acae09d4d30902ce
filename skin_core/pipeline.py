"""The one path a photo takes: load -> quality -> segment -> classify -> decide -> explain -> memo -> Analysis.

The app page, the PDF and the CLI's JSON all render the `Analysis` this returns; nothing else decides.
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import decisions, explain, i18n, images, knowledge, quality, registry
from .classifiers import ClassifierOutput, shared_trunk_features
from .images import ImageInput
from .models.xception_derm import INPUT_SIZE

BATCH = 8  # images per encoder call on the batch paths: throughput is flat beyond this, peak memory is not

NOT_SKIN_PHOTO = i18n.t("reason.not_skin_photo")


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
    heatmap: np.ndarray | None = None  # (H, W) in [0, 1], float16: drawn through 8-bit colour maps, and a session
    # keeps several results
    memo: Any = None  # knowledge.Memo or None
    cancer_banner: dict | None = None
    lang: str = "en"
    red_flags: tuple[str, ...] = ()  # what the user said about the problem (knowledge.RED_FLAG_KEYS)
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def has_scores(self) -> bool:
        """Whether the classifier's scores count for this photo (:func:`scores_count`)."""
        return scores_count(self.status, self.quality)

    @staticmethod
    def json_keys() -> tuple[str, ...]:
        """The keys of `to_dict()`, in order (the CLI's JSON lines; an error line has the same keys)."""
        return ("status", "label", "probabilities", "top3", "ood_score", "urgency", "message", "model",
                "model_version", "malignancy_score", "red_flags", "quality", "segmentation", "memo", "cancer_banner")

    def _memo_dict(self) -> dict | None:
        """The memo as the page shows it: this result's urgency and advice, not the condition's usual ones."""
        if self.memo is None:
            return None
        scores = scores_urgent(self)
        return {**self.memo.to_dict(), "urgency": self.urgency, "summary": memo_summary(self.memo, self.lang, scores),
                "when_to_see": when_to_see_advice(self.memo, self.urgency, self.red_flags, self.lang, scores=scores)}

    def to_dict(self) -> dict:
        """JSON-serialisable summary (no pixels): what the CLI prints and tests compare. `label` is set only for
        ok/uncertain; the probabilities are the model's raw view for every classified photo."""
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
            # a photo refused as not skin, and not for blur or darkness, gets no cancer score (its scores mean
            # nothing), not a reassuring 0.0
            "malignancy_score": self.malignancy_score if self.has_scores else None,
            "red_flags": list(self.red_flags),
            "quality": self.quality.to_dict(),
            "segmentation": seg.to_dict() if seg is not None else None,
            "memo": self._memo_dict(),
            "cancer_banner": self.cancer_banner,
        }


def scores_count(status: str, report: quality.QualityReport) -> bool:
    """Whether the classifier's scores count for a result: not for an error, nor for a photo refused as not skin (a
    cat's scores mean nothing), unless blur or darkness may be why it looked unlike skin (then the check cannot tell)."""
    return status != "error" and (status != "not_skin" or report.may_hide_skin)


def memo_summary(memo, lang: str, scores: bool | None = None) -> str:
    """The memo's "what it is" for this result: the unknown-condition memo says the photo resembles none of the
    known conditions, which beside a cancer banner raised by its scores would mislead, so it then says both things."""
    if memo.condition == "other" and scores:
        return i18n.t("memo.other_summary_scores", lang)
    return memo.summary


def when_to_see_advice(memo, urgency: str, red_flags: tuple[str, ...], lang: str, scores: bool | None = None) -> str:
    """The memo's "when to see a doctor" advice for this result. When the analysis raised the urgency above the
    condition's usual level, the memo's own timing ("within the next few weeks") would contradict it: a line saying
    why takes its place, so "Urgent" never sits above "book a routine appointment" unexplained. `scores`: whether
    the model's malignancy score crossed its urgent threshold (:func:`scores_urgent`)."""
    if knowledge.urgency_rank(urgency) <= knowledge.urgency_rank(memo.urgency):
        return memo.when_to_see
    return i18n.t(f"memo.urgency_raised.{_raised_by(memo.condition, urgency, red_flags, scores)}", lang,
                  name=memo.name)


def _raised_by(condition: str, level: str, red_flags: tuple[str, ...], scores: bool | None = None) -> str:
    """What lifted a result to `level`: the user's own report (`flags`), the malignancy score (`scores`, the only
    other way to `urgent`), `both` when the report reaches the level and the score crossed its threshold too, or a
    hedged answer (`uncertain`, at least `soon`). `scores=None`: not known, so only the level tells."""
    rank = knowledge.urgency_rank
    flags = bool(red_flags) and rank(knowledge.triage(condition, red_flags)) >= rank(level)
    if scores is None:
        scores = not flags and rank(level) >= rank("urgent")
    if flags and scores:  # at `same_day` too: the report set the day, and the scores still point to a cancer
        return "both"
    return "flags" if flags else "scores" if scores else "uncertain"


def scores_urgent(a: Analysis, thresholds: dict | None = None) -> bool:
    """Whether the model's malignancy score itself crossed the urgent threshold (`thresholds`, else its card's), not
    only red flags; never for a photo whose scores do not count (`Analysis.has_scores`)."""
    if thresholds is None:
        thresholds = registry.read_card(a.classifier).get("thresholds")
    return a.has_scores and decisions.crosses_urgent(a.malignancy_score, thresholds)


def _memo_for(status: str, label: str | None, lang: str):
    if status == "ok" and label:
        return knowledge.memo(label, lang)
    if status == "uncertain":
        return knowledge.memo("uncertain", lang)
    if status == "out_of_scope":
        return knowledge.memo("other", lang)
    return None


def _banner(status: str, label: str | None, urgency: str, red_flags: tuple[str, ...], lang: str,
            malignancy_score: float, scores: bool) -> dict | None:
    """The possible-cancer banner for a result on the cancer pathway, worded for why: the model's scores (`scores`:
    they count and cross the urgent threshold), or only the user's red flags (then it must not claim the result
    includes a cancer). When another reported sign needs care today, its "within 2 weeks" gives way to "today", so
    the page never shows two deadlines."""
    if not decisions.on_cancer_pathway(status, label, scores, red_flags):
        return None
    lead = None
    if scores and not (status == "ok" and label in decisions.MALIGNANT):
        # the answer on screen is not a cancer, or there is none: the banner says what put it there; on a photo too
        # unclear to tell skin from other things, only if it is skin
        leads = {"not_skin": "banner.unsure_skin_lead", "poor_quality": "banner.poor_photo_lead"}  # no answer shown
        lead = i18n.t(leads.get(status, "banner.scores_lead"), lang, p=i18n.percent(malignancy_score))
    if urgency != "same_day":
        return knowledge.cancer_banner(lang, from_scores=scores, lead=lead)
    why = "scores" if scores else "flags"
    banner = knowledge.cancer_banner(lang, from_scores=scores, lead=lead, body=i18n.t(f"banner.same_day_body.{why}", lang))
    return {**banner, "title": i18n.t(f"banner.same_day_title.{why}", lang)}


def _decide(report, photo_ok: bool, probs: dict, ood: float, thresholds: dict, allow_poor_quality: bool,
            red_flags: tuple[str, ...] = ()):
    """Status precedence: not a skin photo > poor quality (unless overridden) > the classifier's decision.

    A photo below the quality check's size is still refused when the photo check fails (a small cat stays a cat);
    the screen then says the size may be why (`ui_helpers.status_screen`).

    A blurry or dark skin photo keeps the urgent flag when the malignancy score crosses the threshold, also when the
    blur or darkness made a skin check refuse it (`QualityReport.may_hide_skin`: the check cannot tell, and a missed
    cancer costs more than a banner that says "if this is a spot on your skin"). Any other photo refused as not skin
    does not: the classifier's scores mean nothing for a cat (a sharp cat scores 0.13 for melanoma + BCC, over the
    threshold). Its urgency is `soon`, or `urgent` when the user reports a bleeding or changing spot. Non-finite
    scores are refused first, whatever the photo (`decisions.rejected` would pass them into the JSON).
    """
    decisions.check_finite(probs, ood)
    if not (report.is_skin and photo_ok):
        reason = (next(i.message for i in report.issues if i.code == "not_skin") if not report.is_skin
                  else NOT_SKIN_PHOTO)
        return decisions.rejected("not_skin", reason, probs if report.may_hide_skin else None, thresholds,
                                  red_flags)
    if report.issues and not allow_poor_quality:
        reason = " ".join(i.message for i in report.issues)
        return decisions.rejected("poor_quality", reason, probs, thresholds, red_flags)
    return decisions.decide(probs, ood, thresholds, red_flags)


def _message(dec, report, lang: str) -> str:
    """The decision's one-line reason in `lang`: the same sentence the English core gives, from the i18n table."""
    if lang == "en" or not dec.reason:
        return dec.reason
    if dec.status == "not_skin":
        return i18n.t("quality.not_skin" if not report.is_skin else "reason.not_skin_photo", lang)
    if dec.status == "poor_quality":
        return " ".join(i18n.quality_reasons(report, lang))
    key = f"reason.{dec.status}"
    return i18n.t(key, lang) if key in i18n.STRINGS else dec.reason


def _encode(clf, x: np.ndarray, rgbs: list[np.ndarray], needed: bool) -> tuple[dict | None, np.ndarray | None]:
    """One shared-trunk pass (+ mirror when the classifier uses TTA) serving the photo check, segmentation and the
    Xception classifier, and the batch it read; (None, None) when nothing needs it."""
    if not (clf.uses_trunk or needed):
        return None, None
    batch = x if clf.uses_trunk else np.stack([images.resize(im, INPUT_SIZE) for im in rgbs])
    return shared_trunk_features(batch, tta=clf.uses_trunk and clf.tta), batch


def _photo_checks(trunk: dict | None, photos: np.ndarray, reports: list) -> list[bool]:
    """Per image: does it look like a skin photo to the default photo check (True when there is none).
    `photos` are the trunk's inputs; a dim refused one gets a second trunk pass brightened (`PhotoCheck.verdicts`)."""
    name = registry.default_model("photo_check")
    if name is None or trunk is None:
        return [True] * len(reports)
    check = registry.load_model(name, "photo_check")
    n = len(reports)
    return check.verdicts({k: np.asarray(v)[:n] for k, v in trunk.items()}, photos[:n], [r.brightness for r in reports],
                          lambda batch: shared_trunk_features(batch, tta=False))


def _analysis(clf, rgb, report, photo_ok, out, i: int, lang: str, allow_poor_quality: bool,
              red_flags: tuple[str, ...], **extra) -> Analysis:
    """The `Analysis` of image i of a classified batch: the one place a decision becomes a result."""
    probs = decisions.as_dict(clf.classes, out.probabilities[i])
    ood = float(out.ood_score[i])
    dec = _decide(report, photo_ok, probs, ood, clf.thresholds, allow_poor_quality, red_flags)
    scores = scores_count(dec.status, report) and decisions.crosses_urgent(dec.malignancy_score, clf.thresholds)
    return Analysis(
        status=dec.status,
        label=dec.label,
        urgency=dec.urgency,
        message=_message(dec, report, lang),
        classifier=clf.name,
        classifier_version=str(clf.card.get("version", "")),
        classes=clf.classes,
        probabilities=probs,
        top3=decisions.top_k(probs, 3),
        ood_score=ood,
        malignancy_score=dec.malignancy_score,
        quality=report,
        image=rgb,
        memo=_memo_for(dec.status, dec.label, lang),
        cancer_banner=_banner(dec.status, dec.label, dec.urgency, red_flags, lang, dec.malignancy_score, scores),
        lang=lang,
        red_flags=red_flags,
        **extra,
    )


def _flags(red_flags) -> tuple[str, ...]:
    """Checked before any model runs; sorted, so equal flag sets give equal results and cache keys."""
    return tuple(sorted(knowledge.red_flag_set(red_flags)))


def retriage(a: Analysis, red_flags) -> Analysis:
    """The same analysis with the user's red flags applied (urgency and banner only; no model runs again)."""
    flags = _flags(red_flags)
    thresholds = registry.load_model(a.classifier, "classification").thresholds
    scores = scores_urgent(a, thresholds)
    urgency = decisions.urgency_for(a.status, a.label, scores, flags)
    banner = _banner(a.status, a.label, urgency, flags, a.lang, a.malignancy_score, scores)
    return dataclasses.replace(a, urgency=urgency, cancer_banner=banner, red_flags=flags)


def analyze_batch(rgbs: list[np.ndarray], classifier: str | None = None, *, lang: str = "en",
                  allow_poor_quality: bool = False, red_flags=()) -> list[Analysis]:
    """Batch path (CLI, What-if): the same checks and decisions as `analyze`, without the outline or heatmap."""
    red_flags = _flags(red_flags)
    if len(rgbs) > BATCH:
        return [a for s in range(0, len(rgbs), BATCH)
                for a in analyze_batch(rgbs[s:s + BATCH], classifier, lang=lang,
                                       allow_poor_quality=allow_poor_quality, red_flags=red_flags)]
    rgbs = [images.validate_array(im) for im in rgbs]
    if not rgbs:
        return []
    clf = registry.load_model(classifier, "classification")
    x = np.stack([clf.prepare(im) for im in rgbs])
    trunk, inputs = _encode(clf, x, rgbs, needed=bool(registry.list_models("photo_check")))
    out = clf.predict_photos(rgbs, trunk=trunk, prepared=x)
    reports = [quality.check(rgb) for rgb in rgbs]
    return [_analysis(clf, rgb, report, ok, out, i, lang, allow_poor_quality, red_flags)
            for i, (rgb, report, ok) in enumerate(zip(rgbs, reports, _photo_checks(trunk, inputs, reports)))]


def classify_batch(rgbs: list[np.ndarray], classifier: str | None = None, tta: bool | None = None):
    """(model, ClassifierOutput) for a list of RGB images, run through the model in batches of BATCH."""
    clf = registry.load_model(classifier, "classification")
    outs = [clf.predict_photos(rgbs[s:s + BATCH], tta=tta)
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
    red_flags=(),
) -> Analysis:
    """Analyse one photo; `red_flags` (knowledge.RED_FLAG_KEYS) are what the user says about the problem and can only
    raise the urgency. Raises `images.InvalidImageError` if the photo cannot be read at all."""
    red_flags = _flags(red_flags)
    timings: dict[str, float] = {}
    t = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        timings[name] = (now - t) * 1000
        t = now

    rgb = images.validate_array(image) if isinstance(image, np.ndarray) else images.load_image(image)
    lap("load")
    report = quality.check(rgb)
    lap("quality")
    clf = registry.load_model(classifier, "classification")
    x = clf.prepare(rgb)[None]
    trunk, inputs = _encode(clf, x, [rgb], needed=segment or bool(registry.list_models("photo_check")))
    lap("encode")
    photo_ok = _photo_checks(trunk, inputs, [report])[0]
    seg = None
    if segment:
        from . import segmentation

        seg = segmentation.segment(rgb, trunk_out=None if trunk is None else {k: v[:1] for k, v in trunk.items()})
        lap("segment")
    out = clf.predict_photos([rgb], trunk=trunk, prepared=x)
    lap("classify")
    a = _analysis(clf, rgb, report, photo_ok, out, 0, lang, allow_poor_quality, red_flags, segmentation=seg,
                  timings_ms=timings)
    if explain_heatmap and a.status in ("ok", "uncertain", "out_of_scope"):
        if out.cam is not None:
            a.heatmap = explain.upsample(out.cam[0], *rgb.shape[:2]).astype(np.float16)
        elif getattr(clf, "cam_layer", None):
            top = clf.classes.index(a.top3[0][0])
            a.heatmap = explain.upsample(clf.gradcam(x, top)[0], *rgb.shape[:2]).astype(np.float16)
        lap("explain")
    return a
