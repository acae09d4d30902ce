"""Does an exit-flow head trained on the photos at 382 px (about the atlases' own ~384 px) beat reading them at 254?
Val only; records the verdict in the Xception's card (`native_resolution_experiment`).

    python -m skin_core.training.cache_features --views 4 --size 382        # 24x24 maps (~35 min, ~18 GB)
    python -m skin_core.training.train_xception --epochs 6 --mixup 0.4 --dropout 0.5 --seed 2 --size 382 \
        --name xception_native --val-only                                  # the default's second recipe (~85 min)
    python -m skin_core.training.measure_native_head --head xception_native

The committed heads read the photo at 254 px and gain from a second look at 382 px without retraining (the
multi-scale TTA inside `family_ensemble`). A head trained at 382 px could read the photos' detail better. It would
replace the 382 px view of `family_ensemble` only if the rebuilt ensemble (student weights searched again) beat the
committed one in >= 95 % of paired val bootstrap resamples (the rule of `measure_family_ensemble`); it cannot be the
default (a second trunk pass at 2.3x the pixels; README "Performance").
"""
from __future__ import annotations

import argparse
import json

import numpy as np

from .. import cards
from ..config import CACHE_DIR
from .measure_family_ensemble import (MIN_BOOTSTRAP_SHARE, bootstrap_share_better, choose_weights, combine, macro_f1,
                                      multiscale_member_logits, split_half_gain)
from .train_xception import load_cache

def committed_members(xception: str, students: list[str]) -> dict:
    """Val logits of the committed members, by the ensemble's own path (cached under cache/: ~10 min to make)."""
    path = CACHE_DIR / "native_val_members.npz"
    if not path.is_file():
        members, alone, rows = multiscale_member_logits(xception, students, [254, 382], "val")
        np.savez(path, x254=alone, x382=2 * members[xception] - alone,
                 **{n: members[n] for n in students}, labels=np.array([r["label"] for r in rows]))
    return dict(np.load(path))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--head", default="xception_native", help="the --name given to train_xception --val-only")
    ap.add_argument("--xception", default="xception_derm")
    args = ap.parse_args(argv)
    committed_w = cards.read_card("family_ensemble")["members"]["students"]  # {student: weight}, the one list
    names = list(committed_w)
    m = committed_members(args.xception, names)
    rows = [{"label": str(label)} for label in m["labels"]]
    _, va_rows = load_cache("val", "trunk382")
    if [r["label"] for r in rows] != [r["label"] for r in va_rows if r["view"] == "0"]:
        raise RuntimeError("the 382 px val cache does not line up with the manifest; rebuild it")
    native = np.load(CACHE_DIR / f"{args.head}.val_logits.npy")  # view 0 only: no TTA, as the default runs
    x254, x382 = m["x254"], m["x382"]
    students = [m[n] for n in names]
    multiscale = (x254 + x382) / 2
    committed = combine(multiscale, students, [float(committed_w[n]) for n in names])
    base = (x254 + native) / 2  # the native head in place of the default's own 382 px view
    x = args.xception
    singles = {f"{x} at 254 px": x254, f"{x} at 382 px (no retraining)": x382,
               "multi-scale 254 + 382 px (in family_ensemble)": multiscale, f"{args.head} at 382 px": native,
               f"mean of {x} at 254 px and {args.head}": base}
    history = CACHE_DIR / f"{args.head}.history.json"
    result = {"history": json.loads(history.read_text()) if history.is_file() else None,
              "val_macro_f1": {k: round(macro_f1(v, rows), 4) for k, v in singles.items()},
              "val_bootstrap_share_better_than_254": {k: bootstrap_share_better(x254, v, rows)
                                                      for k, v in list(singles.items())[1:]},
              "val_bootstrap_share_mean_better_than_multiscale": bootstrap_share_better(multiscale, base, rows)}
    weights, trials = choose_weights(base, students, rows)
    share = bootstrap_share_better(committed, combine(base, students, weights), rows)
    result.update({
        "ensemble_with_native_view": {"student_weights": dict(zip(names, weights)),
                                      "val_macro_f1": round(trials[weights], 4),
                                      "committed_val_macro_f1": round(macro_f1(committed, rows), 4),
                                      "val_bootstrap_share_better_than_committed": share,
                                      "val_split_half_gain_over_committed": split_half_gain(
                                          base, students, rows, reference=committed)},
        "rule": f"replaces the 382 px view of family_ensemble only if the rebuilt ensemble beats the committed one in "
                f">= {MIN_BOOTSTRAP_SHARE:.0%} of 1,000 paired bootstrap resamples of the val photos (macro-F1)",
        "kept": share >= MIN_BOOTSTRAP_SHARE,
        "command": "python -m skin_core.training.cache_features --views 4 --size 382 && python -m "
                   "skin_core.training.train_xception --epochs 6 --mixup 0.4 --dropout 0.5 --seed 2 --size 382 "
                   f"--name {args.head} --val-only && python -m skin_core.training.measure_native_head --head {args.head}",
    })
    card = cards.read_card(args.xception)
    card["native_resolution_experiment"] = result
    cards.write_card(card)
    print(result)


if __name__ == "__main__":
    main()
