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
CLASSIFIER_BOX = "//*[@data-testid='stSelectbox'][.//input[@aria-label='Classifier']]"  # the Analyze page's model box
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


def _chromium(profile: Path, *extra: str):
    """A headless Debian Chromium driven by chromedriver, with its own profile directory (and `extra` switches)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--no-first-run", "--window-size=1600,1300", f"--user-data-dir={profile}",
                # as Puppeteer does: no throttling of a page Chromium thinks is in the background (all headless ones)
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows", "--disable-ipc-flooding-protection", *extra):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
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


def _app_idle(driver) -> bool:
    """No script run going or asked for, connected, and no element stale.

    Reads the app root's script state, which the front end sets to 'rerunRequested' the moment a widget changes;
    Streamlit's "Running..." widget appears only after a delay, so a page can look idle while a rerun is on its way
    (an upload sent then can be lost)."""
    from selenium.webdriver.common.by import By

    root = driver.find_elements(By.CSS_SELECTOR, "[data-testid='stApp']")
    if not root or root[0].get_attribute("data-test-script-state") != "notRunning":
        return False
    if root[0].get_attribute("data-test-connection-state") != "CONNECTED":
        return False
    return not driver.find_elements(By.CSS_SELECTOR, "[data-stale='true']")


def _wait_idle(driver, timeout: float = RESULT_TIMEOUT) -> None:
    """Until the script run is over (see `_app_idle`)."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    time.sleep(0.5)
    WebDriverWait(driver, timeout, poll_frequency=0.5, ignored_exceptions=(StaleElementReferenceException,)).until(
        _app_idle, "the app never finished its run")


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

    shown = ""
    for _ in range(tries):
        _wait_idle(driver)
        try:
            WebDriverWait(driver, 60).until(EC.element_to_be_clickable((By.XPATH, CLASSIFIER_BOX + "//input"))).click()
            WebDriverWait(driver, 60).until(EC.element_to_be_clickable(
                (By.XPATH, f"//*[@role='option'][starts-with(normalize-space(.), {_xpath_literal(name + ' ')})]"))).click()
            _wait_idle(driver)
            shown = driver.find_element(By.XPATH, CLASSIFIER_BOX + "//input").get_attribute("value") or ""
        except (StaleElementReferenceException, TimeoutException) as e:
            shown = f"<{type(e).__name__}>"
            continue
        if shown.startswith(name + " "):
            return
    raise AssertionError(f"the Classifier box never showed {name!r} after {tries} tries; it shows {shown!r}")


def _page_state(driver) -> str:
    """What the page shows, for a failure message: the model box, alerts, file chips, script state, text, console."""
    from selenium.webdriver.common.by import By

    def texts(css: str) -> list[str]:
        return [e.text.strip()[:200] for e in driver.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]

    box = driver.find_elements(By.XPATH, CLASSIFIER_BOX)
    shown = box[0].find_element(By.TAG_NAME, "input").get_attribute("value") if box else None
    main = driver.find_elements(By.CSS_SELECTOR, "[data-testid='stMain']")
    body = (main[0] if main else driver.find_element(By.TAG_NAME, "body")).text.splitlines()
    return (f"box {shown!r}; alerts {texts('[data-testid=stAlert], [data-testid=stException]')}; "
            f"file chips {texts('[data-testid=stFileChip]')}; "
            f"script {[r.get_attribute('data-test-script-state') for r in driver.find_elements(By.CSS_SELECTOR, '[data-testid=stApp]')]}; "
            f"page {body[:25]}; console {_console(driver)[-8:]}")


def _console(driver) -> list[str]:
    """The page's console messages so far (warnings and errors), for failure messages."""
    try:
        return [e["message"][:300] for e in driver.get_log("browser") if e.get("level") in ("WARNING", "SEVERE")]
    except Exception as err:  # a driver without the log endpoint: say so rather than hide the real failure
        return [f"<no console log: {type(err).__name__}>"]


def _wait_result(driver, model: str, idle_grace: float = 90) -> str | None:
    """Wait for the result line 'Model NAME,'; None when it shows, else what the page shows instead.

    Gives up early (with the page's state) on an error on screen, or when the page has sat idle for `idle_grace`
    seconds with no result: a lost upload or a failed run is reported at once, not after RESULT_TIMEOUT."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    start = idle_since = time.time()
    while time.time() - start < RESULT_TIMEOUT:
        try:
            if _visible_text(driver, f"Model {model},"):
                return None
            if driver.find_elements(By.CSS_SELECTOR, "[data-testid=stException]"):
                return "an exception on the page: " + _page_state(driver)
            running = not _app_idle(driver)
        except StaleElementReferenceException:
            running = True
        if running:
            idle_since = time.time()
        elif time.time() - idle_since > idle_grace:
            return f"idle for {idle_grace:.0f} s with no result: " + _page_state(driver)
        time.sleep(1)
    return f"no result after {RESULT_TIMEOUT} s: " + _page_state(driver)


def _upload(driver, photo: Path, model: str, tries: int = 3) -> str | None:
    """Give the uploader the photo, then check it took (its file chip, or the result, shows); None when it did.

    With eight Chromiums starving two cores, a file handed to the input can vanish without a chip or a run (seen
    on an idle page, box already set); a person would drop it again, so this does, up to `tries` times."""
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    def took(d) -> bool:
        return bool(d.find_elements(By.CSS_SELECTOR, "[data-testid='stFileChip']")) or _visible_text(d, f"Model {model},")

    for _ in range(tries):
        _wait_idle(driver)
        try:
            file_input = WebDriverWait(driver, 120).until(EC.presence_of_element_located(
                (By.CSS_SELECTOR, "[data-testid='stFileUploader'] input[type=file]")))
            driver.execute_script("arguments[0].value = '';", file_input)  # the same file again must be a change
            file_input.send_keys(str(photo))
            WebDriverWait(driver, 60, poll_frequency=0.5, ignored_exceptions=(StaleElementReferenceException,)).until(took)
            return None
        except (StaleElementReferenceException, TimeoutException):
            print(f"{model}: the uploader did not take {photo.name}; dropping it again")
            continue
    return f"the uploader never took the photo in {tries} tries: " + _page_state(driver)


def _session(server: str, profile: Path, photo: Path, model: str, expected: list[str]) -> list[str]:
    """One user: open the app, pick a model, upload a photo; the expected texts that never appeared."""
    driver = _chromium(profile)
    try:
        driver.get(server)
        _wait_text(driver, "Analyze a skin photo", RESULT_TIMEOUT)
        _select_model(driver, model)
        problem = _upload(driver, photo, model) or _wait_result(driver, model)
        if problem:
            driver.save_screenshot(str(profile.parent / f"{profile.name}-failed.png"))
            return [f"Model {model}, ({problem})"]
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
    if any(missing.values()):
        log = (tmp_path / "streamlit.log").read_text(errors="replace")[-4000:]
        pytest.fail(f"{missing}\nserver log (end):\n{log}", pytrace=False)


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


def test_the_analyze_pages_own_url_opens_it_at_the_root(server, browser):
    """/analyze, named like the other pages' URLs, is typed or shared too: it opens the analyze page (served at the
    root URL), with no 'Page not found' dialog, and the sidebar still lists the five pages only."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{server}/analyze?lang=ko")
    WebDriverWait(browser, RESULT_TIMEOUT, poll_frequency=0.5).until(
        lambda d: [h for h in d.find_elements(By.TAG_NAME, "h1") if h.text.strip() == t("analyze.title", "ko")],
        "/analyze never showed the analyze page")
    _wait_idle(browser)
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid='stDialog']"), "/analyze opened a dialog"
    assert "Page not found" not in browser.page_source
    assert "/analyze" not in browser.current_url and "lang=ko" in browser.current_url, browser.current_url
    links = [a.text.strip().split("\n")[-1] for a in browser.find_elements(By.CSS_SELECTOR, "[data-testid='stSidebar'] a")]
    assert links.count(t("nav.analyze", "ko")) == 1 and len(links) == 5, links


def test_streamlits_own_uploader_and_camera_words_are_korean_in_korean(server, tmp_path):
    """Streamlit writes "Upload", "Take Photo" and "Clear photo" in English only; in Korean the page shows the i18n
    table's words in their place (ui_helpers.widget_words_css) and hides the English size line the label repeats."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _require_chromium()
    driver = _chromium(tmp_path / "profile", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream")

    def after(css: str) -> str:
        el = WebDriverWait(driver, 120, poll_frequency=0.5).until(lambda d: d.find_element(By.CSS_SELECTOR, css))
        return driver.execute_script("return getComputedStyle(arguments[0], '::after').content", el).strip('"')

    try:
        browse = "[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] p"
        driver.get(server)
        assert after(browse) in ("none", "")  # English: Streamlit's own word, untouched
        driver.get(f"{server}/?lang=ko")
        WebDriverWait(driver, 120, poll_frequency=0.5).until(lambda d: after(browse) == t("input.browse_button", "ko"))
        assert not driver.find_element(By.CSS_SELECTOR, "[data-testid='stFileUploaderDropzoneInstructions']").is_displayed()
        driver.find_element(By.XPATH, f"//*[text()={_xpath_literal(t('input.camera', 'ko'))}]").click()
        shot = "button[data-testid='stCameraInputButton']"
        WebDriverWait(driver, 120, poll_frequency=0.5).until(lambda d: after(shot) == t("input.take_button", "ko"))
        driver.find_element(By.CSS_SELECTOR, shot).click()
        WebDriverWait(driver, 120, poll_frequency=0.5).until(lambda d: after(shot) == t("input.clear_button", "ko"))
    finally:
        driver.quit()


def test_sidebar_lists_only_the_pages_from_the_first_paint_of_a_fresh_server(server, browser):
    """A fresh server's first run used to list every file in pages/ (`_ui.py`, the entry script) until
    st.navigation took over; the sidebar must only ever show the five pages, in the app's words."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    titles = {t(f"nav.{k}", "en") for k in ("analyze", "what_if", "model_report", "conditions", "about")}
    seen: set[str] = set()
    browser.get(server)
    deadline = time.time() + 60
    while time.time() < deadline and not titles <= seen:
        for link in browser.find_elements(By.CSS_SELECTOR, "[data-testid='stSidebar'] a"):
            try:
                seen.add(link.text.strip().split("\n")[-1])  # a page link's text is "<icon name>\n<title>"
            except StaleElementReferenceException:
                pass
        time.sleep(0.05)
    _wait_idle(browser)
    for link in browser.find_elements(By.CSS_SELECTOR, "[data-testid='stSidebar'] a"):
        seen.add(link.text.strip().split("\n")[-1])
    assert seen == titles, seen
