"""The study's own baseline family, done well: a small VGG-style CNN trained from scratch (BN, GAP, dropout)."""
from __future__ import annotations

CAM_LAYER = "block4_conv2_relu"


def build(n_outputs: int, input_size: int = 128):
    import keras
    from keras import layers

    inp = keras.Input((input_size, input_size, 3), name="image")  # RGB 0-255
    x = layers.Rescaling(1 / 127.5, offset=-1, name="rescale")(inp)
    x = layers.Conv2D(24, 3, strides=2, padding="same", use_bias=False, name="stem_conv")(x)  # cheap on 2 CPU cores
    x = layers.BatchNormalization(name="stem_bn")(x)
    x = layers.Activation("relu", name="stem_relu")(x)
    for i, f in enumerate((32, 64, 128, 256), start=1):
        for j in (1, 2):
            x = layers.Conv2D(f, 3, padding="same", use_bias=False, name=f"block{i}_conv{j}")(x)
            x = layers.BatchNormalization(name=f"block{i}_conv{j}_bn")(x)
            x = layers.Activation("relu", name=f"block{i}_conv{j}_relu")(x)
        if i < 4:
            x = layers.MaxPooling2D(2, name=f"block{i}_pool")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    x = layers.Dropout(0.3, name="dropout")(x)
    out = layers.Dense(n_outputs, name="logits")(x)
    return keras.Model(inp, out, name="custom_cnn")
