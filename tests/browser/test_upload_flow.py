"""End to end in a real browser: `streamlit run` + headless Debian Chromium, upload a real photo, read the result."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from skin_core import config, knowledge
from skin_core.i18n import class_name, t
from tests.app.helpers import CONFIDENT, real_record

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
RESULT_TIMEOUT = 600  # s: a correctness wait, not a timing goal: five cold model loads + eight Chromiums on 2 cores


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    log = open(tmp_path / "streamlit.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("streamlit did not start:\n" + (tmp_path / "streamlit.log").read_text()[-3000:])
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the server and anything it started, nothing else
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()


def _chromium(profile: Path):
    """A headless Debian Chromium driven by chromedriver, with its own profile directory."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--no-first-run", "--window-size=1600,1300", f"--user-data-dir={profile}"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
    driver.set_page_load_timeout(120)
    return driver


def _require_chromium() -> None:
    """The browser tests are mandatory: a missing Chromium is a failure, unless the run opts out explicitly."""
    if CHROMIUM.exists() and CHROMEDRIVER.exists():
        return
    if os.environ.get("SKINLENS_SKIP_BROWSER") == "1":
        pytest.skip("SKINLENS_SKIP_BROWSER=1: browser tests switched off for this run")
    pytest.fail(f"Debian chromium + chromium-driver are required for the browser tests ({CHROMIUM}, {CHROMEDRIVER} "
                "missing): apt-get install chromium chromium-driver, or set SKINLENS_SKIP_BROWSER=1 to opt out",
                pytrace=False)


@pytest.fixture
def browser(tmp_path):
    _require_chromium()
    driver = _chromium(tmp_path / "chromium-profile")
    try:
        yield driver
    finally:
        driver.quit()


def _xpath_literal(text: str) -> str:
    """`text` as an XPath 1.0 string literal: XPath has no escapes, so a text with both quote kinds uses concat()."""
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "concat(" + ", \"'\", ".join(f"'{part}'" for part in text.split("'")) + ")"


def _visible_text(driver, text: str) -> bool:
    from selenium.webdriver.common.by import By

    lit = _xpath_literal(text)
    hits = driver.find_elements(By.XPATH, f"//*[contains(normalize-space(.), {lit}) and not(*[contains(normalize-space(.), {lit})])]")
    return any(h.is_displayed() for h in hits)


def _wait_text(driver, text: str, timeout: float = RESULT_TIMEOUT) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout, poll_frequency=1).until(lambda d: _visible_text(d, text), f"'{text}' never appeared")


def _wait_idle(driver, timeout: float = RESULT_TIMEOUT) -> None:
    """Until the script run is over (Streamlit's "Running..." widget gone) and no element is stale."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def idle(d) -> bool:
        running = d.find_elements(By.CSS_SELECTOR, "[data-testid='stStatusWidget']")
        stale = d.find_elements(By.CSS_SELECTOR, "[data-stale='true']")
        return not running and not stale

    time.sleep(1)
    WebDriverWait(driver, timeout, poll_frequency=0.5).until(idle, "the app never finished its run")


def test_upload_a_real_photo_and_read_the_result(server, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    rec = real_record(*CONFIDENT)
    label = class_name(rec.label, "en")
    memo = knowledge.memo(rec.label, "en")

    browser.get(server)
    _wait_text(browser, "Analyze a skin photo", 120)
    file_input = WebDriverWait(browser, 120).until(EC.presence_of_element_located((By.CSS_SELECTOR, "input[type=file]")))
    file_input.send_keys(str(rec.path()))

    _wait_text(browser, f"Looks most like: {label}")
    _wait_text(browser, memo.summary[:60], 60)
    _wait_idle(browser)
    assert _visible_text(browser, "Top-3 differential")
    assert _visible_text(browser, memo.disclaimer[:60])
    assert browser.find_elements(By.CSS_SELECTOR, "img[alt]"), "result images need alt text"
    browser.save_screenshot(str(tmp_path / "analyze.png"))
    assert (tmp_path / "analyze.png").stat().st_size > 10_000

    # switch the whole page to Korean: labels, status and memo follow
    browser.find_element(By.XPATH, "//label[.//*[normalize-space(text())='한국어']]").click()
    _wait_text(browser, "피부 사진 분석", 120)
    _wait_text(browser, f"가장 비슷한 질환: {class_name(rec.label, 'ko')}")
    _wait_text(browser, knowledge.memo(rec.label, "ko").summary[:40])
    _wait_idle(browser)
    assert not _visible_text(browser, memo.summary[:60]), "English memo still on screen"
    browser.save_screenshot(str(tmp_path / "analyze_ko.png"))


def _select_model(driver, name: str, tries: int = 3) -> None:
    """Pick a classifier in the Analyze page's select box (options read 'name (...)'), then check the box shows it.

    Under load a click can land while the page is still re-rendering and be lost, so the choice is read back and
    retried; a box that never shows the model fails here, not ten minutes later as a missing result."""
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    box = "//*[@data-testid='stSelectbox'][.//input[@aria-label='Classifier']]"
    shown = ""
    for _ in range(tries):
        _wait_idle(driver)
        try:
            WebDriverWait(driver, 60).until(EC.element_to_be_clickable((By.XPATH, box + "//input"))).click()
            WebDriverWait(driver, 60).until(EC.element_to_be_clickable(
                (By.XPATH, f"//*[@role='option'][starts-with(normalize-space(.), {_xpath_literal(name + ' ')})]"))).click()
            _wait_idle(driver)
            shown = driver.find_element(By.XPATH, box + "//input").get_attribute("value") or ""
        except (StaleElementReferenceException, TimeoutException) as e:
            shown = f"<{type(e).__name__}>"
            continue
        if shown.startswith(name + " "):
            return
    raise AssertionError(f"the Classifier box never showed {name!r} after {tries} tries; it shows {shown!r}")


def _session(server: str, profile: Path, photo: Path, model: str, expected: list[str]) -> list[str]:
    """One user: open the app, pick a model, upload a photo; the expected texts that never appeared."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    driver = _chromium(profile)
    try:
        driver.get(server)
        _wait_text(driver, "Analyze a skin photo", RESULT_TIMEOUT)
        _select_model(driver, model)
        file_input = WebDriverWait(driver, 120).until(EC.presence_of_element_located((By.CSS_SELECTOR, "input[type=file]")))
        file_input.send_keys(str(photo))
        try:
            _wait_text(driver, f"Model {model},")
        except TimeoutException:
            box = driver.find_elements(By.XPATH, "//*[@data-testid='stSelectbox'][.//input[@aria-label='Classifier']]")
            seen = [line for line in driver.find_element(By.TAG_NAME, "body").text.splitlines() if "Model " in line]
            shown = box[0].find_element(By.TAG_NAME, "input").get_attribute("value") if box else None
            return [f"Model {model}, (the box shows {shown!r}; model lines on the page: {seen})"]
        _wait_idle(driver)
        return [text for text in expected if not _visible_text(driver, text)]
    finally:
        driver.quit()


def test_eight_browser_sessions_at_once_match_their_solo_results(server, tmp_path):
    """Eight users on one server, different photos and models at the same time: each page shows exactly what the
    same photo gives alone (status, top-3 with percentages, model), so no result leaks between sessions."""
    from concurrent.futures import ThreadPoolExecutor

    from skin_core import data, pipeline, ui_helpers

    _require_chromium()
    if not config.data_available():
        pytest.skip("shared data folder (../shared/data or SKINLENS_DATA) is absent: no real test photos")
    recs = sorted(data.select(data.read_manifest(), split="test", sources=["dermnet-11"]), key=lambda r: r.file)
    models = ui_helpers.classifier_names()
    jobs = []
    for i, rec in enumerate(recs[:: len(recs) // 8][:8]):
        model = models[i % len(models)]
        solo = pipeline.analyze(rec.path().read_bytes(), model)
        expected = [ui_helpers.status_screen(solo, "en").title, f"Model {model},"]
        if ui_helpers.shows_probabilities(solo):
            expected += [line.split(". ", 1)[1] for line in ui_helpers.top3_lines(solo, "en")]  # markdown eats "1. "
        jobs.append((rec.path(), model, expected))
    assert len({m for _, m, _ in jobs}) == len(models) and len({p for p, _, _ in jobs}) == 8
    with ThreadPoolExecutor(8) as ex:
        futures = [ex.submit(_session, server, tmp_path / f"profile-{i}", p, m, e) for i, (p, m, e) in enumerate(jobs)]
        missing = {str(jobs[i][0].name) + " / " + jobs[i][1]: f.result() for i, f in enumerate(futures)}
    assert not any(missing.values()), missing


@pytest.mark.parametrize("path, title_key", [("model_report", "report.title"), ("what_if", "whatif.title")])
def test_direct_link_to_a_page_on_a_fresh_server_opens_it(server, browser, path, title_key):
    """A shared link is the first request a cold server sees: that page opens, with no 'Page not found' dialog."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{server}/{path}")
    WebDriverWait(browser, RESULT_TIMEOUT, poll_frequency=0.5).until(
        lambda d: d.find_elements(By.TAG_NAME, "h1"), f"/{path} never rendered a page title")
    _wait_idle(browser)
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid='stDialog']"), f"/{path} opened a dialog"
    assert "Page not found" not in browser.page_source, f"/{path} shows Streamlit's 'Page not found'"
    titles = [h.text.strip() for h in browser.find_elements(By.TAG_NAME, "h1") if h.is_displayed()]
    assert titles and titles[0] == t(title_key, "en"), (path, titles)
    assert browser.current_url.rstrip("/").endswith(f"/{path}"), browser.current_url
