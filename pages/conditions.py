"""Conditions: the memo library, browsable (for reading and teaching)."""
import pandas as pd
import streamlit as st

from pages import _ui as ui
from skin_core import knowledge
from skin_core.i18n import class_name, urgency_label

ui.entry()

lang = ui.lang()
st.title(ui.tr("conditions.title"))
st.caption(ui.tr("conditions.intro"))

ids = knowledge.list_conditions()
with st.expander(ui.tr("conditions.overview")):
    st.dataframe(pd.DataFrame([{ui.tr("conditions.select"): class_name(c, lang),
                                ui.tr("result.urgency"): urgency_label(knowledge.base_urgency(c), lang),
                                ui.tr("conditions.contagious"): ui.tr(f"conditions.contagious.{knowledge.contagious(c)}")}
                               for c in ids]),
                 hide_index=True, height="content",  # every row on screen, no inner scroll
                 column_config={ui.tr("conditions.select"): st.column_config.TextColumn(width="large")})
chosen = ui.choice(st.selectbox, ui.tr("conditions.select"), ids, "condition", format_func=ui.condition_name_fn())
ui.memo(knowledge.memo(chosen, lang))
