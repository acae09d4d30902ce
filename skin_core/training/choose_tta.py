"""Choose a from-scratch classifier's test-time augmentation on val: the mean logits of 1, 2, 4 or 8 flips and
quarter-turns of the photo (`augment.tta_views`), then re-fit its decisions and test metrics on that choice.

    python -m skin_core.training.choose_tta --model custom_cnn

The count with the best val macro-F1 wins; ties go to fewer views (each view is one more forward pass). The card
records every count's val score under `tta_choice`. `train_student` keeps (and scores with) the committed card's
view count on a `--resume` cycle and the mirror on a fresh one; run this again after retraining a student, since
the best count can change with the weights.
"""
from __future__ import annotations

import argparse

import numpy as np

from .. import augment, cards, data, evaluation, images, registry
from . import refit_decisions
from .train_student import FAMILIES

SUFFIX = " && python -m skin_core.training.choose_tta --model {}"


def view_logits(clf, split: str, batch: int = 32) -> tuple[np.ndarray, list[dict]]:
    """(8, N, 12) logits of each of the 8 views of one split's photos, separately, and the photos' rows."""
    recs = [r for r in data.read_manifest() if r.split == split and r.source in data.CLASSIFIER_SOURCES]
    out = []
    for i in range(0, len(recs), batch):
        x = np.stack([clf.prepare(images.load_image(r.path())) for r in recs[i:i + batch]])
        out.append(np.stack([clf.predict(v, tta=False).logits for v in augment.tta_views(x, 8)]))
    rows = [{"label": r.label, "source": r.source, "skin_type": r.skin_type} for r in recs]
    return np.concatenate(out, axis=1), rows


def choose(per_view: np.ndarray, rows: list[dict]) -> tuple[int, dict[int, float]]:
    """(view count with the best val macro-F1, ties to fewer; {count: macro-F1}) from `view_logits` output."""
    labels = [r["label"] for r in rows]
    scores = {n: evaluation.known_macro_f1(per_view[:n].mean(axis=0), labels) for n in augment.TTA_VIEW_COUNTS}
    return max(scores, key=lambda n: (round(scores[n], 6), -n)), scores


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", required=True, help="a from-scratch classifier (custom_cnn, efficientnet_b0, ...)")
    args = ap.parse_args(argv)
    if args.model not in FAMILIES:
        raise SystemExit(f"{args.model}: choose_tta is for the from-scratch students ({', '.join(sorted(FAMILIES))}); "
                         "the Xception's mirror TTA is chosen by ensemble_xception --tta auto, and the ensemble "
                         "follows its members.")
    card = cards.read_card(args.model)
    per_view, rows = view_logits(registry.load_model(args.model), "val")
    n, scores = choose(per_view, rows)
    card.update({"tta": n > 1, "tta_views": n, "tta_choice": {
        "val_macro_f1": {f"{k} view{'s' if k > 1 else ''}": round(v, 4) for k, v in scores.items()},
        "chosen_on": "val macro-F1 (ties: fewer views)"}})
    suffix = SUFFIX.format(args.model)
    if not card["training_command"].endswith(suffix):
        card["training_command"] += suffix
    cards.write_card(card)
    print(args.model, {k: round(v, 4) for k, v in scores.items()}, "->", n, "views")
    registry.forget_loaded()  # the refit below must load the classifier with the new card
    refit_decisions.main(["--model", args.model])


if __name__ == "__main__":
    main()
