"""A small pre-activation ResNet (ResNet-18 layout, widths 32-256) trained from scratch: ResNet50V2 is too
heavy to train from scratch on 2 CPU cores with about 2,000 labelled photos, and no ImageNet weights exist offline."""
from __future__ import annotations

CAM_LAYER = "post_relu"


def _block(x, filters, stride, name):
    from keras import layers

    pre = layers.BatchNormalization(name=f"{name}_pre_bn")(x)
    pre = layers.Activation("relu", name=f"{name}_pre_relu")(pre)
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, strides=stride, use_bias=False, name=f"{name}_short")(pre)
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False, name=f"{name}_conv1")(pre)
    y = layers.BatchNormalization(name=f"{name}_bn1")(y)
    y = layers.Activation("relu", name=f"{name}_relu1")(y)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv2")(y)
    return layers.Add(name=f"{name}_add")([shortcut, y])


def build(n_outputs: int, input_size: int = 128):
    import keras
    from keras import layers

    inp = keras.Input((input_size, input_size, 3), name="image")
    x = layers.Rescaling(1 / 127.5, offset=-1, name="rescale")(inp)
    x = layers.Conv2D(32, 3, strides=2, padding="same", use_bias=False, name="stem_conv")(x)
    for stage, (f, s) in enumerate(((32, 1), (64, 2), (128, 2), (256, 2)), start=1):
        x = _block(x, f, s, f"stage{stage}_block1")
        x = _block(x, f, 1, f"stage{stage}_block2")
    x = layers.BatchNormalization(name="post_bn")(x)
    x = layers.Activation("relu", name=CAM_LAYER)(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    x = layers.Dropout(0.3, name="dropout")(x)
    out = layers.Dense(n_outputs, name="logits")(x)
    return keras.Model(inp, out, name="resnet_small")
