"""Analyze: photo in -> quality check -> outline | Grad-CAM | prediction | memo (and all models side by side)."""
import pandas as pd
import streamlit as st

from pages import _ui as ui
from skin_core import charts, pipeline, ui_helpers as uh
from skin_core.data import CLASSES
from skin_core.i18n import class_name, percent, status_name

ui.entry()

lang = ui.lang()
st.title(ui.tr("analyze.title"))
st.caption(ui.tr("analyze.intro", n=len(CLASSES)))

# ---- the photo and the model
pick, settings = st.columns([5, 4], gap="large")  # the model names with their accuracy fit on one line
with pick:
    data = ui.photo_input()
with settings:
    model = ui.model_select()
    flags = ui.red_flags_select()
    compare = st.toggle(ui.tr("analyze.compare"), key="compare")
if model is None:
    st.stop()
if data is None:
    source = st.session_state.get("_source", "upload")  # ui.photo_input's choice: what to ask the visitor to do
    st.info(ui.tr("input.waiting" if source == "upload" else f"input.waiting.{source}"))
    st.stop()
allow_key = f"allow_{uh.digest(data)}"  # "analyse anyway" is remembered per photo
allow = st.session_state.get(allow_key, False)
st.session_state.pop("current_photo", None)  # until this photo is analysed, What-if has none from here
st.session_state["refused_photo"] = "unreadable"
a = ui.or_stop(ui.analysis, data, model, allow=allow, red_flags=flags)

if a.status in ("ok", "uncertain", "out_of_scope"):
    st.session_state["current_photo"] = data  # the What-if page reuses it (memory only, never disk)
    st.session_state.pop("refused_photo", None)
else:  # What-if never shows an answer for a photo refused here, and says why it has none
    st.session_state["refused_photo"] = uh.status_key(a.status, a.quality.codes)

# ---- headline: cancer banner first, then the status screen and any quality problems
ui.cancer_banner(a)
ui.status_screen(a)
if a.status in ("poor_quality", "not_skin"):
    ui.quality_reasons(a)
elif a.quality.issues and allow and a.status != "not_skin":
    st.caption(ui.tr("quality.overridden", reasons=" ".join(uh.quality_reasons(a.quality, lang))))
if a.status == "poor_quality" or (allow and a.status != "not_skin" and a.quality.issues):
    st.checkbox(ui.tr("quality.override"), key=allow_key)
if not uh.shows_outline(a):  # a refused photo: the photo itself, the cancer scores if any, the urgency
    left, right = st.columns([1, 2])
    with left:
        ui.image(a.image, ui.tr("result.photo_caption", w=a.image.shape[1], h=a.image.shape[0]), ui.tr("whatif.original_alt"))
    scores = uh.cancer_score_lines(a, lang)  # a poor photo whose cancer scores still raised the banner
    if a.red_flags or scores:  # what the user reported still sets how soon to see a doctor (a fever: today)
        with right:
            ui.cancer_scores(scores)
            ui.urgency(a.urgency, a.red_flags)
            ui.pdf_button(a)
    st.caption(ui.tr("result.no_memo"))
    st.stop()

# ---- every classifier on the same photo
if compare:
    st.subheader(ui.tr("compare.title"))
    names = uh.classifier_names()
    with st.status(ui.tr("progress.title"), expanded=False) as box:
        results = {}
        failed = {}
        for name in names:
            st.write(ui.tr("progress.compare", name=name))
            try:
                results[name] = a if name == model else ui.analysis(data, name, allow=allow, full=False, progress=box,
                                                                       red_flags=flags)
            except Exception as err:  # one broken model must not hide the others' answers
                failed[name] = f"{type(err).__name__}: {err}"
        box.update(label=ui.tr("compare.done", n=len(results)), state="complete")
    for name, msg in failed.items():
        st.warning(ui.tr("compare.model_failed", name=name, msg=msg))
    st.dataframe(pd.DataFrame(uh.compare_rows(results, lang)), hide_index=True, key="compare_table")
    st.caption(ui.tr("compare.thresholds_note"))
    louder = uh.more_urgent_note(results, model, lang) if model in results else None
    if louder:
        st.warning(louder)
    shown = {n: r.probabilities for n, r in results.items() if uh.shows_probabilities(r)}
    if shown:
        st.plotly_chart(charts.compare_bars(shown, lang), key="compare_chart", config={"displayModeBar": False},
                        alt=ui.tr("compare.chart_alt"))
    st.divider()

# ---- outline | Grad-CAM | prediction | memo
col_photo, col_heat, col_pred, col_memo = st.columns([1, 1, 1.3, 1.3], gap="medium")
with col_photo:
    st.markdown(f"#### {ui.tr('result.photo')}")
    view = ui.choice(st.radio, ui.tr("result.view"), uh.MASK_VIEWS, "mask_view", format_func=ui.fmt("result.view."),
                     horizontal=True)
    opacity = st.slider(ui.tr("result.mask_opacity"), 0.1, 0.9, 0.4, 0.05, key="mask_opacity", disabled=view != "mask")
    ui.image(uh.photo_view(a, view, opacity), ui.tr("result.photo_caption", w=a.image.shape[1], h=a.image.shape[0]),
             uh.photo_alt(a, view, lang))
    st.caption(uh.segmentation_note(a, lang))
    rows = uh.abc_rows(a, lang)
    if rows:
        with st.expander(ui.tr("result.abc")):
            st.caption(ui.tr("result.abc.caveat"))
            st.markdown("\n".join(f"- {k}: **{v}**" for k, v in rows))

with col_heat:
    st.markdown(f"#### {ui.tr('result.heatmap')}")
    heat_opacity = st.slider(ui.tr("result.heat_opacity"), 0.0, 1.0, 0.45, 0.05, key="heat_opacity")
    cmap = ui.choice(st.selectbox, ui.tr("result.colormap"), uh.HEAT_CMAPS, "cmap", format_func=ui.fmt("result.colormap."))
    heat = uh.heatmap_view(a, heat_opacity, cmap)
    if heat is None:
        st.info(ui.tr("result.no_heatmap"))
    else:
        ui.image(heat, ui.tr(f"result.heat_caption.{cmap}"), ui.tr("result.heat_alt"))

with col_pred:
    st.markdown(f"#### {ui.tr('result.prediction')}")
    st.markdown(ui.tr("result.status", status=status_name(a.status, lang)))
    if uh.shows_probabilities(a):
        st.markdown(f"**{ui.tr('result.top3')}**")
        st.markdown("\n".join(uh.top3_lines(a, lang)))  # "1. ...": already a numbered list
        st.markdown(f"**{ui.tr('result.probabilities')}**")
        top = ", ".join(f"{class_name(c, lang)} {percent(p)}" for c, p in a.top3)
        st.plotly_chart(charts.probability_bars(a.probabilities, lang, highlight=a.label if a.status == "ok" else None),
                        key="prob_chart", config={"displayModeBar": False}, alt=ui.tr("result.prob_alt", top=top))
    else:
        ui.cancer_scores(uh.cancer_score_lines(a, lang))
    ui.urgency(a.urgency, a.red_flags)
    st.caption(uh.ood_line(a, lang))
    st.caption(ui.tr("result.model_line", name=a.classifier, version=a.classifier_version or uh.NOT_AVAILABLE))
    st.caption(ui.tr("result.timings", seconds=uh.seconds(a)))
    ui.pdf_button(a)

with col_memo:
    st.markdown(f"#### {ui.tr('result.memo')}")
    ui.memo(a.memo, analysis_urgency=a.urgency, heading="#####", red_flags=a.red_flags, scores=pipeline.scores_urgent(a))
