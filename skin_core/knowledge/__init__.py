"""SkinLens knowledge base: the bilingual (en/ko) "prescription memo" for each class.

The text lives in YAML data files (``conditions/<id>.yaml``, one per condition, both
languages in one file, plus ``conditions/_common.yaml`` for the disclaimer, the
possible-cancer banner and labels). Everything is checked by :mod:`.schema` when loaded.

Public API (used by the app, the PDF report and the CLI)::

    memo(condition, lang="en") -> Memo        # Memo.to_dict() / Memo.to_text()
    list_conditions() -> list[str]            # the 11 classes + "other" + "uncertain"
    base_urgency(condition) -> str            # routine | soon | urgent
    triage(condition, red_flags=()) -> str    # base urgency raised by named red flags (up to same_day)
    cancer_flagged(condition, red_flags) -> bool  # what the user reports puts it on the cancer pathway
    cancer_banner(lang, from_scores) -> {"title", "body"}  # ABCDE + "ugly duckling", plain words
    disclaimer(lang) -> str                   # the line every memo ends with

Triage rules (all in this one module, read from the YAML ``urgency`` field):
melanoma and basal_cell_carcinoma are ``urgent`` (see a doctor within 2 weeks);
actinic_keratosis is ``soon``; ``other`` and ``uncertain`` are ``soon`` (advise a
clinician, never reassure); the rest are ``routine`` unless red flags are named. Red flags only
raise a level: any flag to ``soon``; to ``urgent`` a sore unhealed in 4 weeks, a bleeding or changing
spot or growth, or a painful actinic keratosis; to ``same_day`` a fever, the eye, a painful rash
spreading fast (for ``other`` and ``uncertain`` a fast spread alone), or a painful oozing area.
"""
from __future__ import annotations

import functools
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml

from .schema import (
    LANGS,
    RED_FLAG_KEYS,
    URGENCY_LEVELS,
    SchemaError,
    validate_common,
    validate_condition,
)

__all__ = [
    "URGENCY_LEVELS",
    "LANGS",
    "RED_FLAG_KEYS",
    "CLASS_IDS",
    "EXTRA_IDS",
    "Memo",
    "SchemaError",
    "UnknownConditionError",
    "list_conditions",
    "memo",
    "base_urgency",
    "contagious",
    "triage",
    "cancer_flagged",
    "red_flag_set",
    "urgency_rank",
    "max_urgency",
    "cancer_banner",
    "disclaimer",
    "urgency_label",
    "red_flag_labels",
    "category",
    "CONDITIONS_DIR",
]

CONDITIONS_DIR = Path(__file__).resolve().parent / "conditions"

#: The classifier's 11 classes: the one list lives in skin_core.data (cards copy it).
from ..data import CLASSES as CLASS_IDS  # noqa: E402

#: Pseudo-classes: none of the known conditions / the classifier could not decide.
EXTRA_IDS = ("other", "uncertain")

#: Red flags that put a condition on the possible-cancer pathway, by its category. A sore that has not healed in
#: 4 weeks does so in any skin (a basal or squamous cell cancer can pass for a rash); bleeding or change does so
#: in a spot or growth (`meta`: other and uncertain, which may be one); pain does so in an actinic keratosis, whose
#: memo says it may have turned into a squamous cell cancer. Rashes: only the sore.
_ANY_SKIN_CANCER_FLAGS = frozenset({"non_healing"})
_GROWTH_CANCER_FLAGS = _ANY_SKIN_CANCER_FLAGS | {"bleeding", "rapid_change"}
_CANCER_FLAGS = {"premalignant": _GROWTH_CANCER_FLAGS | {"pain"}, "benign_growth": _GROWTH_CANCER_FLAGS,
                 "meta": _GROWTH_CANCER_FLAGS}
#: Red flags that need care today whatever the condition: fever (a skin infection or a drug reaction can be
#: serious), the eye (shingles or an infection near it can harm sight), a painful rash spreading fast
#: (cellulitis), and an oozing area that is painful, hot or swollen (an infection, e.g. of eczema). Each alone,
#: except the pairs, which need each other, unless nothing is known of the rash (`meta`): then a fast spread
#: alone is enough, as those memos say.
_SAME_DAY_FLAGS = (frozenset({"fever"}), frozenset({"eye"}), frozenset({"spreading", "pain"}),
                   frozenset({"bleeding", "pain"}))
_SAME_DAY_UNKNOWN_FLAGS = (frozenset({"spreading"}),)


class UnknownConditionError(KeyError):
    """``memo()`` or a triage helper was asked about a condition id with no knowledge file."""


# --------------------------------------------------------------------------- loading


@functools.lru_cache(maxsize=None)
def _load_all() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = {}
    for path in sorted(CONDITIONS_DIR.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        with path.open(encoding="utf-8") as fh:
            raw = yaml.safe_load(fh)
        try:
            data[path.stem] = validate_condition(raw, expected_id=path.stem)
        except SchemaError as exc:
            raise SchemaError(f"{path.name}: {exc}") from None
    return data


@functools.lru_cache(maxsize=None)
def _common() -> dict[str, Any]:
    path = CONDITIONS_DIR / "_common.yaml"
    with path.open(encoding="utf-8") as fh:
        return validate_common(yaml.safe_load(fh))


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return lang


def _normalise_id(condition: str) -> str:
    if not isinstance(condition, str):
        raise UnknownConditionError(condition)
    return condition.strip().lower().replace("-", "_").replace(" ", "_")


def _entry(condition: str) -> dict[str, Any]:
    cid = _normalise_id(condition)
    try:
        return _load_all()[cid]
    except KeyError:
        raise UnknownConditionError(
            f"unknown condition {condition!r}; known: {', '.join(list_conditions())}"
        ) from None


def list_conditions() -> list[str]:
    """All condition ids with a knowledge file (the 11 classes, ``other``, ``uncertain``), sorted."""
    return sorted(_load_all())


def category(condition: str) -> str:
    """The condition's category (``inflammatory``, ``infection``, ``malignant``, ...)."""
    return _entry(condition)["category"]


# --------------------------------------------------------------------------- shared text


def disclaimer(lang: str = "en") -> str:
    """The short line every memo ends with (educational tool, not a diagnosis)."""
    return _common()[_check_lang(lang)]["disclaimer"]


def cancer_banner(lang: str = "en", from_scores: bool = True, lead: str | None = None,
                  body: str | None = None) -> dict[str, str]:
    """Possible-cancer banner (``title``, ``body``) ending with ABCDE and the "ugly duckling" sign.

    Shown whenever a result is on the cancer pathway (``decisions.on_cancer_pathway``: the scores, a cancer
    answer or a reported warning sign), whatever the top-1 class is and even at ``same_day``.
    ``from_scores=False``: only the user's red flags put it there, so the banner says that, not "the result
    includes a possible skin cancer". ``lead`` replaces that opening sentence, e.g. with the score that put a
    result whose answer is not a cancer on the pathway. ``body`` replaces the "within 2 weeks" advice (a same-day
    result has one deadline: today).
    """
    common = _common()[_check_lang(lang)]
    banner = common["banner" if from_scores else "flag_banner"]
    opening = (lead or banner["lead"]) if from_scores else None  # a caller's score line replaces "includes a cancer"
    return {"title": banner["title"],
            "body": " ".join(x for x in (opening, body or banner["body"], common["warning_signs"]) if x)}


def urgency_label(level: str, lang: str = "en") -> str:
    """Human label for an urgency level, e.g. ``"Urgent - see a doctor ... within 2 weeks"``."""
    if level not in URGENCY_LEVELS:
        raise ValueError(f"urgency must be one of {URGENCY_LEVELS}, got {level!r}")
    return _common()[_check_lang(lang)]["urgency_labels"][level]


def red_flag_labels(lang: str = "en") -> dict[str, str]:
    """``{red_flag_key: label}`` for the keys :func:`triage` accepts (for checkboxes in the UI)."""
    return dict(_common()[_check_lang(lang)]["red_flag_labels"])


# --------------------------------------------------------------------------- triage


def urgency_rank(level: str) -> int:
    """0 for routine, 1 for soon, 2 for urgent, 3 for same_day."""
    try:
        return URGENCY_LEVELS.index(level)
    except ValueError:
        raise ValueError(f"urgency must be one of {URGENCY_LEVELS}, got {level!r}") from None


def max_urgency(levels: Iterable[str]) -> str:
    """The highest of the given urgency levels (``routine`` for an empty input)."""
    return URGENCY_LEVELS[max((urgency_rank(lv) for lv in levels), default=0)]


def base_urgency(condition: str) -> str:
    """The triage rule for a condition, from its YAML ``urgency`` field."""
    return _entry(condition)["urgency"]


def contagious(condition: str) -> str:
    """Whether a condition spreads to other people: ``yes``, ``no`` or ``unknown`` (its YAML ``contagious_flag``;
    the memo's ``contagious`` line says how)."""
    return _entry(condition)["contagious_flag"]


def red_flag_set(red_flags: Iterable[str]) -> frozenset[str]:
    """The user's red flags as a set; ValueError for a key not in ``RED_FLAG_KEYS``."""
    flags = frozenset(red_flags)
    unknown = flags - set(RED_FLAG_KEYS)
    if unknown:
        raise ValueError(f"unknown red flags {sorted(unknown)}; expected some of {RED_FLAG_KEYS}")
    return flags


def triage(condition: str, red_flags: Iterable[str] = ()) -> str:
    """Urgency for one condition once the user's red flags (keys in ``RED_FLAG_KEYS``) are known.

    * no red flags -> :func:`base_urgency`;
    * any red flag -> at least ``soon``;
    * a possible cancer (:func:`cancer_flagged`) -> ``urgent``: ``non_healing`` anywhere; ``bleeding`` or
      ``rapid_change`` on a spot or growth (actinic keratosis, mole, ``other``, ``uncertain``); ``pain`` on an
      actinic keratosis;
    * ``fever``, ``eye``, ``spreading`` with ``pain``, or ``bleeding`` (oozing) with ``pain`` -> ``same_day``,
      whatever the condition; ``spreading`` alone on ``other`` or ``uncertain``;
    * malignant conditions stay at least ``urgent``.
    """
    entry = _entry(condition)
    flags = red_flag_set(red_flags)
    levels = [entry["urgency"]]
    if flags:
        levels.append("soon")
    if cancer_flagged(condition, flags):
        levels.append("urgent")
    rules = _SAME_DAY_FLAGS + (_SAME_DAY_UNKNOWN_FLAGS if entry["category"] == "meta" else ())
    if any(rule <= flags for rule in rules):
        levels.append("same_day")
    return max_urgency(levels)


def cancer_flagged(condition: str, red_flags: Iterable[str] = ()) -> bool:
    """Whether the user's red flags put this condition on the possible-cancer pathway (see ``_CANCER_FLAGS``): a
    rash enters it only with a sore that has not healed in 4 weeks."""
    category = _entry(condition)["category"]
    return bool(red_flag_set(red_flags) & _CANCER_FLAGS.get(category, _ANY_SKIN_CANCER_FLAGS))


# --------------------------------------------------------------------------- memo


@dataclass(frozen=True)
class Memo:
    """One condition's memo in one language. ``memo()`` builds a fresh one on each call."""

    condition: str
    lang: str
    name: str
    summary: str
    symptoms: list[str]
    causes: list[str]
    contagious: str
    self_care: list[str]
    otc: list[str]
    prescription: list[str]
    procedures: list[str]
    urgency: str
    when_to_see: str
    red_flags: list[str]
    sources: list[dict[str, str]]
    last_reviewed: str
    disclaimer: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable dict (str, list[str], list[dict]) with the fields above."""
        return asdict(self)

    def to_text(self, include_banner: bool = True) -> str:
        """Plain-text rendering (for the CLI and PDF). Always ends with the disclaimer.

        With ``include_banner`` (default) a skin cancer's memo (its own level is ``urgent``)
        also carries the possible-cancer banner just before the sources.
        """
        h = _common()[self.lang]["headings"]

        def bullets(items: list[str]) -> list[str]:
            return [f"- {item}" for item in items]

        lines = [f"{h['condition']}: {self.name}", ""]
        sections: list[tuple[str, list[str]]] = [
            (h["summary"], [self.summary]),
            (h["symptoms"], bullets(self.symptoms)),
            (h["causes"], bullets(self.causes)),
            (h["contagious"], [self.contagious]),
            (h["self_care"], bullets(self.self_care)),
            (h["otc"], bullets(self.otc)),
            (h["prescription"], bullets(self.prescription)),
            (h["procedures"], bullets(self.procedures)),
            (h["when_to_see"], [f"{h['urgency']}: {urgency_label(self.urgency, self.lang)}", self.when_to_see]),
            (h["red_flags"], bullets(self.red_flags)),
        ]
        if include_banner and self.urgency == "urgent":
            banner = cancer_banner(self.lang)
            sections.append((f"!! {banner['title']}", [banner["body"]]))
        sections.append(
            (h["sources"], bullets([f"{s['title']}: {s['url']}" for s in self.sources])
             + [f"{h['last_reviewed']}: {self.last_reviewed}"])
        )
        for title, body in sections:
            lines.append(title)
            lines.extend(body)
            lines.append("")
        lines.append(self.disclaimer)
        return "\n".join(lines)


def memo(condition: str, lang: str = "en") -> Memo:
    """The memo for ``condition`` in ``lang`` (``"en"`` or ``"ko"``).

    Raises :class:`UnknownConditionError` (a ``KeyError``) for an unknown condition and
    ``ValueError`` for an unsupported language.
    """
    _check_lang(lang)
    entry = _entry(condition)
    text = entry[lang]
    return Memo(
        condition=entry["id"],
        lang=lang,
        name=text["name"],
        summary=text["summary"],
        symptoms=list(text["symptoms"]),
        causes=list(text["causes"]),
        contagious=text["contagious"],
        self_care=list(text["self_care"]),
        otc=list(text["otc"]),
        prescription=list(text["prescription"]),
        procedures=list(text["procedures"]),
        urgency=entry["urgency"],
        when_to_see=text["when_to_see"],
        red_flags=list(text["red_flags"]),
        sources=[dict(s) for s in entry["sources"]],
        last_reviewed=entry["last_reviewed"],
        disclaimer=disclaimer(lang),
    )
