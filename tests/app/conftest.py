"""Shared fixtures for the AppTest page tests: the app under test, real photos from the test split."""
from __future__ import annotations

from pathlib import Path

import pytest

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
RUN_TIMEOUT = 900  # seconds: a cold model load plus a first analysis on 2 shared CPU cores


@pytest.fixture(autouse=True)
def _no_background_warm_up(monkeypatch):
    """Page tests load models on demand; a background load would only compete for the 2 CPU cores."""
    monkeypatch.setenv("SKINLENS_WARMUP", "0")


@pytest.fixture(autouse=True)
def _navigation_v2(monkeypatch):
    """AppTest resets PagesManager.uses_pages_directory before every run, so a repo with a pages/ folder
    replays Streamlit's legacy-multipage bootstrap on every run: the page file runs first and the entry script
    only nested inside it (ui.entry), with other widget ids, so the language choice is lost between runs. A
    real server clears the flag for good once st.navigation has run; do the same here. (Renaming pages/ to a
    folder Streamlit does not special-case would make this unnecessary.)"""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture
def app():
    """A fresh AppTest of the whole app (entry script + st.navigation), already run once."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def switch(at, page: str, lang: str | None = None):
    """Go to `page` (e.g. "pages/about.py"), optionally in another language, and run it."""
    if lang is not None:
        at.radio(key="lang").set_value(lang)
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at
