"""EfficientNet-B0 (keras.applications, weights=None: no ImageNet weights offline) trained from scratch."""
from __future__ import annotations

CAM_LAYER = "top_activation"


def build(n_outputs: int, input_size: int = 128):
    import keras
    from keras import layers

    inp = keras.Input((input_size, input_size, 3), name="image")  # RGB 0-255; B0 rescales/normalises itself
    base = keras.applications.EfficientNetB0(include_top=False, weights=None, input_tensor=inp)
    x = layers.GlobalAveragePooling2D(name="gap")(base.output)
    x = layers.Dropout(0.3, name="dropout")(x)
    out = layers.Dense(n_outputs, name="logits")(x)
    return keras.Model(inp, out, name="efficientnet_b0")
