"""The scrapyd walk-through of docs/operations.md, as a user follows it: start scrapyd, deploy with
scrapyd-deploy, schedule a crawl over the HTTP API, and find its articles in the database.

scrapyd runs on 127.0.0.1 on a free port; the crawl replays the bundled (constructed) demo archive.
The project is copied to a temporary folder first, since scrapyd-deploy builds its egg in place.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

import models

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PROJECT_FILES = ("scrapy.cfg", "setup.py", "pyproject.toml", "README.md", "settings.py", "models.py", "scraper",
                 "pipelines")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _api(base: str, action: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(f"{base}/{action}", data=body, timeout=30) as response:
        return json.loads(response.read())


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="scrapyd runs the egg zipped; akhbar reads its YAML data and Alembic "
                   "migrations from files (known limitation, docs/operations.md)")
def test_deploy_to_scrapyd_and_run_a_replay_crawl(tmp_path: Path) -> None:
    if not (BIN / "scrapyd").exists() or not (BIN / "scrapyd-deploy").exists():
        pytest.skip("scrapyd and scrapyd-client are not installed (pip install -e '.[dev]')")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = tmp_path / "scrapyd"
    server.mkdir()
    (server / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = eggs\nlogs_dir = logs\n"
        "dbs_dir = dbs\nitems_dir =\nmax_proc = 1\npoll_interval = 0.5\n", encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, project / name)
    config = project / "scrapy.cfg"  # the walk-through's only change: the address scrapyd listens on
    config.write_text(config.read_text(encoding="utf-8").replace("http://127.0.0.1:6800/", f"{base}/"),
                      encoding="utf-8")

    daemon = subprocess.Popen([str(BIN / "scrapyd")], cwd=server, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(120):
            try:
                assert _api(base, "daemonstatus.json")["status"] == "ok"
                break
            except OSError:
                time.sleep(0.25)
        deploy = subprocess.run([str(BIN / "scrapyd-deploy"), "local", "-p", "akhbar", "--version", "1"],
                                cwd=project, capture_output=True, text=True, timeout=120)
        assert deploy.returncode == 0, deploy.stderr[-3000:]
        assert '"status": "ok"' in deploy.stdout + deploy.stderr
        spiders = _api(base, "listspiders.json?project=akhbar")["spiders"]
        assert "alaraby" in spiders and "site" in spiders

        database = f"sqlite:///{tmp_path / 'akhbar.db'}"
        archive = ROOT / "scraper" / "demo" / "archive"
        job = _api(base, "schedule.json", [
            ("project", "akhbar"), ("spider", "alaraby"),
            ("setting", f"AKHBAR_DATABASE_URL={database}"), ("setting", f"AKHBAR_REPLAY={archive}"),
            ("setting", "DOWNLOAD_DELAY=0"), ("setting", "AUTOTHROTTLE_ENABLED=False"),
        ])
        assert job["status"] == "ok", job
        for _ in range(240):
            jobs = _api(base, "listjobs.json?project=akhbar")
            if any(j["id"] == job["jobid"] for j in jobs["finished"]):
                break
            time.sleep(0.25)
        else:
            pytest.fail(f"the scrapyd job did not finish: {jobs}")
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)
    engine = create_engine(database)
    with engine.connect() as conn:
        (run,) = conn.execute(select(models.CrawlRun)).mappings().all()
        articles = conn.execute(select(models.Article.canonical_url)).scalars().all()
    engine.dispose()
    assert (run["spider"], run["finish_reason"], run["articles_stored"]) == ("alaraby", "finished", 5)
    assert len(articles) == 5 and all(url.startswith("https://www.alaraby.com/news/") for url in articles)
    log = next((server / "logs" / "akhbar" / "alaraby").glob("*.log")).read_text(encoding="utf-8")
    assert "crawl done:" not in log and "(finished)" in log  # the progress summary, as log lines
