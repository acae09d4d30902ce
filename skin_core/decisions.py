"""Turn calibrated probabilities into a status and an urgency, with thresholds read from the model card.

Status: ok | uncertain | out_of_scope | not_skin | poor_quality | error. Urgency: routine | soon | urgent,
never "healthy". `urgent` whenever P(melanoma) + P(basal cell carcinoma) crosses the card's recall-first
threshold, whatever the top-1 is. Per-condition base urgency comes from the memo knowledge base.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import knowledge
from .data import MALIGNANT

STATUSES = ("ok", "uncertain", "out_of_scope", "not_skin", "poor_quality", "error")
URGENCIES = ("routine", "soon", "urgent")
DEFAULTS = {"min_confidence": 0.4, "min_margin": 0.1, "ood": 0.5, "urgent": 0.3}


@dataclass(frozen=True)
class Decision:
    status: str
    label: str | None
    urgency: str
    malignancy_score: float
    reason: str


def base_urgency(condition: str) -> str:
    """Triage level of a condition from the knowledge base."""
    return knowledge.base_urgency(condition)


def _max_urgency(*levels: str) -> str:
    return max(levels, key=URGENCIES.index)


def decide(probs: dict[str, float], ood_score: float, thresholds: dict | None = None) -> Decision:
    """Status, label and urgency for one image's calibrated class probabilities."""
    t = {**DEFAULTS, **(thresholds or {})}
    ranked = sorted(probs.items(), key=lambda kv: kv[1], reverse=True)
    (top, p1), p2 = ranked[0], (ranked[1][1] if len(ranked) > 1 else 0.0)
    mal = float(sum(probs.get(c, 0.0) for c in MALIGNANT))
    urgent = mal >= t["urgent"]
    if ood_score > t["ood"]:
        urgency = "urgent" if urgent else base_urgency("other")
        return Decision("out_of_scope", None, urgency, mal, "This looks like none of the conditions the model knows.")
    if p1 < t["min_confidence"] or (p1 - p2) < t["min_margin"]:
        urgency = _max_urgency(base_urgency("uncertain"), "urgent" if urgent else "routine")
        return Decision("uncertain", top, urgency, mal, "The model is not sure; see the differential below.")
    urgency = _max_urgency(base_urgency(top), "urgent" if urgent else "routine")
    return Decision("ok", top, urgency, mal, "")


def rejected(status: str, reason: str, probs: dict[str, float] | None = None, thresholds: dict | None = None) -> Decision:
    """Decision for an image that was not classified as a condition (not_skin, poor_quality, error)."""
    t = {**DEFAULTS, **(thresholds or {})}
    mal = float(sum((probs or {}).get(c, 0.0) for c in MALIGNANT))
    urgency = "urgent" if probs and mal >= t["urgent"] else "soon"
    return Decision(status, None, urgency, mal, reason)


def top_k(probs: dict[str, float], k: int = 3) -> list[tuple[str, float]]:
    return [(c, float(p)) for c, p in sorted(probs.items(), key=lambda kv: kv[1], reverse=True)[:k]]


def as_dict(classes: list[str], p: np.ndarray) -> dict[str, float]:
    return {c: float(v) for c, v in zip(classes, p)}
