"""Command line (public API, keep stable): models, predict, segment, evaluate, memo, bench.

    python -m skin_core models --json
    python -m skin_core predict [--model NAME] --json PATH...
    python -m skin_core segment --out DIR [--json] PATH...
    python -m skin_core evaluate --model NAME DIR
    python -m skin_core memo CONDITION --lang en|ko [--json]
    python -m skin_core bench [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

BATCH = 16


def _red_flag_keys() -> tuple[str, ...]:
    from .knowledge.schema import RED_FLAG_KEYS

    return RED_FLAG_KEYS


def _expand(paths: list[str]) -> list[Path]:
    """Files as given, folders recursed for image files (sorted); missing paths are kept to report them."""
    from . import images

    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in images.SUFFIXES)
        else:
            out.append(p)
    return out


def _progress(it, total: int, desc: str):
    from tqdm import tqdm

    return tqdm(it, total=total, desc=desc, file=sys.stderr, disable=None, unit="img")


def _print(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def cmd_models(args) -> int:
    from . import registry

    rows = [registry.describe(n) for n in registry.list_models()]
    if args.json:
        _print(rows)
    else:
        for r in rows:
            m = r["test_metrics"]
            acc = next((f"{k}={m[k]:.3f}" for k in ("accuracy", "mean_iou", "skin_photos_rejected") if k in m), "test=?")
            unseen = (r.get("test_metrics_unseen") or {}).get("accuracy")
            print(f"{r['name']:<18} {r['task']:<15} {'default' if r['default'] else '':<8} test {acc}"
                  + (f" unseen={unseen:.3f}" if unseen is not None else ""))
    return 0


def _error_line(path: Path, model: str, message: str, red_flags=()) -> dict:
    """Same keys as a result line; nothing was analysed, so every finding is null, except the urgency when the
    person reported red flags (a fever needs care today whether or not the file could be read)."""
    from .decisions import urgency_for
    from .pipeline import Analysis

    keys = Analysis.json_keys()
    flags = sorted(set(red_flags))
    return {"path": str(path), **dict.fromkeys(keys), "status": "error", "model": model, "probabilities": {},
            "top3": [], "message": message, "red_flags": flags,
            "urgency": urgency_for("error", None, False, tuple(flags)) if flags else None}


def _load_classifier(name: str | None):
    """The classifier by name (None: the default), or None after printing why it cannot be loaded."""
    from . import registry

    try:
        return registry.load_model(name, "classification")
    except (KeyError, registry.ModelNotFoundError, registry.WeightsIntegrityError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def _positive_int(text: str) -> int:
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def _mask_names(paths: list[Path]) -> list[str]:
    """One mask file name per input, `<stem>.png`, numbered `<stem>-2.png`, ... where stems repeat (`a/1.jpg` and
    `b/1.jpg`, or `x.jpg` and `x.png`), so no mask overwrites another."""
    taken: set[str] = set()
    names = []
    for p in paths:
        name, n = f"{p.stem}.png", 1
        while name.lower() in taken:  # also skips a generated name that is another input's own (`x-2.jpg`)
            n += 1
            name = f"{p.stem}-{n}.png"
        taken.add(name.lower())
        names.append(name)
    return names


def _nothing_to_do(paths: list[Path], given: list[str]) -> bool:
    """True (after saying so) when the arguments named no image file: an empty folder must not look like success."""
    from . import images

    if paths:
        return False
    print(f"error: no image files ({' '.join(images.SUFFIXES)}) found in: {', '.join(given)}", file=sys.stderr)
    return True


def cmd_predict(args) -> int:
    """Batch classification: one JSON line per photo, each the pipeline's `Analysis.to_dict()` (no outline or
    heatmap on this path: speed)."""
    from . import images, pipeline
    from .ui_helpers import image_error_text

    clf = _load_classifier(args.model)
    if clf is None:
        return 2
    paths = _expand(args.paths)
    if _nothing_to_do(paths, args.paths):
        return 2
    failed = 0
    for start in _progress(range(0, len(paths), BATCH), (len(paths) + BATCH - 1) // BATCH, "predict"):
        loaded: list[tuple[Path, object]] = []
        for p in paths[start : start + BATCH]:
            try:
                loaded.append((p, images.load_image(p)))
            except images.InvalidImageError as exc:
                loaded.append((p, exc))
        good = [(p, im) for p, im in loaded if not isinstance(im, Exception)]
        results = pipeline.analyze_batch([im for _, im in good], clf.name, lang=args.lang,
                                         allow_poor_quality=args.allow_poor_quality, red_flags=args.red_flags)
        by_path = dict(zip([p for p, _ in good], results))
        for p, im in loaded:
            if p in by_path:
                _print({"path": str(p), **by_path[p].to_dict()})
            else:
                failed += 1
                _print(_error_line(p, clf.name, image_error_text(im, args.lang), args.red_flags))
    return 2 if failed else 0


def cmd_segment(args) -> int:
    from . import images, registry

    if not registry.list_models("segmentation"):
        print("error: no segmentation model is available in weights/", file=sys.stderr)
        return 2
    from . import segmentation

    paths = _expand(args.paths)
    if _nothing_to_do(paths, args.paths):
        return 2
    out_dir = Path(args.out)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"error: cannot write masks to {out_dir}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    failed = 0
    for p, name in _progress(zip(paths, _mask_names(paths)), len(paths), "segment"):
        try:
            rgb = images.load_image(p)
        except images.InvalidImageError as exc:
            failed += 1
            if args.json:
                _print({"path": str(p), "mask": None, "area_fraction": None, "status": "error", "message": str(exc)})
            else:
                print(f"{p}: error: {exc}", file=sys.stderr)
            continue
        res = segmentation.segment(rgb)
        mask_path = out_dir / name
        mask_path.write_bytes(images.encode_png(res.mask))
        if args.json:
            _print({"path": str(p), "mask": str(mask_path), "area_fraction": res.area_fraction,
                    "status": res.status, "message": res.message})
    return 2 if failed else 0


def cmd_evaluate(args) -> int:
    """Metrics on a folder-per-class directory; unreadable files are skipped and counted, never fatal."""
    import numpy as np

    from . import images, metrics, pipeline

    root = Path(args.dir)
    if not root.is_dir():
        print(f"error: {root} is not a folder", file=sys.stderr)
        return 2
    clf = _load_classifier(args.model)
    if clf is None:
        return 2
    files, labels = [], []
    for cls_dir in sorted(d for d in root.iterdir() if d.is_dir()):
        if cls_dir.name not in clf.classes:
            print(f"skipping folder {cls_dir.name}: not a class of {clf.name}", file=sys.stderr)
            continue
        for f in _expand([str(cls_dir)]):
            files.append(f)
            labels.append(clf.classes.index(cls_dir.name))
    probs, kept, skipped = [], [], 0
    for start in _progress(range(0, len(files), BATCH), (len(files) + BATCH - 1) // BATCH, "evaluate"):
        ims = []
        for f, y in zip(files[start : start + BATCH], labels[start : start + BATCH]):
            try:
                ims.append(images.load_image(f))
                kept.append(y)
            except images.InvalidImageError as exc:
                skipped += 1
                print(f"skipping {f}: {exc}", file=sys.stderr)
        if ims:
            probs.append(pipeline.classify_batch(ims, clf.name)[1].probabilities)
    if not probs:
        print(f"error: no readable photos in class folders under {root} (folders must be named after classes: "
              f"{', '.join(clf.classes)})", file=sys.stderr)
        return 2
    res = metrics.classification_metrics(np.concatenate(probs), np.array(kept), clf.classes)
    if args.json:
        _print({**{k: res[k] for k in ("n", "accuracy", "macro_f1", "macro_f1_classes", "top3_accuracy", "ci95",
                                       "per_class")},
                "skipped": skipped})
    else:
        ci = {k: f" (95% CI {v[0]:.3f}-{v[1]:.3f})" if v else "" for k, v in res["ci95"].items()}
        n_cls = res["macro_f1_classes"]
        print(f"model {clf.name}: n={res['n']} accuracy={res['accuracy']:.4f}{ci.get('accuracy', '')} "
              f"macro_f1={res['macro_f1']:.4f}{ci.get('macro_f1', '')} over {n_cls} class{'es' if n_cls != 1 else ''} "
              f"top3={res['top3_accuracy']:.4f}{ci.get('top3_accuracy', '')}"
              + (f" ({skipped} unreadable files skipped)" if skipped else ""))
        print(f"{'class':<22}{'precision':>10}{'recall':>10}{'f1':>10}{'n':>6}")
        predicted = np.asarray(res["confusion_matrix"]).sum(axis=0)
        for i, (c, d) in enumerate(res["per_class"].items()):
            if not d["support"] and not predicted[i]:  # neither in the folder nor ever predicted
                continue
            print(f"{c:<22}{d['precision']:>10.3f}{d['recall']:>10.3f}{d['f1-score']:>10.3f}{int(d['support']):>6}")
    return 2 if skipped else 0


def cmd_memo(args) -> int:
    from . import knowledge

    try:
        m = knowledge.memo(args.condition, args.lang)
    except (KeyError, ValueError) as exc:
        print(f"error: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    if args.json:
        _print(m.to_dict())
    else:
        print(m.to_text())
    return 0


def cmd_bench(args) -> int:
    from . import bench

    res = bench.run(n=args.n)
    if args.json:
        _print(res)
    else:
        print(bench.format_report(res))
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m skin_core", description="SkinLens skin-condition analysis")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("models", help="list registered models")
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_models)
    p = sub.add_parser("predict", help="classify images or folders (one JSON line per image)")
    p.add_argument("--model", default=None)
    p.add_argument("--json", action="store_true", help="JSON lines (the only output format)")
    p.add_argument("--allow-poor-quality", action="store_true", help="classify blurry/dark photos anyway")
    p.add_argument("--lang", default="en", choices=["en", "ko"], help="language of the memo and messages")
    p.add_argument("--red-flag", action="append", default=[], dest="red_flags", metavar="FLAG",
                   choices=list(_red_flag_keys()), help="what the person reports (repeatable); raises urgency only")
    p.add_argument("paths", nargs="+")
    p.set_defaults(fn=cmd_predict)
    p = sub.add_parser("segment", help="write lesion masks (0/255 PNG at each input's size)")
    p.add_argument("--out", required=True)
    p.add_argument("--json", action="store_true")
    p.add_argument("paths", nargs="+")
    p.set_defaults(fn=cmd_segment)
    p = sub.add_parser("evaluate", help="metrics on a folder-per-class directory")
    p.add_argument("--model", default=None)
    p.add_argument("--json", action="store_true")
    p.add_argument("dir")
    p.set_defaults(fn=cmd_evaluate)
    p = sub.add_parser("memo", help="print the memo for a condition")
    p.add_argument("condition")
    p.add_argument("--lang", default="en", choices=["en", "ko"])
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_memo)
    p = sub.add_parser("bench", help="print timing and memory figures")
    p.add_argument("--json", action="store_true")
    p.add_argument("--n", type=_positive_int, default=20, help="photos to time (at least 1)")
    p.set_defaults(fn=cmd_bench)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.fn(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # last resort: a clear message, never a traceback
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
