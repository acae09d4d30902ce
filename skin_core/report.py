"""The PDF report of one `Analysis` (fpdf2): `render_pdf(analysis, lang) -> bytes`.

Photo, lesion outline and Grad-CAM (re-encoded as PNG by `images.encode_png`, so no EXIF/GPS is embedded),
the result and urgency, the possible-cancer banner, probabilities and the top-3 differential, the memo, the
model name and card version, the date and the disclaimer. Korean needs a TTF with Hangul glyphs (NanumGothic
from Debian's fonts-nanum, or a path in $SKINLENS_FONT); English falls back to a core font without it.
"""
from __future__ import annotations

import datetime as dt
import glob
import io
import logging
import os
from pathlib import Path

from . import images
from .i18n import NOT_AVAILABLE, percent, short_class_name, status_name, t, urgency_label
from .ui_helpers import (
    cancer_score_lines,
    heatmap_view,
    memo_sections,
    memo_sources,
    photo_view,
    quality_reasons,
    shows_outline,
    shows_probabilities,
    status_screen,
    thumbnail,
    told_us,
    top3_lines,
)

FONT_DIRS = ("/usr/share/fonts/truetype/nanum", "/usr/share/fonts/nanum", "/usr/local/share/fonts",
             "/usr/share/fonts", str(Path.home() / ".fonts"))
FAMILY = "SkinLensSans"
PAGE_W = 180  # A4 minus 15 mm margins
RED = (176, 0, 32)
IMAGE_SIDE = 400  # px of each embedded image: enough for print at 58 mm, keeps the file small

logging.getLogger("fontTools").setLevel(logging.ERROR)  # font subsetting chatter


class ReportFontError(RuntimeError):
    """No font with Korean glyphs was found for a Korean report."""


def find_font(bold: bool = False) -> Path | None:
    """NanumGothic(Bold).ttf from $SKINLENS_FONT / $SKINLENS_FONT_BOLD or the usual font folders, else None."""
    env = os.environ.get("SKINLENS_FONT_BOLD" if bold else "SKINLENS_FONT")
    if env and Path(env).is_file():
        return Path(env)
    name = "NanumGothicBold.ttf" if bold else "NanumGothic.ttf"
    for d in FONT_DIRS:
        p = Path(d) / name
        if p.is_file():
            return p
        hits = sorted(glob.glob(f"{d}/**/{name}", recursive=True))
        if hits:
            return Path(hits[0])
    return None


def _latin1(text: str) -> str:
    """Make text safe for fpdf's core fonts (used only for English when no TTF is installed)."""
    table = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
             "\u2026": "...", "\u2022": "-", "\u00a0": " ", "\u2265": ">=", "\u2264": "<="}
    return "".join(table.get(ch, ch) for ch in text).encode("latin-1", "replace").decode("latin-1")


class _Doc:
    """A thin writer over FPDF: fonts, headings, paragraphs, bullets; all text passes through `_txt`."""

    def __init__(self, lang: str, footer: str):
        from fpdf import FPDF

        regular = find_font()
        if regular is None and lang != "en":
            raise ReportFontError(
                "A Korean PDF needs the NanumGothic font, which was not found. Install Debian's fonts-nanum "
                "(apt-get install fonts-nanum) or set SKINLENS_FONT to a .ttf file with Hangul glyphs."
            )
        footer_text = footer

        class PDF(FPDF):
            def footer(self_inner):
                self_inner.set_y(-12)
                self_inner.set_font(self.family, "", 8)
                self_inner.set_text_color(90, 90, 90)
                self_inner.cell(0, 6, self._txt(f"{footer_text}  |  {t('pdf.page', lang, n=self_inner.page_no())}"),
                                align="C")

        self.pdf = PDF(format="A4", unit="mm")
        self.pdf.set_margins(15, 15, 15)
        self.pdf.set_auto_page_break(True, margin=18)
        self.unicode = regular is not None
        if self.unicode:
            bold = find_font(bold=True) or regular
            self.pdf.add_font(FAMILY, "", str(regular))
            self.pdf.add_font(FAMILY, "B", str(bold))
            self.family = FAMILY
        else:
            self.family = "Helvetica"
        self.pdf.set_creator("SkinLens")
        self.pdf.set_producer("SkinLens (fpdf2)")
        self.pdf.set_title(t("pdf.title", lang))
        self.pdf.set_lang(lang)
        self.pdf.add_page()

    def _txt(self, text: str) -> str:
        return text if self.unicode else _latin1(text)

    def font(self, size: float, bold: bool = False, colour=(27, 31, 35)):
        self.pdf.set_font(self.family, "B" if bold else "", size)
        self.pdf.set_text_color(*colour)

    def para(self, text: str, size: float = 10, bold: bool = False, colour=(27, 31, 35), h: float = 5.2):
        self.font(size, bold, colour)
        self.pdf.multi_cell(PAGE_W, h, self._txt(text), new_x="LMARGIN", new_y="NEXT", align="L")

    def heading(self, text: str, size: float = 13):
        if self.pdf.get_y() > 255:
            self.pdf.add_page()
        self.pdf.ln(2)
        self.para(text, size=size, bold=True, colour=(31, 111, 139), h=7)

    def bullets(self, items: list[str], size: float = 10):
        for item in items:
            self.para(f"- {item}", size=size)

    def banner(self, title: str, body: str):
        """A red-bordered box: the possible-cancer warning."""
        pdf = self.pdf
        y0 = pdf.get_y() + 1
        pdf.set_y(y0 + 2)
        pdf.set_x(18)
        self.font(12, True, RED)
        pdf.multi_cell(PAGE_W - 6, 6, self._txt(title), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_x(18)
        self.font(9.5, False, (60, 0, 10))
        pdf.multi_cell(PAGE_W - 6, 4.8, self._txt(body), new_x="LMARGIN", new_y="NEXT", align="L")
        y1 = pdf.get_y() + 2
        pdf.set_draw_color(*RED)
        pdf.set_line_width(0.8)
        pdf.rect(15, y0, PAGE_W, y1 - y0)
        pdf.set_y(y1 + 2)

    def images_row(self, items: list[tuple[str, object]]):
        """Up to three images side by side with captions (PNG bytes, no metadata)."""
        pdf = self.pdf
        w, gap = 58, 3
        heights = [w * im.shape[0] / im.shape[1] for _, im in items]
        hmax = min(max(heights), 75)
        if pdf.get_y() + hmax + 10 > 280:
            pdf.add_page()
        y = pdf.get_y()
        for i, (caption, im) in enumerate(items):
            scale = min(1.0, hmax / (w * im.shape[0] / im.shape[1]))
            x = 15 + i * (w + gap)
            pdf.image(io.BytesIO(images.encode_png(thumbnail(im, IMAGE_SIDE))), x=x, y=y, w=w * scale)
            pdf.set_xy(x, y + hmax + 1)
            self.font(8.5, False, (70, 70, 70))
            pdf.cell(w, 4, self._txt(caption))
        pdf.set_xy(15, y + hmax + 7)

    def prob_table(self, rows: list[tuple[str, float]]):
        """Name, a grey bar of the probability and the percentage."""
        pdf = self.pdf
        for name, p in rows:
            if pdf.get_y() > 270:
                pdf.add_page()
            y = pdf.get_y()
            self.font(9.5)
            pdf.set_x(15)
            pdf.cell(62, 5.2, self._txt(name))
            pdf.set_fill_color(200, 210, 218)
            pdf.rect(78, y + 1.1, 90, 3, style="F")
            pdf.set_fill_color(31, 111, 139)
            if p > 0.001:
                pdf.rect(78, y + 1.1, 90 * p, 3, style="F")
            pdf.set_xy(170, y)
            pdf.cell(25, 5.2, percent(p), align="R")
            pdf.set_xy(15, y + 5.2)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def render_pdf(analysis, lang: str = "en", when: dt.datetime | None = None) -> bytes:
    """PDF bytes for one analysis in `lang` ("en" or "ko"). Raises ReportFontError for Korean without a font."""
    a = analysis
    from . import knowledge

    disclaimer = knowledge.disclaimer(lang)
    doc = _Doc(lang, footer=t("app.tagline", lang))
    when = when or dt.datetime.now().astimezone()

    doc.para(t("pdf.title", lang), size=20, bold=True, colour=(31, 111, 139), h=10)
    doc.para(t("pdf.generated", lang, date=when.strftime("%Y-%m-%d %H:%M %Z").strip()), size=9, colour=(90, 90, 90))
    doc.para(t("pdf.model", lang, name=a.classifier, version=a.classifier_version or NOT_AVAILABLE), size=9, colour=(90, 90, 90))

    if a.cancer_banner:
        doc.pdf.ln(2)
        doc.banner(a.cancer_banner["title"], a.cancer_banner["body"])

    screen = status_screen(a, lang)
    doc.heading(t("pdf.result", lang))
    doc.para(screen.title, size=14, bold=True, h=7)
    doc.para(screen.body)
    doc.para(f"{t('result.status', lang, status=status_name(a.status, lang, a.quality.codes))}    "
             f"{t('result.urgency', lang)}: {urgency_label(a.urgency, lang)}", bold=True)
    if a.red_flags:
        doc.para(told_us(a.red_flags, lang), size=9)

    doc.heading(t("pdf.images", lang))
    row = [(t("pdf.photo", lang), a.image)]
    if a.segmentation is not None and a.segmentation.status != "none" and shows_outline(a):
        row.append((t("pdf.outline", lang), photo_view(a, "outline")))
    heat = heatmap_view(a, 0.45, "jet")
    if heat is not None:
        row.append((t("pdf.gradcam", lang), heat))
    doc.images_row(row)

    if shows_probabilities(a):
        doc.heading(t("result.top3", lang))
        for line in top3_lines(a, lang):  # numbered "1. ...": no bullet in front
            doc.para(line)
        doc.heading(t("pdf.probabilities", lang))
        doc.prob_table([(short_class_name(c, lang), p) for c, p in sorted(a.probabilities.items(), key=lambda kv: -kv[1])])
    elif scores := cancer_score_lines(a, lang):
        doc.heading(t("result.cancer_scores", lang))
        doc.bullets(scores)

    doc.heading(t("pdf.quality", lang))
    reasons = quality_reasons(a.quality, lang)
    if reasons:
        doc.bullets(reasons)
    elif a.status == "not_skin":  # refused by the photo check alone: its reason, not "no quality problems found"
        doc.para(t("reason.not_skin_photo", lang))
    else:
        doc.para(t("pdf.quality_ok", lang))

    if a.memo is not None:
        doc.heading(f"{t('pdf.memo', lang)}: {a.memo.name}")
        from .pipeline import scores_urgent  # here, not at the top: importing the report stays light

        for heading, body, bulleted in memo_sections(a.memo, lang, urgency=a.urgency, red_flags=a.red_flags,
                                                   scores=scores_urgent(a)):
            if not body:
                continue
            doc.para(heading, bold=True, size=10.5)
            if bulleted:
                doc.bullets(body)
            else:
                for text in body:
                    doc.para(text)
        doc.para(t("memo.sources", lang), bold=True, size=10.5)
        doc.bullets(memo_sources(a.memo, lang), size=8.5)

    doc.heading(t("pdf.disclaimer", lang))
    doc.para(disclaimer, bold=True)
    return doc.output()
