"""About & safety: what SkinLens is and is not, privacy, data licences, how numbers were measured."""
import pandas as pd
import streamlit as st

from pages import _ui as ui
from skin_core import ui_helpers as uh
from skin_core.i18n import about_body

ui.entry()

st.title(ui.tr("about.title"))

st.header(ui.tr("about.is"))
st.markdown(about_body(ui.lang()))
st.header(ui.tr("about.is_not"))
st.warning(ui.tr("about.is_not_body"))
st.header(ui.tr("about.privacy"))
st.markdown(ui.tr("about.privacy_body"))

st.header(ui.tr("about.data"))
st.table(pd.DataFrame([{ui.tr("about.col.source"): ui.tr(f"about.src.{k}.name"),
                        ui.tr("about.col.used_for"): ui.tr(f"about.src.{k}.used"),
                        ui.tr("about.col.licence"): ui.tr(f"about.src.{k}.licence")}
                       for k in ("dermnet", "fitzpatrick", "ph2", "sklesion")])
         .set_index(ui.tr("about.col.source")))
st.caption(ui.tr("about.licence_note"))

st.header(ui.tr("about.measured"))
st.markdown(ui.tr("about.measured_body"))

st.header(ui.tr("about.models"))
cards = uh.all_cards()
if cards:
    ui.comparison_tables(cards)
else:
    st.info(ui.tr("about.no_models"))
