"""Re-fit temperature and thresholds on val and recompute test metrics for a trained Xception head, from the
feature cache (no retraining): used when the decision rules in `evaluation.py` change.

    python -m skin_core.training.refit_decisions
"""
from __future__ import annotations

from .. import cards, evaluation
from ..classifiers import _load_keras
from ..config import WEIGHTS_DIR
from .train_xception import load_cache, tta_logits


def main(name: str = "xception_derm") -> None:
    head = _load_keras(WEIGHTS_DIR / f"{name}.keras")
    card = cards.read_card(name)
    logits = {}
    for split in ("val", "test"):
        feats, rows = load_cache(split)
        logits[split] = tta_logits(head, feats, rows)
    va_l, va_r = logits["val"]
    te_l, te_r = logits["test"]
    dec = evaluation.fit_decisions(va_l, [r["label"] for r in va_r])
    metrics = evaluation.card_metrics(te_l, [r["label"] for r in te_r], [r["source"] for r in te_r],
                                      [int(r["skin_type"]) for r in te_r], dec)
    card["temperature"] = dec["temperature"]
    card["thresholds"] = {k: v for k, v in dec.items() if k != "temperature"}
    card["test_metrics"] = metrics
    card["training"]["command"] += " && python -m skin_core.training.refit_decisions"
    cards.write_card(card)
    print(card["thresholds"], metrics["malignant_urgent_rate"], metrics["non_malignant_urgent_rate"])


if __name__ == "__main__":
    main()
