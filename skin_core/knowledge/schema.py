"""Hand-written schema checks for the knowledge-base YAML files (no extra dependencies).

Two kinds of file live in ``conditions/``:

* ``<id>.yaml`` - one condition, both languages in one file::

      id: acne                      # must match the file name
      category: inflammatory        # see CATEGORIES
      urgency: routine              # routine | soon | urgent
      contagious_flag: "no"         # yes | no | unknown
      last_reviewed: "2026-11-25"   # ISO date
      sources:                      # 2 or more, https only
        - {title: "...", url: "https://..."}
      en: {name, summary, symptoms, causes, contagious, self_care, otc,
           prescription, procedures, when_to_see, red_flags}
      ko: {same keys as en}

  Every list field must have the same number of items in ``en`` and ``ko`` so the two
  languages cannot drift apart silently.

* ``_common.yaml`` - text shared by every memo (disclaimer, cancer banner, urgency and
  red-flag labels, section headings), per language. Files starting with ``_`` are not
  conditions.
"""
from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Mapping

LANGS = ("en", "ko")
#: Ordered: `urgent` is the possible-cancer pathway (within 2 weeks); `same_day` only ever comes from red flags
#: the user reports (fever, the eye, a painful rash spreading fast), never from a condition's usual level.
URGENCY_LEVELS = ("routine", "soon", "urgent", "same_day")
CONDITION_URGENCY_LEVELS = URGENCY_LEVELS[:-1]  # a condition's own level: same_day needs what the user reports
CONTAGIOUS_FLAGS = ("yes", "no", "unknown")
#: inflammatory/infection: rashes; malignant/premalignant/benign_growth: spots and growths;
#: meta: the `other` and `uncertain` pseudo-classes.
CATEGORIES = ("inflammatory", "infection", "malignant", "premalignant", "benign_growth", "meta")

TEXT_FIELDS = ("name", "summary", "contagious", "when_to_see")
LIST_FIELDS = ("symptoms", "causes", "self_care", "otc", "prescription", "procedures", "red_flags")
LANG_FIELDS = TEXT_FIELDS + LIST_FIELDS
TOP_FIELDS = ("id", "category", "urgency", "contagious_flag", "last_reviewed", "sources") + LANGS
MIN_SOURCES = 2

#: Keys a caller may pass to :func:`skin_core.knowledge.triage`.
RED_FLAG_KEYS = ("spreading", "fever", "pain", "bleeding", "non_healing", "eye", "infant", "not_improving",
                 "rapid_change")

COMMON_LANG_FIELDS = ("disclaimer", "banner", "flag_banner", "warning_signs", "urgency_labels", "red_flag_labels",
                      "headings")
BANNER_FIELDS = ("title", "body")
SCORES_BANNER_FIELDS = ("title", "lead", "body")  # `lead` (the result includes a cancer) gives way to a score line
HEADING_FIELDS = (
    "condition", "summary", "symptoms", "causes", "contagious", "self_care", "otc",
    "prescription", "procedures", "when_to_see", "urgency", "red_flags", "sources", "last_reviewed",
)

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_HANGUL_RE = re.compile(r"[\uac00-\ud7a3]")


class SchemaError(ValueError):
    """A knowledge-base file does not match the expected layout."""


def _fail(where: str, msg: str) -> None:
    raise SchemaError(f"{where}: {msg}")


def _nonempty_str(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        _fail(where, f"expected a non-empty string, got {value!r}")
    return value


def _str_list(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not value:
        _fail(where, f"expected a non-empty list of strings, got {value!r}")
    for i, item in enumerate(value):
        _nonempty_str(item, f"{where}[{i}]")
    return value


def _exact_keys(data: Any, expected: tuple[str, ...], where: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        _fail(where, f"expected a mapping, got {type(data).__name__}")
    missing = [k for k in expected if k not in data]
    extra = [k for k in data if k not in expected]
    if missing:
        _fail(where, f"missing keys {missing}")
    if extra:
        _fail(where, f"unexpected keys {extra}")
    return data


def _iso_date(value: Any, where: str) -> str:
    # YAML turns an unquoted 2026-11-25 into a date; accept both forms, return the string.
    if isinstance(value, _dt.date):
        return value.isoformat()
    _nonempty_str(value, where)
    try:
        return _dt.date.fromisoformat(value).isoformat()
    except ValueError:
        _fail(where, f"expected an ISO date YYYY-MM-DD, got {value!r}")
    raise AssertionError("unreachable")


def _check_script(text: str, lang: str, where: str) -> None:
    has_hangul = bool(_HANGUL_RE.search(text))
    if lang == "ko" and not has_hangul:
        _fail(where, "Korean text contains no Hangul")
    if lang == "en" and has_hangul:
        _fail(where, "English text contains Hangul")


def validate_condition(data: Any, expected_id: str | None = None) -> dict[str, Any]:
    """Check one condition file's parsed YAML; return a normalised copy (dates as strings).

    Raises :class:`SchemaError` describing the first problem found.
    """
    where = f"condition {expected_id or '?'}"
    _exact_keys(data, TOP_FIELDS, where)
    cid = _nonempty_str(data["id"], f"{where}.id")
    if not _ID_RE.match(cid):
        _fail(where, f"bad id {cid!r}")
    if expected_id is not None and cid != expected_id:
        _fail(where, f"id {cid!r} does not match file name {expected_id!r}")
    if data["category"] not in CATEGORIES:
        _fail(where, f"category must be one of {CATEGORIES}, got {data['category']!r}")
    if data["urgency"] not in CONDITION_URGENCY_LEVELS:
        _fail(where, f"urgency must be one of {CONDITION_URGENCY_LEVELS}, got {data['urgency']!r}")
    if data["contagious_flag"] not in CONTAGIOUS_FLAGS:
        _fail(where, f"contagious_flag must be one of {CONTAGIOUS_FLAGS}, got {data['contagious_flag']!r}")
    last_reviewed = _iso_date(data["last_reviewed"], f"{where}.last_reviewed")

    sources = data["sources"]
    if not isinstance(sources, list) or len(sources) < MIN_SOURCES:
        _fail(where, f"need at least {MIN_SOURCES} sources")
    clean_sources = []
    for i, src in enumerate(sources):
        sw = f"{where}.sources[{i}]"
        _exact_keys(src, ("title", "url"), sw)
        _nonempty_str(src["title"], f"{sw}.title")
        url = _nonempty_str(src["url"], f"{sw}.url")
        if not re.match(r"^https://[a-z0-9.-]+\.[a-z]{2,}(/\S*)?$", url):
            _fail(sw, f"url must be an https URL, got {url!r}")
        clean_sources.append({"title": src["title"].strip(), "url": url.strip()})
    if len({s["url"] for s in clean_sources}) != len(clean_sources):
        _fail(where, "duplicate source URLs")

    out: dict[str, Any] = {
        "id": cid,
        "category": data["category"],
        "urgency": data["urgency"],
        "contagious_flag": data["contagious_flag"],
        "last_reviewed": last_reviewed,
        "sources": clean_sources,
    }
    for lang in LANGS:
        lw = f"{where}.{lang}"
        block = _exact_keys(data[lang], LANG_FIELDS, lw)
        clean: dict[str, Any] = {}
        for field in TEXT_FIELDS:
            clean[field] = _nonempty_str(block[field], f"{lw}.{field}").strip()
            _check_script(clean[field], lang, f"{lw}.{field}")
        for field in LIST_FIELDS:
            items = _str_list(block[field], f"{lw}.{field}")
            clean[field] = [s.strip() for s in items]
            for i, s in enumerate(clean[field]):
                _check_script(s, lang, f"{lw}.{field}[{i}]")
        out[lang] = clean
    for field in LIST_FIELDS:
        n_en, n_ko = len(out["en"][field]), len(out["ko"][field])
        if n_en != n_ko:
            _fail(where, f"{field}: en has {n_en} items but ko has {n_ko}; keep the languages in step")
    return out


def validate_common(data: Any) -> dict[str, Any]:
    """Check ``_common.yaml``; return a normalised copy."""
    where = "_common"
    _exact_keys(data, LANGS, where)
    out: dict[str, Any] = {}
    for lang in LANGS:
        lw = f"{where}.{lang}"
        block = _exact_keys(data[lang], COMMON_LANG_FIELDS, lw)
        disclaimer = _nonempty_str(block["disclaimer"], f"{lw}.disclaimer").strip()
        _check_script(disclaimer, lang, f"{lw}.disclaimer")
        banners = {}
        for name, fields in (("banner", SCORES_BANNER_FIELDS), ("flag_banner", BANNER_FIELDS)):
            banner = _exact_keys(block[name], fields, f"{lw}.{name}")
            banners[name] = {k: _nonempty_str(banner[k], f"{lw}.{name}.{k}").strip() for k in fields}
            for k, v in banners[name].items():
                _check_script(v, lang, f"{lw}.{name}.{k}")
        signs = _nonempty_str(block["warning_signs"], f"{lw}.warning_signs").strip()
        _check_script(signs, lang, f"{lw}.warning_signs")
        labels = _exact_keys(block["urgency_labels"], URGENCY_LEVELS, f"{lw}.urgency_labels")
        flags = _exact_keys(block["red_flag_labels"], RED_FLAG_KEYS, f"{lw}.red_flag_labels")
        heads = _exact_keys(block["headings"], HEADING_FIELDS, f"{lw}.headings")
        out[lang] = {
            "disclaimer": disclaimer,
            **banners,
            "warning_signs": signs,
            "urgency_labels": {k: _nonempty_str(labels[k], f"{lw}.urgency_labels.{k}").strip() for k in URGENCY_LEVELS},
            "red_flag_labels": {k: _nonempty_str(flags[k], f"{lw}.red_flag_labels.{k}").strip() for k in RED_FLAG_KEYS},
            "headings": {k: _nonempty_str(heads[k], f"{lw}.headings.{k}").strip() for k in HEADING_FIELDS},
        }
        for section in ("urgency_labels", "red_flag_labels"):
            for k, v in out[lang][section].items():
                _check_script(v, lang, f"{lw}.{section}.{k}")
    return out
