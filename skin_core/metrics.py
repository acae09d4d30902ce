"""Evaluation metrics: thin wrappers over scikit-learn plus ECE, temperature fitting and threshold choice."""
from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.metrics import (
    accuracy_score,
    classification_report,
    confusion_matrix,
    f1_score,
    roc_auc_score,
    roc_curve,
    top_k_accuracy_score,
)


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = logits / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def expected_calibration_error(probs: np.ndarray, y: np.ndarray, n_bins: int = 15) -> float:
    """Top-1 ECE with equal-width confidence bins (Guo et al. 2017)."""
    conf = probs.max(axis=1)
    return float(_binned_ece(conf, (probs.argmax(axis=1) == y)[None].astype(float), n_bins)[0])


def ece_noise_floor(probs: np.ndarray, n_bins: int = 15, n_resamples: int = 1000, seed: int = 0) -> dict | None:
    """The ECE a perfectly calibrated model with these confidences would still show on this many photos.

    Each draw makes the top-1 answer right with probability equal to its confidence (consistency resampling,
    Broecker & Smith 2007). Binned ECE is biased upward on a few hundred photos, so a bootstrap interval around it
    misleads; a measured ECE under the floor's 95th percentile cannot be told apart from perfect calibration."""
    if len(probs) < 2:
        return None
    conf = probs.max(axis=1)
    draws = _binned_ece(conf, np.random.default_rng(seed).random((n_resamples, len(conf))) < conf, n_bins)
    return {"n": int(len(conf)), "median": round(float(np.median(draws)), 4),
            "p95": round(float(np.percentile(draws, 95)), 4)}


def _binned_ece(conf: np.ndarray, correct: np.ndarray, n_bins: int) -> np.ndarray:
    """ECE of each row of `correct` (draws x photos, 0/1) against the same confidences; bins are (lo, hi]."""
    edges = np.linspace(0, 1, n_bins + 1)
    onehot = np.eye(n_bins)[np.clip(np.searchsorted(edges, conf, side="left") - 1, 0, n_bins - 1)]
    gap = correct.astype(float) @ onehot - conf @ onehot  # per bin: right answers minus summed confidence
    return np.abs(gap).sum(axis=1) / len(conf)


def reliability_bins(probs: np.ndarray, y: np.ndarray, n_bins: int = 15) -> list[dict]:
    conf = probs.max(axis=1)
    correct = probs.argmax(axis=1) == y
    edges = np.linspace(0, 1, n_bins + 1)
    out = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            out.append({"lo": float(lo), "hi": float(hi), "n": int(m.sum()),
                        "confidence": float(conf[m].mean()), "accuracy": float(correct[m].mean())})
    return out


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """Temperature minimising validation NLL (post-hoc calibration)."""

    def nll(t: float) -> float:
        p = softmax(logits, t)
        return float(-np.mean(np.log(p[np.arange(len(y)), y] + 1e-12)))

    return float(minimize_scalar(nll, bounds=(0.05, 20.0), method="bounded").x)


def classification_metrics(probs: np.ndarray, y: np.ndarray, classes: list[str]) -> dict:
    """Accuracy, macro-F1, top-3, ECE, per-class report and confusion matrix for integer labels y."""
    pred = probs.argmax(axis=1)
    labels = list(range(len(classes)))
    # macro-F1 over the classes that occur (true or predicted), sklearn's own default: a folder without some
    # classes must not count them as F1 = 0 (on the full test split every class occurs, so nothing changes there)
    present = sorted(set(np.asarray(y).tolist()) | set(pred.tolist()))
    k = min(3, len(classes))
    return {
        "n": int(len(y)),
        "accuracy": float(accuracy_score(y, pred)),
        "macro_f1": float(f1_score(y, pred, labels=present, average="macro", zero_division=0)),
        "macro_f1_classes": len(present),
        "top3_accuracy": float(top_k_accuracy_score(y, probs, k=k, labels=labels)) if len(y) else 0.0,
        "ece_15": expected_calibration_error(probs, y),
        "per_class": {
            c: {kk: float(v) for kk, v in d.items()}
            for c, d in classification_report(
                y, pred, labels=labels, target_names=classes, output_dict=True, zero_division=0
            ).items()
            if c in classes
        },
        "confusion_matrix": confusion_matrix(y, pred, labels=labels).tolist(),
        "ece_noise_floor": ece_noise_floor(probs, seed=0),
        "ci95": {
            "accuracy": bootstrap_ci95(hit_rate, pred == y),
            "macro_f1": bootstrap_ci95(
                lambda a, b: f1_score(a, b, labels=present, average="macro", zero_division=0), y, pred),
            "top3_accuracy": bootstrap_ci95(hit_rate, (np.argsort(-probs, axis=1)[:, :k] == y[:, None]).any(1)),
        } if len(y) else {},
    }


def bootstrap_ci95(statistic, *arrays, n_resamples: int = 1000, seed: int = 0) -> list[float] | None:
    """95 % percentile-bootstrap interval of statistic(*arrays), resampling images (rows paired across arrays).

    Test sets here are a few hundred photos: a point estimate alone hides that one photo moves a class by points."""
    from scipy.stats import bootstrap

    if len(arrays[0]) < 2:
        return None
    res = bootstrap(arrays, statistic, paired=True, vectorized=False, n_resamples=n_resamples,
                    confidence_level=0.95, method="percentile", rng=np.random.default_rng(seed))
    lo, hi = res.confidence_interval
    return None if np.isnan(lo) or np.isnan(hi) else [round(float(lo), 4), round(float(hi), 4)]


def stratified_bootstrap_ci95(statistic, values: np.ndarray, strata: np.ndarray, n_resamples: int = 1000,
                              seed: int = 0) -> list[float] | None:
    """95 % percentile interval of statistic(values, strata), resampling photos within each stratum.

    For a between-group gap: every resample keeps each group's size, so no resample silently drops a small group
    (a plain bootstrap mixes 3-group and 2-group gaps when one group has a dozen photos)."""
    values, strata = np.asarray(values), np.asarray(strata)
    if len(values) < 2:
        return None
    rng = np.random.default_rng(seed)
    members = [np.flatnonzero(strata == s) for s in np.unique(strata)]
    stats = []
    for _ in range(n_resamples):
        idx = np.concatenate([rng.choice(m, size=len(m), replace=True) for m in members])
        stats.append(statistic(values[idx], strata[idx]))
    stats = np.asarray(stats, float)
    if np.isnan(stats).any():
        return None
    lo, hi = np.percentile(stats, [2.5, 97.5])
    return [round(float(lo), 4), round(float(hi), 4)]


def proportion_ci95(rate: float, n: int) -> list[float] | None:
    """Wilson score 95 % interval of a share (accuracy or recall) measured on n photos.

    For the card's small groups (14 photos of skin types V-VI, 12 of molluscum) the point estimate alone reads
    far more exact than it is; Wilson's interval stays inside [0, 1] and is sound at such n."""
    from scipy.stats import binomtest

    if rate is None or not n:
        return None
    ci = binomtest(int(round(rate * n)), int(n)).proportion_ci(confidence_level=0.95, method="wilson")
    return [round(float(ci.low), 4), round(float(ci.high), 4)]


def hit_rate(hits: np.ndarray) -> float:
    """Share of True in a boolean vector (accuracy or recall on a subset)."""
    return float(np.mean(hits))


def subset_accuracy(probs: np.ndarray, y: np.ndarray, mask: np.ndarray) -> float | None:
    return float((probs[mask].argmax(1) == y[mask]).mean()) if mask.any() else None


def _auroc_or_nan(y: np.ndarray, s: np.ndarray) -> float:
    return float(roc_auc_score(y, s)) if 0 < y.sum() < len(y) else float("nan")


def ood_auroc(score_known: np.ndarray, score_unknown: np.ndarray) -> dict:
    """AUROC of an out-of-distribution score (unknown = positive), its 95 % interval and ROC curve points."""
    y = np.r_[np.zeros(len(score_known)), np.ones(len(score_unknown))]
    s = np.r_[score_known, score_unknown]
    fpr, tpr, _ = roc_curve(y, s)
    keep = np.unique(np.r_[np.arange(0, len(fpr), max(1, len(fpr) // 60)), len(fpr) - 1])  # ~60 points, both ends
    return {"auroc": float(roc_auc_score(y, s)), "ci95": bootstrap_ci95(_auroc_or_nan, y, s),
            "fpr": fpr[keep].round(4).tolist(), "tpr": tpr[keep].round(4).tolist()}
