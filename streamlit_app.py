"""SkinLens app entry point: page config, the language toggle, and the page list (`make run`)."""
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # `streamlit run` adds it; AppTest and other runners may not
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from pages import _ui as ui  # noqa: E402
from skin_core import ui_helpers  # noqa: E402
from skin_core.i18n import LANG_NAMES, LANGS, t  # noqa: E402

st.set_page_config(page_title="SkinLens", page_icon="🔎", layout="wide")

nav = st.sidebar.container()  # the page links, above the language switch
if "lang" not in st.session_state:  # a reload or a shared link keeps its language through ?lang=ko
    st.session_state["lang"] = st.query_params.get("lang") if st.query_params.get("lang") in LANGS else "en"
st.sidebar.radio("Language / 언어", LANGS, key="lang", horizontal=True,
                 format_func=LANG_NAMES.get)
lang = st.session_state["lang"]
if lang == "en":  # English is the default: its links stay clean
    st.query_params.pop("lang", None)
elif st.query_params.get("lang") != lang:
    st.query_params["lang"] = lang
if lang == "ko":  # Korean wraps between words (keep-all), not mid-word, in the narrow result columns
    st.html("<style>.stApp * { word-break: keep-all !important; overflow-wrap: break-word; }\n"
            f"{ui_helpers.widget_words_css(lang)}</style>")

pages = [  # the default page is served at the root URL; "analyze" is its alias below
    st.Page("pages/analyze.py", title=t("nav.analyze", lang), icon=":material/biotech:", url_path="start", default=True),
    st.Page("pages/what_if.py", title=t("nav.what_if", lang), icon=":material/tune:", url_path="what_if"),
    st.Page("pages/model_report.py", title=t("nav.model_report", lang), icon=":material/monitoring:", url_path="model_report"),
    st.Page("pages/conditions.py", title=t("nav.conditions", lang), icon=":material/menu_book:", url_path="conditions"),
    st.Page("pages/about.py", title=t("nav.about", lang), icon=":material/health_and_safety:", url_path="about"),
]


def _to_analyze() -> None:
    """/analyze, typed or shared like the other pages' URLs, opens the analyze page (at the root URL)."""
    st.switch_page(pages[0])


alias = st.Page(_to_analyze, title=t("nav.analyze", lang), url_path="analyze", visibility="hidden")
page = st.navigation([*pages, alias])  # drawn below: .streamlit/config.toml hides Streamlit's own list (see there)
with nav:
    for p in pages:
        st.page_link(p)
    st.divider()
ui.start_warm_up()  # models load in the background while the visitor picks a photo
st.sidebar.caption(t("app.tagline", lang))
st.sidebar.caption(t("sidebar.privacy", lang))
page.run()
