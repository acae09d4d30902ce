"""Greedy weight averaging ("model soup", Wortsman et al. 2022) of snapshots from one fine-tuning run.

Snapshots taken along a warm-restart cycle lie in one basin, so their average is a single network of the same
architecture (no extra latency, Grad-CAM unchanged) that often scores better than any one of them. Batch-norm
statistics of an average are not the average of the statistics, so they are re-estimated (as in SWA,
Izmailov et al. 2018) before each soup is scored.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

Weights = list[np.ndarray]


def average(snapshots: Sequence[Weights]) -> Weights:
    """Element-wise mean of equally shaped weight lists (keras `get_weights()` order)."""
    if not snapshots:
        raise ValueError("no snapshots to average")
    return [np.mean([s[i] for s in snapshots], axis=0).astype(snapshots[0][i].dtype)
            for i in range(len(snapshots[0]))]


def greedy_soup(start: Weights, candidates: Sequence[tuple[float, Weights]],
                score: Callable[[Weights], float]) -> tuple[Weights, float, list[int]]:
    """Start from `start` (the committed weights), try candidates best val score first, and keep one only if the
    soup's score rises. Returns the soup, its score and the indices of the candidates in it."""
    members, kept = [start], []
    best = score(start)
    for i in sorted(range(len(candidates)), key=lambda j: -candidates[j][0]):
        trial = average(members + [candidates[i][1]])
        s = score(trial)
        if s > best:
            members.append(candidates[i][1])
            best, kept = s, kept + [i]
    return average(members), best, kept


def recalibrate_batch_norm(model, batches: Iterable[np.ndarray]) -> int:
    """Re-estimate every BatchNormalization layer's moving mean and variance as the plain mean over `batches`
    (training-mode forward passes, no weight update). Returns the number of batches seen."""
    import keras

    bns = [layer for layer in _all_layers(model) if isinstance(layer, keras.layers.BatchNormalization)]
    saved = [layer.momentum for layer in bns]
    n = 0
    try:
        for x in batches:
            n += 1
            for layer in bns:  # momentum 1 - 1/n makes the moving statistic a running mean of the batch statistics
                layer.momentum = 1.0 - 1.0 / n
            model(x, training=True)
    finally:
        for layer, m in zip(bns, saved):
            layer.momentum = m
    return n


def _all_layers(model):
    for layer in model.layers:
        yield layer
        if hasattr(layer, "layers"):
            yield from _all_layers(layer)
