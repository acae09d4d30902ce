"""The translation table: complete in both languages, every key the UI uses exists, no reassuring words."""
import re
import string
from pathlib import Path

import pytest

from skin_core import decisions, i18n, images, knowledge, robustness, ui_helpers
from skin_core.i18n import LANGS, STRINGS, class_name, t

ROOT = Path(__file__).resolve().parents[1]
UI_FILES = [ROOT / "streamlit_app.py", *sorted((ROOT / "pages").glob("*.py"))] + [
    ROOT / "skin_core" / f for f in ("report.py", "ui_helpers.py", "charts.py")
]


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_key_has_both_languages_with_the_same_placeholders(key):
    entry = STRINGS[key]
    assert set(entry) == set(LANGS), key
    assert all(entry[lang].strip() for lang in LANGS), key
    assert _fields(entry["en"]) == _fields(entry["ko"]), key


def test_every_literal_key_used_by_the_ui_exists():
    pattern = re.compile(r"""\b(?:tr|t)\(\s*["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""")
    used = {k for f in UI_FILES for k in pattern.findall(f.read_text(encoding="utf-8"))}
    assert len(used) > 50
    assert not used - set(STRINGS), sorted(used - set(STRINGS))


def test_every_dynamic_key_family_is_complete():
    families = {
        "status.{}.title": decisions.STATUSES,
        "status.{}.body": decisions.STATUSES,
        "status.name.{}": decisions.STATUSES + ("not_skin_blurry", "not_skin_dark"),
        "quality.{}": ("too_small", "blurry", "too_dark", "too_bright", "not_skin"),
        "image_error.{}": {c.code for c in [images.InvalidImageError, *images.InvalidImageError.__subclasses__()]},
        "whatif.t.{}": robustness.TRANSFORMS,
        "result.view.{}": ui_helpers.MASK_VIEWS,
        "result.colormap.{}": ui_helpers.HEAT_CMAPS,
        "result.heat_caption.{}": ui_helpers.HEAT_CMAPS,  # each palette names its own colours
        "result.abc.{}": ui_helpers.ABC_KEYS,
        "metric.{}": sum(ui_helpers.TASK_METRICS.values(), ()),
        "input.{}": ("upload", "camera", "sample"),
        "report.task.{}": tuple(ui_helpers.TASK_METRICS),
        "input.waiting.{}": ("camera", "sample"),  # "upload" is the plain input.waiting
        "conditions.contagious.{}": knowledge.schema.CONTAGIOUS_FLAGS,
        "whatif.cancer.{}": ("original", "changed", "both"),
        "status.not_skin.title{}": ("", "_blurry", "_dark"),
        "status.not_skin.body{}": ("", "_blurry", "_dark", "_small", "_urgent"),
    }
    missing = [pattern.format(v) for pattern, values in families.items() for v in values
               if pattern.format(v) not in STRINGS]
    assert not missing, missing


def test_t_formats_and_falls_back():
    assert t("progress.done", "en", seconds=2.345) == "Done in 2.3 s"
    assert t("progress.done", "ko", seconds=2.345) == "2.3초 만에 완료"
    assert t("nav.analyze", "fr") == "Analyze"  # unknown language -> English
    with pytest.raises(KeyError):
        t("no.such.key", "en")


def test_class_names_come_from_the_memos():
    for c in knowledge.list_conditions():
        assert class_name(c, "en") == knowledge.memo(c, "en").name
        assert class_name(c, "ko") == knowledge.memo(c, "ko").name
    assert class_name("melanoma", "ko") != class_name("melanoma", "en")


def test_quality_sentences_match_the_core_in_english():
    """The English table repeats quality.py's sentences, so both languages say the same thing."""
    from skin_core import quality

    import numpy as np

    report = quality.check(np.zeros((40, 40, 3), np.uint8))  # small, blurry, dark, not skin
    assert ui_helpers.quality_reasons(report, "en") == [i.message for i in report.issues]
    assert all(re.search("[가-힣]", s) for s in ui_helpers.quality_reasons(report, "ko"))


def test_result_strings_never_reassure():
    for key, entry in STRINGS.items():
        if key.startswith(("status.", "result.", "compare.", "whatif.", "pdf.")):
            assert "healthy" not in entry["en"].lower(), key
            assert "benign" not in entry["en"].lower(), key
            assert "건강" not in entry["ko"], key


def test_percent():
    assert i18n.percent(0.8234) == "82.3%"
    assert i18n.percent(None) == i18n.NOT_AVAILABLE != "n/a"
    # a tiny probability is not "0.0%" (read as ruled out), a huge one not "100.0%" (read as certain)
    assert [i18n.percent(p) for p in (0.0, 0.0002, 0.9998, 1.0)] == ["0.0%", "<0.1%", ">99.9%", "100.0%"]
    assert i18n.percent(0.002, 0) == "<1%"


@pytest.mark.parametrize("lang", LANGS)
def test_about_page_names_every_class_the_models_know(lang):
    """The About page's "What SkinLens is" prose lists the conditions: all 11 of data.CLASSES, by the name the
    rest of the app uses (the memo name, without its explanatory parenthesis)."""
    from skin_core.data import CLASSES

    body = i18n.about_body(lang).lower()
    missing = [f"{c}: {i18n.short_class_name(c, lang)!r}" for c in CLASSES
               if i18n.short_class_name(c, lang).lower() not in body]
    assert not missing, f"about.is_body ({lang}) does not name: {missing}"
    assert f"{len(CLASSES)}" in body


def test_training_time_and_hardware_read_in_each_language():
    from skin_core import cards
    from skin_core.i18n import NOT_AVAILABLE, duration, hardware_text

    assert duration(15644, "en") == "4 h 21 min" and duration(15644, "ko") == "4시간 21분"
    assert duration(163, "en") == "3 min" and duration(42, "ko") == "42초" and duration(None) == NOT_AVAILABLE
    hw = cards.hardware()  # the pattern every card records
    assert hardware_text(hw, "en") == hw
    ko = hardware_text(hw, "ko")
    assert "cores" not in ko and "no GPU" not in ko and "코어" in ko


def test_every_cards_intended_use_and_limitations_have_korean():
    """The Korean model report shows these in Korean: a retrained card with new prose needs its translation."""
    from skin_core import registry
    from skin_core.i18n import CARD_TEXT_KO, card_text

    names = registry.list_models()
    texts = {(n, f): registry.read_card(n).get(f) for n in names for f in ("intended_use", "limitations")}
    assert texts and all(texts.values()), [k for k, v in texts.items() if not v]
    missing = [k for k, v in texts.items() if v not in CARD_TEXT_KO]
    assert not missing, missing
    for text in texts.values():
        assert card_text(text, "en") == text and card_text(text, "ko") != text


def test_every_decision_threshold_in_a_card_says_what_it_decides():
    from skin_core import registry, ui_helpers

    for name in registry.list_models():
        rows = ui_helpers.decision_rows(registry.read_card(name), "ko")
        assert rows and all(r[t("report.col.meaning", "ko")] for r in rows), name
