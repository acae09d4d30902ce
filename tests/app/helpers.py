"""Helpers for the page tests: real photos from the test split, a not-skin image, element text."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from skin_core import config, data

# Real test-split photos, as (label, index in sorted file order within the class[, source]), chosen once from
# the committed manifest with the default model (xception_derm): an acne photo it gets right with status ok
# (p=0.97), a melanoma it gets right and flags urgent (p=1.00), an acne photo it is unsure about, and a
# condition outside the 11 (dermnet-other) it rejects as out of scope (ood 0.97). Retraining may move them.
CONFIDENT = ("acne", 2)
CANCER = ("melanoma", 2)
UNSURE = ("acne", 1)
UNKNOWN = ("other", 1, "dermnet-other")
UNKNOWN_WITH_CANCER_SCORES = ("melanoma", 0)  # a melanoma it calls "not a known condition" (ood 0.60), mel+BCC 0.91


def real_record(label: str, index: int = 0, source: str = "dermnet-11"):
    """A deterministic real photo of `label` from the test split of the committed manifest."""
    if not config.data_available():
        pytest.skip("shared data folder (../shared/data or SKINLENS_DATA) is absent: no real test photos")
    recs = sorted(data.select(data.read_manifest(), split="test", sources=[source], labels=[label]),
                  key=lambda r: r.file)
    return recs[index]




def photo_bytes(label: str, index: int = 0, source: str = "dermnet-11") -> tuple[str, bytes]:
    rec = real_record(label, index, source)
    return Path(rec.file).name, rec.path().read_bytes()


def document_png() -> bytes:
    """A scanned-text page (skimage's `text` sample): clearly not skin."""
    from PIL import Image
    from skimage import data as skdata

    buf = io.BytesIO()
    Image.fromarray(skdata.text()).convert("RGB").save(buf, format="PNG")
    return buf.getvalue()


def texts(at, *kinds: str) -> str:
    """All text of the given element kinds (markdown, success, error, ...) joined, for `in` checks."""
    out = []
    for kind in kinds or ("title", "header", "subheader", "markdown", "caption", "success", "warning", "error", "info"):
        for el in getattr(at, kind):
            out.append(str(el.value))
    return "\n".join(out)


def hand_built(status: str = "ok", label: str | None = "melanoma", lang: str = "en", urgency: str = "urgent"):
    """An Analysis built by hand (synthetic skin-coloured photo, round mask, centred heatmap): no model needed."""
    import numpy as np

    from skin_core import knowledge, pipeline, quality
    from skin_core.segmentation import SegmentationResult

    h, w = 240, 320
    yy, xx = np.mgrid[:h, :w]
    rgb = np.empty((h, w, 3), np.uint8)
    rgb[...] = (205, 150, 125)
    inside = (yy - h / 2) ** 2 + (xx - w / 2) ** 2 < 50 ** 2
    rgb[inside] = (90, 50, 40)
    mask = inside.astype(np.uint8) * 255
    heat = np.exp(-(((yy - h / 2) / 60.0) ** 2 + ((xx - w / 2) / 60.0) ** 2)).astype(np.float32)
    probs = {c: 0.02 for c in data.CLASSES}
    probs.update({"melanoma": 0.55, "melanocytic_nevus": 0.25})
    total = sum(probs.values())
    probs = {c: p / total for c, p in probs.items()}
    top3 = sorted(probs.items(), key=lambda kv: -kv[1])[:3]
    memo_id = {"ok": label, "uncertain": "uncertain", "out_of_scope": "other"}.get(status)
    return pipeline.Analysis(
        status=status, label=label if status in ("ok", "uncertain") else None, urgency=urgency, message="",
        classifier="xception_derm", classifier_version="test", classes=list(data.CLASSES), probabilities=probs,
        top3=top3, ood_score=0.1, malignancy_score=0.6, quality=quality.check(rgb), image=rgb,
        segmentation=SegmentationResult(mask, None, "ok", "", 0.9, {"area_fraction": float(inside.mean()), "asymmetry": 0.1}),
        heatmap=heat if status in ("ok", "uncertain", "out_of_scope") else None,
        memo=knowledge.memo(memo_id, lang) if memo_id else None,
        cancer_banner=knowledge.cancer_banner(lang) if urgency == "urgent" else None, lang=lang,
        timings_ms={"classify": 1500.0},
    )


def frame_with(at, column: str, index: int = 0):
    """The index-th st.dataframe/st.table whose columns include `column` (AppTest keeps no dataframe keys)."""
    frames = [d.value.reset_index() if d.value.index.name == column else d.value
              for d in [*at.dataframe, *at.table] if column in (*d.value.columns, d.value.index.name)]
    assert len(frames) > index, f"no table with a {column!r} column"
    return frames[index]
