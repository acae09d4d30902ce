"""Audit the split for near-duplicates and re-score every classifier on the test photos that have none.

    python -m skin_core.training.audit_duplicates            # fingerprints, the list, every classifier's card
    python -m skin_core.training.audit_duplicates --no-models # only the list

Writes `manifests/near_duplicates.csv`: every val or test photo with a near-duplicate among the photos that came
before it in the split order (train for val; train and val for test: the photos a model learned from or was tuned
on), with its twin, their feature similarity and hash distance, and the keypoint check that confirmed it
(`near_duplicates` says how pairs are found). Then, for each classifier, its
card's `test_metrics_unseen`: the card metrics on the test photos with no such twin, with the card's own
temperatures and thresholds. The manifest itself is left alone: every model was trained on it.
"""
from __future__ import annotations

import argparse
import csv

import numpy as np

from .. import cards, data, evaluation, images, near_duplicates, registry
from ..config import CACHE_DIR, NEAR_DUPLICATES_PATH, REPO_ROOT
from .refit_decisions import _image_logits

FIELDS = ("split", "source", "file", "label", "twin_split", "twin_source", "twin_file", "twin_label", "similarity",
          "phash_distance", "inliers", "spread")
REFERENCE_SPLITS = {"val": ("train",), "test": ("train", "val")}


def classifier_records() -> list[data.Record]:
    return [r for r in data.read_manifest() if r.source in data.CLASSIFIER_SOURCES]


def manifest_fingerprints(recs: list[data.Record]) -> near_duplicates.Fingerprints:
    """Fingerprints of the records, cached in CACHE_DIR under the records' keys (recomputed if they differ)."""
    path = CACHE_DIR / "near_duplicate_fingerprints.npz"
    keys = np.array([f"{r.source}/{r.file}" for r in recs])
    if path.is_file():
        got = np.load(path)
        if np.array_equal(got["keys"], keys):
            return near_duplicates.Fingerprints(got["features"], got["phash"])
    parts = []
    for i in range(0, len(recs), 256):
        parts.append(near_duplicates.fingerprint([images.load_image(r.path()) for r in recs[i:i + 256]]))
        print(f"fingerprints: {min(i + 256, len(recs))} / {len(recs)}", flush=True)
    fp = near_duplicates.Fingerprints(np.concatenate([p.features for p in parts]),
                                      np.concatenate([p.phash for p in parts]))
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, keys=keys, features=fp.features, phash=fp.phash)
    return fp


def find_twins(recs: list[data.Record], fp: near_duplicates.Fingerprints) -> list[dict]:
    """One row per val/test record with a verified near-duplicate in its reference splits (`REFERENCE_SPLITS`):
    the candidate with the most agreeing keypoint matches."""
    rows, kps = [], {}

    def keypoints(i):
        if i not in kps:
            kps[i] = near_duplicates.keypoints(images.load_image(recs[i].path()))
        return kps[i]

    for split, ref_splits in REFERENCE_SPLITS.items():
        q = np.array([i for i, r in enumerate(recs) if r.split == split])
        ref = np.array([i for i, r in enumerate(recs) if r.split in ref_splits])
        for n, (qi, (idx, sim, dist)) in enumerate(zip(q, near_duplicates.candidates(fp.take(q), fp.take(ref)))):
            found = []
            for j, s, d in zip(ref[idx], sim, dist):
                inliers, spread = near_duplicates.geometric_match(keypoints(qi), keypoints(j))
                if near_duplicates.is_near_duplicate(inliers, spread):
                    found.append((inliers, -d, j, s, d, spread))
            kps.pop(qi, None)
            if n % 200 == 0:
                print(f"{split}: {n} / {len(q)} checked", flush=True)
            if not found:
                continue
            inliers, _, j, s, d, spread = max(found, key=lambda f: f[:2])
            a, b = recs[qi], recs[j]
            rows.append({"split": a.split, "source": a.source, "file": a.file, "label": a.label,
                         "twin_split": b.split, "twin_source": b.source, "twin_file": b.file, "twin_label": b.label,
                         "similarity": f"{s:.4f}", "phash_distance": int(d), "inliers": inliers,
                         "spread": f"{spread:.3f}"})
    return rows


def write_list(rows: list[dict], path=NEAR_DUPLICATES_PATH) -> None:
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--no-models", action="store_true", help="write the list only; leave the cards alone")
    ap.add_argument("--models", nargs="*", help="classifiers to re-score (default: all available)")
    args = ap.parse_args(argv)
    recs = classifier_records()
    rows = find_twins(recs, manifest_fingerprints(recs))
    write_list(rows)
    test = [r for r in rows if r["split"] == "test"]
    print(f"{len(rows)} near-duplicates written to {NEAR_DUPLICATES_PATH.relative_to(REPO_ROOT)}: {len(test)} test photos "
          f"({sum(r['label'] != data.OTHER for r in test)} of known classes), "
          f"{sum(r['label'] != r['twin_label'] for r in rows)} with a twin under another label")
    if args.no_models:
        return
    for name in args.models or registry.list_models("classification"):
        card = cards.read_card(name)
        logits, test_rows = _image_logits(name, "test")
        # only the new entry: `test_metrics` stays as its training command computed it
        card["test_metrics_unseen"] = evaluation.unseen_test_metrics(logits, test_rows,
                                                                     evaluation.card_decisions_of(card))
        cards.write_card(card)
        u = card["test_metrics_unseen"]
        print(f"{name}: accuracy {card['test_metrics']['accuracy']:.3f} -> {u['accuracy']:.3f} unseen, macro-F1 "
              f"{card['test_metrics']['macro_f1']:.3f} -> {u['macro_f1']:.3f}, study-5 "
              f"{card['test_metrics']['study5_accuracy']:.3f} -> {u['study5_accuracy']:.3f}", flush=True)


if __name__ == "__main__":
    main()
