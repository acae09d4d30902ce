"""Fold fine-tuned Xception heads into one weighted-mean head, if it measures better on val; pick TTA on val.

Weighted mean logits of heads equal one dense layer on their concatenated pooled maps with kernel
[w1 W1; w2 W2; ...], so the result is a single head with one `cam_fmap` and one `logits` layer: the runtime, CAM
and card code stay unchanged. A member may read `trunk_out` (block 12) or `mid_out` (block 9) and may itself be
a folded ensemble. Member weights are chosen on val macro-F1; mirror TTA stays off (one encoder pass per photo, the
app's speed budget) unless `--tta auto` lets val choose (ties: off) or `--tta on` forces it.

    python -m skin_core.training.ensemble_xception --heads xception_derm xception_derm_v3 --out xception_derm
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from .. import cards, evaluation, registry
from ..classifiers import _load_keras, recast
from ..config import WEIGHTS_DIR
from ..models import xception_derm as xd
from .train_xception import head_logits

MAX_FILE_MB = 50


def _renamed(head, suffix):
    import keras

    clone = keras.models.clone_model(
        head, clone_function=lambda layer: layer.__class__.from_config({**layer.get_config(), "name": layer.name + suffix}))
    clone.set_weights(head.get_weights())
    return clone


def combine(heads, weights):
    """One head computing sum_i weights[i] * logits_i, with inputs named after the trunk outputs the heads read."""
    import keras
    from keras import layers

    inputs = {}
    for head in heads:
        for t in head.inputs:
            inputs.setdefault(t.name, keras.Input((16, 16, 728), name=t.name))
    fmaps, kernels, biases = [], [], []
    for i, (head, w) in enumerate(zip(heads, weights)):
        h = _renamed(head, f"_{i}")
        sub = keras.Model(h.inputs, h.get_layer(f"cam_fmap_{i}").output)
        feed = [inputs[t.name] for t in head.inputs]
        fmaps.append(sub(feed[0] if len(feed) == 1 else feed))
        k, b = head.get_layer("logits").get_weights()
        kernels.append(k * w)
        biases.append(b * w)
    fmap = layers.Concatenate(name="cam_fmap")(fmaps)
    x = layers.GlobalAveragePooling2D(name="gap")(fmap)
    dense = layers.Dense(kernels[0].shape[1], name="logits")
    out = dense(x)
    order = [n for n in (xd.TRUNK_OUT, xd.MID_OUT) if n in inputs]
    model = keras.Model([inputs[n] for n in order] if len(order) > 1 else inputs[order[0]], out,
                        name="xception_derm_ensemble")
    dense.set_weights([np.concatenate(kernels), np.sum(biases, axis=0)])
    return model


def _macro_f1(logits, rows):
    return evaluation.known_macro_f1(logits, [r["label"] for r in rows])


def _weight_grid(n: int) -> list[tuple[float, ...]]:
    if n == 1:
        return [(1.0,)]
    if n == 2:
        return [(w, 1 - w) for w in (0.3, 0.4, 0.5, 0.6, 0.7)]
    return [tuple([1.0 / n] * n)]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--heads", nargs="+", required=True, help="weights/<name>.keras heads (or folded ensembles)")
    ap.add_argument("--out", default="xception_derm", help="name to write (weights + card)")
    ap.add_argument("--card-from", default=None, help="card to start from (default: the first head's)")
    ap.add_argument("--tta", choices=["auto", "off", "on"], default="off",
                    help="mirror TTA: off keeps one encoder pass per photo (the speed budget); auto chooses on val")
    args = ap.parse_args(argv)
    t0 = time.time()
    heads = [_load_keras(registry.weights_path(n)) for n in args.heads]
    params = sum(h.count_params() for h in heads)
    if params * 2 / 1e6 > MAX_FILE_MB:
        raise SystemExit(f"{params / 1e6:.1f} M parameters would not fit in {MAX_FILE_MB} MB as float16")
    va = {tta: [head_logits(h, "val", tta) for h in heads] for tta in (False, True)}
    rows = va[False][0][1]
    scores = {f"{n} (tta={tta})": _macro_f1(va[tta][i][0], rows) for tta in va for i, n in enumerate(args.heads)}
    best_single = max(scores.values())
    trials = []
    for tta in {"auto": (False, True), "off": (False,), "on": (True,)}[args.tta]:
        for w in _weight_grid(len(heads)):
            logits = sum(wi * l for wi, (l, _) in zip(w, va[tta]))
            trials.append((_macro_f1(logits, rows), -int(tta), w, tta, logits))
    f1, _, weights, tta, va_l = max(trials, key=lambda t: t[:2])
    scores["ensemble"] = f1
    print("val macro-F1:", {k: round(v, 4) for k, v in scores.items()}, "weights", weights, "tta", tta)
    if len(heads) > 1 and f1 <= best_single:
        print("the ensemble does not beat its best member on val; nothing written")
        return
    dec = evaluation.fit_decisions_on_val(va_l, rows)
    te = [head_logits(h, "test", tta) for h in heads]
    te_l, te_r = sum(wi * l for wi, (l, _) in zip(weights, te)), te[0][1]
    entries = evaluation.test_entries(te_l, te_r, dec)
    path = registry.weights_path(args.out)
    retune_only = len(heads) == 1 and args.out == args.heads[0]  # same weights; TTA and thresholds re-chosen
    if not retune_only:
        ens = combine(heads, weights)
        if not np.allclose(head_logits(ens, "val", tta)[0], va_l, atol=1e-3):
            raise RuntimeError("the folded head does not reproduce the weighted mean logits")
        recast(ens, "float16").save(path)  # several heads in float32 would pass the 50 MB limit
    base = cards.read_card(args.card_from or args.heads[0])
    base_name = base["name"]
    base.update({
        "name": args.out,
        "weights": f"weights/{path.name}",
        "sha256": xd.file_sha256(path), **evaluation.card_decisions(dec), **entries,
        "val_metrics": evaluation.val_summary(va_l, rows, dec),  # the ensemble's own, not its first member's
        "tta": bool(tta),
        "tta_choice": {"val_macro_f1": {f"tta={t}": round(_macro_f1(sum(wi * l for wi, (l, _) in zip(weights, va[t])),
                                                                    rows), 4) for t in va},
                       "chosen_on": "val macro-F1 (ties: off)"},
    })
    if not retune_only:
        base["ensemble"] = {"heads": args.heads, "weights": list(weights), "val_macro_f1": scores,
                            "chosen_on": "val macro-F1"}
    for name in args.heads:  # members trained since the base card: their own commands come first
        if name != base_name and (WEIGHTS_DIR / f"{name}.json").exists():
            for step in cards.read_card(name)["training_command"].split(" && "):
                if step not in base["training_command"]:
                    base["training_command"] += " && " + step
    base["training_command"] += (" && python -m skin_core.training.ensemble_xception --heads "
                                 + " ".join(args.heads) + f" --out {args.out}")
    base["training"]["wall_time_s"] = base["training"].get("wall_time_s", 0) + round(time.time() - t0)
    cards.write_card(base)
    m = entries["test_metrics"]
    print({k: m[k] for k in ("accuracy", "macro_f1", "top3_accuracy", "study5_accuracy", "melanoma_recall",
                             "malignant_urgent_rate", "ece_15")}, m["ood"]["auroc"])


if __name__ == "__main__":
    main()
