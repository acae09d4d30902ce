"""How many test melanoma and BCC photos the app itself flags `urgent`: through the photo checks, not the scores alone.

    python -m skin_core.training.measure_app_path [--model NAME ...]   # default: every classifier

The card's `malignant_urgent_rate` reads the classifier's test scores. A photo the skin checks refuse never reaches
that rule in the app, so this runs each test melanoma and basal cell carcinoma photo through `pipeline.analyze_batch`
(no override, no red flags: what a visitor sees first) and writes `test_app_path` into the card: the rate, its
bootstrap interval, what happened to the photos, and which photos were missed (the tests re-check those).
"""
from __future__ import annotations

import argparse
import collections

import numpy as np

from .. import cards, data, images, metrics, pipeline, registry


def malignant_test_records() -> list:
    """Test photos of melanoma and BCC from the classifier's sources (the card's `malignant_urgent_rate` photos)."""
    recs = data.select(data.read_manifest(), split="test", sources=data.CLASSIFIER_SOURCES)
    return [r for r in recs if r.label in data.MALIGNANT]


def app_path(model: str, recs: list) -> dict:
    """The `test_app_path` entry for `model` on `recs`."""
    out = pipeline.analyze_batch([images.load_image(r.path()) for r in recs], model)
    hits = np.array([a.urgency == "urgent" for a in out])
    missed = [{"source": r.source, "file": r.file, "status": a.status, "urgency": a.urgency,
               "malignancy_score": round(float(a.malignancy_score), 4) if a.has_scores else None,
               "scores_before_checks": round(sum(a.probabilities[c] for c in data.MALIGNANT), 4),
               "quality": list(a.quality.codes)}
              for r, a, hit in zip(recs, out, hits) if not hit]
    return {"n": len(recs), "urgent": int(hits.sum()), "rate": float(hits.mean()),
            "ci95": metrics.bootstrap_ci95(metrics.hit_rate, hits),
            "by_status": dict(sorted(collections.Counter(a.status for a in out).items())),
            "missed": missed, "sha256": registry.read_card(model).get("sha256"),
            "command": "python -m skin_core.training.measure_app_path"}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", nargs="*", default=None, help="classifiers to measure (default: all)")
    args = ap.parse_args(argv)
    recs = malignant_test_records()
    for name in args.model or registry.list_models("classification"):
        card = cards.read_card(name)
        card["test_app_path"] = app_path(name, recs)
        cards.write_card(card)
        e = card["test_app_path"]
        print(name, f"{e['urgent']}/{e['n']} = {e['rate']:.3f}", e["by_status"], flush=True)
    cards.update_readme()


if __name__ == "__main__":
    main()
