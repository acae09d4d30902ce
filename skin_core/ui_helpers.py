"""Formatting helpers the app pages and the PDF share. No Streamlit here: everything is plain data in, plain data out.

Nothing in this module decides anything about a photo: it turns an `Analysis`, a model card or a memo into the
strings, rows and images a renderer shows.
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import explain, images, knowledge, registry, segmentation
from .i18n import quality_reasons, status_key  # noqa: F401 (for the pages)
from .i18n import (NOT_AVAILABLE, class_name, not_skin_variant, percent, short_class_name, status_name, t,
                   urgency_label)

HEAT_CMAPS = ("jet", "viridis", "cividis")
MASK_VIEWS = ("outline", "mask", "none")
ABC_KEYS = ("area_fraction", "asymmetry", "border_irregularity", "solidity", "colour_variegation")
MEMO_LIST_FIELDS = ("symptoms", "causes", "self_care", "otc", "prescription", "procedures", "red_flags")


# ---------------------------------------------------------------------------------------------- inputs
def digest(data: bytes) -> str:
    """Short content hash of an upload: the cache key (the bytes themselves are never stored on disk)."""
    return hashlib.sha256(data).hexdigest()[:20]


def analysis_key(file_digest: str, model: str, lang: str, allow_poor_quality: bool, full: bool = True,
                 red_flags=()) -> tuple:
    """Session cache key: a widget change that is not in this tuple never re-runs a model."""
    return (file_digest, model, lang, bool(allow_poor_quality), bool(full), tuple(sorted(red_flags)))


@lru_cache(maxsize=4)
def sample_records(per_class: int = 3, source: str = "dermnet-11") -> tuple:
    """A handful of test-split photos per class (deterministic), or () when the data folder is absent."""
    from . import config, data

    if not config.data_available():
        return ()
    try:
        test = data.select(data.read_manifest(), split="test", sources=[source])
    except OSError:
        return ()
    by_class: dict[str, list] = {}
    for rec in sorted(test, key=lambda r: (r.label, r.file)):
        by_class.setdefault(rec.label, []).append(rec)
    out = []
    for label in sorted(by_class):
        recs = by_class[label]
        step = max(1, len(recs) // per_class)
        out += recs[::step][:per_class]
    return tuple(r for r in out if r.path().is_file())


def sample_label(rec, index: int, lang: str) -> str:
    return t("input.sample_item", lang, name=class_name(rec.label, lang), i=index)


# ---------------------------------------------------------------------------------------------- models
def model_accuracy(name: str) -> float | None:
    """The card's headline test number: accuracy for classifiers, mean IoU for the segmenter."""
    try:
        m = registry.describe(name)["test_metrics"]
    except Exception:
        return None
    return m.get("accuracy", m.get("mean_iou"))


def unseen_accuracy(name: str) -> float | None:
    """A classifier's accuracy on the test photos with no near-duplicate in train or val (the fairer guess for a new
    photo than the whole test split), where its card has the audit."""
    try:
        return (registry.read_card(name).get("test_metrics_unseen") or {}).get("accuracy")
    except Exception:
        return None


def model_label(name: str, lang: str) -> str:
    """'xception_derm (default, 67.6% on unseen photos)' for the classifier select box: the card's
    figure on photos never seen in any form, else its test accuracy."""
    default = name == registry.default_model("classification")
    unseen = unseen_accuracy(name)
    if unseen is not None:
        return t("model.option_default_unseen" if default else "model.option_unseen", lang, name=name,
                 acc=percent(unseen))
    return t("model.option_default" if default else "model.option", lang, name=name, acc=percent(model_accuracy(name)))


def classifier_names() -> list[str]:
    """Available classifiers, the default first."""
    names = registry.list_models("classification")
    default = registry.default_model("classification")
    return sorted(names, key=lambda n: (n != default, n))


# ---------------------------------------------------------------------------------------------- results
@dataclass(frozen=True)
class StatusScreen:
    kind: str  # info | warning | error: how loudly the page shows it (never green: no result is good news)
    title: str
    body: str


_STATUS_KIND = {"ok": "info", "uncertain": "warning", "out_of_scope": "info", "not_skin": "warning",
                "poor_quality": "warning", "error": "error"}


def status_screen(a, lang: str) -> StatusScreen:
    """The headline for an analysis; only `ok` names a condition as the answer."""
    status = a.status if a.status in _STATUS_KIND else "error"
    if status == "ok":
        p = a.probabilities.get(a.label, 0.0)
        return StatusScreen("info", t("status.ok.title", lang, name=class_name(a.label, lang)),
                            t("status.ok.body", lang, p=percent(p)))
    from .pipeline import scores_urgent

    title, body, kind = f"status.{status}.title", f"status.{status}.body", _STATUS_KIND[status]
    if status == "poor_quality" and scores_urgent(a):
        body += "_urgent"  # the cancer banner shows too, from the scores: say why, not "nothing was classified"
    if status == "out_of_scope" and a.cancer_banner:
        body += "_banner"  # not "if you are worried": the banner above already says to see a doctor
        kind = "warning"  # not a calm blue box under a cancer warning
    if status == "not_skin":
        variant = not_skin_variant(a.quality.codes)
        if scores_urgent(a):  # too blurred or dark to tell, and the scores raised the banner: say so
            title += "_dark" if "too_dark" in a.quality.codes else "_blurry"
            body, kind = body + "_urgent", "warning"
        else:
            title += variant if variant in ("_blurry", "_dark") else ""
            body += variant
    return StatusScreen(kind, t(title, lang), t(body, lang, w=a.quality.width, h=a.quality.height))


def status_quality_reasons(a, lang: str) -> list[str]:
    """The quality problems listed under a refused photo's status screen, less what the screen already states
    (a not-skin photo's "does not look like skin", and the blur or darkness its "too blurry" or "too dark" screen is
    about; a flat colour reads as blurry, but its colours already say why it was refused)."""
    if a.status not in ("poor_quality", "not_skin"):
        return []
    said = {"not_skin"} | {"_blurry": {"blurry"}, "_dark": {"too_dark"}}.get(not_skin_variant(a.quality.codes), set())
    if "not_skin" in a.quality.codes:  # colours that are no skin's: "hold the camera steady" would be no help
        said |= {"blurry"}
    report = dataclasses.replace(a.quality, issues=[i for i in a.quality.issues
                                                    if not (a.status == "not_skin" and i.code in said)])
    return quality_reasons(report, lang)


def told_us(red_flags, lang: str) -> str:
    """'You told us: It is spreading quickly; Fever, ...' (the page and the PDF), in the checklist's own words."""
    labels = knowledge.red_flag_labels(lang)
    return t("pdf.red_flags", lang, flags="; ".join(labels[f] for f in red_flags))


def image_error_text(err: Exception, lang: str) -> str:
    """The loader's own sentence in English; otherwise a translated sentence for its error code, with the error's
    figures (the photo's size, the limit) where it has them."""
    from .i18n import STRINGS

    code = getattr(err, "code", "invalid_image")
    if lang == "en" or f"image_error.{code}" not in STRINGS:
        return str(err)
    details = getattr(err, "details", None)
    if details and f"image_error.{code}.sized" in STRINGS:
        return t(f"image_error.{code}.sized", lang, **details)
    return t(f"image_error.{code}", lang)


def shows_outline(a) -> bool:
    """The lesion outline and heatmap are drawn for a photo that was analysed, not for one refused as not skin or
    too poor (the page shows only the photo then, and the PDF follows it)."""
    return a.status not in ("not_skin", "poor_quality")


def shows_probabilities(a) -> bool:
    """Probabilities and the differential are shown for ok/uncertain only: never a label for the rest."""
    return a.status in ("ok", "uncertain")


def ood_line(a, lang: str) -> str:
    """'Unknown-condition score 0.60 (above 0.50: not a condition this model knows)', with the card's threshold."""
    limit = (registry.read_card(a.classifier).get("thresholds") or {}).get("ood")
    if limit is None:
        return t("result.ood_plain", lang, v=a.ood_score)
    return t("result.ood", lang, v=a.ood_score, limit=float(limit))


def cancer_score_lines(a, lang: str) -> list[str]:
    """'Melanoma 80.1%' and 'Basal cell carcinoma 10.6%' for a result that shows no probabilities (not a known
    condition, a poor photo, or one too blurred or dark to tell whether it is skin) while its cancer scores put the
    banner on it: the banner's figure, made visible."""
    from .data import MALIGNANT
    from .pipeline import scores_urgent

    if shows_probabilities(a) or not a.cancer_banner or not scores_urgent(a):
        return []
    return [f"{class_name(c, lang)} {percent(a.probabilities.get(c, 0.0))}" for c in MALIGNANT]


def top3_lines(a, lang: str) -> list[str]:
    return [t("result.top3_row", lang, i=i, name=class_name(c, lang), p=percent(p)) for i, (c, p) in enumerate(a.top3, 1)]


def segmentation_note(a, lang: str) -> str:
    seg = a.segmentation
    if seg is None:
        return t("result.seg.none", lang)
    return t(f"result.seg.{seg.status}", lang) if seg.status in ("ok", "fallback", "none") else seg.message


def abc_rows(a, lang: str) -> list[tuple[str, str]]:
    """(label, value) rows for the outline's shape measurements, empty when there is no outline."""
    seg = a.segmentation
    if seg is None or seg.status == "none" or not seg.measurements:
        return []
    rows = []
    for k in ABC_KEYS:
        if k in seg.measurements:
            v = seg.measurements[k]
            rows.append((t(f"result.abc.{k}", lang), percent(v) if k == "area_fraction" else f"{v:.2f}"))
    return rows


def drawn_view(a, view: str) -> str:
    """What `photo_view` really draws for the chosen view: `none` when there is no outline to draw."""
    seg = a.segmentation
    return "none" if seg is None or seg.status == "none" else view


def photo_alt(a, view: str, lang: str) -> str:
    """The photo's alt text, saying what is drawn on it (outline, filled mask or nothing)."""
    return t(f"result.photo_alt.{drawn_view(a, view)}", lang)


def photo_view(a, view: str = "outline", opacity: float = 0.4) -> np.ndarray:
    """The analysed photo with the lesion outline, a filled mask, or nothing drawn on it."""
    seg = a.segmentation
    if drawn_view(a, view) == "none":
        return a.image
    if view == "mask":
        return segmentation.fill(a.image, seg.mask, alpha=opacity)
    return segmentation.outline(a.image, seg.mask)


def heatmap_view(a, opacity: float = 0.45, cmap: str = "jet") -> np.ndarray | None:
    if a.heatmap is None:
        return None
    return explain.overlay(a.image, a.heatmap, alpha=opacity, cmap=cmap)


def thumbnail(rgb: np.ndarray, max_side: int = 640) -> np.ndarray:
    h, w = rgb.shape[:2]
    if max(h, w) <= max_side:
        return rgb
    s = max_side / max(h, w)
    return images.resize(rgb, (max(1, round(w * s)), max(1, round(h * s))))


def short_answer(status: str, label: str | None, probs: dict[str, float], lang: str, issues=()) -> str:
    """'Acne 82.0%' for a confident answer, else the status name (used by the What-if page); `issues`: the photo's
    quality issue codes (a blurry not-skin photo is "too blurry to tell")."""
    if status == "ok" and label:
        return f"{class_name(label, lang)} {percent(probs.get(label, 0.0))}"
    return status_name(status, lang, issues)


def whatif_cancer_warning(before: dict, after: dict, lang: str) -> str | None:
    """The What-if page's line for a photo whose melanoma + BCC scores cross the urgent threshold (the Analyze page
    would raise its cancer banner): which version(s), and the score; None when neither does."""
    which = [k for k, p in (("original", before), ("changed", after)) if p["cancer"]]
    if not which:
        return None
    key = "both" if len(which) == 2 else which[0]
    score = max(p["malignancy"] for p in (before, after) if p["cancer"])
    return t("whatif.cancer", lang, which=t(f"whatif.cancer.{key}", lang), p=percent(score))


def sweep_answers(sweep, lang: str) -> list[str]:
    """The answers along a sweep in the order of the swept values, each change kept (A -> B -> A shows the return);
    an uncertain answer names its leading class, so a swap under "uncertain" is not called "the same"."""
    out: list[str] = []
    for status, label, issues in zip(sweep.statuses, sweep.labels, sweep.quality_issues):
        if status == "ok" and label:
            ans = class_name(label, lang)
        elif status == "uncertain" and label:
            ans = t("whatif.uncertain_answer", lang, name=class_name(label, lang))
        else:
            ans = status_name(status, lang, issues)
        if not out or out[-1] != ans:
            out.append(ans)
    return out


def sweep_cancer_warning(sweep, lang: str, axis_label: str) -> str | None:
    """The sweep's cancer line: the values (of `axis_label`) at which the Analyze page would raise its cancer
    banner, or "every value tried"; None if none."""
    values = sweep.cancer_values()
    if not values:
        return None
    if len(values) == len(sweep.values):
        return t("whatif.sweep_cancer_all", lang, axis=axis_label, lo=f"{min(values):g}", hi=f"{max(values):g}")
    return t("whatif.sweep_cancer", lang, axis=axis_label, values=", ".join(f"{v:g}" for v in values))


def sweep_quality_values(sweep) -> list[str]:
    """The values of :meth:`SweepResult.quality_warned` as the caption prints them."""
    return [f"{v:g}" for v in sweep.quality_warned()]


def more_urgent_models(analyses: dict, selected: str) -> list[str]:
    """Models whose urgency for this photo is above the selected model's, which sets the page's advice."""
    base = knowledge.urgency_rank(analyses[selected].urgency)
    return [n for n, a in analyses.items() if knowledge.urgency_rank(a.urgency) > base]


def more_urgent_note(analyses: dict, selected: str, lang: str) -> str | None:
    """The compare section's note when other models rate this photo more urgent than the chosen one: each named with
    its own level ("custom_cnn: Urgent (2 weeks); efficientnet_b0: Soon (weeks)"), most urgent first."""
    louder = more_urgent_models(analyses, selected)
    if not louder:
        return None
    louder.sort(key=lambda n: -knowledge.urgency_rank(analyses[n].urgency))
    says = "; ".join(f"{n}: {t(f'urgency.short.{analyses[n].urgency}', lang)}" for n in louder)
    return t("compare.more_urgent", lang, says=says, model=selected)


def compare_rows(analyses: dict, lang: str) -> list[dict]:
    """One row per model for the 'compare all models' table."""
    rows = []
    for name, a in analyses.items():
        top_c, top_p = a.top3[0] if a.top3 else (None, None)
        rows.append({  # what decides the advice first (a narrow screen shows the left columns)
            t("compare.model", lang): name,
            t("compare.urgency", lang): t(f"urgency.short.{a.urgency}", lang),
            t("compare.cancer_score", lang): percent(a.malignancy_score) if a.has_scores else NOT_AVAILABLE,
            t("compare.answer", lang): class_name(a.label, lang) if a.status == "ok" else t("compare.no_answer", lang),
            t("compare.status", lang): status_name(a.status, lang, a.quality.codes),
            t("compare.top_p", lang): f"{short_class_name(top_c, lang)} {percent(top_p)}" if shows_probabilities(a) else "",
            t("compare.accuracy_unseen", lang): percent(unseen_accuracy(name)),
            t("compare.accuracy", lang): percent(model_accuracy(name)),
        })
    return rows


def seconds(a) -> float:
    return sum(a.timings_ms.values()) / 1000 if a.timings_ms else 0.0


# ---------------------------------------------------------------------------------------------- memo
def memo_sections(memo, lang: str, urgency: str | None = None, red_flags: tuple[str, ...] = (),
                  scores: bool | None = None) -> list[tuple[str, list[str], bool]]:
    """(heading, paragraphs, bulleted) in reading order, shared by the page and the PDF.

    `urgency` overrides the memo's own level (an analysis may be more urgent than its top class, e.g. a mole
    with a high melanoma probability): one photo never shows two different urgencies. `red_flags` (what the
    user reported) and `scores` (:func:`pipeline.scores_urgent`) let the raised-urgency line name the real reason.
    """
    from .pipeline import memo_summary

    return [
        (t("memo.summary", lang), [memo_summary(memo, lang, scores)], False),
        (t("memo.symptoms", lang), memo.symptoms, True),
        (t("memo.causes", lang), memo.causes, True),
        (t("memo.contagious", lang), [memo.contagious], False),
        (t("memo.self_care", lang), memo.self_care, True),
        (t("memo.otc", lang), memo.otc, True),
        (t("memo.prescription", lang), memo.prescription, True),
        (t("memo.procedures", lang), memo.procedures, True),
        (t("memo.when_to_see", lang), _when_to_see(memo, lang, urgency, red_flags, scores), False),
        (t("memo.red_flags", lang), memo.red_flags, True),
    ]


def _when_to_see(memo, lang: str, urgency: str | None, red_flags: tuple[str, ...] = (),
                 scores: bool | None = None) -> list[str]:
    """The urgency line and the advice under it (:func:`pipeline.when_to_see_advice`)."""
    from .pipeline import when_to_see_advice

    level = urgency or memo.urgency
    return [f"{t('result.urgency', lang)}: {urgency_label(level, lang)}",
            when_to_see_advice(memo, level, red_flags, lang, scores)]


def memo_sources(memo, lang: str) -> list[str]:
    return [f"{s.get('title', '')}: {s.get('url', '')}" for s in memo.sources] + [
        t("memo.last_reviewed", lang, date=memo.last_reviewed)
    ]


# ---------------------------------------------------------------------------------------------- model cards
CLASSIFICATION_METRICS = ("accuracy", "macro_f1", "top3_accuracy", "study5_accuracy", "melanoma_recall",
                          "malignant_urgent_rate", "ece_15", "ood_auroc")
SEGMENTATION_METRICS = ("mean_iou", "dice", "thresholded_jaccard")
PHOTO_CHECK_METRICS = ("skin_photos_rejected", "malignant_rejected", "nonskin_accepted", "fresh_accepted")
COUNT_METRICS = {"malignant_rejected": ("rejected", "report.k_of_n"),  # key -> (its count, its "k of n" caption)
                 "nonskin_accepted": ("accepted", "report.nonskin_k_of_n"),
                 "fresh_accepted": ("accepted", "report.fresh_k_of_n")}
TASK_METRICS = {"classification": CLASSIFICATION_METRICS, "segmentation": SEGMENTATION_METRICS,
                "photo_check": PHOTO_CHECK_METRICS}  # the report's order of tasks too


def card_metric(card: dict, key: str) -> float | None:
    m = card.get("test_metrics", {})
    if key == "ood_auroc":
        return (m.get("ood") or {}).get("auroc")
    if key in COUNT_METRICS:  # a count on the card: {rejected or accepted, n}
        r = m.get(key) or {}
        return r[COUNT_METRICS[key][0]] / r["n"] if r.get("n") else None
    v = m.get(key)
    return float(v) if isinstance(v, (int, float)) else None


def card_description(card: dict, lang: str) -> str:
    """A model card's description in `lang` (`description_ko`, ...), else the English one the training script wrote."""
    return card.get(f"description_{lang}") or card.get("description", "")


def format_metric(key: str, v: float | None) -> str:
    if v is None:
        return NOT_AVAILABLE
    return f"{v:.3f}" if key in ("ece_15", "ood_auroc", "mean_iou", "dice", "thresholded_jaccard") else percent(v)


def _ci95(metrics: dict, key: str) -> list[float] | None:
    """A metrics block's 95 % bootstrap interval for key (`ci95`), where it has one."""
    ci = (metrics.get("ci95") or {}).get(key)
    return ci if isinstance(ci, list) and len(ci) == 2 else None


def card_metric_ci(card: dict, key: str) -> list[float] | None:
    """The card's 95 % bootstrap interval for a test metric, where the card has one."""
    return _ci95(card.get("test_metrics", {}), key)


def format_metric_ci(key: str, ci: list[float] | None, lang: str) -> str | None:
    """'95 % CI 65.0% - 73.7% (...)' in the UI's language, or None without an interval."""
    if ci is None:
        return None
    return t("report.ci95", lang, lo=format_metric(key, ci[0]), hi=format_metric(key, ci[1]))


def metric_captions(card: dict, key: str, lang: str) -> list[str]:
    """What the report prints under a metric: its 95 % interval, or for ECE the level chance alone would give; for
    the cancers flagged urgent, also the share the app itself flags (its photo checks refuse some); for a count,
    "k of n"."""
    m = card.get("test_metrics", {})
    ci = format_metric_ci(key, card_metric_ci(card, key), lang)
    floor = m.get("ece_noise_floor") if key == "ece_15" else None
    if isinstance(floor, dict):
        return [t("report.ece_floor", lang, median=format_metric(key, floor["median"]),
                  p95=format_metric(key, floor["p95"]), n=floor["n"])]
    if key in COUNT_METRICS and m.get(key):
        field, caption = COUNT_METRICS[key]
        return [t(caption, lang, k=m[key][field], n=m[key]["n"], photos=m[key].get("photos"))]
    app = card.get("test_app_path") if key == "malignant_urgent_rate" else None
    if app:
        return ([ci] if ci else []) + [t("report.app_path", lang, rate=percent(app["rate"]), k=app["urgent"],
                                         n=app["n"])]
    return [ci] if ci else []


def rejection_rows(card: dict, lang: str) -> list[dict]:
    """The photo check's test refusal rate per source and per skin-type group: whom it turns away."""
    m = card.get("test_metrics", {})
    kinds = {"by_source": "report.by_source", "by_skin_group": "report.by_skin"}
    return [{t("report.col.grouping", lang): t(kinds[key], lang),
             t("report.group", lang): t("report.group.unknown", lang) if group == "unknown" else group,
             t("report.images", lang): v["n"], t("metric.skin_photos_rejected", lang): percent(v["rejected"])}
            for key in kinds for group, v in (m.get(key) or {}).items()]


def all_cards() -> dict[str, dict]:
    """name -> card for every model with a card on disk (classifiers first, default first)."""
    out = {}
    for task in TASK_METRICS:
        default = registry.default_model(task)
        for name in sorted(registry.list_models(task), key=lambda n: (n != default, n)):
            try:
                out[name] = registry.read_card(name)
            except Exception:
                continue
    return out


def comparison_rows(cards: dict[str, dict], lang: str, task: str = "classification") -> list[dict]:
    """The 'all models' table for one task: one row per metric that task reports, one column per model (metrics
    down the side, so the table stays as narrow as the models are few)."""
    names = [n for n, c in cards.items() if c.get("task", "classification") == task]
    if not names:
        return []
    metric = t("report.col.metric", lang)
    rows = [{metric: t("report.col.version", lang), **{n: str(cards[n].get("version", "")) for n in names}}]
    for key in TASK_METRICS[task]:
        rows.append({metric: t(f"metric.{key}", lang), **{n: format_metric(key, card_metric(cards[n], key))
                                                          for n in names}})
        if key == "accuracy":  # the figure the Analyze page's model picker gives, beside the headline one
            rows.append({metric: t("report.col.accuracy_unseen", lang),
                         **{n: format_metric(key, (cards[n].get("test_metrics_unseen") or {}).get("accuracy"))
                            for n in names}})
    return rows


def unseen_rows(card: dict, lang: str) -> list[dict]:
    """All test photos vs only those with no near-duplicate in train or val (`test_metrics_unseen`), one row per
    headline metric; empty when the card has no such audit."""
    u = card.get("test_metrics_unseen")
    if not u:
        return []

    def cell(k: str, value, ci) -> str:  # the value, then its 95 % bootstrap interval where the card has one
        return format_metric(k, value) + (f" ({format_metric(k, ci[0])} - {format_metric(k, ci[1])})" if ci else "")

    return [{t("report.col.metric", lang): t(f"metric.{k}", lang),
             t("report.unseen.all", lang, n=card.get("test_metrics", {}).get("n", "?")):
                 cell(k, card_metric(card, k), card_metric_ci(card, k)),
             t("report.unseen.only", lang, n=u.get("n", "?")): cell(k, u.get(k), _ci95(u, k))}
            for k in CLASSIFICATION_METRICS]


def decision_rows(card: dict, lang: str) -> list[dict]:
    """The card's decision thresholds and calibration temperatures (all chosen on val), one row each."""
    from .evaluation import card_decisions_of

    from .i18n import STRINGS

    return [{t("report.col.threshold", lang): k, t("report.col.value", lang): round(float(v), 4),
             t("report.col.meaning", lang): t(f"threshold.{k}", lang) if f"threshold.{k}" in STRINGS else ""}
            for k, v in card_decisions_of(card).items()]


def _interval(ci: list[float] | None) -> str:
    return f"{percent(ci[0])} - {percent(ci[1])}" if ci else "-"


def per_class_rows(card: dict, lang: str) -> list[dict]:
    """One row per condition: test precision, recall with its Wilson 95 % interval, F1 and photo count."""
    from .metrics import proportion_ci95

    rows = []
    for c, d in (card.get("test_metrics", {}).get("per_class") or {}).items():
        rows.append({
            t("report.col.class", lang): short_class_name(c, lang),  # numbers stay on screen on a phone
            t("report.col.precision", lang): round(float(d.get("precision", 0.0)), 3),
            t("report.col.recall", lang): round(float(d.get("recall", 0.0)), 3),
            t("report.col.recall_ci", lang): _interval(proportion_ci95(float(d.get("recall", 0.0)),
                                                                        int(d.get("support", 0)))),
            t("report.col.f1", lang): round(float(d.get("f1-score", 0.0)), 3),
            t("report.col.support", lang): int(d.get("support", 0)),
        })
    return rows


def widget_words_css(lang: str) -> str:
    """CSS that shows Streamlit's own uploader and camera button words in `lang` (Streamlit has them in English
    only), and hides the uploader's English size line, which the widget's label already says. Empty for English."""
    if lang == "en":
        return ""
    words = {k: t(f"input.{k}_button", lang).replace('"', "") for k in ("browse", "take", "clear")}
    up = '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p'
    cam = 'button[data-testid="stCameraInputButton"]'
    return ('[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }\n'
            f'{up} {{ font-size: 0; }}\n{up}::after {{ content: "{words["browse"]}"; font-size: 0.875rem; }}\n'
            f'{cam} {{ font-size: 0; }}\n{cam}::after {{ content: "{words["take"]}"; font-size: 1rem; }}\n'
            f'{cam}:has(svg)::after {{ content: "{words["clear"]}"; }}\n'  # after a shot: an icon and "Clear photo"
            f'{cam} svg {{ display: none; }}')
