"""The dermoscopy-pretrained Xception (PyPI `sklesion`) rebuilt as one flat functional graph.

sklesion ships a nested `xception` inside a multi-input model; we rebuild keras.applications.Xception with
no weights, copy sklesion's weights layer by layer and keep its `normalization` layer in front, so every
intermediate feature map is addressable (Grad-CAM, DeepLabV3+ skip features) and nothing is downloaded.

The trunk (entry flow + middle flow, blocks 1-12) stays frozen and is shared by the classifier and the
segmentation decoder; the classifier fine-tunes the exit flow (blocks 13-14) on top of it.
"""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

INPUT_SIZE = 254
TRUNK_OUT = "trunk_out"  # block-12 output, stride 16: (16, 16, 728)
MID_OUT = "mid_out"  # block-9 output, stride 16: (16, 16, 728); input of heads that also fine-tune blocks 10-12
LOW_LEVEL = "low_level"  # block-3 output before pooling, stride 4: (62, 62, 256)


def sklesion_model_path() -> Path:
    import sklesion

    return Path(os.path.dirname(sklesion.__file__)) / "model.keras"


def sklesion_provenance(used_for: str | None = None) -> dict:
    """A card's `base_weights` entry for a model built on sklesion's weights: package, file, its sha256 and use."""
    out = {"package": "sklesion", "file": "sklesion/model.keras", "sha256": file_sha256(sklesion_model_path())}
    return {**out, "used_for": used_for} if used_for else out


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@lru_cache(maxsize=1)
def _sklesion_weights() -> tuple[dict, tuple]:
    """Per-layer weights of sklesion's Xception and its normalization (mean, variance)."""
    import keras

    src = keras.saving.load_model(sklesion_model_path(), safe_mode=True, compile=False)
    xcp = src.get_layer("xception")
    weights = [layer.get_weights() for layer in xcp.layers if layer.weights]
    norm = src.get_layer("normalization")
    mean = norm.mean.numpy() if hasattr(norm.mean, "numpy") else norm.mean
    var = norm.variance.numpy() if hasattr(norm.variance, "numpy") else norm.variance
    return weights, (mean.reshape(-1).tolist(), var.reshape(-1).tolist())


def build_full_xception():
    """Flat Xception (254 px input in 0-255 RGB) with sklesion's weights; outputs the last 8x8x2048 map."""
    import keras

    weights, (mean, var) = _sklesion_weights()
    inp = keras.Input((INPUT_SIZE, INPUT_SIZE, 3), name="image")
    x = keras.layers.Normalization(mean=mean, variance=var, name="normalization")(inp)
    base = keras.applications.Xception(include_top=False, weights=None, input_tensor=x)
    targets = [layer for layer in base.layers if layer.weights]
    if len(targets) != len(weights):
        raise RuntimeError("sklesion's Xception does not match keras.applications.Xception layer for layer")
    for layer, w in zip(targets, weights):  # by order: residual conv/bn names are auto-generated
        layer.set_weights(w)
    return base


def _block_adds(model):
    import keras

    return [layer for layer in model.layers if isinstance(layer, keras.layers.Add)]


def build_trunk():
    """Frozen shared trunk: image -> {trunk_out (16x16x728), mid_out (16x16x728), low_level (62x62x256)}."""
    import keras

    base = build_full_xception()
    adds = _block_adds(base)
    trunk_out = adds[10].output  # adds[0..11] close blocks 2..13; adds[10] closes block 12
    mid_out = adds[7].output  # closes block 9
    low = base.get_layer("block3_sepconv2_bn").output
    trunk = keras.Model(base.inputs[0], {TRUNK_OUT: trunk_out, MID_OUT: mid_out, LOW_LEVEL: low},
                        name="xception_trunk")
    trunk.trainable = False
    return trunk


def _middle_block(x, n: int):
    """Xception middle-flow block n: three relu-sepconv-bn units plus an identity shortcut."""
    from keras import layers

    residual = x
    for i in (1, 2, 3):
        x = layers.Activation("relu", name=f"block{n}_sepconv{i}_act")(x)
        x = layers.SeparableConv2D(728, 3, padding="same", use_bias=False, name=f"block{n}_sepconv{i}")(x)
        x = layers.BatchNormalization(name=f"block{n}_sepconv{i}_bn")(x)
    return layers.Add(name=f"block{n}_add")([x, residual])


def build_classifier_head(n_outputs: int, dropout: float = 0.3, init_from_sklesion: bool = True,
                          from_block: int = 13, spatial: int = 16):
    """Flat exit flow (blocks 13-14; from_block=10 adds middle blocks 10-12) + GAP + dense -> logits.

    Input is `trunk_out` (from_block 13) or `mid_out` (from_block 10), `spatial` x `spatial` (16 for the 254 px
    photo, 24 for 382 px); `cam_fmap` feeds Grad-CAM."""
    import keras
    from keras import layers

    if from_block not in (10, 13):
        raise ValueError("from_block must be 10 or 13")
    inp = keras.Input((spatial, spatial, 728), name=TRUNK_OUT if from_block == 13 else MID_OUT)
    x = inp
    for n in range(from_block, 13):
        x = _middle_block(x, n)
    block12 = x
    residual = layers.Conv2D(1024, 1, strides=2, padding="same", use_bias=False, name="block13_res_conv")(block12)
    residual = layers.BatchNormalization(name="block13_res_bn")(residual)
    x = layers.Activation("relu", name="block13_sepconv1_act")(block12)
    x = layers.SeparableConv2D(728, 3, padding="same", use_bias=False, name="block13_sepconv1")(x)
    x = layers.BatchNormalization(name="block13_sepconv1_bn")(x)
    x = layers.Activation("relu", name="block13_sepconv2_act")(x)
    x = layers.SeparableConv2D(1024, 3, padding="same", use_bias=False, name="block13_sepconv2")(x)
    x = layers.BatchNormalization(name="block13_sepconv2_bn")(x)
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="block13_pool")(x)
    x = layers.Add(name="block13_add")([x, residual])
    x = layers.SeparableConv2D(1536, 3, padding="same", use_bias=False, name="block14_sepconv1")(x)
    x = layers.BatchNormalization(name="block14_sepconv1_bn")(x)
    x = layers.Activation("relu", name="block14_sepconv1_act")(x)
    x = layers.SeparableConv2D(2048, 3, padding="same", use_bias=False, name="block14_sepconv2")(x)
    x = layers.BatchNormalization(name="block14_sepconv2_bn")(x)
    fmap = layers.Activation("relu", name="cam_fmap")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(fmap)
    x = layers.Dropout(dropout, name="dropout")(x)
    out = layers.Dense(n_outputs, name="logits")(x)
    head = keras.Model(inp, out, name="xception_derm_head")
    if init_from_sklesion:
        base = build_full_xception()
        for layer in head.layers:
            if layer.weights and layer.name.startswith(("block10", "block11", "block12", "block13_sep", "block14")):
                layer.set_weights(base.get_layer(layer.name).get_weights())
        convs = [l for l in base.layers if isinstance(l, layers.Conv2D) and not isinstance(l, layers.SeparableConv2D)
                 and tuple(l.kernel.shape) == (1, 1, 728, 1024)]
        head.get_layer("block13_res_conv").set_weights(convs[0].get_weights())
        # the residual BN is the 1024-channel BN that consumes that conv's output
        res_bn = [l for l in base.layers if isinstance(l, layers.BatchNormalization)
                  and l.input is convs[0].output]
        head.get_layer("block13_res_bn").set_weights(res_bn[0].get_weights())
    return head


FULL_CAM_LAYER = "block14_sepconv2_act"  # last feature map of the whole network (Grad-CAM target)


def _residual_conv_and_bn(model):
    """Block 13's 1x1 residual conv (728 -> 1024) and the batch-norm that consumes it (auto-named in Xception)."""
    from keras import layers

    conv = [l for l in model.layers if isinstance(l, layers.Conv2D) and not isinstance(l, layers.SeparableConv2D)
            and tuple(l.kernel.shape) == (1, 1, 728, 1024)][0]
    bn = [l for l in model.layers if isinstance(l, layers.BatchNormalization) and l.input is conv.output][0]
    return conv, bn


def copy_exit_flow(exit_flow, full, suffix: str = "") -> None:
    """Copy a fine-tuned exit-flow head's blocks 13-14 (layer names + suffix, as `build_classifier_head` names
    them) into the whole Xception `full`, so end-to-end fine-tuning starts from that head."""
    conv, bn = _residual_conv_and_bn(full)
    for layer in exit_flow.layers:
        if not layer.weights:
            continue
        name = layer.name[: len(layer.name) - len(suffix)] if suffix else layer.name
        if name == "block13_res_conv":
            conv.set_weights(layer.get_weights())
        elif name == "block13_res_bn":
            bn.set_weights(layer.get_weights())
        elif name.startswith(("block13", "block14")):
            full.get_layer(name).set_weights(layer.get_weights())


def build_full_classifier(n_outputs: int, dropout: float = 0.3, train_from: str = "block4", init_head=None):
    """The whole Xception (sklesion weights, its Normalization in front) + GAP + dense: uint8 254 px image -> logits.

    For end-to-end fine-tuning on photos (`training.finetune_xception`): layers before `train_from` stay frozen,
    batch-norm statistics stay sklesion's. `init_head`: (exit-flow model, its layer-name suffix, dense kernel, dense
    bias) to start blocks 13-14 and the dense from a fine-tuned head instead of sklesion's and a fresh dense.
    Unlike the exit-flow heads it does not share the app's trunk."""
    import keras
    from keras import layers

    base = build_full_xception()
    x = layers.GlobalAveragePooling2D(name="gap")(base.output)
    x = layers.Dropout(dropout, name="dropout")(x)
    dense = layers.Dense(n_outputs, name="logits", dtype="float32")
    model = keras.Model(base.inputs, dense(x), name="xception_finetuned")
    if init_head is not None:
        exit_flow, suffix, kernel, bias = init_head
        copy_exit_flow(exit_flow, model, suffix)
        dense.set_weights([kernel, bias])
    frozen = True
    for layer in model.layers:
        if layer.name.startswith(train_from):
            frozen = False
        if isinstance(layer, layers.BatchNormalization) or frozen:
            layer.trainable = False
    return model
