"""The web reader in a real browser: headless Chromium driven by Selenium, on the demo archive.

Screenshots go to test-output/ for a person to look at. Skipped (saying so) only where Chromium
or its driver is not installed; .ci/run installs them.
"""

from __future__ import annotations

import subprocess
import urllib.parse
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from tests.support.web_server import AKHBAR, serve

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
OUTPUT = Path(__file__).resolve().parent.parent / "test-output"

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="browser tests skipped: /usr/bin/chromium and /usr/bin/chromedriver are not installed "
    "(apt-get install -y chromium chromium-driver)",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``akhbar serve`` on the demo archive (``akhbar demo`` into a fresh database)."""
    database = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'akhbar.db'}"
    subprocess.run([*AKHBAR, "demo", "--database", database], check=True, capture_output=True, timeout=300)
    yield from serve(database)


@pytest.fixture(scope="module")
def story_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``akhbar serve`` on a constructed archive: one story printed by two outlets, one article edited,
    one article whose stored text holds markup."""
    from scraper.article import CrawlItem
    from scraper.storage.engine import make_engine
    from scraper.storage.migrate import upgrade
    from scraper.storage.synthetic import _PROSE, make_page
    from scraper.storage.writer import ArticleWriter
    from tests.test_query_search import ARCHIVE, T0, article
    from tests.test_web_api import HOSTILE

    database = f"sqlite:///{tmp_path_factory.mktemp('story') / 'akhbar.db'}"
    engine = make_engine(database)
    upgrade(engine)
    url = "https://www.annahar.com/arabic/11"
    first = article(10, "قمة المناخ تنطلق في القاهرة", _PROSE)
    copy = article(11, first.title, _PROSE + "\n\nوأضاف مصدر أن القمة ستستمر ثلاثة أيام.", site="annahar",
                   url=url, canonical_url=url)  # fmt: skip
    edited = replace(first, title="قمة المناخ تنطلق غدا في القاهرة", fetched_at=T0 + timedelta(days=30))
    with ArticleWriter(engine, worker=False) as writer:
        writer.store([CrawlItem(make_page(a), a) for a in [*ARCHIVE, first, HOSTILE]])
        writer.store([CrawlItem(make_page(copy), copy)])
        writer.store([CrawlItem(make_page(edited), edited)])
    engine.dispose()
    yield from serve(database)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1200,1400",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    OUTPUT.mkdir(exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


def _screenshot(driver: object, name: str) -> None:
    """The whole page, not just the window, so a person sees captions, timeline and diffs too."""
    height = driver.execute_script("return document.documentElement.scrollHeight")  # type: ignore[attr-defined]
    driver.set_window_size(1200, max(800, min(int(height) + 40, 6000)))  # type: ignore[attr-defined]
    driver.save_screenshot(str(OUTPUT / name))  # type: ignore[attr-defined]
    driver.set_window_size(1200, 1400)  # type: ignore[attr-defined]


def _drain(driver: object) -> None:
    """Forget console entries of earlier pages (the driver is shared by the module's tests)."""
    driver.get_log("browser")  # type: ignore[attr-defined]


def _navigated(driver: object, act: object) -> None:
    """Do ``act()`` (a click, an Enter in a form) and wait until its page has replaced this one:
    the browser navigates asynchronously, and elements found meanwhile are the old page's."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.expected_conditions import staleness_of
    from selenium.webdriver.support.wait import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "html")  # type: ignore[attr-defined]
    act()  # type: ignore[operator]
    WebDriverWait(driver, 15).until(staleness_of(old))
    WebDriverWait(driver, 15).until(
        lambda d: d.execute_script("return document.readyState") == "complete" and d.find_elements(By.TAG_NAME, "html")
    )


def _console_errors(driver: object) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]  # type: ignore[attr-defined]


def test_search_open_article_and_stats(server: str, browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = browser
    _drain(driver)
    driver.get(server + "/")  # type: ignore[attr-defined]
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"  # type: ignore[attr-defined]
    assert len(driver.find_elements(By.CSS_SELECTOR, "li.result")) == 5  # type: ignore[attr-defined]  # newest first
    _screenshot(driver, "home.png")
    assert _console_errors(driver) == []
    box = driver.find_element(By.NAME, "q")  # type: ignore[attr-defined]
    _navigated(driver, lambda: box.send_keys("بوتين" + Keys.ENTER))
    results = driver.find_elements(By.CSS_SELECTOR, "li.result")  # type: ignore[attr-defined]
    assert len(results) >= 1
    assert all(r.find_elements(By.TAG_NAME, "mark") for r in results)  # the word is highlighted
    assert "هـ" in results[0].find_element(By.CLASS_NAME, "hijri").text
    # the text really runs right to left: the title's right edge is at the column's right edge
    title = results[0].find_element(By.CSS_SELECTOR, "h2")
    assert driver.execute_script("return getComputedStyle(arguments[0]).direction", title) == "rtl"  # type: ignore[attr-defined]
    _screenshot(driver, "search-putin.png")
    assert _console_errors(driver) == []

    _navigated(driver, results[0].find_element(By.CSS_SELECTOR, "h2 a").click)
    heading = driver.find_element(By.TAG_NAME, "h1").text  # type: ignore[attr-defined]
    assert "بوتين" in heading
    captions = driver.find_elements(By.CSS_SELECTOR, ".captions figcaption")  # type: ignore[attr-defined]
    assert captions and captions[0].text.strip()
    assert driver.find_element(By.CSS_SELECTOR, ".facts .sources").text.strip()  # type: ignore[attr-defined]
    assert "هـ" in driver.find_element(By.CSS_SELECTOR, ".facts .hijri").text  # type: ignore[attr-defined]
    assert driver.find_elements(By.CSS_SELECTOR, ".body h2")  # type: ignore[attr-defined]  # sub-headings kept
    _screenshot(driver, "article.png")
    assert _console_errors(driver) == []

    _navigated(driver, driver.find_element(By.LINK_TEXT, "الإحصاءات").click)  # type: ignore[attr-defined]
    svg = driver.find_element(By.CSS_SELECTOR, "svg.chart")  # type: ignore[attr-defined]
    bars = svg.find_elements(By.CSS_SELECTOR, "rect.bar")
    assert len(bars) >= 1 and all(float(b.get_attribute("height")) > 0 for b in bars)
    assert svg.size["width"] > 300
    _screenshot(driver, "stats.png")
    assert _console_errors(driver) == []


@pytest.mark.parametrize(
    "path", ["/", "/?q=بوتين", "/?q=NOT", "/?q=بوتين&collapse=1&sort=oldest&has_caption=1", "/articles/1",
             "/stats", "/stats?q=بوتين&from=2021-12-01&to=1443-06-01h", "/articles/999999", "/no-such-page"]
)  # fmt: skip
def test_no_console_errors_on_any_page(server: str, browser: object, path: str) -> None:
    driver = browser
    _drain(driver)
    driver.get(server + path)  # type: ignore[attr-defined]
    errors = _console_errors(driver)
    # An error page answers 400/404 by design; the browser logs that status, nothing else may appear.
    assert [e for e in errors if "the server responded with a status of" not in e] == []
    assert driver.find_element("tag name", "html").get_attribute("dir") == "rtl"  # type: ignore[attr-defined]


def test_each_bad_query_in_the_reader(server: str, browser: object) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    from tests.test_query_bad_input import BAD

    driver = browser
    for bad in BAD:
        _drain(driver)
        if len(bad.query) < 100:  # typed into the search box, as a person would
            driver.get(server + "/")  # type: ignore[attr-defined]
            box = driver.find_element(By.NAME, "q")  # type: ignore[attr-defined]
            box.send_keys(bad.query)
            _navigated(driver, box.submit)
        else:  # the box stops typing at 500 characters; a pasted link has no such limit
            driver.get(server + "/?" + urllib.parse.urlencode({"q": bad.query}))  # type: ignore[attr-defined]
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl", bad.name  # type: ignore[attr-defined]
        assert driver.find_elements(By.CSS_SELECTOR, "form.search"), bad.name  # type: ignore[attr-defined]
        if bad.error:
            assert bad.error in driver.find_element(By.CSS_SELECTOR, ".error").text, bad.name  # type: ignore[attr-defined]
        else:
            assert driver.find_element(By.CSS_SELECTOR, "p.count").text, bad.name  # type: ignore[attr-defined]
        assert "Traceback" not in driver.page_source  # type: ignore[attr-defined]
        with pytest.raises(NoAlertPresentException):
            driver.switch_to.alert.accept()  # type: ignore[attr-defined]  # no script ran
        errors = [e for e in _console_errors(driver) if "the server responded with a status of 400" not in e]
        assert errors == [], bad.name
    driver.get(server + "/?q=بوتين")  # type: ignore[attr-defined]
    assert len(driver.find_elements(By.CSS_SELECTOR, "li.result")) == 2  # type: ignore[attr-defined]  # archive intact


def test_stored_markup_shows_as_text(story_server: str, browser: object) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    driver = browser
    _drain(driver)
    driver.get(story_server + "/?q=بوتين&source=Reuters")  # type: ignore[attr-defined]
    link = next(a for a in driver.find_elements(By.CSS_SELECTOR, "li.result h2 a") if "script" in a.text)  # type: ignore[attr-defined]
    assert link.text == "<script>alert(1)</script> عنوان"
    _navigated(driver, link.click)
    assert driver.find_element(By.TAG_NAME, "h1").text == "<script>alert(1)</script> عنوان"  # type: ignore[attr-defined]
    assert driver.find_element(By.CSS_SELECTOR, ".body p").text == "نص <img src=x onerror=alert(2)> بوتين"  # type: ignore[attr-defined]
    assert driver.find_elements(By.CSS_SELECTOR, ".body img") == []  # type: ignore[attr-defined]
    assert driver.find_element(By.CSS_SELECTOR, ".captions figcaption").text.startswith("<b>صورة</b>")  # type: ignore[attr-defined]
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.accept()  # type: ignore[attr-defined]
    assert _console_errors(driver) == []


def test_story_timeline_and_revision_diff(story_server: str, browser: object) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    _drain(driver)
    driver.get(story_server + "/?q=المناخ&collapse=1")  # type: ignore[attr-defined]
    results = driver.find_elements(By.CSS_SELECTOR, "li.result")  # type: ignore[attr-defined]
    assert len(results) == 1 and "2 نسخ" in results[0].text  # one row for the story, two copies
    driver.get(story_server + "/?q=المناخ&sort=oldest")  # type: ignore[attr-defined]
    _navigated(driver, driver.find_element(By.CSS_SELECTOR, "li.result h2 a").click)  # type: ignore[attr-defined]
    timeline = driver.find_elements(By.CSS_SELECTOR, ".timeline > ol > li")  # type: ignore[attr-defined]
    assert [("first" in (li.get_attribute("class") or "")) for li in timeline] == [True, False]
    assert "alaraby" in timeline[0].text and "annahar" in timeline[1].text  # in order of publication
    assert "كلمات مضافة 7" in timeline[1].text  # the copy added one sentence of 7 words
    changes = timeline[1].find_elements(By.CSS_SELECTOR, ".changes li")
    assert [c.text for c in changes] == ["أضافت: وأضاف مصدر أن القمة ستستمر ثلاثة أيام."]
    assert "added" in (changes[0].get_attribute("class") or "")
    added = driver.find_elements(By.CSS_SELECTOR, ".revisions .diff .added")  # type: ignore[attr-defined]
    removed = driver.find_elements(By.CSS_SELECTOR, ".revisions .diff .removed")  # type: ignore[attr-defined]
    assert [e.text for e in added] == ["+ [title] قمة المناخ تنطلق غدا في القاهرة"]
    assert [e.text for e in removed] == ["− [title] قمة المناخ تنطلق في القاهرة"]
    _screenshot(driver, "article-story-revisions.png")
    assert _console_errors(driver) == []
    driver.get(story_server + "/?q=NOT&source=AFP")  # type: ignore[attr-defined]
    assert "NOT" in driver.find_element(By.CSS_SELECTOR, ".error").text  # type: ignore[attr-defined]
    assert driver.find_element(By.CSS_SELECTOR, "details.filters").get_attribute("open") is not None  # type: ignore[attr-defined]
    _screenshot(driver, "search-error-filters.png")
