"""Model report: every model's card, measured on the test split (metrics, per group, per class, plots, limits)."""
import pandas as pd
import streamlit as st

from pages import _ui as ui
from skin_core import charts, ui_helpers as uh
from skin_core.config import WEIGHTS_DIR
from skin_core.i18n import card_text, duration, hardware_text

ui.entry()
NO_TOOLBAR = {"displayModeBar": False}  # the toolbar floats over legends and the matrix's top row

lang = ui.lang()
st.title(ui.tr("report.title"))
st.caption(ui.tr("report.intro"))

cards = uh.all_cards()
if not cards:
    st.info(ui.tr("report.none"))
    st.stop()

st.subheader(ui.tr("report.comparison"))
ui.comparison_tables(cards)

name = st.selectbox(ui.tr("report.select"), list(cards), key="report_model")
card = cards[name]
m = card.get("test_metrics", {})
st.header(name)
st.markdown(uh.card_description(card, lang))

keys = uh.TASK_METRICS[card.get("task", "classification")]
for row in (keys[:4], keys[4:]):
    for col, key in zip(st.columns(4), row):
        col.metric(ui.tr(f"metric.{key}"), uh.format_metric(key, uh.card_metric(card, key)))
        for caption in uh.metric_captions(card, key, lang):
            col.caption(caption)

unseen = uh.unseen_rows(card, lang)
if unseen:
    st.subheader(ui.tr("report.unseen"))
    st.caption(ui.tr("report.unseen.intro", **card["test_metrics_unseen"]["left_out"]))
    st.dataframe(pd.DataFrame(unseen), hide_index=True, key="unseen")

if card.get("task") == "classification":
    left, right = st.columns(2, gap="large")
    with left:
        st.subheader(ui.tr("report.by_source"))
        st.plotly_chart(charts.group_accuracy_bars(m.get("by_source"), lang), key="by_source", config=NO_TOOLBAR,
                        alt=ui.tr("report.by_source"))
    with right:
        st.subheader(ui.tr("report.by_skin"))
        st.plotly_chart(charts.group_accuracy_bars(m.get("fitzpatrick_by_skin_group"), lang), key="by_skin",
                        config=NO_TOOLBAR, alt=ui.tr("report.by_skin"))
    st.caption(ui.tr("report.error_bars"))
    st.subheader(ui.tr("report.per_class"))
    per_class = pd.DataFrame(uh.per_class_rows(card, lang))
    st.dataframe(per_class, hide_index=True, key="per_class", height="content",
                 column_config={ui.tr("report.col.class"): st.column_config.TextColumn(width="medium", pinned=True),
                                **{ui.tr(k): st.column_config.NumberColumn(format="percent")  # as the tiles
                                   for k in ("report.col.precision", "report.col.recall", "report.col.f1")}})
    if m.get("confusion_matrix"):
        st.subheader(ui.tr("report.confusion"))
        st.plotly_chart(charts.confusion_heatmap(m["confusion_matrix"], card.get("classes", []), lang),
                        key="confusion", config=NO_TOOLBAR, alt=ui.tr("report.confusion_alt"))
    left, right = st.columns(2, gap="large")
    with left:
        st.subheader(ui.tr("report.reliability"))
        if m.get("reliability"):
            st.plotly_chart(charts.reliability_diagram(m["reliability"], lang), key="reliability", config=NO_TOOLBAR,
                            alt=ui.tr("report.reliability_alt"))
        else:
            st.caption(ui.tr("report.no_data"))
    with right:
        st.subheader(ui.tr("report.roc"))
        if isinstance(m.get("ood"), dict):
            st.plotly_chart(charts.roc_curve(m["ood"], lang), key="roc", config=NO_TOOLBAR, alt=ui.tr("report.roc_alt"))
        else:
            st.caption(ui.tr("report.no_data"))
elif card.get("task") == "photo_check":
    st.subheader(ui.tr("report.rejection"))
    st.caption(ui.tr("report.rejection.intro"))
    st.dataframe(pd.DataFrame(uh.rejection_rows(card, lang)), hide_index=True, key="rejection")
else:
    if m.get("per_image_iou"):
        st.subheader(ui.tr("report.iou_hist"))
        st.plotly_chart(charts.iou_histogram(m["per_image_iou"], lang), key="iou", config=NO_TOOLBAR,
                        alt=ui.tr("report.iou_alt"))
    gallery = WEIGHTS_DIR / str(card.get("gallery", ""))
    if card.get("gallery") and gallery.is_file():
        st.subheader(ui.tr("report.gallery"))
        st.image(str(gallery), alt=ui.tr("report.gallery"))
        st.caption(ui.tr("report.gallery_note"))

if card.get("thresholds"):
    st.subheader(ui.tr("report.thresholds"))
    st.table(pd.DataFrame(uh.decision_rows(card, lang)).set_index(ui.tr("report.col.threshold")))  # text wraps

st.subheader(ui.tr("report.training"))
if lang != "en":
    st.caption(ui.tr("report.card_english"))
training = card.get("training") or {}
st.markdown(f"**{ui.tr('report.data')}:** {card.get('data', '')}")
st.markdown(f"**{ui.tr('report.split')}:** `{card.get('split', '')}`")
st.markdown(f"**{ui.tr('report.command')}:** `{card.get('training_command', '')}`")
st.caption(ui.tr("report.hardware", time=duration(training.get("wall_time_s"), lang),
                 hw=hardware_text(training.get("hardware"), lang)))
st.subheader(ui.tr("report.intended_use"))
st.markdown(card_text(card.get("intended_use"), lang) or ui.tr("report.no_data"))
st.subheader(ui.tr("report.limitations"))
st.markdown(card_text(card.get("limitations"), lang) or ui.tr("report.no_data"))
