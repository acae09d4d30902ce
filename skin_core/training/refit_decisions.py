"""Re-fit the temperatures and thresholds on val and recompute test metrics for a trained classifier, without
retraining: used when the decision rules or the card metrics in `evaluation.py` change.

    python -m skin_core.training.refit_decisions --model xception_derm
    python -m skin_core.training.refit_decisions --model xception_derm --from-cache   # the feature cache's views

Logits come from the photos through the model's own (app) path, unless `--from-cache` (Xception heads only).
"""
from __future__ import annotations

import argparse

import numpy as np

from .. import cards, data, evaluation, images, registry
from ..classifiers import _load_keras
from ..config import REPO_ROOT


def _image_logits(name, split: str):
    """(12 logits, rows) of a classifier, by name or already built, on one split's photos, through its own path."""
    clf = registry.load_model(name) if isinstance(name, str) else name
    recs = [r for r in data.read_manifest() if r.split == split and r.source in data.CLASSIFIER_SOURCES]
    out = []
    for i in range(0, len(recs), 32):
        out.append(clf.predict_photos([images.load_image(r.path()) for r in recs[i:i + 32]]).logits)
    rows = [{"label": r.label, "source": r.source, "file": r.file, "skin_type": r.skin_type} for r in recs]
    return np.concatenate(out), rows


def _cache_logits(name: str, split: str):
    from .train_xception import head_logits

    return head_logits(_load_keras(registry.weights_path(name)), split, tta=cards.read_card(name).get("tta", True))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", default="xception_derm")
    ap.add_argument("--from-cache", action="store_true", help="an Xception head's logits from the feature cache")
    args = ap.parse_args(argv)
    card = cards.read_card(args.model)
    get = _cache_logits if args.from_cache else _image_logits
    va_l, va_r = get(args.model, "val")
    te_l, te_r = get(args.model, "test")
    dec = evaluation.fit_decisions_on_val(va_l, va_r)
    entries = evaluation.test_entries(te_l, te_r, dec)
    metrics = entries["test_metrics"]
    from ..models.xception_derm import file_sha256

    old = evaluation.card_decisions_of(card)
    changed = not (set(old) == set(dec) and all(np.isclose(old[k], v) for k, v in dec.items()))
    card["sha256"] = file_sha256(REPO_ROOT / card["weights"])
    card.update(evaluation.card_decisions(dec))
    card.update(entries)
    card["val_metrics"] = evaluation.val_summary(va_l, va_r, dec)
    if card.get("family") == "ensemble":
        from .build_family_ensemble import ensemble_notes

        card["notes"] = ensemble_notes(card, cards.read_card(card["members"]["base"]))
    suffix = f" && python -m skin_core.training.refit_decisions --model {args.model}"
    if changed and not card["training_command"].endswith(suffix):  # same decisions: metrics refreshed only
        card["training_command"] += suffix
    cards.write_card(card)
    print(args.model, card["thresholds"], metrics["accuracy"], metrics["malignant_urgent_rate"],
          metrics["non_malignant_urgent_rate"])


if __name__ == "__main__":
    main()
