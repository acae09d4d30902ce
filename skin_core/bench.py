"""Benchmarks (figures printed by `python -m skin_core bench [--json]`, never timed tests).

Measures cold start, per-stage p50/p95, full `analyze()` p50/p95, batch CLI throughput and peak RSS, and the
reference a dermoscopy user would reach for: sklesion's own predict_P steps (decode JPEG, resize, tf.data,
`model.predict`) on one JPEG with unknown age/sex/site. Its pickles are never loaded: the steps are reproduced.
"""
from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import time

import numpy as np

from . import config, data, images


def _photos(n: int) -> list[bytes]:
    """JPEG bytes of real test-split photos, or generated skin-like images when the data folder is absent."""
    if config.data_available():
        recs = [r for r in data.read_manifest() if r.split == "test" and r.source == "dermnet-11"]
        recs = recs[:: max(1, len(recs) // n)][:n]
        return [r.path().read_bytes() for r in recs]
    from PIL import Image

    rng = np.random.default_rng(0)
    out = []
    for i in range(n):
        arr = np.clip(np.array([200, 150, 125]) + rng.normal(0, 20, (300, 400, 3)), 0, 255).astype(np.uint8)
        buf = io.BytesIO()
        Image.fromarray(arr).save(buf, format="JPEG")
        out.append(buf.getvalue())
    return out


def _pct(values: list[float]) -> dict:
    a = np.asarray(values)
    return {"p50": float(np.percentile(a, 50)), "p95": float(np.percentile(a, 95))}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reference_ms(photos: list[bytes], repeats: int) -> float:
    """sklesion's predict_P path per photo (decode_jpeg, resize to 254, tf.data batch(1), model.predict)."""
    import keras
    import tensorflow as tf

    from .models.xception_derm import sklesion_model_path

    model = keras.saving.load_model(sklesion_model_path(), safe_mode=True, compile=False)
    meta = np.zeros((1, 10), np.float32)
    meta[0, -1] = 1.0  # age missing; sex and site unknown (all-zero one-hots)

    def predict(jpeg: bytes):
        image = tf.image.resize(tf.image.decode_jpeg(jpeg, channels=3), (254, 254))
        ds = tf.data.Dataset.zip(((tf.data.Dataset.from_tensor_slices([image]),
                                   tf.data.Dataset.from_tensor_slices(meta)),)).batch(1)
        return model.predict(ds, verbose=0)

    predict(photos[0])
    times = []
    for i in range(repeats):
        t = time.perf_counter()
        predict(photos[i % len(photos)])
        times.append((time.perf_counter() - t) * 1000)
    return float(np.percentile(times, 50))


def encoder_calls_ms(repeats: int = 10) -> dict:
    """Before/after for the shared trunk on one photo: Keras predict() vs a compiled call; mirror TTA as two
    calls vs one batch of two."""
    from .classifiers import shared_trunk

    trunk, fn = shared_trunk()
    x = np.random.default_rng(0).uniform(0, 255, (1, 254, 254, 3)).astype(np.float32)
    x2 = np.concatenate([x, x[:, :, ::-1]])

    def timeit(f):
        f()
        t = time.perf_counter()
        for _ in range(repeats):
            f()
        return (time.perf_counter() - t) / repeats * 1000

    return {"predict_1": timeit(lambda: trunk.predict(x, verbose=0)),
            "compiled_1": timeit(lambda: fn(x)),
            "compiled_2_calls_tta": timeit(lambda: (fn(x), fn(x[:, :, ::-1].copy()))),
            "compiled_batch2_tta": timeit(lambda: fn(x2))}


def cold_start_s(photo: bytes) -> float:
    """Fresh interpreter: import + model load + first analysis, in seconds."""
    code = ("import sys,time;t=time.perf_counter();from skin_core import pipeline;"
            "pipeline.analyze(sys.stdin.buffer.read());print(time.perf_counter()-t)")
    out = subprocess.run([sys.executable, "-c", code], input=photo, capture_output=True, cwd=config.REPO_ROOT,
                         timeout=300, check=True)
    return float(out.stdout.decode().strip().splitlines()[-1])


def run(n: int = 20) -> dict:
    from . import pipeline, registry

    photos = _photos(max(n, 8))
    cold = cold_start_s(photos[0])
    t = time.perf_counter()
    for name in registry.list_models():
        registry.load_model(name, registry.get_spec(name).task)
    load_all_s = time.perf_counter() - t
    pipeline.analyze(photos[0])  # warm-up (tracing)
    stages: dict[str, list[float]] = {}
    totals = []
    pdf_ms = []
    results = []
    for i in range(n):  # analyses back to back, like the reference loop below
        t = time.perf_counter()
        results.append(pipeline.analyze(photos[i % len(photos)], allow_poor_quality=True))
        totals.append((time.perf_counter() - t) * 1000)
        for k, v in results[-1].timings_ms.items():
            stages.setdefault(k, []).append(v)
    try:
        from .report import render_pdf

        for a in results:
            t = time.perf_counter()
            render_pdf(a, "en")
            pdf_ms.append((time.perf_counter() - t) * 1000)
    except ImportError:
        pass
    if pdf_ms:
        stages["pdf"] = pdf_ms
    batch = [images.load_image(p) for p in photos]
    pipeline.analyze_batch(batch[:16])
    t = time.perf_counter()
    done = 0
    for rep in range(2):  # the CLI's predict path: decode, checks, classifier, decisions, memo
        for s in range(0, len(photos), 16):
            ims = [images.load_image(p) for p in photos[s:s + 16]]
            pipeline.analyze_batch(ims, allow_poor_quality=True)
            done += len(ims)
    batch_ips = done / (time.perf_counter() - t)
    rss = _rss_mb()  # every SkinLens model loaded and used; before the reference model is loaded for timing
    ref = reference_ms(photos, repeats=min(n, 20))
    enc = encoder_calls_ms()
    analyze = _pct(totals)
    return {
        "analyze_ms_p50": analyze["p50"],
        "analyze_ms_p95": analyze["p95"],
        "reference_ms_p50": ref,
        "ratio": analyze["p50"] / ref,
        "cold_start_s": cold,
        "load_all_models_s": load_all_s,
        "peak_rss_mb": rss,
        "peak_rss_with_reference_mb": _rss_mb(),
        "batch_img_per_s": batch_ips,
        "stages_ms": {k: _pct(v) for k, v in stages.items()},
        "encoder_calls_ms": enc,
        "n": n,
        "photos": "test-split dermnet photos" if config.data_available() else "generated",
    }


def format_report(res: dict) -> str:
    lines = [f"analyze(): p50 {res['analyze_ms_p50']:.0f} ms, p95 {res['analyze_ms_p95']:.0f} ms (n={res['n']}, {res['photos']})",
             f"reference (sklesion predict_P steps): p50 {res['reference_ms_p50']:.0f} ms; ratio {res['ratio']:.2f}",
             f"cold start {res['cold_start_s']:.1f} s; load every model {res['load_all_models_s']:.1f} s",
             f"batch classification {res['batch_img_per_s']:.1f} img/s; peak RSS {res['peak_rss_mb']:.0f} MB",
             "stage            p50 ms   p95 ms"]
    lines += [f"{k:<15}{v['p50']:>8.1f}{v['p95']:>9.1f}" for k, v in res["stages_ms"].items()]
    lines += ["shared trunk, one photo (ms): " + ", ".join(f"{k} {v:.0f}" for k, v in res["encoder_calls_ms"].items())]
    return "\n".join(lines) + "\n\n" + json.dumps({k: res[k] for k in (
        "analyze_ms_p50", "reference_ms_p50", "ratio", "cold_start_s", "peak_rss_mb", "batch_img_per_s")})
