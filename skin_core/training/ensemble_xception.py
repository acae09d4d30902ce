"""Average two fine-tuned Xception exit-flow heads into one equivalent head, if it measures better on val.

Mean logits of heads A and B equal one dense layer on the concatenated pooled maps with kernel [Wa; Wb] / 2,
so the result is a single head with one `cam_fmap` and one `logits` layer: the runtime, CAM and card code
stay unchanged.

    python -m skin_core.training.ensemble_xception --heads xception_derm xception_derm_v2
"""
from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.metrics import f1_score

from .. import cards, evaluation
from ..classifiers import _load_keras, recast
from ..config import WEIGHTS_DIR
from ..data import CLASSES
from ..models import xception_derm as xd
from .train_xception import load_cache, tta_logits


def _renamed(head, suffix):
    import keras

    clone = keras.models.clone_model(
        head, clone_function=lambda layer: layer.__class__.from_config({**layer.get_config(), "name": layer.name + suffix}))
    clone.set_weights(head.get_weights())
    return clone


def combine(heads):
    import keras
    from keras import layers

    inp = keras.Input((16, 16, 728), name=xd.TRUNK_OUT)
    fmaps, kernels, biases = [], [], []
    for i, head in enumerate(heads):
        h = _renamed(head, f"_{i}")
        sub = keras.Model(h.input, h.get_layer(f"cam_fmap_{i}").output)
        fmaps.append(sub(inp))
        k, b = head.get_layer("logits").get_weights()
        kernels.append(k / len(heads))
        biases.append(b / len(heads))
    fmap = layers.Concatenate(name="cam_fmap")(fmaps)
    x = layers.GlobalAveragePooling2D(name="gap")(fmap)
    dense = layers.Dense(kernels[0].shape[1], name="logits")
    out = dense(x)
    model = keras.Model(inp, out, name="xception_derm_ensemble")
    dense.set_weights([np.concatenate(kernels), np.sum(biases, axis=0)])
    return model


def _macro_f1(logits, rows):
    y = evaluation.label_index([r["label"] for r in rows])
    k = y < len(CLASSES)
    return float(f1_score(y[k], logits[k, : len(CLASSES)].argmax(1), average="macro"))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--heads", nargs="+", required=True)
    args = ap.parse_args(argv)
    t0 = time.time()
    heads = [_load_keras(WEIGHTS_DIR / f"{n}.keras") for n in args.heads]
    va_f, va_rows = load_cache("val")
    scores = {n: _macro_f1(*tta_logits(h, va_f, va_rows)) for n, h in zip(args.heads, heads)}
    ens = combine(heads)
    va_l, va_r = tta_logits(ens, va_f, va_rows)
    scores["ensemble"] = _macro_f1(va_l, va_r)
    print("val macro-F1:", scores)
    best = max(scores, key=scores.get)
    if best != "ensemble":
        print(f"ensemble does not beat {best} on val; nothing written")
        return
    base = cards.read_card(args.heads[0])
    dec = evaluation.fit_decisions(va_l, [r["label"] for r in va_r])
    te_f, te_rows = load_cache("test")
    te_l, te_r = tta_logits(ens, te_f, te_rows)
    metrics = evaluation.card_metrics(te_l, [r["label"] for r in te_r], [r["source"] for r in te_r],
                                      [int(r["skin_type"]) for r in te_r], dec)
    path = WEIGHTS_DIR / "xception_derm.keras"
    recast(ens, "float16").save(path)  # two heads in float32 would pass the 50 MB limit
    base.update({
        "description": base["description"] + f" Mean of {len(heads)} fine-tuned heads ({', '.join(args.heads)}), "
                       "folded into one equivalent head.",
        "sha256": xd.file_sha256(path), "temperature": dec["temperature"],
        "thresholds": {k: v for k, v in dec.items() if k != "temperature"}, "test_metrics": metrics,
        "ensemble": {"heads": args.heads, "val_macro_f1": scores},
    })
    base["training_command"] += (" && python -m skin_core.training.train_xception --epochs 6 --mixup 0.4 --dropout 0.5 "
                                    "--seed 2 --name xception_derm_v2 && python -m skin_core.training.ensemble_xception "
                                    "--heads " + " ".join(args.heads))
    base["training"]["wall_time_s"] = base["training"].get("wall_time_s", 0) + round(time.time() - t0)
    cards.write_card(base)
    print({k: metrics[k] for k in ("accuracy", "macro_f1", "top3_accuracy", "study5_accuracy", "melanoma_recall",
                                   "malignant_urgent_rate", "ece_15")}, metrics["ood"]["auroc"])


if __name__ == "__main__":
    main()
