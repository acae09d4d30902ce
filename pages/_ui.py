"""Streamlit glue shared by the pages: language, cached models, the per-session analysis cache, and the
renderers for the pieces several pages show (banner, status screen, memo, photo input).

Everything that decides lives in `skin_core`; this module only calls it and draws the result.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
import time
from collections import OrderedDict

import numpy as np
import streamlit as st

from skin_core import images, pipeline, registry, ui_helpers
from skin_core.i18n import class_name, t, urgency_label

MAX_CACHED = 12  # analyses kept per session (bytes of uploads are never written to disk)
ENTRY = Path(__file__).resolve().parent.parent / "streamlit_app.py"


def entry() -> None:
    """Call first on every page: make sure the entry script (config, language, navigation) ran.

    Until some session has run `st.navigation`, Streamlit treats a repo with a pages/ folder as a legacy
    multipage app, and a deep link (e.g. /about on a freshly started server) runs the page file alone. In that
    case run the entry script instead (its st.navigation finds this same page by url_path) and stop here.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        import runpy

        runpy.run_path(str(ENTRY), run_name="__main__")
        st.stop()


# ------------------------------------------------------------------------------------------ language
def lang() -> str:
    return st.session_state.get("lang", "en")


def tr(key: str, **fmt) -> str:
    return t(key, lang(), **fmt)


def fmt(prefix: str):
    """A widget format_func showing option v as t(prefix + v), bound to the current language (the function
    must not read session state later: tests and reruns call it outside the script run)."""
    current = lang()
    return lambda v: t(f"{prefix}{v}", current)


def choice(widget, label: str, options, key: str, format_func=str, index: int = 0, **kwargs):
    """st.radio / st.selectbox whose option labels are translated.

    Streamlit stores these widgets' values as the *displayed* label, so a label that changes with the language
    would no longer match after a switch. Each language therefore gets its own widget (key + "_" + lang) and the
    chosen option itself is carried over in session state under "_" + key.
    """
    options = list(options)
    current = st.session_state.get(f"_{key}")
    start = options.index(current) if current in options else index
    value = widget(label, options, index=start, key=f"{key}_{lang()}", format_func=format_func, **kwargs)
    st.session_state[f"_{key}"] = value
    return value


# ------------------------------------------------------------------------------------------ models
def _warm(model) -> None:
    """Run a classifier once on a flat skin-coloured patch, so its graphs are traced before the first photo."""
    model.predict_photos([np.full((64, 64, 3), (190, 140, 120), np.uint8)])


@st.cache_resource(show_spinner=False)
def get_model(name: str, task: str = "classification"):
    """Load a model once per process (registry.load_model), then run it once so the first photo is fast."""
    model = registry.load_model(name, task)
    if task == "classification":
        _warm(model)
    return model


def ensure_models(names: list[str]) -> None:
    """Load (cached) every classifier in `names` and the segmenter, if there is one."""
    for name in names:
        get_model(name)
    seg = registry.default_model("segmentation")
    if seg:
        get_model(seg, "segmentation")


@st.cache_resource(show_spinner=False)
def start_warm_up() -> threading.Thread | None:
    """Once per server process: load the default classifier and the segmenter in the background, so they are
    ready (and traced) by the time the first photo arrives. SKINLENS_WARMUP=0 turns it off."""
    if os.environ.get("SKINLENS_WARMUP", "1") == "0":
        return None

    def work() -> None:
        try:
            name = registry.default_model("classification")
            if name:
                _warm(registry.load_model(name, "classification"))
            seg = registry.default_model("segmentation")
            if seg:
                registry.load_model(seg, "segmentation")
        except Exception:  # the first analysis will report any problem with a clear message
            pass

    thread = threading.Thread(target=work, name="skinlens-warm-up", daemon=True)
    thread.start()
    return thread


# ------------------------------------------------------------------------------------------ errors
def or_stop(fn, *args, **kwargs):
    """fn(*args, **kwargs), or a clear message and the end of the page run: never a traceback on screen."""
    try:
        return fn(*args, **kwargs)
    except images.InvalidImageError as err:
        st.error(tr("error.image", msg=ui_helpers.image_error_text(err, lang())))
    except Exception as err:
        st.error(tr("error.unexpected", msg=f"{type(err).__name__}: {err}"))
    st.stop()


# ------------------------------------------------------------------------------------------ analyses
def _cache() -> OrderedDict:
    return st.session_state.setdefault("analyses", OrderedDict())


def analysis(data: bytes, model: str, allow: bool = False, full: bool = True, progress=None,
             red_flags=()) -> pipeline.Analysis:
    """The Analysis of `data` with `model`, run once per (file hash, model, lang, allow, full) per session.

    Raises images.InvalidImageError for files that are not usable photos (the page shows its message).
    `full=False` skips the outline and the heatmap (the model comparison view). Red flags only re-triage the
    cached analysis: ticking one never re-runs a model.
    """
    key = ui_helpers.analysis_key(ui_helpers.digest(data), model, lang(), allow, full, red_flags)
    cache = _cache()
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    if red_flags:
        result = pipeline.retriage(analysis(data, model, allow, full, progress), red_flags)
        cache[key] = result
        return result
    start = time.perf_counter()
    box = progress or st.status(tr("progress.title"), expanded=False)
    with box:
        try:
            st.write(tr("progress.read"))
            rgb = images.load_image(data)
            st.write(tr("progress.model", name=model))
            ensure_models([model])
            st.write(tr("progress.analyze"))
            result = pipeline.analyze(rgb, classifier=model, lang=lang(), allow_poor_quality=allow,
                                      segment=full, explain_heatmap=full)
        except Exception:
            if progress is None:
                box.update(label=tr("progress.failed"), state="error")
            raise
    if progress is None:
        box.update(label=tr("progress.done", seconds=time.perf_counter() - start), state="complete")
    cache[key] = result
    while len(cache) > MAX_CACHED:
        cache.popitem(last=False)
    return result


def whatif_prediction(data: bytes, model: str, settings: dict) -> dict:
    """Classifier output for the photo after `settings` (robustness transforms), once per setting per session:
    the pipeline's own decision, quality warnings allowed, with whether its cancer scores cross (`cancer`)."""
    from skin_core import robustness

    key = (ui_helpers.digest(data), model, tuple(sorted(settings.items())))
    store = st.session_state.setdefault("whatif", OrderedDict())
    if key not in store:
        rgb = robustness.apply(images.load_image(data), settings)
        ensure_models([model])
        a = pipeline.analyze_batch([rgb], model, allow_poor_quality=True)[0]
        store[key] = {"image": ui_helpers.thumbnail(rgb),  # shown in a column: 640 px is plenty
                      "probs": a.probabilities, "status": a.status,
                      "label": a.label if a.status in ("ok", "uncertain") else None, "quality": a.quality,
                      "urgency": a.urgency, "malignancy": a.malignancy_score, "cancer": pipeline.scores_urgent(a)}
        while len(store) > 4 * MAX_CACHED:
            store.popitem(last=False)
    return store[key]


def whatif_sweep(data: bytes, model: str, axis: str, settings: dict, run: bool):
    """The sweep along `axis` (other transforms from `settings`), computed only when `run` or cached earlier."""
    from skin_core import robustness

    base = {k: v for k, v in settings.items() if k != axis}
    key = (ui_helpers.digest(data), model, axis, tuple(sorted(base.items())))
    store = st.session_state.setdefault("sweeps", {})
    if key not in store and run:
        n = len(robustness.TRANSFORMS[axis].grid)
        with st.spinner(tr("whatif.sweep_help", n=n)):
            ensure_models([model])
            store.clear()
            store[key] = robustness.sweep(images.load_image(data), axis, model, base=base)
    return store.get(key)


def pdf_bytes(a: pipeline.Analysis) -> bytes:
    """The PDF for an analysis, built once per analysis and language."""
    from skin_core.report import render_pdf

    last = st.session_state.get("pdf_cache")  # only the latest report is kept in memory
    if last is None or last[0] is not a or last[1] != lang():
        last = (a, lang(), render_pdf(a, lang()))
        st.session_state["pdf_cache"] = last
    return last[2]


def pdf_button(a: pipeline.Analysis) -> None:
    """The PDF download for an analysis; a PDF that cannot be built says why instead of breaking the page."""
    try:
        st.download_button(tr("result.pdf"), pdf_bytes(a), file_name=f"skinlens-report-{lang()}.pdf",
                           mime="application/pdf", key="pdf", on_click="ignore", icon=":material/download:")
    except Exception as err:
        st.caption(tr("result.pdf_error", msg=str(err)))


# ------------------------------------------------------------------------------------------ inputs
def model_select(key: str = "model") -> str | None:
    """The classifier select box (next to each name, its accuracy on the test photos without a near-duplicate in
    train/val); None when no classifier is trained."""
    names = ui_helpers.classifier_names()
    if not names:
        st.warning(tr("model.none"))
        return None
    shared = st.session_state.get("_model")  # the What-if page starts from the Analyze page's model
    start = names.index(shared) if shared in names else 0
    return choice(st.selectbox, tr("model.select"), names, key, index=start,
                  format_func=lambda n, cur=lang(): ui_helpers.model_label(n, cur), help=tr("model.select_help"))


def sample_picker(key: str = "sample") -> bytes | None:
    recs = ui_helpers.sample_records()
    if not recs:
        st.info(tr("input.no_samples"))
        return None
    counts: dict[str, int] = {}
    labels = []
    for r in recs:
        counts[r.label] = counts.get(r.label, 0) + 1
        labels.append(ui_helpers.sample_label(r, counts[r.label], lang()))
    i = choice(st.selectbox, tr("input.sample_label"), range(len(recs)), key, format_func=labels.__getitem__,
               help=tr("input.sample_help"))
    return recs[i].path().read_bytes()


def red_flags_select(key: str = "red_flags") -> list[str]:
    """What the user says about the problem (bleeding, changing, not improving...): it can only raise the urgency."""
    from skin_core import knowledge

    labels = knowledge.red_flag_labels(lang())
    # one widget per language, as in `choice`: the stored value is the displayed label, so a widget kept across a
    # language switch holds labels of the other language (and broke on the next rerun); the flags carry over
    chosen = [f for f in st.session_state.get(f"_{key}", []) if f in knowledge.RED_FLAG_KEYS]
    widget_key = f"{key}_{lang()}"
    if widget_key not in st.session_state:
        st.session_state[widget_key] = chosen
    flags = st.multiselect(tr("analyze.red_flags"), list(knowledge.RED_FLAG_KEYS), format_func=labels.get,
                           key=widget_key, help=tr("analyze.red_flags_help"), placeholder=tr("analyze.red_flags_none"),
                           select_all=False, wrap=True)  # each answer is ticked on its own: no "select all"
    st.session_state[f"_{key}"] = list(flags)
    return flags


UPLOAD_TYPES = [s.lstrip(".") for s in images.SUFFIXES]  # what images.load_image reads


def photo_input() -> bytes | None:
    """Upload, camera or sample: the bytes of the chosen photo (kept in memory only), or None."""
    sources = ["upload", "camera"] + (["sample"] if ui_helpers.sample_records() else [])
    source = choice(st.radio, tr("input.source"), sources, "source", format_func=fmt("input."), horizontal=True)
    if source == "camera":
        shot = st.camera_input(tr("input.camera_label"), key="camera")
        return shot.getvalue() if shot is not None else None
    if source == "sample":
        return sample_picker()
    up = st.file_uploader(tr("input.uploader"), type=UPLOAD_TYPES, key="upload")
    return up.getvalue() if up is not None else None


# ------------------------------------------------------------------------------------------ renderers
def cancer_banner(a: pipeline.Analysis) -> None:
    """The loud possible-cancer banner the pipeline chose for a result on the cancer pathway; without one, a
    same-day result (from what the user reported) gets its own banner at the top, not only in the urgency box."""
    if a.cancer_banner:  # on a same-day result its title already says "today"
        st.error(f"**{a.cancer_banner['title']}**\n\n{a.cancer_banner['body']}", icon=":material/warning:")
    elif a.urgency == "same_day":
        st.error(f"**{tr('same_day.title')}**\n\n{tr('same_day.body')}\n\n{ui_helpers.told_us(a.red_flags, lang())}",
                 icon=":material/emergency:")


def cancer_scores(lines: list[str]) -> None:
    """The melanoma and BCC scores behind a banner on a result that shows no probabilities (nothing when empty)."""
    if lines:
        st.markdown(f"**{tr('result.cancer_scores')}**")
        st.markdown("\n".join(f"- {line}" for line in lines))


def status_screen(a: pipeline.Analysis) -> None:
    screen = ui_helpers.status_screen(a, lang())
    show = {"warning": st.warning, "info": st.info, "error": st.error}[screen.kind]
    show(f"**{screen.title}**\n\n{screen.body}")


def quality_reasons(a: pipeline.Analysis) -> None:
    for reason in ui_helpers.status_quality_reasons(a, lang()):
        st.markdown(f"- {reason}")


def urgency(level: str, red_flags: tuple[str, ...] = ()) -> None:
    """The urgency line, with what the user reported when that is part of the reason."""
    text = f"**{tr('result.urgency')}:** {urgency_label(level, lang())}"
    if red_flags:
        text += "\n\n" + ui_helpers.told_us(red_flags, lang())
    {"same_day": st.error, "urgent": st.error, "soon": st.warning}.get(level, st.info)(text)


def memo(m, expanded: bool = True, analysis_urgency: str | None = None, heading: str = "####",
         red_flags: tuple[str, ...] = (), scores: bool | None = None) -> None:
    """The memo: name, summary, when-to-see and red flags open, the rest in expanders.

    With `analysis_urgency` (the Analyze page) the analysis's urgency replaces the memo's own level, which the
    page already shows once; without it (the Conditions page) the memo's urgency is shown here.
    """
    if m is None:
        st.info(tr("result.no_memo"))
        return
    sections = ui_helpers.memo_sections(m, lang(), urgency=analysis_urgency, red_flags=red_flags, scores=scores)
    st.markdown(f"{heading} {m.name}")
    if analysis_urgency is None:
        urgency(m.urgency)
    for heading, body, bulleted in sections:
        if not body:
            continue
        first = heading in (tr("memo.summary"), tr("memo.when_to_see"), tr("memo.red_flags"))
        with st.expander(heading, expanded=expanded and first):
            st.markdown("\n".join(f"- {x}" for x in body) if bulleted else "\n\n".join(body))
    with st.expander(tr("memo.sources")):
        st.markdown("\n".join(f"- {s}" for s in ui_helpers.memo_sources(m, lang())))
    st.caption(m.disclaimer)


def image(rgb, caption: str, alt: str) -> None:
    st.image(ui_helpers.thumbnail(rgb, 900), caption=caption, alt=alt, width="stretch")


def condition_name_fn():
    current = lang()
    return lambda c: class_name(c, current)


def comparison_tables(cards: dict) -> None:
    """The "all models" tables, one per task (metrics down the side, a column per model), and what "unseen" means."""
    import pandas as pd

    for task in ui_helpers.TASK_METRICS:
        rows = ui_helpers.comparison_rows(cards, lang(), task)
        if rows:
            st.markdown(f"**{tr(f'report.task.{task}')}**")
            st.dataframe(pd.DataFrame(rows), hide_index=True, key=f"comparison_{task}")
    st.caption(tr("report.unseen_note"))
