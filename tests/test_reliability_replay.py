"""Replay archives never serve a file outside their folder: ``../``, absolute paths and symlinks
out are refused in every layout (manifest folder, plain mirror folder, WARC), symlinks resolved.

The archives here are constructed in tmp_path; the "secret" is a constructed file beside the
archive standing for /etc/passwd, so the tests do not depend on the machine's files.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from scraper.archive import ArchiveError, ResponseArchive
from scraper.replay import ReplayMiddleware

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "scraper" / "demo" / "archive"
AKHBAR = Path(sys.executable).with_name("akhbar")
PAGE = "<html><body><h1>خبر</h1></body></html>".encode()
SECRET = b"root:x:0:0:constructed secret standing for /etc/passwd\n"


def _secret(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    secret = outside / "passwd"
    secret.write_bytes(SECRET)
    return secret


def _manifest(folder: Path, *files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ok.html").write_bytes(PAGE)
    rows = [{"url": "https://news.example/ok", "file": "ok.html"}]
    rows += [{"url": f"https://news.example/{n}", "file": file} for n, file in enumerate(files)]
    (folder / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return folder


def _refused(folder: Path) -> str:
    with pytest.raises(ArchiveError) as caught:
        ResponseArchive.open(folder)
    message = str(caught.value)
    assert "\n" not in message
    assert "outside the archive" in message
    assert "manifest.jsonl:2" in message  # the line of the bad entry
    return message


def test_manifest_entry_climbing_out_with_dot_dot_is_refused(tmp_path: Path, reliability) -> None:
    _secret(tmp_path)
    message = _refused(_manifest(tmp_path / "archive", "../outside/passwd"))
    assert "'../outside/passwd'" in message
    # The brief's own example: deep enough to reach / from anywhere.
    _refused(_manifest(tmp_path / "archive2", "../../../../../../../../../../etc/passwd"))
    reliability(scenario="replay manifest entry ../ out of the archive", inputs="2 manifests",
                result="refused at open, one-line error", lost=0)


def test_manifest_entry_hiding_dot_dot_inside_a_path_is_refused(tmp_path: Path) -> None:
    _secret(tmp_path)
    (tmp_path / "archive" / "pages").mkdir(parents=True)
    _refused(_manifest(tmp_path / "archive", "pages/../../outside/passwd"))


def test_manifest_entry_with_an_absolute_path_is_refused(tmp_path: Path, reliability) -> None:
    secret = _secret(tmp_path)
    _refused(_manifest(tmp_path / "archive", str(secret)))
    _refused(_manifest(tmp_path / "archive2", "/etc/passwd"))
    reliability(scenario="replay manifest entry with an absolute path", inputs="2 manifests",
                result="refused at open, one-line error", lost=0)


def test_manifest_entry_that_is_a_symlink_out_is_refused(tmp_path: Path, reliability) -> None:
    secret = _secret(tmp_path)
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "story.html").symlink_to(secret)
    _refused(_manifest(archive, "story.html"))
    reliability(scenario="replay manifest file that is a symlink out", inputs="1 symlink",
                result="refused at open, one-line error", lost=0)


def test_manifest_entry_under_a_symlinked_folder_out_is_refused(tmp_path: Path) -> None:
    secret = _secret(tmp_path)
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "pages").symlink_to(secret.parent, target_is_directory=True)
    _refused(_manifest(archive, "pages/passwd"))


def test_symlinks_that_stay_inside_the_archive_are_served(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    (archive / "pages").mkdir(parents=True)
    (archive / "pages" / "real.html").write_bytes(PAGE)
    (archive / "alias.html").symlink_to(archive / "pages" / "real.html")
    opened = ResponseArchive.open(_manifest(archive, "alias.html", "pages/../pages/real.html"))
    for url in ("https://news.example/0", "https://news.example/1"):
        saved = opened.get(url)
        assert saved is not None and saved.body == PAGE


def test_a_symlink_swapped_after_opening_is_refused_when_read(tmp_path: Path, reliability) -> None:
    secret = _secret(tmp_path)
    archive = _manifest(tmp_path / "archive", "story.html")
    (archive / "story.html").write_bytes(PAGE)
    opened = ResponseArchive.open(archive)
    (archive / "story.html").unlink()
    (archive / "story.html").symlink_to(secret)  # swapped once the crawl started
    with pytest.raises(ArchiveError, match="outside the archive"):
        opened.get("https://news.example/0")
    # The middleware turns it into a refused request, never a response carrying the file.
    middleware = ReplayMiddleware(opened, misses_to_network=False)
    with pytest.raises(IgnoreRequest, match="outside the archive"):
        middleware.process_request(Request("https://news.example/0"))
    assert opened.get("https://news.example/ok").body == PAGE  # other entries still served
    reliability(scenario="replay file swapped for a symlink out mid-crawl", inputs="1 swapped symlink",
                result="request refused, file not read", lost=0)


def test_mirror_folder_refuses_symlinks_and_dot_dot_out(tmp_path: Path, reliability) -> None:
    secret = _secret(tmp_path)
    mirror = tmp_path / "mirror"
    site = mirror / "news.example"
    site.mkdir(parents=True)
    (site / "story.html").write_bytes(PAGE)
    (site / "leak.html").symlink_to(secret)
    (site / "section").symlink_to(secret.parent, target_is_directory=True)
    (mirror / "evil.example").symlink_to(secret.parent, target_is_directory=True)
    archive = ResponseArchive.open(mirror)
    assert archive.get("https://news.example/story").body == PAGE
    refused = [
        "https://news.example/leak",  # file symlink out
        "https://news.example/section/passwd",  # folder symlink out
        "https://evil.example/passwd",  # a host folder that is a symlink out
        "https://news.example/../../outside/passwd",
        "https://news.example/%2e%2e/%2e%2e/outside/passwd",
        f"https://news.example/{secret}",  # an absolute path as a URL path
    ]
    for url in refused:
        assert archive.get(url) is None, url
    reliability(scenario="replay mirror folder: symlinks and ../ out", inputs=f"{len(refused)} URLs",
                result="all misses, file never read", lost=0)


def test_warc_bodies_come_only_from_the_warc(tmp_path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    secret = _secret(tmp_path)
    path = tmp_path / "pages.warc"
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        # A record whose URI climbs towards the secret: the answer is the record's own payload.
        url = f"https://news.example/../..{secret}"
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(PAGE), http_headers=headers)
        writer.write_record(record)
    archive = ResponseArchive.open(path)
    saved = archive.get(url)
    assert saved is not None and saved.body == PAGE
    assert archive.get("https://news.example/etc/passwd") is None


def _crawl(archive: Path, database: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AKHBAR_DATABASE_URL": f"sqlite:///{database}", "PYTHONPATH": str(ROOT)}
    env.pop("AKHBAR_REPLAY", None)
    return subprocess.run(
        [str(AKHBAR), "crawl", "alaraby", "--replay", str(archive)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )


def _raw_bodies(database: Path) -> list[bytes]:
    if not database.exists():
        return []
    with sqlite3.connect(database) as connection:
        return [bytes(row[0]) for row in connection.execute("SELECT body FROM raw_page")]


def test_crawl_with_a_manifest_pointing_out_stops_with_one_line_and_stores_nothing(tmp_path: Path,
                                                                                   reliability) -> None:
    secret = _secret(tmp_path)
    archive = tmp_path / "archive"
    shutil.copytree(DEMO, archive)
    target = archive / "pages" / "ruble-recovers.html"
    target.unlink()
    target.symlink_to(secret)
    database = tmp_path / "akhbar.db"
    result = _crawl(archive, database, tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("akhbar crawl: ") and "outside the archive" in lines[0]
    assert not any(SECRET in body for body in _raw_bodies(database))
    reliability(scenario="crawl --replay with a manifest symlink out", inputs="demo archive, 1 symlink",
                result="exit 2, one line, nothing stored", lost=0)


def test_crawl_of_a_mirror_with_a_symlink_out_never_stores_the_file(tmp_path: Path, reliability) -> None:
    secret = _secret(tmp_path)
    mirror = tmp_path / "mirror"
    for line in (DEMO / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        path = row["url"].removeprefix("https://")
        destination = mirror / (path if path.endswith(".xml") else f"{path}.html")
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DEMO / row["file"], destination)
    leak = mirror / "www.alaraby.com" / "news" / "ruble-recovers.html"
    leak.unlink()
    leak.symlink_to(secret)
    database = tmp_path / "akhbar.db"
    result = _crawl(mirror, database, tmp_path)
    assert "Traceback" not in result.stderr + result.stdout
    bodies = _raw_bodies(database)
    assert bodies, result.stdout + result.stderr  # the crawl ran and stored the other pages
    assert not any(SECRET in body for body in bodies)
    with sqlite3.connect(database) as connection:
        urls = {row[0] for row in connection.execute("SELECT url FROM article")}
    assert "https://www.alaraby.com/news/putin-biden-talks" in urls
    assert "https://www.alaraby.com/news/ruble-recovers" not in urls
    reliability(scenario="crawl of a mirror folder with a symlink out", inputs="demo pages as a mirror, 1 symlink",
                result="other pages stored, the file never read", lost=0)
