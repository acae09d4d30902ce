"""Conditions: the memo library, browsable (for reading and teaching)."""
import pandas as pd
import streamlit as st

from pages import _ui as ui
from skin_core import knowledge
from skin_core.i18n import short_class_name

ui.entry()

lang = ui.lang()
st.title(ui.tr("conditions.title"))
st.caption(ui.tr("conditions.intro"))

ids = knowledge.list_conditions()
with st.expander(ui.tr("conditions.overview")):
    st.dataframe(pd.DataFrame([{ui.tr("conditions.select"): short_class_name(c, lang),  # short: all columns fit
                                ui.tr("result.urgency"): ui.tr(f"urgency.short.{knowledge.base_urgency(c)}"),
                                ui.tr("conditions.contagious"): ui.tr(f"conditions.contagious.{knowledge.contagious(c)}")}
                               for c in ids]),
                 hide_index=True, height="content")  # every row on screen, no inner scroll
chosen = ui.choice(st.selectbox, ui.tr("conditions.select"), ids, "condition", format_func=ui.condition_name_fn())
ui.memo(knowledge.memo(chosen, lang))
