"""DeepLabV3+ decoder (Chen et al. 2018) on the shared, frozen sklesion Xception trunk.

Encoder = the classifier's trunk (its native backbone family), so the app runs one encoder pass for both
classification and segmentation. ASPP (atrous separable convs + image pooling) on the stride-16 block-12
features, a decoder that fuses the stride-4 block-3 features, and a 1-channel lesion logit at input size.
"""
from __future__ import annotations

from .xception_derm import INPUT_SIZE, LOW_LEVEL, TRUNK_OUT


def _conv_bn_relu(x, filters, name, kernel=1, dilation=1, separable=False):
    from keras import layers

    conv = layers.SeparableConv2D if separable else layers.Conv2D
    x = conv(filters, kernel, padding="same", dilation_rate=dilation, use_bias=False, name=f"{name}_conv")(x)
    x = layers.BatchNormalization(name=f"{name}_bn")(x)
    return layers.Activation("relu", name=f"{name}_relu")(x)


def build_decoder(filters: int = 128, rates=(2, 4, 6)):
    """{trunk_out (16x16x728), low_level (62x62x256)} -> lesion logits (254x254x1)."""
    import keras
    from keras import layers

    high = keras.Input((16, 16, 728), name=TRUNK_OUT)
    low = keras.Input((62, 62, 256), name=LOW_LEVEL)
    branches = [_conv_bn_relu(high, filters, "aspp_1x1")]
    branches += [_conv_bn_relu(high, filters, f"aspp_r{r}", kernel=3, dilation=r, separable=True) for r in rates]
    pooled = layers.GlobalAveragePooling2D(keepdims=True, name="aspp_pool")(high)
    pooled = _conv_bn_relu(pooled, filters, "aspp_pool_proj")
    pooled = layers.UpSampling2D(16, name="aspp_pool_up")(pooled)
    x = layers.Concatenate(name="aspp_concat")(branches + [pooled])
    x = _conv_bn_relu(x, filters, "aspp_proj")
    x = layers.Dropout(0.1, name="aspp_dropout")(x)
    x = layers.Resizing(62, 62, interpolation="bilinear", name="decoder_up4")(x)
    skip = _conv_bn_relu(low, 48, "decoder_skip")
    x = layers.Concatenate(name="decoder_concat")([x, skip])
    x = _conv_bn_relu(x, filters, "decoder_sep1", kernel=3, separable=True)
    x = _conv_bn_relu(x, filters, "decoder_sep2", kernel=3, separable=True)
    x = layers.Conv2D(1, 1, name="decoder_logits")(x)
    out = layers.Resizing(INPUT_SIZE, INPUT_SIZE, interpolation="bilinear", name="mask_logits")(x)
    return keras.Model({TRUNK_OUT: high, LOW_LEVEL: low}, out, name="deeplabv3plus_decoder")
