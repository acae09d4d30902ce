"""Build the cross-family ensemble (a selectable classifier) from a combination that passed the val rule in
`measure_family_ensemble`: write its weights file (the member weights), fit its temperatures and thresholds on the
val photos and measure it on test, both through its own prediction path (what the app runs).

    python -m skin_core.training.measure_family_ensemble --student custom_cnn efficientnet_b0
    python -m skin_core.training.build_family_ensemble --student custom_cnn efficientnet_b0
    python -m skin_core.training.build_family_ensemble --student custom_cnn efficientnet_b0 --scales 254 382
"""
from __future__ import annotations

import argparse
import datetime
import time

import numpy as np

from .. import cards, evaluation, registry
from ..classifiers import FamilyEnsembleClassifier
from ..data import CLASSES
from ..models.xception_derm import INPUT_SIZE, file_sha256
from .measure_family_ensemble import experiment_key
from .refit_decisions import _image_logits


def ensemble_notes(card: dict, base_card: dict) -> str:
    """Why it is not the default, with its test figures next to the base model's (written from the two cards, so
    `refit_decisions` can rewrite it when the figures move)."""
    test, base_test = card["test_metrics"], base_card["test_metrics"]
    n_models = 1 + len(card["members"]["students"])
    scales = card["members"].get("scales", [INPUT_SIZE])

    def moved(key: str) -> str:
        return f"{base_test[key]:.3f} -> {test[key]:.3f}"

    return (f"Selectable in the app for comparing models; not the default. It runs {n_models} models per photo"
            + (f" and the Xception's trunk at {len(scales)} scales" if len(scales) > 1 else "") + ", which "
            "puts `analyze()` over the latency budget (1.5x the sklesion reference, README 'Performance'). Against "
            f"`{base_card['name']}` alone on test: accuracy {moved('accuracy')}, macro-F1 {moved('macro_f1')}, top-3 "
            f"{moved('top3_accuracy')}, ECE {moved('ece_15')}.")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--xception", default="xception_derm")
    ap.add_argument("--student", nargs="+", default=["custom_cnn", "efficientnet_b0"])
    ap.add_argument("--name", default="family_ensemble")
    ap.add_argument("--scales", nargs="+", type=int, default=[INPUT_SIZE],
                    help="the Xception's multi-scale TTA sizes, as measured")
    args = ap.parse_args(argv)
    t0 = time.time()
    base_card = cards.read_card(args.xception)
    key = experiment_key(args.student, args.scales)
    exp = (base_card.get("family_ensemble_experiment") or {}).get(key)
    if exp is None or not exp["worth_building"]:
        raise SystemExit(f"{key} has not passed the val rule in measure_family_ensemble; nothing built.")
    weights = {n: float(exp["student_weights"][n]) for n in args.student}
    spec = registry.get_spec(args.name)
    np.savez(spec.weights_path, base=np.array(args.xception), students=np.array(list(weights)),
             weights=np.array(list(weights.values())), scales=np.array(args.scales))
    members = [args.xception, *args.student]
    card = {
        "name": args.name, "task": "classification", "family": "ensemble",
        "version": datetime.date.today().isoformat(),
        "description": (f"The fine-tuned dermoscopy Xception (`{args.xception}`) plus the from-scratch "
                        + " and ".join(f"`{n}` (x{w})" for n, w in weights.items())
                        + f": their logits are added with weights chosen on val. One photo runs through all "
                          f"{len(args.student) + 1}; the heatmap is the Xception's CAM of the ensemble's top-1 class."
                        + ("" if len(args.scales) == 1 else
                           f" The Xception's logits are the mean over the photo at {' and '.join(map(str, args.scales))}"
                           " px (multi-scale test-time augmentation).")),
        "classes": list(CLASSES), "outputs": [*CLASSES, "other"], "input_size": INPUT_SIZE, "cam_layer": None,
        "preprocessing": (f"as `{args.xception}`, on the photo resized (bilinear) to each of {args.scales} px; "
                          "each student resizes the photo (bilinear) to its own input"),
        "weights": f"weights/{spec.weights_file}",
        "members": {"base": args.xception, "students": weights, "scales": args.scales,
                    "sha256": {n: file_sha256(registry.get_spec(n).weights_path) for n in members}},
        "initialisation": "no trained weights of its own: the members' weights, see their cards",
        "data": base_card["data"], "split": base_card["split"], "tta": base_card.get("tta", False),
        "family_ensemble_experiment": {key: exp},
        "intended_use": base_card["intended_use"],
        "limitations": base_card["limitations"] + " The students were trained from scratch on the same photos; "
                       "the ensemble needs all its members' files.",
        "notes": "",
        "thresholds": {},
    }
    clf = FamilyEnsembleClassifier(spec, card, registry.load_model(args.xception),
                                   {n: registry.load_model(n) for n in args.student})
    va_l, va_r = _image_logits(clf, "val")
    te_l, te_r = _image_logits(clf, "test")
    dec = evaluation.fit_decisions_on_val(va_l, va_r)
    card.update(evaluation.card_decisions(dec))
    card.update(evaluation.test_entries(te_l, te_r, dec))
    card["val_metrics"] = evaluation.val_summary(va_l, va_r, dec)
    card["notes"] = ensemble_notes(card, base_card)
    card["sha256"] = file_sha256(spec.weights_path)
    card["training_command"] = (f"{exp['command']} && python -m skin_core.training.build_family_ensemble "
                                f"--student {' '.join(args.student)}"
                                + ("" if len(args.scales) == 1 else f" --scales {' '.join(map(str, args.scales))}"))
    cycle = {"command": card["training_command"], "wall_time_s": round(time.time() - t0),
             "hardware": cards.hardware()}
    card["training"] = cards.training_record(None, [], cycle)
    cards.write_card(card)
    m = card["test_metrics"]
    print(args.name, "val", card["val_metrics"], "test acc", m["accuracy"], "macro-F1", m["macro_f1"])


if __name__ == "__main__":
    main()
