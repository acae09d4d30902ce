"""Turn calibrated probabilities into a status and an urgency, with thresholds read from the model card.

Status: ok | uncertain | out_of_scope | not_skin | poor_quality | error. Urgency: routine | soon | urgent |
same_day, never "healthy". `urgent` whenever P(melanoma) + P(basal cell carcinoma) crosses the card's recall-first
threshold, whatever the top-1 is. Per-condition urgency comes from the memo knowledge base, raised by any red
flags the user reports (`knowledge.triage`): e.g. a rash "not improving after 2 weeks" becomes `soon`, a spot that
bleeds or changes becomes `urgent`, a fever `same_day` (only ever from what the user reports).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import knowledge
from .data import MALIGNANT
from . import i18n

STATUSES = ("ok", "uncertain", "out_of_scope", "not_skin", "poor_quality", "error")
URGENCIES = knowledge.URGENCY_LEVELS
DEFAULTS = {"min_confidence": 0.4, "min_margin": 0.1, "ood": 0.5, "urgent": 0.3}


@dataclass(frozen=True)
class Decision:
    status: str
    label: str | None
    urgency: str
    malignancy_score: float
    reason: str


def crosses_urgent(malignancy_score: float, thresholds: dict | None = None) -> bool:
    """Whether P(melanoma) + P(BCC) reaches the card's recall-first `urgent` threshold."""
    return malignancy_score >= {**DEFAULTS, **(thresholds or {})}["urgent"]


def _triage_condition(status: str, label: str | None) -> str:
    """The knowledge-base entry whose triage rules apply: the answer, `other` (out of scope) or `uncertain`."""
    if status == "ok" and label:
        return label
    return "other" if status == "out_of_scope" else "uncertain"


def urgency_for(status: str, label: str | None, urgent: bool, red_flags: tuple[str, ...] = ()) -> str:
    """Urgency of a decided photo: its condition's triage level with the user's red flags (an out-of-scope photo
    counts as `other`, an uncertain or refused one as `uncertain`; neither is ever below `soon`), raised to `urgent`
    by the malignancy score."""
    levels = [knowledge.triage(_triage_condition(status, label), red_flags)]
    if not (status == "ok" and label):
        levels.append("soon")
    return knowledge.max_urgency(levels + ["urgent" if urgent else "routine"])


def on_cancer_pathway(status: str, label: str | None, urgent: bool, red_flags: tuple[str, ...] = ()) -> bool:
    """Whether the possible-cancer banner belongs on this result: the malignancy score crossed (`urgent`), the answer
    is a skin cancer, or the user reports a bleeding or changing spot. Separate from the urgency level, which a
    fever can raise above `urgent` (`same_day`) without making anything a cancer."""
    condition = _triage_condition(status, label)
    return (urgent or knowledge.base_urgency(condition) == "urgent"
            or knowledge.cancer_flagged(condition, red_flags))


def check_finite(probs: dict[str, float], *scores: float) -> None:
    """ValueError for a NaN or infinite score: an urgency (or a JSON line) must never rest on one."""
    if not all(math.isfinite(v) for v in (*probs.values(), *scores)):
        raise ValueError("the classifier returned non-finite scores (NaN or infinity); no decision can rest on them")


def decide(probs: dict[str, float], ood_score: float, thresholds: dict | None = None,
           red_flags: tuple[str, ...] = ()) -> Decision:
    """Status, label and urgency for one image's calibrated class probabilities (and any reported red flags)."""
    if not probs:
        raise ValueError("the classifier returned no scores; no decision can rest on them")
    check_finite(probs, ood_score)
    t = {**DEFAULTS, **(thresholds or {})}
    ranked = sorted(probs.items(), key=lambda kv: kv[1], reverse=True)
    (top, p1), p2 = ranked[0], (ranked[1][1] if len(ranked) > 1 else 0.0)
    mal = float(sum(probs.get(c, 0.0) for c in MALIGNANT))
    urgent = crosses_urgent(mal, thresholds)
    if ood_score > t["ood"]:
        status, label, reason = "out_of_scope", None, i18n.t("reason.out_of_scope")
    elif p1 < t["min_confidence"] or (p1 - p2) < t["min_margin"]:
        status, label, reason = "uncertain", top, i18n.t("reason.uncertain")
    else:
        status, label, reason = "ok", top, ""
    return Decision(status, label, urgency_for(status, label, urgent, red_flags), mal, reason)


def rejected(status: str, reason: str, probs: dict[str, float] | None = None, thresholds: dict | None = None,
             red_flags: tuple[str, ...] = ()) -> Decision:
    """Decision for an image that was not classified as a condition (not_skin, poor_quality, error): at least
    `soon` (nothing was checked), `urgent` when the malignancy score or a red flag says so."""
    check_finite(probs or {})
    mal = float(sum((probs or {}).get(c, 0.0) for c in MALIGNANT))
    urgent = bool(probs) and crosses_urgent(mal, thresholds)
    return Decision(status, None, urgency_for(status, None, urgent, red_flags), mal, reason)


def top_k(probs: dict[str, float], k: int = 3) -> list[tuple[str, float]]:
    return [(c, float(p)) for c, p in sorted(probs.items(), key=lambda kv: kv[1], reverse=True)[:k]]


def as_dict(classes: list[str], p: np.ndarray) -> dict[str, float]:
    return {c: float(v) for c, v in zip(classes, p)}
