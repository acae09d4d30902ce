"""Run a loaded classifier on images: preprocessing, flip/rotation TTA, temperature calibration, ood_score, CAM maps.

Every classifier outputs 12 logits (the card's classes + "other"); `evaluation.split_outputs` turns them into
calibrated probabilities over the known classes and `ood_score` = P(other), the same way training measured them.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import augment, cards, evaluation, images
from .models import xception_derm as xd


@dataclass
class ClassifierOutput:
    logits: np.ndarray  # (N, 12) mean over TTA views
    probabilities: np.ndarray  # (N, n_classes), calibrated, sums to 1
    ood_score: np.ndarray  # (N,) in [0, 1]
    cam: np.ndarray | None  # (N, h, w) class-activation map of the top-1 class, >= 0, or None

    @classmethod
    def concat(cls, outs: list[ClassifierOutput]) -> ClassifierOutput:
        """One output for consecutive batches (in order)."""
        cams = [o.cam for o in outs]
        return cls(np.concatenate([o.logits for o in outs]), np.concatenate([o.probabilities for o in outs]),
                   np.concatenate([o.ood_score for o in outs]), None if cams[0] is None else np.concatenate(cams))


_TRUNK_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _build_shared_trunk():
    import tensorflow as tf

    trunk = xd.build_trunk()
    fn = tf.function(lambda x: trunk(x, training=False), reduce_retracing=True)
    return trunk, fn


def shared_trunk():
    """The frozen sklesion trunk and its traced call, built once per process and shared by the classifiers and the
    segmenter; the lock keeps two sessions' first photos from building two Keras Xceptions at once."""
    with _TRUNK_LOCK:
        return _build_shared_trunk()


def same_layers_on(model, spatial: tuple | None = None):
    """`model` rebuilt on inputs of another height x width (None: any), reusing its layers, so its weights are
    shared, not copied; nested sub-models too. Runs the trunk and the Xception heads at a second scale."""
    import keras

    def reuse(layer):
        return same_layers_on(layer) if isinstance(layer, keras.Model) else layer

    hw = spatial or (None, None)
    inputs = [keras.Input((*hw, t.shape[-1])) for t in model.inputs]
    return keras.models.clone_model(model, input_tensors=inputs if isinstance(model.input, list) else inputs[0],
                                    clone_function=reuse)


_SCALED_TRUNKS: dict[int, tuple] = {}  # size -> (the shared trunk it reuses, the trunk at that size, its call)


def trunk_at(size: int):
    """The shared trunk (same weights) and its traced call for `size` x `size` photos, for multi-scale TTA; rebuilt
    if the shared trunk itself was rebuilt, so it never holds on to other weights."""
    import tensorflow as tf

    with _TRUNK_LOCK:
        trunk, fn = _build_shared_trunk()
        if int(size) == xd.INPUT_SIZE:
            return trunk, fn
        got = _SCALED_TRUNKS.get(int(size))
        if got is None or got[0] is not trunk:
            scaled = same_layers_on(trunk, (int(size), int(size)))
            got = _SCALED_TRUNKS[int(size)] = (trunk, scaled, tf.function(lambda x: scaled(x, training=False),
                                                                           reduce_retracing=True))
        return got[1], got[2]


def shared_trunk_features(batch: np.ndarray, tta: bool = True) -> dict:
    """The shared trunk on a (N, 254, 254, 3) batch, followed (tta) by its mirror, in one call."""
    x = np.concatenate([batch, batch[:, :, ::-1]]) if tta else batch
    return shared_trunk()[1](x.astype(np.float32))


def _load_keras(path):
    """Load a .keras file with safe_mode; weights stored as float16 (to stay under 50 MB) come back as float32."""
    import keras

    model = keras.saving.load_model(path, safe_mode=True, compile=False)
    if any(str(w.dtype) == "float16" for w in model.weights):
        model = recast(model, "float32")
    return model


def recast(model, dtype: str):
    """The same graph with every layer's variables and compute in `dtype`."""
    import keras

    def clone_layer(layer):
        if isinstance(layer, keras.Model):  # nested sub-models (e.g. the ensemble's heads) too
            return recast(layer, dtype)
        return layer.__class__.from_config({**layer.get_config(), "dtype": dtype})

    clone = keras.models.clone_model(model, clone_function=clone_layer)
    clone.set_weights([w.astype(dtype) for w in model.get_weights()])
    return clone


class BaseClassifier:
    """Shared behaviour: card fields, calibration and the output contract."""

    uses_trunk = False

    def __init__(self, spec, card: dict):
        self.spec, self.card = spec, card
        self.name = spec.name
        self.classes: list[str] = list(card["classes"])
        self.input_size: int = int(card["input_size"])
        self.temperature: float = float(card.get("temperature", 1.0))  # for ood_score (12-way softmax)
        known_t = card.get("known_temperature")  # for the 11 condition probabilities; absent: `temperature`
        self.known_temperature: float | None = None if known_t is None else float(known_t)
        self.thresholds: dict = dict(card.get("thresholds", {}))
        self.tta: bool = bool(card.get("tta", True))  # mirror TTA only where it measured better on val
        self._lock = threading.Lock()

    def prepare(self, rgb: np.ndarray) -> np.ndarray:
        return images.resize(rgb, self.input_size)

    def predict_photos(self, photos: list[np.ndarray], trunk: dict | None = None, tta: bool | None = None,
                       prepared: np.ndarray | None = None) -> ClassifierOutput:
        """`predict` on the original photos (any size): each classifier prepares its own input from them
        (`prepared`: that batch, when the caller already made it for the shared trunk)."""
        return self.predict(self._prepared(photos, prepared), trunk, tta)

    def _prepared(self, photos: list[np.ndarray], prepared: np.ndarray | None) -> np.ndarray:
        return np.stack([self.prepare(im) for im in photos]) if prepared is None else prepared

    def _finish(self, logits: np.ndarray, cam: np.ndarray | None) -> ClassifierOutput:
        probs, ood = evaluation.split_outputs(logits, self.temperature, self.known_temperature)
        return ClassifierOutput(logits, probs, ood, cam)


class XceptionClassifier(BaseClassifier):
    """sklesion trunk (shared) + fine-tuned exit flow; CAM from the last feature map and the dense weights."""

    uses_trunk = True

    def __init__(self, spec, card):
        super().__init__(spec, card)
        import keras
        import tensorflow as tf

        head = _load_keras(spec.weights_path)
        self.inputs = [t.name for t in head.inputs]  # which trunk outputs the head reads: trunk_out and/or mid_out
        self.head = keras.Model(head.inputs, [head.get_layer("cam_fmap").output, head.output])
        self.dense_w = head.get_layer("logits").get_weights()[0]  # (cam_fmap channels, 12)
        self._head_fn = tf.function(lambda f: self.head(f, training=False), reduce_retracing=True)
        self._any_size_fn = None  # the head on feature maps of any size (`logits_at`), built on first use

    def trunk_features(self, batch: np.ndarray, tta: bool | None = None) -> dict:
        """Shared trunk features of the batch, followed (with TTA) by those of its mirror, in one call."""
        return shared_trunk_features(batch, self.tta if tta is None else tta)

    def head_feed(self, trunk: dict):
        """The trunk outputs the head reads, in its input order (one tensor or a list)."""
        feed = [trunk[k] for k in self.inputs]
        return feed[0] if len(feed) == 1 else feed

    def head_outputs(self, batch: np.ndarray, trunk: dict | None = None,
                     tta: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(12 logits, last feature map) of the batch; logits are the mean over the mirror views with TTA."""
        n = len(batch)
        tta = self.tta if tta is None else tta
        with self._lock:
            if trunk is None:
                trunk = self.trunk_features(batch, tta)
            fmap, logits = self._head_fn(self.head_feed(trunk))
        logits = np.asarray(logits, np.float64)
        if len(logits) == 2 * n:  # mirror TTA: mean logits of image and mirror
            logits = (logits[:n] + logits[n:]) / 2
        return logits, np.asarray(fmap)[:n]

    def logits_at(self, batch: np.ndarray, tta: bool | None = None) -> np.ndarray:
        """12 logits of a (N, s, s, 3) batch at its own size s (the trunk and head at that scale, same weights);
        with TTA, the mean over photo and mirror. A second scale of the same photo is multi-scale TTA."""
        import tensorflow as tf

        n, size = len(batch), batch.shape[1]
        x = np.concatenate([batch, batch[:, :, ::-1]]) if (self.tta if tta is None else tta) else batch
        trunk = trunk_at(size)[1](x.astype(np.float32))
        with self._lock:
            if self._any_size_fn is None:
                head = same_layers_on(self.head)
                self._any_size_fn = tf.function(lambda f: head(f, training=False), reduce_retracing=True)
            logits = np.asarray(self._any_size_fn(self.head_feed(trunk))[1], np.float64)
        return (logits[:n] + logits[n:]) / 2 if len(logits) == 2 * n else logits

    def cam(self, fmap: np.ndarray, classes: np.ndarray) -> np.ndarray:
        """Class-activation maps (N, h, w) of one class per image, from the feature map and the dense weights."""
        return np.maximum(np.einsum("nhwc,nc->nhw", fmap, self.dense_w[:, classes].T), 0)

    def predict(self, batch: np.ndarray, trunk: dict | None = None, tta: bool | None = None) -> ClassifierOutput:
        """batch: (N, 254, 254, 3) uint8. trunk: `trunk_features(batch, tta)` if already computed."""
        logits, fmap = self.head_outputs(batch, trunk, tta)
        return self._finish(logits, self.cam(fmap, logits[:, : len(self.classes)].argmax(1)))


class KerasClassifier(BaseClassifier):
    """A self-contained Keras model (custom CNN, EfficientNet, ResNet): uint8 image in, 12 logits out."""

    def __init__(self, spec, card):
        super().__init__(spec, card)
        import tensorflow as tf

        self.model = _load_keras(spec.weights_path)
        self.cam_layer = card.get("cam_layer")
        # how many flips/quarter-turns TTA averages (augment.tta_views); chosen on val by training.choose_tta
        self.tta_views: int = cards.tta_view_count(card)
        self._fn = tf.function(lambda x: self.model(x, training=False), reduce_retracing=True)

    def predict(self, batch: np.ndarray, trunk: dict | None = None, tta: bool | None = None) -> ClassifierOutput:
        """batch: (N, size, size, 3) uint8; trunk is ignored (these models have their own encoder).
        tta None: the card's views; False: the photo alone; True: the card's views, at least photo + mirror."""
        tta = self.tta if tta is None else tta
        n_views = max(self.tta_views, 2) if tta else 1
        views = augment.tta_views(batch.astype(np.float32), n_views)
        with self._lock:
            logits = np.asarray(self._fn(np.concatenate(views)), np.float64)
        return self._finish(logits.reshape(n_views, len(batch), -1).mean(axis=0), None)

    def gradcam(self, batch: np.ndarray, class_index: int) -> np.ndarray:
        """tf-keras-vis Grad-CAM maps (N, h, w) for one class."""
        from .explain import gradcam

        with self._lock:
            return gradcam(self.model, batch.astype(np.float32), class_index, self.cam_layer)


class FamilyEnsembleClassifier(BaseClassifier):
    """The fine-tuned Xception plus weighted from-scratch students: logits = base + sum(w * student), the weights
    chosen on val (`training.measure_family_ensemble`). It reads the shared trunk like the Xception, each student
    sees the photo resized to its own input, and the heatmap is the Xception's CAM of the ensemble's top-1 class.

    With `members.scales` (e.g. [254, 382]) the base's logits are the mean over the photo resized to each scale
    (multi-scale TTA). That needs the original photos (`predict_photos`): a larger view made from the 254 px batch
    has none of the detail it is for (val macro-F1 0.673 against 0.682 from the photo)."""

    uses_trunk = True

    def __init__(self, spec, card, base: XceptionClassifier, students: dict[str, BaseClassifier]):
        super().__init__(spec, card)
        self.base, self.students = base, students
        self.student_weights = {name: float(w) for name, w in card["members"]["students"].items()}
        self.scales: list[int] = [int(s) for s in card["members"].get("scales", [xd.INPUT_SIZE])]
        if self.scales[0] != xd.INPUT_SIZE or self.input_size != xd.INPUT_SIZE:
            raise ValueError(f"{spec.name}: the input and the first scale must be {xd.INPUT_SIZE} px")
        self.tta = base.tta

    def trunk_features(self, batch: np.ndarray, tta: bool | None = None) -> dict:
        return self.base.trunk_features(batch, tta)

    def member_logits(self, batch: np.ndarray, trunk: dict | None = None, tta: bool | None = None,
                      photos: list[np.ndarray] | None = None) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """({member name: its 12 logits}, the Xception's feature map) for a (N, 254, 254, 3) batch; `photos`, the
        originals of the batch, are required with more than one scale and feed the students' own resizes too."""
        if len(self.scales) > 1 and photos is None:
            raise ValueError(f"{self.name} averages the photo at {self.scales} px: call predict_photos with the photos")
        base_logits, fmap = self.base.head_outputs(batch, trunk, tta)
        if len(self.scales) > 1:
            views = [self.base.logits_at(np.stack([images.resize(im, s) for im in photos]), tta)
                     for s in self.scales[1:]]
            base_logits = np.mean([base_logits, *views], axis=0)
        out = {self.base.name: base_logits}
        for name, clf in self.students.items():
            resized = np.stack([clf.prepare(im) for im in (batch if photos is None else photos)])
            out[name] = clf.predict(resized, tta=tta).logits
        return out, fmap

    def predict(self, batch: np.ndarray, trunk: dict | None = None, tta: bool | None = None,
                photos: list[np.ndarray] | None = None) -> ClassifierOutput:
        members, fmap = self.member_logits(batch, trunk, tta, photos)
        logits = members[self.base.name] + sum(w * members[n] for n, w in self.student_weights.items())
        return self._finish(logits, self.base.cam(fmap, logits[:, : len(self.classes)].argmax(1)))

    def predict_photos(self, photos: list[np.ndarray], trunk: dict | None = None, tta: bool | None = None,
                       prepared: np.ndarray | None = None) -> ClassifierOutput:
        return self.predict(self._prepared(photos, prepared), trunk, tta, photos)
