"""The model registry: one name -> one builder -> one weights file + card (like timm's create_model).

This is the only module that knows file names in `weights/`. Cards are the source of truth for classes,
input size, temperature and thresholds; weights are checked against the card's sha256 before loading.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

from . import cards
from .config import REPO_ROOT, WEIGHTS_DIR


class ModelNotFoundError(KeyError):
    """No model of that name is registered, or its weights/card are missing."""

    def __str__(self) -> str:  # KeyError quotes its message otherwise
        return str(self.args[0]) if self.args else "model not found"


class WeightsIntegrityError(RuntimeError):
    """A weights file does not match the sha256 recorded in its card (tampered with or corrupted)."""


@dataclass(frozen=True)
class ModelSpec:
    name: str
    task: str  # classification | segmentation
    family: str
    builder: Callable  # (spec, card) -> runtime model object
    weights_file: str
    default: bool = False
    requires: tuple[str, ...] = ()  # models this one runs (an ensemble's members)

    @property
    def card_path(self):
        return WEIGHTS_DIR / f"{self.name}.json"

    @property
    def weights_path(self):
        return WEIGHTS_DIR / self.weights_file

    def available(self) -> bool:
        return (self.card_path.is_file() and self.weights_path.is_file()
                and all(_REGISTRY[r].available() for r in self.requires))

    def card(self) -> dict:
        return cards.read_card(self.name)


_REGISTRY: dict[str, ModelSpec] = {}


def register(spec: ModelSpec) -> ModelSpec:
    _REGISTRY[spec.name] = spec
    return spec


def _build_xception_classifier(spec, card):
    from .classifiers import XceptionClassifier

    return XceptionClassifier(spec, card)


def _build_keras_classifier(spec, card):
    from .classifiers import KerasClassifier

    return KerasClassifier(spec, card)


def _build_family_ensemble(spec, card):
    """Members load through the registry (each checked against its own card); the ensemble refuses members
    retrained since its weights were chosen, and a weights file that disagrees with its card."""
    import numpy as np

    from .classifiers import FamilyEnsembleClassifier
    from .models.xception_derm import INPUT_SIZE

    members = card["members"]
    if set(members["sha256"]) != set(spec.requires):
        raise CardError(f"Card of '{spec.name}' has members {sorted(members['sha256'])}; the registry expects "
                        f"{sorted(spec.requires)}.")
    with np.load(spec.weights_path, allow_pickle=False) as f:
        stored, base = dict(zip(f["students"].tolist(), f["weights"].tolist())), str(f["base"])
        scales = f["scales"].tolist() if "scales" in f.files else [INPUT_SIZE]
    card_scales = members.get("scales", [INPUT_SIZE])
    if stored != members["students"] or base != members["base"] or scales != card_scales:
        raise CardError(f"Weights of '{spec.name}' ({stored}, scales {scales}) disagree with its card "
                        f"({members['students']}, scales {card_scales}).")
    for name, sha in members["sha256"].items():  # each member's file is checked against its own card by _load
        if read_card(name).get("sha256") != sha:
            raise CardError(f"'{name}' was retrained after '{spec.name}' chose its weights: rerun "
                            f"`python -m skin_core.training.build_family_ensemble`.")
    return FamilyEnsembleClassifier(spec, card, _load(members["base"]),
                                    {name: _load(name) for name in members["students"]})


def _build_deeplab(spec, card):
    from .segmentation import DeepLabSegmenter

    return DeepLabSegmenter(spec, card)


def _build_photo_density(spec, card):
    from .photo_check import build_density

    return build_density(spec, card)


def _build_photo_logistic(spec, card):
    from .photo_check import build_logistic

    return build_logistic(spec, card)


register(ModelSpec("xception_derm", "classification", "xception", _build_xception_classifier, "xception_derm.keras", default=True))
register(ModelSpec("family_ensemble", "classification", "ensemble", _build_family_ensemble, "family_ensemble.npz",
                   requires=("xception_derm", "custom_cnn", "efficientnet_b0")))
register(ModelSpec("efficientnet_b0", "classification", "efficientnet", _build_keras_classifier, "efficientnet_b0.keras"))
register(ModelSpec("resnet_small", "classification", "resnet", _build_keras_classifier, "resnet_small.keras"))
register(ModelSpec("custom_cnn", "classification", "cnn", _build_keras_classifier, "custom_cnn.keras"))
register(ModelSpec("deeplabv3plus", "segmentation", "deeplabv3plus", _build_deeplab, "deeplabv3plus.keras", default=True))
register(ModelSpec("skin_photo_logistic", "photo_check", "logistic-regression", _build_photo_logistic, "skin_photo_logistic.npz", default=True))
register(ModelSpec("skin_photo_density", "photo_check", "gaussian-density", _build_photo_density, "skin_photo_density.npz"))


def list_models(task: str | None = None, available_only: bool = True) -> list[str]:
    """Registered model names (those with weights + card on disk unless available_only=False)."""
    return [s.name for s in _REGISTRY.values()
            if (task is None or s.task == task) and (not available_only or s.available())]


def get_spec(name: str) -> ModelSpec:
    if name not in _REGISTRY:
        raise ModelNotFoundError(f"Unknown model '{name}'. Available: {', '.join(list_models()) or 'none'}.")
    return _REGISTRY[name]


def weights_path(name: str):
    """Where `name`'s weights live: the registered file, or `<name>.keras` for an experiment head (an ensemble
    member such as xception_derm_v2) that is not registered itself. Training scripts write and read through this."""
    return _REGISTRY[name].weights_path if name in _REGISTRY else WEIGHTS_DIR / f"{name}.keras"


def default_model(task: str = "classification") -> str | None:
    names = list_models(task)
    for n in names:
        if _REGISTRY[n].default:
            return n
    return names[0] if names else None


def read_card(name: str) -> dict:
    spec = get_spec(name)
    if not spec.card_path.is_file():
        raise ModelNotFoundError(f"Model '{name}' has no card in weights/ (not trained yet).")
    return spec.card()


def verify_weights(spec: ModelSpec, card: dict) -> None:
    """Raise WeightsIntegrityError unless the weights file's sha256 equals the card's."""
    from .models.xception_derm import file_sha256

    if not spec.weights_path.is_file():
        raise ModelNotFoundError(f"Weights for '{spec.name}' are missing: {spec.weights_path.name}.")
    actual = file_sha256(spec.weights_path)
    if actual != card.get("sha256"):
        raise WeightsIntegrityError(
            f"Weights file {spec.weights_path.name} does not match its model card (sha256 {actual[:12]}... != "
            f"{str(card.get('sha256'))[:12]}...). Refusing to load a modified model."
        )


THRESHOLD_KEYS = ("min_confidence", "min_margin", "ood", "urgent")


class CardError(ValueError):
    """A model card disagrees with the code (class order, outputs, decision thresholds, weights file)."""


def check_card(spec: ModelSpec, card: dict) -> None:
    """Refuse a card whose classes, outputs or thresholds the pipeline would silently misread."""
    from .data import CLASSES

    if card.get("weights") not in (None, spec.weights_file, f"weights/{spec.weights_file}"):
        raise CardError(f"Card of '{spec.name}' names weights {card['weights']!r}, the registry {spec.weights_file!r}.")
    if spec.task != "classification":
        return
    if list(card.get("classes", [])) != list(CLASSES):
        raise CardError(f"Card of '{spec.name}' lists classes {card.get('classes')}; the app expects {list(CLASSES)} "
                        "in that order.")
    outputs = card.get("outputs")
    if outputs is not None and list(outputs) != list(CLASSES) + ["other"]:
        raise CardError(f"Card of '{spec.name}' has outputs {outputs}; expected the classes then 'other'.")
    missing = [k for k in THRESHOLD_KEYS if k not in card.get("thresholds", {})]
    if missing:
        raise CardError(f"Card of '{spec.name}' has no decision thresholds {missing} (chosen on val when trained).")


_LOCK = threading.Lock()  # guards every write to the state below; never held while a model loads
_LOADED: dict[str, object] = {}  # read without the lock: a dict lookup is atomic
_LOADING: dict[str, threading.Lock] = {}  # one lock per model: loading one never blocks using another
_GENERATION = [0]  # bumped by `forget_loaded`: a load that began before it is returned but not kept


def _load(name: str):
    """The loaded model for `name`, built at most once per process, by whichever thread asks first."""
    model = _LOADED.get(name)
    if model is not None:
        return model
    with _LOCK:
        lock = _LOADING.setdefault(name, threading.Lock())
    with lock:
        model = _LOADED.get(name)
        if model is None:
            started = _GENERATION[0]
            model = _build(name)
            with _LOCK:
                if _GENERATION[0] == started:  # not forgotten while it loaded (its card may have changed)
                    _LOADED[name] = model
        return model


def _build(name: str):
    spec = get_spec(name)
    card = read_card(name)
    check_card(spec, card)
    verify_weights(spec, card)
    return spec.builder(spec, card)


def load_model(name: str | None = None, task: str = "classification"):
    """Load (once per process, thread-safe) and return the runtime model for `name`, which must be a `task` model."""
    name = name or default_model(task)
    if name is None:
        raise ModelNotFoundError(f"No {task} model is available in weights/.")
    spec = get_spec(name)
    if spec.task != task:
        raise ModelNotFoundError(f"'{name}' is a {spec.task} model, not a {task} model. "
                                 f"{task.capitalize()} models: {', '.join(list_models(task)) or 'none'}.")
    return _load(name)


def forget_loaded() -> None:
    """Drop the loaded models, so the next `load_model` reads cards and weights again (after a script rewrote one)."""
    with _LOCK:
        _GENERATION[0] += 1
        _LOADED.clear()


def describe(name: str) -> dict:
    """The CLI/app summary of a model: name, task, classes, files, default flag and test metrics (for classifiers
    also those on the test photos with no near-duplicate in train or val)."""
    spec = get_spec(name)
    card = read_card(name)
    m = card.get("test_metrics", {})
    keep = ("accuracy", "macro_f1", "top3_accuracy", "study5_accuracy", "melanoma_recall", "ece_15",
            "malignant_urgent_rate", "mean_iou", "dice", "thresholded_jaccard", "skin_photos_rejected")
    summary = {k: m[k] for k in keep if k in m}
    if isinstance(m.get("ood"), dict):
        summary["ood_auroc"] = m["ood"]["auroc"]
    unseen = card.get("test_metrics_unseen")  # without test photos that have a near-duplicate in train/val
    return {
        "name": name,
        "task": spec.task,
        "classes": card.get("classes", []),
        "weights": str(spec.weights_path.relative_to(REPO_ROOT)),
        "card": str(spec.card_path.relative_to(REPO_ROOT)),
        "default": default_model(spec.task) == name,
        "test_metrics": summary,
        **({"test_metrics_unseen": {k: unseen[k] for k in keep + ("ood_auroc", "n") if unseen.get(k) is not None}}
           if unseen else {}),
    }
