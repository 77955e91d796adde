"""The command line as a user meets it: one-line errors, Arabic JSON, the demo, Scrapy's view."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scraper.cli import main
from scraper.cli.db import parse_date

ROOT = Path(__file__).resolve().parents[1]
SEED_PAGE = ROOT / "scraper" / "demo" / "archive" / "pages" / "putin-biden-talks.html"
SEED_URL = "https://www.alaraby.com/news/putin-biden-talks"
AKHBAR = Path(sys.executable).with_name("akhbar")


def _error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    return err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"", "is empty"),
        (b"  \n\t ", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        ("مجرد نص عادي بلا وسوم".encode(), "not HTML"),
        (b'{"title": "json, not html"}', "not HTML"),
    ],
)
def test_extract_bad_input_is_one_line_and_nonzero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    page = tmp_path / "page.html"
    if content is not None:
        page.write_bytes(content)
    assert main(["extract", str(page), "--url", "https://news.example/a"]) == 2
    assert message in _error_line(capsys)


def test_extract_folder_and_bad_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(tmp_path), "--url", "https://news.example/a"]) == 2
    assert "is a folder" in _error_line(capsys)
    assert main(["extract", str(SEED_PAGE), "--url", "www.alaraby.com/x"]) == 2
    assert "not an http(s) URL" in _error_line(capsys)


def test_extract_prints_readable_arabic_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(SEED_PAGE), "--url", SEED_URL, "--fetched-at", "2024-09-19T09:30:00+00:00"]) == 0
    out = capsys.readouterr().out
    assert "\\u06" not in out  # Arabic is written as Arabic, not escaped
    record = json.loads(out)
    for key in ("url", "canonical_url", "site", "language", "title", "subtitle", "authors", "sources", "captions",
                "published_at", "published_raw", "updated_at", "section", "tags", "body", "content_hash"):
        assert key in record, key
    assert record["title"] == "وسط أزمة أوكرانيا.. بوتين وبايدن يتفقان على مزيد من المحادثات"
    assert record["site"] == "alaraby"


def test_extract_reports_a_non_article(capsys: pytest.CaptureFixture[str]) -> None:
    video = SEED_PAGE.with_name("video-kremlin-briefing.html")
    assert main(["extract", str(video), "--url", "https://www.alaraby.com/news/video-kremlin-briefing"]) == 2
    assert "is not an article" in _error_line(capsys)


def test_crawl_unknown_site_lists_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crawl", "no-such-site"]) == 2
    line = _error_line(capsys)
    assert "no site named 'no-such-site'" in line and "alaraby" in line


def test_scrapy_list_shows_the_spiders() -> None:
    scrapy = Path(sys.executable).with_name("scrapy")
    result = subprocess.run([str(scrapy), "list"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert {"alaraby", "site"} <= set(result.stdout.split())


def test_demo_crawls_the_bundled_archive_and_prints_the_table(tmp_path: Path) -> None:
    database = tmp_path / "demo.db"
    env = {**os.environ, "AKHBAR_DATABASE_URL": f"sqlite:///{database}", "COLUMNS": "200"}
    result = subprocess.run([str(AKHBAR), "demo"], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "5 articles stored" in result.stdout
    assert "1 pages dropped" in result.stdout
    assert "بوتين وبايدن يتفقان" in result.stdout
    assert "2021-12-12" in result.stdout
    assert "Reuters" in result.stdout
    assert database.exists()
    assert not (tmp_path / "data").exists()  # the configured database, not the default one


@pytest.mark.parametrize(
    "command",
    [["list"], ["show", "1"], ["export"], ["reparse"], ["db", "upgrade"], ["db", "current"], ["crawl", "alaraby"]],
)
def test_a_bad_database_url_is_one_line(capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    assert main([*command, "--database", "not-a-url"]) == 2
    assert "not a usable database URL" in _error_line(capsys)


def test_db_current_on_a_missing_file_says_so_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "sub" / "none.db"
    assert main(["db", "current", "--database", f"sqlite:///{missing}"]) == 2
    assert "no database at" in _error_line(capsys)
    assert not missing.exists() and not missing.parent.exists()


@pytest.mark.parametrize("url", ["http://[::1", "https://news.example:99999/a", "https:///a"])
def test_extract_malformed_url_is_a_url_error_not_a_verdict(capsys: pytest.CaptureFixture[str], url: str) -> None:
    assert main(["extract", str(SEED_PAGE), "--url", url]) == 2
    assert "not an http(s) URL" in _error_line(capsys)


def test_crawl_rejects_a_bad_max_articles_environment_value(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AKHBAR_MAX_ARTICLES", "many")
    assert main(["crawl", "alaraby"]) == 2
    assert "AKHBAR_MAX_ARTICLES" in _error_line(capsys)


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2024-01-31", False, datetime(2024, 1, 31, tzinfo=UTC)),
        ("2024-01-31", True, datetime(2024, 2, 1, tzinfo=UTC)),  # --until a day includes that day
        ("20240131", True, datetime(2024, 2, 1, tzinfo=UTC)),  # the basic ISO form is a day too
        ("2024-01-31T10:00+03:00", True, datetime(2024, 1, 31, 7, 0, tzinfo=UTC)),
    ],
)
def test_since_and_until_dates(text: str, end: bool, expected: datetime) -> None:
    assert parse_date(text, end=end) == expected


def test_a_bad_since_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--since", "31/01/2024"]) == 2
    assert "is not a date" in _error_line(capsys)
