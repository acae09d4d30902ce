"""Measure whom the photo-quality rules flag: each rule's rate on the train and val photos, per source and per
skin-type group, written to `manifests/quality_rates.json` (the README quotes it).

    python -m skin_core.training.measure_quality

The thresholds in `skin_core/quality.py` were set on train photos; this is the record that lets anyone check them,
and the "not skin" colour rule (which cannot be overridden) above all: it must not turn away darker skin.
"""
from __future__ import annotations

import json
import time

from .. import data, images, quality
from ..evaluation import SKIN_GROUPS
from ..config import REPO_ROOT

OUT = REPO_ROOT / "manifests" / "quality_rates.json"
CODES = ("too_small", "blurry", "too_dark", "too_bright", "not_skin")


def rates(rows: list[tuple[str, str | None, set[str]]]) -> dict:
    """rows of (source, skin group or None, issue codes) -> share flagged per code, overall / by source / by group."""
    def share(sel):
        return {"n": len(sel), **{c: round(sum(c in s for s in sel) / len(sel), 4) for c in CODES}} if sel else None

    out = {"all": share([s for _, _, s in rows])}
    out["by_source"] = {src: share([s for r, _, s in rows if r == src]) for src in sorted({r for r, _, _ in rows})}
    out["by_skin_group"] = {g: share([s for _, gg, s in rows if gg == g]) for g in SKIN_GROUPS}
    return out


def main() -> None:
    t0 = time.time()
    report = {"command": "python -m skin_core.training.measure_quality",
              "thresholds": {"MIN_SIDE_OK": quality.MIN_SIDE_OK, "BLUR_MIN": quality.BLUR_MIN,
                             "DARK_MAX": quality.DARK_MAX, "HIGHLIGHTS_MIN": quality.HIGHLIGHTS_MIN,
                             "BRIGHT_MIN": quality.BRIGHT_MIN,
                             "SKIN_MIN_FRACTION": quality.SKIN_MIN_FRACTION,
                             "EXPOSURE_REF": quality.EXPOSURE_REF}}
    for split in ("train", "val"):
        recs = data.select(data.read_manifest(), split=split, sources=data.CLASSIFIER_SOURCES)
        rows = [(r.source, r.skin_group, set(quality.check(images.load_image(r.path())).codes))
                for r in recs]
        report[split] = rates(rows)
    report["wall_time_s"] = round(time.time() - t0)
    OUT.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({s: report[s]["all"] for s in ("train", "val")}, indent=1))


if __name__ == "__main__":
    main()
