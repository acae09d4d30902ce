"""Fit the "is this a skin photo" density (see skin_core/photo_check.py) on train, threshold on val, report test.

    python -m skin_core.training.fit_photo_check
    python -m skin_core.training.fit_photo_check --report-only   # re-measure the committed density on test
    python -m skin_core.training.fit_photo_check --report-only --name skin_photo_logistic   # or the learned check

The test report says whom the check turns away: overall, per source, per skin-type group, and how many melanoma and
basal cell carcinoma photos (a refused photo gets no cancer flag from the classifier, unless blur or darkness may
explain the refusal: `QualityReport.may_hide_skin`). Where the non-skin pictures have been fetched
(`python -m skin_core.training.nonskin_photos fetch`), it also says how many held-out pictures that are not skin
the app lets through (colour rule, then this check).
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from .. import cards, data, images, quality, registry
from ..config import MANIFEST_PATH, REPO_ROOT
from ..models import xception_derm as xd
from ..photo_check import PhotoDensity, pooled
from . import nonskin_photos

NAME = "skin_photo_density"
DESCRIPTION = ("Ledoit-Wolf Gaussian on the sklesion trunk's pooled block-12 features of every training photo; "
               "Mahalanobis distance above the val 99th percentile -> `not_skin`, unless the photo is dim and passes "
               "once brightened to a normal exposure. Kept for comparison: the app runs `skin_photo_logistic`, which "
               "replaced it by a rule set before its figures.")
DESCRIPTION_KO = ("모든 학습 사진에서 얻은 sklesion 인코더의 12번째 블록 풀링 특징에 Ledoit-Wolf 가우시안을 맞춘 검사입니다. "
                  "마할라노비스 거리가 검증 세트의 99번째 백분위수를 넘으면 `not_skin`(피부 사진 아님)으로 판단합니다. 단, "
                  "어두운 사진은 보통 밝기로 밝혀 한 번 더 검사해 통과하면 피부 사진으로 봅니다. 비교를 위해 남겨 둔 "
                  "검사이며, 앱은 미리 정한 규칙을 통과해 이를 대신하게 된 `skin_photo_logistic`을 씁니다.")
LIMITATIONS = ("Fitted on skin photos only. Its pictures that are not skin (`nonskin_accepted`) are wallpapers, "
               "textures, clip-art photos of animals, food and objects, and versions of the scikit-image and "
               "scikit-learn sample photos, not people's own snapshots; close-ups of fur or food pass more often than "
               "scenes (scikit-image's cat does, as a JPEG). On real photos from GCompris (`fresh_accepted`) it lets "
               "through about ten times as many as the learned check's second try (86), which is why the app no "
               "longer runs it. Unusual skin photos can be refused (see rates).")
SOURCES = data.CLASSIFIER_SOURCES + ("ph2",)  # ph2: dermoscopic photos are skin too


def pooled_features(recs, fn, batch: int = 32) -> np.ndarray:
    out = []
    for i in range(0, len(recs), batch):
        x = np.stack([images.resize(images.load_image(r.path()), xd.INPUT_SIZE) for r in recs[i:i + batch]])
        out.append(pooled(fn(x.astype(np.float32)), [f"{xd.TRUNK_OUT}:mean"]))
    return np.concatenate(out)


def batch_verdicts(x: np.ndarray, brightness, fn, check) -> list[bool]:
    """The app's verdict per photo of a trunk-input batch (`PhotoCheck.verdicts`: the check, with its second look
    at a dim photo)."""
    def encode(batch):
        return {k: np.asarray(v) for k, v in fn(np.asarray(batch, np.float32)).items()}

    return check.verdicts(encode(x), x, brightness, encode)


def app_verdicts(recs, fn, check, batch: int = 32) -> np.ndarray:
    """The app's verdict per photo of `recs`, brightness read from the photo as loaded."""
    out = []
    for i in range(0, len(recs), batch):
        rgbs = [images.load_image(r.path()) for r in recs[i:i + batch]]
        x = np.stack([images.resize(im, xd.INPUT_SIZE) for im in rgbs])
        out += batch_verdicts(x, [quality.check(im).brightness for im in rgbs], fn, check)
    return np.array(out, bool)


def rejection_report(recs, refused: np.ndarray) -> dict:
    """Share of photos refused: overall, per source, per skin-type group, and melanoma + BCC photos (counts)."""
    refused = np.asarray(refused, bool)
    out = {"n": int(len(recs)), "skin_photos_rejected": float(refused.mean())}
    for key, of in (("by_source", lambda r: r.source), ("by_skin_group", lambda r: r.skin_group)):
        groups = {}
        for r, x in zip(recs, refused):
            if of(r):
                groups.setdefault(of(r), []).append(x)
        out[key] = {g: {"n": len(v), "rejected": float(np.mean(v))} for g, v in sorted(groups.items())}
    mal = np.array([r.label in data.MALIGNANT for r in recs])
    out["malignant_rejected"] = {"n": int(mal.sum()), "rejected": int(refused[mal].sum())}
    return out


def _passed(pictures: np.ndarray, fn, check) -> tuple[np.ndarray, int]:
    """Which pictures the app lets through (the colour rule, then the check with its second look at a dim picture),
    and how many the colour rule alone refused."""
    reports = [quality.check(p) for p in pictures]
    passed = np.array([ok for i in range(0, len(pictures), 32) for ok in batch_verdicts(
        pictures[i:i + 32], [r.brightness for r in reports[i:i + 32]], fn, check)])
    return passed & np.array([r.is_skin for r in reports]), int(sum(not r.is_skin for r in reports))


def nonskin_report(fn, check, fitted_on: tuple[str, ...] = ()) -> dict | None:
    """Pictures that are not skin (nonskin_photos) let through as the app checks them; the splits a check was fitted
    on (`fitted_on`) are left out. None when the pictures were never fetched."""
    try:
        ns = nonskin_photos.build()
    except FileNotFoundError as e:
        print(e)
        return None
    keep = ~np.isin(ns.split, fitted_on)
    pictures, kinds = ns.x[keep], ns.kind[keep]
    passed, colour_refused = _passed(pictures, fn, check)
    return {"n": int(len(pictures)), "accepted": int(passed.sum()),
            "by_kind": {str(k): {"n": int((kinds == k).sum()), "accepted": int(passed[kinds == k].sum())}
                        for k in sorted(set(kinds))},
            "splits": sorted(set(ns.split[keep].tolist())),
            "colour_rule_refused": colour_refused,
            "command": "python -m skin_core.training.nonskin_photos fetch"}


def fresh_report(fn, check, fitted_on: tuple[str, ...] = ()) -> dict | None:
    """The 17 versions of each GCompris photo no check had seen when this one was judged that the app lets through,
    and which photos had any version let through: `nonskin_photos.fresh_photos`, or `unseen_photos` for a check
    fitted on those ("gcompris_fresh" in `fitted_on`). None when they were never fetched."""
    unseen = "gcompris_fresh" in fitted_on
    try:
        photos = nonskin_photos.unseen_photos() if unseen else nonskin_photos.fresh_photos()
    except FileNotFoundError as e:
        print(e)
        return None
    x, names = nonskin_photos.fresh_versions(photos)
    names = [n.split("#")[0] for n in names]
    passed, colour_refused = _passed(x, fn, check)
    groups = np.array([n.split("/")[0] for n in names])
    return {"n": int(len(passed)), "photos": len(photos), "accepted": int(passed.sum()),
            "set": "unseen_photos" if unseen else "fresh_photos",
            "what": nonskin_photos.UNSEEN_WHAT if unseen else nonskin_photos.FRESH_WHAT,
            "by_group": {str(g): {"n": int((groups == g).sum()), "accepted": int(passed[groups == g].sum())}
                         for g in sorted(set(groups))},
            "photos_let_through": sorted({n for n, ok in zip(names, passed) if ok}),
            "colour_rule_refused": colour_refused}


def report_only(name: str = NAME) -> None:
    """Re-measure a committed photo check on the test split, the pictures that are not skin and the fresh photos, and
    update its card's test metrics (weights unchanged)."""
    from ..classifiers import shared_trunk

    _, fn = shared_trunk()
    check = registry.load_model(name, "photo_check")
    recs = data.select(data.read_manifest(), split="test", sources=SOURCES)
    card = registry.read_card(name)
    card["test_metrics"] = rejection_report(recs, ~app_verdicts(recs, fn, check))
    nonskin = nonskin_report(fn, check, tuple(card.get("nonskin_fitted_on", ())))
    if nonskin:
        card["test_metrics"]["nonskin_accepted"] = nonskin
    fresh = fresh_report(fn, check, tuple(card.get("nonskin_fitted_on", ())))
    if fresh:
        card["test_metrics"]["fresh_accepted"] = fresh
    if name == NAME:
        card["description"], card["description_ko"] = DESCRIPTION, DESCRIPTION_KO
        card["limitations"] = LIMITATIONS
    cards.write_card(card)
    print(card["test_metrics"])


def main(argv=None) -> None:
    from sklearn.covariance import LedoitWolf

    from ..classifiers import shared_trunk

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--report-only", action="store_true")
    ap.add_argument("--name", default=NAME, help="with --report-only: which photo check to re-measure")
    args = ap.parse_args(argv)
    if args.report_only:
        return report_only(args.name)
    t0 = time.time()
    _, fn = shared_trunk()
    recs = data.select(data.read_manifest(), sources=SOURCES)
    feats = {s: pooled_features([r for r in recs if r.split == s], fn) for s in ("train", "val")}  # test: below
    lw = LedoitWolf().fit(feats["train"])
    density = PhotoDensity(NAME, {}, np.inf, lw.location_.astype(np.float32), lw.precision_.astype(np.float32))
    threshold = float(np.percentile(density.distance(feats["val"]), 99))
    density.threshold = threshold
    test_recs = [r for r in recs if r.split == "test"]
    path = registry.weights_path(NAME)
    np.savez(path, mean=lw.location_.astype(np.float32), precision=lw.precision_.astype(np.float32))
    card = {
        "name": NAME,
        "task": "photo_check",
        "family": "gaussian-density",
        "version": time.strftime("%Y-%m-%d"),
        "description": DESCRIPTION,
        "description_ko": DESCRIPTION_KO,
        "classes": [],
        "input_size": xd.INPUT_SIZE,
        "preprocessing": "as xception_derm (shared trunk); global average pooling of the 16x16x728 block-12 map",
        "weights": f"weights/{path.name}",
        "sha256": xd.file_sha256(path),
        "data": "train split of dermnet-11, dermnet-other, fitzpatrick and ph2 (clinical and dermoscopic skin photos)",
        "split": str(MANIFEST_PATH.relative_to(REPO_ROOT)),
        "thresholds": {"distance": threshold},
        "test_metrics": rejection_report(test_recs, ~app_verdicts(test_recs, fn, density)),
        "training_command": "python -m skin_core.training.fit_photo_check",
        "training": {"seed": None,
                     "wall_time_s": round(time.time() - t0), "hardware": cards.hardware()},
        "intended_use": "Rejecting photos that are not close-ups of skin (animals, food, scenes) before any label is shown.",
        "limitations": "No non-skin photo set exists here to measure recall; it is checked on a handful of "
                       "scikit-image sample photos in the tests. Unusual skin photos can be rejected (see rate).",
    }
    cards.write_card(card)
    print(card["thresholds"], card["test_metrics"])


if __name__ == "__main__":
    main()
