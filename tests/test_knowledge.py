"""Tests for skin_core.knowledge: schema, bilingual memos, triage rules and safe wording.

Fast and model-free: only the YAML knowledge base is loaded.
"""
from __future__ import annotations

import copy
import dataclasses
import json
import re
from urllib.parse import urlparse

import pytest
import yaml

import skin_core.knowledge as kb
from skin_core.data import CLASSES
from skin_core.decisions import decide, on_cancer_pathway
from skin_core.knowledge import schema

ALL_IDS = sorted([*CLASSES, "other", "uncertain"])
LANGS = ("en", "ko")

EXPECTED_URGENCY = {
    "melanoma": "urgent",
    "basal_cell_carcinoma": "urgent",
    "actinic_keratosis": "soon",
    "other": "soon",
    "uncertain": "soon",
    **{c: "routine" for c in (
        "acne", "atopic_dermatitis", "eczema", "melanocytic_nevus", "psoriasis", "tinea",
        "lichen_planus", "molluscum",
    )},
}

MEMO_FIELDS = [
    "condition", "lang", "name", "summary", "symptoms", "causes", "contagious", "self_care",
    "otc", "prescription", "procedures", "urgency", "when_to_see", "red_flags", "sources",
    "last_reviewed", "disclaimer",
]
LIST_FIELDS = ["symptoms", "causes", "self_care", "otc", "prescription", "procedures", "red_flags"]
TEXT_FIELDS = ["name", "summary", "contagious", "when_to_see", "disclaimer"]

TRUSTED_HOSTS = {
    "dermnetnz.org", "www.nhs.uk", "www.aad.org", "health.kdca.go.kr", "www.derma.or.kr",
}
INTERNATIONAL_HOSTS = {"dermnetnz.org", "www.nhs.uk", "www.aad.org"}

DOSE_PATTERNS = [
    re.compile(r"\d\s*(?:mg|mcg|µg|μg|g|kg|ml|iu|units?)(?![a-z])", re.I),
    re.compile(r"\b(?:mg|mcg|ml)\b", re.I),
    re.compile(r"밀리그램|밀리리터|마이크로그램"),
    re.compile(r"\d+\s*(?:times?|x)\s*(?:a|per|each)\s*(?:day|week)", re.I),
    re.compile(r"\b(?:once|twice|thrice|three times|four times)\s+(?:a|per)\s+day\b", re.I),
    re.compile(r"\b(?:once|twice)\s+daily\b", re.I),
    re.compile(r"\bevery\s+\d+\s*(?:hours?|hrs?)\b", re.I),
    re.compile(r"(?:하루|1일|매일)\s*(?:\d+|한|두|세|네)\s*(?:번|회|차례)"),
    re.compile(r"\d+\s*(?:정|알|캡슐|방울)(?:씩|\b)"),
    re.compile(r"\d+\s*시간\s*(?:마다|간격)"),
    re.compile(r"\d\s*%"),
]

FORBIDDEN_PHRASES = {
    "en": [
        "healthy", "nothing to worry", "no need to worry", "no need to see", "don't need to see",
        "do not need to see", "no need for a doctor", "benign for sure", "definitely benign",
        "certainly benign", "harmless", "not cancer", "normal skin", "skin is normal",
        "you are fine", "nothing serious", "skip the doctor", "skip seeing",
        "instead of seeing a doctor", "100%",
    ],
    "ko": [
        "정상 피부", "걱정할 필요", "걱정하지 않으셔도", "걱정 안 하셔도", "안심하셔도", "건강한 피부",
        "병원에 갈 필요", "진료를 받을 필요가 없", "진료받을 필요가 없", "양성이 확실", "확실히 양성",
        "무해", "암이 아닙니다", "괜찮습니다", "정상입니다",
    ],
}
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _memo_texts(m: kb.Memo) -> list[str]:
    out = [m.name, m.summary, m.contagious, m.when_to_see, m.disclaimer]
    for f in LIST_FIELDS:
        out.extend(getattr(m, f))
    return out


def _all_texts(lang: str) -> list[str]:
    """Every user-facing string in one language: memos, banner, disclaimer, labels, rendering."""
    texts: list[str] = []
    for cid in kb.list_conditions():
        m = kb.memo(cid, lang)
        texts.extend(_memo_texts(m))
        texts.append(m.to_text())
    texts.extend(kb.cancer_banner(lang).values())
    texts.append(kb.disclaimer(lang))
    texts.extend(kb.urgency_label(lv, lang) for lv in kb.URGENCY_LEVELS)
    texts.extend(kb.red_flag_labels(lang).values())
    return texts


def _raw(cid: str) -> dict:
    with (kb.CONDITIONS_DIR / f"{cid}.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


# --------------------------------------------------------------------------- files and schema


def test_list_conditions_is_the_13_ids():
    assert kb.list_conditions() == ALL_IDS
    assert sorted(kb.CLASS_IDS) == sorted(CLASSES)
    assert set(kb.EXTRA_IDS) == {"other", "uncertain"}


def test_one_yaml_file_per_condition():
    stems = sorted(p.stem for p in kb.CONDITIONS_DIR.glob("*.yaml") if not p.name.startswith("_"))
    assert stems == ALL_IDS
    assert (kb.CONDITIONS_DIR / "_common.yaml").is_file()


@pytest.mark.parametrize("cid", ALL_IDS)
def test_every_condition_file_passes_schema(cid):
    data = schema.validate_condition(_raw(cid), expected_id=cid)
    assert data["id"] == cid
    assert data["last_reviewed"] == "2026-11-25"
    assert len(data["sources"]) >= 2


def test_common_file_passes_schema():
    with (kb.CONDITIONS_DIR / "_common.yaml").open(encoding="utf-8") as fh:
        data = schema.validate_common(yaml.safe_load(fh))
    assert set(data) == set(LANGS)


def _break(mutate):
    data = copy.deepcopy(_raw("acne"))
    mutate(data)
    return data


BAD_DATA = {
    "missing_top_key": lambda d: d.pop("urgency"),
    "extra_top_key": lambda d: d.update(dose="lots"),
    "bad_urgency": lambda d: d.update(urgency="whenever"),
    "bad_category": lambda d: d.update(category="cosmetic"),
    "bad_contagious_flag": lambda d: d.update(contagious_flag="maybe"),
    "bad_date": lambda d: d.update(last_reviewed="25/11/2026"),
    "one_source": lambda d: d.update(sources=d["sources"][:1]),
    "http_source": lambda d: d["sources"][0].update(url="http://dermnetnz.org/topics/acne"),
    "source_without_title": lambda d: d["sources"][0].pop("title"),
    "duplicate_source": lambda d: d["sources"].__setitem__(1, dict(d["sources"][0])),
    "missing_lang": lambda d: d.pop("ko"),
    "missing_lang_field": lambda d: d["en"].pop("red_flags"),
    "extra_lang_field": lambda d: d["ko"].update(dose="1정"),
    "empty_list": lambda d: d["en"].update(otc=[]),
    "empty_string": lambda d: d["ko"].update(summary="  "),
    "non_string_item": lambda d: d["en"]["symptoms"].append(42),
    "string_not_list": lambda d: d["en"].update(symptoms="spots"),
    "languages_out_of_step": lambda d: d["ko"]["red_flags"].pop(),
    "korean_without_hangul": lambda d: d["ko"].update(name="Acne"),
    "english_with_hangul": lambda d: d["en"].update(name="여드름"),
    "id_mismatch": lambda d: d.update(id="eczema"),
}


@pytest.mark.parametrize("case", sorted(BAD_DATA))
def test_schema_rejects_broken_files(case):
    with pytest.raises(schema.SchemaError):
        schema.validate_condition(_break(BAD_DATA[case]), expected_id="acne")


def test_schema_accepts_unquoted_yaml_date():
    data = yaml.safe_load(
        (kb.CONDITIONS_DIR / "acne.yaml").read_text(encoding="utf-8").replace(
            'last_reviewed: "2026-11-25"', "last_reviewed: 2026-11-25"
        )
    )
    assert schema.validate_condition(data, "acne")["last_reviewed"] == "2026-11-25"


def test_common_schema_rejects_missing_banner_body():
    with (kb.CONDITIONS_DIR / "_common.yaml").open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    del data["ko"]["banner"]["body"]
    with pytest.raises(schema.SchemaError):
        schema.validate_common(data)


# --------------------------------------------------------------------------- memo API


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("cid", ALL_IDS)
def test_memo_has_every_field_filled(cid, lang):
    m = kb.memo(cid, lang)
    assert isinstance(m, kb.Memo)
    assert [f.name for f in dataclasses.fields(m)] == MEMO_FIELDS
    assert m.condition == cid and m.lang == lang
    for f in TEXT_FIELDS:
        value = getattr(m, f)
        assert isinstance(value, str) and value.strip(), f
    for f in LIST_FIELDS:
        items = getattr(m, f)
        assert isinstance(items, list) and items, f
        assert all(isinstance(s, str) and s.strip() for s in items), f
    assert m.urgency in kb.URGENCY_LEVELS
    assert m.last_reviewed == "2026-11-25"
    assert len(m.sources) >= 2
    for src in m.sources:
        assert set(src) == {"title", "url"} and src["title"] and src["url"]
    assert m.disclaimer == kb.disclaimer(lang)


@pytest.mark.parametrize("cid", ALL_IDS)
def test_languages_stay_in_step(cid):
    en, ko = kb.memo(cid, "en"), kb.memo(cid, "ko")
    for f in LIST_FIELDS:
        assert len(getattr(en, f)) == len(getattr(ko, f)), f
    assert en.urgency == ko.urgency
    assert en.sources == ko.sources and en.last_reviewed == ko.last_reviewed
    for text in _memo_texts(ko):
        assert HANGUL.search(text), text
    for text in _memo_texts(en):
        assert not HANGUL.search(text), text
    assert en.name != ko.name


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("cid", ALL_IDS)
def test_summary_is_two_or_three_sentences(cid, lang):
    n = len(_sentences(kb.memo(cid, lang).summary))
    assert 2 <= n <= 3, n


@pytest.mark.parametrize("cid", ALL_IDS)
def test_sources_are_trusted_and_include_an_international_one(cid):
    hosts = [urlparse(s["url"]).hostname for s in kb.memo(cid).sources]
    assert all(urlparse(s["url"]).scheme == "https" for s in kb.memo(cid).sources)
    assert set(hosts) <= TRUSTED_HOSTS, hosts
    assert set(hosts) & INTERNATIONAL_HOSTS


def test_unknown_condition_raises_keyerror_subclass():
    assert issubclass(kb.UnknownConditionError, KeyError)
    with pytest.raises(kb.UnknownConditionError):
        kb.memo("rosacea")
    with pytest.raises(KeyError):
        kb.memo("melanomaa", "ko")
    with pytest.raises(kb.UnknownConditionError):
        kb.base_urgency("nope")
    with pytest.raises(kb.UnknownConditionError):
        kb.triage("_common")


@pytest.mark.parametrize("lang", ["fr", "", "english", None])
def test_bad_lang_raises_valueerror(lang):
    with pytest.raises(ValueError):
        kb.memo("acne", lang)
    with pytest.raises(ValueError):
        kb.disclaimer(lang)
    with pytest.raises(ValueError):
        kb.cancer_banner(lang)


def test_condition_id_is_normalised():
    assert kb.memo("Basal-Cell-Carcinoma").condition == "basal_cell_carcinoma"
    assert kb.memo(" melanocytic nevus ", "ko").condition == "melanocytic_nevus"


def test_memo_is_frozen_and_each_call_is_fresh():
    m = kb.memo("psoriasis")
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.urgency = "urgent"  # type: ignore[misc]
    m.red_flags.clear()
    m.sources[0]["url"] = "https://example.com"
    again = kb.memo("psoriasis")
    assert again.red_flags and again.sources[0]["url"] != "https://example.com"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("cid", ALL_IDS)
def test_to_dict_is_json_serialisable(cid, lang):
    m = kb.memo(cid, lang)
    d = m.to_dict()
    assert list(d) == MEMO_FIELDS
    back = json.loads(json.dumps(d, ensure_ascii=False))
    assert back == d
    assert back["urgency"] == kb.base_urgency(cid)
    assert kb.Memo(**back) == m


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("cid", ALL_IDS)
def test_to_text_renders_everything_and_ends_with_disclaimer(cid, lang):
    m = kb.memo(cid, lang)
    text = m.to_text()
    assert text.rstrip().endswith(kb.disclaimer(lang))
    assert text.count(kb.disclaimer(lang)) == 1
    for piece in [m.name, m.summary, m.contagious, m.when_to_see, m.last_reviewed]:
        assert piece in text
    for f in LIST_FIELDS:
        for item in getattr(m, f):
            assert item in text
    for src in m.sources:
        assert src["url"] in text
    assert kb.urgency_label(m.urgency, lang) in text
    banner_title = kb.cancer_banner(lang)["title"]
    assert (banner_title in text) == (m.urgency == "urgent")
    assert banner_title not in m.to_text(include_banner=False)


def test_every_memo_ends_with_the_same_short_disclaimer():
    for lang in LANGS:
        d = kb.disclaimer(lang)
        assert len(d) < 250
        assert {kb.memo(c, lang).disclaimer for c in ALL_IDS} == {d}
    assert "educational" in kb.disclaimer("en") and "not a diagnosis" in kb.disclaimer("en")
    assert "교육용" in kb.disclaimer("ko") and "진단" in kb.disclaimer("ko")


# --------------------------------------------------------------------------- triage


def test_urgency_levels_are_ordered():
    assert kb.URGENCY_LEVELS == ("routine", "soon", "urgent", "same_day")
    assert [kb.urgency_rank(lv) for lv in kb.URGENCY_LEVELS] == [0, 1, 2, 3]
    assert kb.max_urgency(["soon", "routine"]) == "soon"
    assert kb.max_urgency([]) == "routine"
    with pytest.raises(ValueError):
        kb.urgency_rank("asap")


@pytest.mark.parametrize("cid", ALL_IDS)
def test_base_urgency_rules(cid):
    assert kb.base_urgency(cid) == EXPECTED_URGENCY[cid]
    assert kb.memo(cid, "en").urgency == EXPECTED_URGENCY[cid]
    assert kb.triage(cid) == EXPECTED_URGENCY[cid]


@pytest.mark.parametrize("cid", ["melanoma", "basal_cell_carcinoma"])
def test_urgent_memos_say_two_weeks_and_sooner_if_bleeding(cid):
    en, ko = kb.memo(cid, "en"), kb.memo(cid, "ko")
    assert "within 2 weeks" in en.when_to_see
    assert "dermatologist" in en.when_to_see
    assert "sooner" in en.when_to_see.lower() and "bleeding" in en.when_to_see
    assert "2주 이내" in ko.when_to_see
    assert "피부과 전문의" in ko.when_to_see
    assert "피가 나" in ko.when_to_see


@pytest.mark.parametrize("cid", ["other", "uncertain"])
def test_other_and_uncertain_advise_a_clinician(cid):
    en, ko = kb.memo(cid, "en"), kb.memo(cid, "ko")
    assert en.urgency == "soon"
    assert "see a doctor" in en.when_to_see.lower()
    assert "진료를 받으세요" in ko.when_to_see
    assert "doctor" in en.summary.lower() or "clinician" in en.summary.lower()
    assert "의사" in ko.summary
    assert en.contagious.startswith("Unknown") and ko.contagious.startswith("알 수 없")


@pytest.mark.parametrize("cid", [c for c in ALL_IDS if EXPECTED_URGENCY[c] == "routine"])
@pytest.mark.parametrize("flag", schema.RED_FLAG_KEYS)
def test_any_red_flag_lifts_routine_to_at_least_soon(cid, flag):
    assert kb.urgency_rank(kb.triage(cid, [flag])) >= kb.urgency_rank("soon")


@pytest.mark.parametrize("cid", ["acne", "atopic_dermatitis", "eczema", "psoriasis", "tinea", "lichen_planus", "molluscum"])
def test_rashes_reach_the_cancer_pathway_only_with_a_sore_that_will_not_heal(cid):
    others = [f for f in schema.RED_FLAG_KEYS if f != "non_healing"]
    assert not kb.cancer_flagged(cid, others)  # an oozing or changing rash is not a possible cancer
    assert kb.triage(cid, ["bleeding", "rapid_change", "spreading", "infant", "not_improving"]) == "soon"
    assert kb.triage(cid, others) == "same_day"  # the fever, not a cancer
    # a basal or squamous cell cancer can pass for a rash: a sore unhealed in 4 weeks needs a look within 2 weeks
    assert kb.cancer_flagged(cid, ["non_healing"]) and kb.triage(cid, ["non_healing"]) == "urgent"


@pytest.mark.parametrize(
    "cid, flags, expected",
    [
        ("melanocytic_nevus", ["rapid_change"], "urgent"),
        ("melanocytic_nevus", ["bleeding"], "urgent"),
        ("melanocytic_nevus", ["pain"], "soon"),
        ("actinic_keratosis", ["bleeding"], "urgent"),
        ("actinic_keratosis", ["fever"], "same_day"),
        ("eczema", ["fever"], "same_day"),
        ("eczema", ["spreading", "pain"], "same_day"),
        ("eczema", ["spreading"], "soon"),
        ("eczema", ["non_healing"], "urgent"),
        ("psoriasis", ["bleeding"], "soon"),
        ("eczema", ["bleeding", "pain"], "same_day"),  # weeping and hot or painful: possibly infected
        ("actinic_keratosis", ["pain"], "urgent"),  # its memo: a painful patch may have become a cancer
        ("other", ["spreading"], "same_day"),  # the unknown-rash memos say a fast spread alone needs care today
        ("uncertain", ["spreading"], "same_day"),
        ("melanocytic_nevus", ["spreading"], "soon"),
        ("acne", ["eye"], "same_day"),
        ("uncertain", ["infant", "fever"], "same_day"),
        ("other", ["rapid_change"], "urgent"),
        ("uncertain", ["bleeding"], "urgent"),
        ("uncertain", ["infant"], "soon"),
        ("melanoma", [], "urgent"),
        ("basal_cell_carcinoma", ["not_improving"], "urgent"),
    ],
)
def test_red_flags_on_spots_and_growths(cid, flags, expected):
    assert kb.triage(cid, flags) == expected


def test_triage_rejects_unknown_red_flags():
    with pytest.raises(ValueError):
        kb.triage("eczema", ["itchy"])


def test_red_flag_keys_cover_the_issue_list():
    assert {"spreading", "fever", "pain", "bleeding", "eye", "infant", "not_improving"} <= set(schema.RED_FLAG_KEYS)
    for lang in LANGS:
        assert set(kb.red_flag_labels(lang)) == set(schema.RED_FLAG_KEYS)


@pytest.mark.parametrize("cid", ["atopic_dermatitis", "eczema", "psoriasis", "tinea", "lichen_planus", "molluscum"])
def test_rash_memos_name_the_two_week_self_care_limit(cid):
    # Acne is left out on purpose: its over-the-counter treatments take weeks to work, so its
    # memo uses "2 to 3 months" instead (checked below).
    en, ko = kb.memo(cid, "en"), kb.memo(cid, "ko")
    assert "2 weeks" in " ".join(en.red_flags + [en.when_to_see])
    assert "2주" in " ".join(ko.red_flags + [ko.when_to_see])


def test_acne_memo_names_its_own_time_limit():
    assert "2 to 3 months" in kb.memo("acne", "en").when_to_see
    assert "2~3개월" in kb.memo("acne", "ko").when_to_see


def test_the_cancer_banner_follows_the_pathway_not_the_top_class_or_the_level():
    probs = {"tinea": 0.6, "melanoma": 0.25, "eczema": 0.15}  # top-1 is not a cancer
    d = decide(probs, 0.0, {"urgent": 0.2}, red_flags=("fever",))
    assert d.urgency == "same_day" and on_cancer_pathway(d.status, d.label, True, ("fever",))
    assert not on_cancer_pathway("ok", "tinea", False, ("fever",))  # same day, but not a cancer


def test_conditions_cannot_claim_same_day_themselves():
    assert "same_day" not in schema.CONDITION_URGENCY_LEVELS
    assert {kb.base_urgency(c) for c in ALL_IDS} <= set(schema.CONDITION_URGENCY_LEVELS)


def test_cancer_banner_content():
    en, ko = kb.cancer_banner("en"), kb.cancer_banner("ko")
    for b in (en, ko):
        assert set(b) == {"title", "body"} and b["title"].strip() and b["body"].strip()
    for word in ["Asymmetry", "Border", "Colour", "Diameter", "Evolving", "ugly duckling", "within 2 weeks"]:
        assert word in en["body"], word
    for word in ["ABCDE", "비대칭", "경계", "색", "지름", "변화", "미운 오리", "2주 이내"]:
        assert word in ko["body"], word
    en["title"] = "changed"
    assert kb.cancer_banner("en")["title"] != "changed"


# --------------------------------------------------------------------------- careful wording


@pytest.mark.parametrize(
    "sample",
    ["take 500 mg", "apply 0.05% cream", "10ml syrup", "2 times a day", "twice daily", "once a day",
     "every 8 hours", "200밀리그램", "하루 3번", "하루 두 번 바르세요", "1정씩 복용", "8시간마다"],
)
def test_dose_patterns_catch_doses(sample):
    assert any(p.search(sample) for p in DOSE_PATTERNS), sample


@pytest.mark.parametrize(
    "sample", ["see a doctor within 2 weeks", "wider than about 6 mm", "2주 이내", "IL-12/23 blockers", "18개월", "PD-1 inhibitors"]
)
def test_dose_patterns_allow_ordinary_numbers(sample):
    assert not any(p.search(sample) for p in DOSE_PATTERNS), sample


@pytest.mark.parametrize("lang", LANGS)
def test_no_doses_anywhere(lang):
    for text in _all_texts(lang):
        for pattern in DOSE_PATTERNS:
            hit = pattern.search(text)
            assert hit is None, f"dose-like text {hit.group(0)!r} in: {text[:120]}"


@pytest.mark.parametrize("lang", LANGS)
def test_no_reassurance_phrases(lang):
    phrases = FORBIDDEN_PHRASES["en"] + FORBIDDEN_PHRASES["ko"]
    for text in _all_texts(lang):
        low = text.lower()
        for phrase in phrases:
            assert phrase.lower() not in low, f"forbidden phrase {phrase!r} in: {text[:120]}"


@pytest.mark.parametrize("lang", LANGS)
def test_phrase_scans_cover_every_memo_text_the_app_shows(lang):
    """The dose and reassurance scans above are only as good as `_all_texts`: every paragraph the app renders
    for a memo (ui_helpers.memo_sections, the page and the PDF share it) must be among the scanned texts."""
    from skin_core import ui_helpers
    from skin_core.i18n import t

    scanned = "\n".join(_all_texts(lang))
    urgency_prefix = f"{t('result.urgency', lang)}: "  # the UI's own label before the knowledge base's level
    for cid in kb.list_conditions():
        m = kb.memo(cid, lang)
        for heading, body, _ in ui_helpers.memo_sections(m, lang):
            for paragraph in body:
                if paragraph.startswith(urgency_prefix):
                    paragraph = paragraph[len(urgency_prefix):]
                assert paragraph in scanned, (cid, heading, paragraph[:80])
        assert m.disclaimer in scanned and m.name in scanned


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("cid", ALL_IDS)
def test_every_memo_points_to_a_doctor(cid, lang):
    m = kb.memo(cid, lang)
    text = " ".join([m.when_to_see] + m.red_flags).lower()
    if lang == "en":
        assert "doctor" in text or "dermatologist" in text or "emergency" in text
    else:
        assert "진료" in text or "의사" in text
