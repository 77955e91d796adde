"""The replay archive and middleware: saved responses answer requests, misses never reach the network."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from scraper.archive import ArchiveError, ResponseArchive
from scraper.replay import FETCHED_AT_HEADER, ReplayMiddleware

DEMO = Path(__file__).resolve().parents[1] / "scraper" / "demo" / "archive"
PAGE = "<html><body><h1>خبر</h1></body></html>".encode()


def _manifest_archive(tmp_path: Path) -> Path:
    (tmp_path / "a.html").write_bytes(PAGE)
    row = {
        "url": "https://news.example/story?b=2&a=1",
        "file": "a.html",
        "status": 200,
        "headers": {"Content-Type": "text/html; charset=utf-8"},
        "fetched_at": "2024-09-19T09:30:00+00:00",
    }
    (tmp_path / "manifest.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    return tmp_path


def test_manifest_lookup_ignores_query_order_and_fragment(tmp_path: Path) -> None:
    archive = ResponseArchive.open(_manifest_archive(tmp_path))
    saved = archive.get("https://news.example/story?a=1&b=2#comments")
    assert saved is not None
    assert saved.body == PAGE
    assert saved.fetched_at == datetime(2024, 9, 19, 9, 30, tzinfo=UTC)
    assert archive.get("https://news.example/other") is None


def test_mirror_folder_layout(tmp_path: Path) -> None:
    root = tmp_path / "mirror"
    (root / "news.example" / "section").mkdir(parents=True)
    (root / "news.example" / "section" / "index.html").write_bytes(PAGE)
    (root / "news.example" / "story.html").write_bytes(PAGE)
    (tmp_path / "outside.html").write_bytes(b"not in the archive")  # exists, but outside the mirror
    archive = ResponseArchive.open(root)
    assert archive.get("https://news.example/section/") is not None
    assert archive.get("https://news.example/story") is not None
    assert archive.get("https://news.example/../../outside.html") is None


def test_warc_archive(tmp_path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "pages.warc.gz"
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url in ("https://news.example/one", "https://news.example/two"):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(PAGE + url.encode()),
                                               http_headers=headers)
            writer.write_record(record)
    archive = ResponseArchive.open(path)
    assert len(archive) == 2
    saved = archive.get("https://news.example/two")
    assert saved is not None and saved.body.endswith(b"/two")
    assert saved.status == 200


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        ("not json\n", "not a manifest row"),
        ('{"url": "https://x.example/", "file": "missing.html"}\n', "missing from the archive"),
    ],
)
def test_bad_archives_give_one_line_reasons(tmp_path: Path, content: str | None, message: str) -> None:
    target = tmp_path / "nowhere"
    if content is not None:
        target = tmp_path
        (tmp_path / "manifest.jsonl").write_text(content, encoding="utf-8")
    with pytest.raises(ArchiveError, match=message):
        ResponseArchive.open(target)


def test_middleware_is_off_without_the_setting() -> None:
    with pytest.raises(NotConfigured):
        ReplayMiddleware.from_crawler(get_crawler(settings_dict={"AKHBAR_REPLAY": ""}))


def test_middleware_answers_from_the_demo_archive_and_404s_misses() -> None:
    middleware = ReplayMiddleware.from_crawler(get_crawler(settings_dict={"AKHBAR_REPLAY": str(DEMO)}))
    response = middleware.process_request(Request("https://www.alaraby.com/news/putin-biden-talks"))
    assert isinstance(response, HtmlResponse)
    assert response.status == 200
    assert "بوتين وبايدن" in response.text
    assert response.headers[FETCHED_AT_HEADER] == b"2024-09-19T09:30:00+00:00"
    miss = middleware.process_request(Request("https://www.alaraby.com/robots.txt"))
    assert miss is not None and miss.status == 404
    assert miss.headers["X-Akhbar-Replay"] == b"miss"


def test_misses_can_go_to_the_network_when_asked() -> None:
    settings = {"AKHBAR_REPLAY": str(DEMO), "AKHBAR_REPLAY_MISSES": "network"}
    middleware = ReplayMiddleware.from_crawler(get_crawler(settings_dict=settings))
    assert middleware.process_request(Request("https://www.alaraby.com/not-saved")) is None


def test_a_manifest_time_without_a_zone_is_utc_and_a_bad_one_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_bytes(PAGE)
    row = {"url": "https://news.example/story", "file": "a.html", "fetched_at": "2024-09-19T09:30:00"}
    (tmp_path / "manifest.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    saved = ResponseArchive.open(tmp_path).get("https://news.example/story")
    assert saved is not None and saved.fetched_at == datetime(2024, 9, 19, 9, 30, tzinfo=UTC)
    row["fetched_at"] = "yesterday"
    (tmp_path / "manifest.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(ArchiveError, match="not a manifest row"):
        ResponseArchive.open(tmp_path)
