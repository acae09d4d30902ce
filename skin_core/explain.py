"""Grad-CAM heatmaps and overlays.

For the Xception classifier the class-activation map comes from the same forward pass (last feature map x
dense weights; with global average pooling and a linear head this equals Grad-CAM up to a constant).
Other Keras classifiers use tf-keras-vis Grad-CAM on their flat functional graph.
"""
from __future__ import annotations

import cv2
import numpy as np

COLORMAPS = {"jet": cv2.COLORMAP_JET, "viridis": cv2.COLORMAP_VIRIDIS, "cividis": cv2.COLORMAP_CIVIDIS}


def upsample(cam: np.ndarray, height: int, width: int) -> np.ndarray:
    """A low-resolution map normalised to [0, 1] at the image's own size."""
    cam = np.asarray(cam, np.float32)
    cam = cam - cam.min()
    if cam.max() > 0:
        cam = cam / cam.max()
    return cv2.resize(cam, (width, height), interpolation=cv2.INTER_CUBIC).clip(0, 1)


def gradcam(model, batch: np.ndarray, class_index: int, layer_name: str) -> np.ndarray:
    """tf-keras-vis Grad-CAM for a flat functional classifier with logit outputs; returns (N, h, w) maps.

    Grad-CAM++ is not used: on logit outputs of our small from-scratch models its weights vanished (all-zero maps).
    """
    from tf_keras_vis.gradcam import Gradcam
    from tf_keras_vis.utils.scores import CategoricalScore

    cam = Gradcam(model, model_modifier=None, clone=False)
    return np.asarray(cam(CategoricalScore([class_index] * len(batch)), batch.astype(np.float32),
                          penultimate_layer=layer_name, expand_cam=False))


def overlay(rgb: np.ndarray, heat: np.ndarray, alpha: float = 0.45, cmap: str = "jet") -> np.ndarray:
    """Blend a [0, 1] heatmap (same H, W as rgb) over the photo; `cmap` 'viridis'/'cividis' are colour-blind safe."""
    colour = cv2.applyColorMap((heat * 255).astype(np.uint8), COLORMAPS.get(cmap, cv2.COLORMAP_JET))
    colour = cv2.cvtColor(colour, cv2.COLOR_BGR2RGB)
    return (rgb.astype(np.float32) * (1 - alpha) + colour.astype(np.float32) * alpha).clip(0, 255).astype(np.uint8)


def energy_inside(heat: np.ndarray, mask: np.ndarray) -> float:
    """Share of heatmap energy inside a binary mask (for 'does the model look at the lesion')."""
    heat = np.asarray(heat, np.float32)  # a float16 sum over a photo overflows
    total = float(heat.sum())
    return float(heat[mask > 0].sum() / total) if total > 0 else 0.0
