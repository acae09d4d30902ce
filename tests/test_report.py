"""The PDF report: generated for real analyses, readable back with pypdf, Korean text intact, no EXIF/GPS."""
import io

import numpy as np
import pytest
from PIL import Image

from skin_core import data, knowledge, quality, report
from skin_core.i18n import class_name, t
from skin_core.pipeline import Analysis
from tests.conftest import needs_data


def _text(pdf: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _squash(s: str) -> str:
    return "".join(s.split())  # pypdf may break lines or double spaces anywhere


def _rejected(lang: str) -> Analysis:
    """A hand-built not-skin analysis (no model needed): no label, no memo, no heatmap."""
    rgb = np.full((200, 300, 3), 235, np.uint8)
    rgb[60:140, 40:260] = 20
    return Analysis(status="not_skin", label=None, urgency="soon", message="", classifier="xception_derm",
                    classifier_version="test", classes=list(data.CLASSES), probabilities={}, top3=[],
                    ood_score=0.0, malignancy_score=0.0, quality=quality.check(rgb), image=rgb, lang=lang)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_rejection_report_has_no_label_and_ends_with_the_disclaimer(lang):
    pdf = report.render_pdf(_rejected(lang), lang)
    assert pdf.startswith(b"%PDF-")
    text = _squash(_text(pdf))
    assert _squash(knowledge.disclaimer(lang)) in text
    assert "xception_derm" in text
    title = {"en": "This does not look like a photo of skin", "ko": "피부 사진으로 보이지 않습니다"}[lang]
    assert _squash(title) in text
    for c in data.CLASSES:  # no condition is named
        assert _squash(class_name(c, lang)) not in text


def test_korean_without_a_font_fails_clearly_and_english_falls_back(monkeypatch):
    monkeypatch.setattr(report, "find_font", lambda bold=False: None)
    with pytest.raises(report.ReportFontError, match="fonts-nanum"):
        report.render_pdf(_rejected("ko"), "ko")
    assert "SkinLens report" in _text(report.render_pdf(_rejected("en"), "en"))


def test_font_is_found():
    font = report.find_font()
    assert font is not None and font.name == "NanumGothic.ttf", "install Debian's fonts-nanum (see .ci/run)"


def _photo_with_gps() -> bytes:
    """A real test-split melanoma photo (one the default model flags urgent) re-saved with EXIF GPS tags."""
    from tests.app.helpers import CANCER, real_record

    img = Image.open(real_record(*CANCER).path()).convert("RGB")
    exif = Image.Exif()
    exif[0x0110] = "SecretCam 3000"  # Model
    exif[0x8825] = {1: "N", 2: (37.0, 33.0, 59.0), 3: "E", 4: (126.0, 58.0, 41.0)}  # GPSInfo
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif, quality=95)
    return buf.getvalue()


@pytest.mark.slow
@needs_data
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_real_analysis_report(lang):
    from skin_core import pipeline

    jpeg = _photo_with_gps()
    assert b"SecretCam" in jpeg
    a = pipeline.analyze(jpeg, lang=lang)
    assert (a.status, a.label, a.urgency) == ("ok", "melanoma", "urgent"), a.top3
    pdf = report.render_pdf(a, lang)
    text = _squash(_text(pdf))
    assert b"SecretCam" not in pdf and b"Exif" not in pdf  # images are re-encoded PNGs without metadata
    assert a.classifier in text and a.classifier_version in text
    assert _squash(knowledge.disclaimer(lang)) in text
    for c, _ in a.top3:  # the label and the differential
        assert _squash(class_name(c, lang)) in text
    assert _squash(a.memo.name) in text and _squash(a.memo.when_to_see[:40]) in text
    assert _squash(a.cancer_banner["title"]) in text
    if lang == "ko":
        assert "SkinLens분석보고서" in text and "고지사항" in text


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_red_flags_the_person_reported_are_in_the_report(lang):
    import dataclasses

    a = dataclasses.replace(_rejected(lang), red_flags=("bleeding", "not_improving"))
    text = _squash(_text(report.render_pdf(a, lang)))
    labels = knowledge.red_flag_labels(lang)
    assert _squash(labels["bleeding"]) in text and _squash(labels["not_improving"]) in text
    from skin_core.i18n import t

    told = _squash(t("pdf.red_flags", lang, flags="")).rstrip(".")  # "You told us:"
    assert told in text and told not in _squash(_text(report.render_pdf(_rejected(lang), lang)))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_an_unknown_condition_under_the_banner_prints_the_cancer_scores_behind_it(lang):
    """The PDF, like the page, shows the two cancer scores a banner over 'not a known condition' rests on."""
    from skin_core import ui_helpers
    from skin_core.i18n import t
    from tests.app.helpers import hand_built

    a = hand_built("out_of_scope", label=None, lang=lang, urgency="urgent")
    text = _squash(_text(report.render_pdf(a, lang)))
    assert _squash(t("result.cancer_scores", lang)) in text
    for line in ui_helpers.cancer_score_lines(a, lang):
        assert _squash(line) in text
    assert _squash(t("result.top3", lang)) not in text  # still no differential for a condition it does not know


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_photo_refused_by_the_photo_check_alone_prints_why_and_no_outline(lang):
    """What the page shows for a sharp photo the photo check refused: the photo only (no lesion outline, though one
    was computed), and the refusal's reason where the quality section would say "no quality problems found"."""
    import dataclasses

    from pypdf import PdfReader

    from tests.app.helpers import hand_built

    a = dataclasses.replace(hand_built("not_skin", lang=lang), message=t("reason.not_skin_photo", lang),
                            malignancy_score=0.0)
    assert a.quality.ok and a.segmentation is not None and a.segmentation.status != "none"
    pdf = report.render_pdf(a, lang)
    text = _squash(_text(pdf))
    assert _squash(t("reason.not_skin_photo", lang)) in text and _squash(t("pdf.quality_ok", lang)) not in text
    assert _squash(t("pdf.outline", lang)) not in text
    assert sum(len(p.images) for p in PdfReader(io.BytesIO(pdf)).pages) == 1  # the photo itself
