"""``akhbar crawl SITE --resume``: continue an interrupted run without fetching finished pages again.

A resumable run keeps a Scrapy job folder (JOBDIR) at ``jobs/SITE`` beside the SQLite database
(``data/jobs/SITE`` for a server database; ``AKHBAR_JOBS_DIR`` overrides the parent folder), with
a marker file ``akhbar-job.json`` saying whether the job is running, was stopped, or finished.

- Stopped cleanly (SIGTERM or Ctrl-C once: Scrapy finishes the pages in flight and stores them),
  Scrapy's own job state is exact: the next ``--resume`` takes the pending requests from the saved
  queue, and the saved fingerprints keep every page already requested from being asked for again.
- Killed (SIGKILL, a crash, the machine lost power), the saved queue and fingerprints may be cut
  short, so they are dropped; discovery (sitemaps, feeds, sections) runs again and the database
  decides what is finished: a page stored during this job as an article, or as a page that is not
  one, is not fetched again. Pages whose download failed are tried again.
- A finished job is started afresh by the next ``--resume``.

A crawl of a replay archive keeps the archive's fetch times, so after a kill its pages are all
read again (they cost nothing to fetch); a clean stop resumes exactly.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.job import job_dir

from scraper.storage.engine import sqlite_path

log = logging.getLogger(__name__)

MARKER = "akhbar-job.json"
RUNNING, STOPPED, FINISHED = "running", "stopped", "finished"
# Scrapy's job files that a kill can leave half written.
SCRAPY_STATE = ("requests.queue", "requests.seen", "spider.state")
SKIPPED_STAT = "akhbar/resume_skipped"


def jobs_folder(database_url: str) -> Path:
    if os.environ.get("AKHBAR_JOBS_DIR"):
        return Path(os.environ["AKHBAR_JOBS_DIR"])
    path = sqlite_path(database_url)
    return path.parent / "jobs" if path is not None else Path("data") / "jobs"


def read_marker(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_marker(folder: Path, marker: dict[str, Any]) -> None:
    temporary = folder / (MARKER + ".tmp")
    temporary.write_text(json.dumps(marker, ensure_ascii=False), encoding="utf-8")
    temporary.replace(folder / MARKER)  # never a half-written marker


def prepare_job(database_url: str, site: str) -> Path:
    """The job folder for ``site``, ready for a run: a new job, a clean resume, or a resume after a kill."""
    folder = jobs_folder(database_url) / site
    marker = read_marker(folder)
    if marker is None or marker.get("state") == FINISHED:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        marker = {"site": site, "started_at": datetime.now(UTC).isoformat(), "runs": 0}
        log.info("resumable job for %s in %s", site, folder)
    elif marker.get("state") == RUNNING:  # the last run never closed: its Scrapy state is not to be trusted
        for name in SCRAPY_STATE:
            path = folder / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
        log.warning("the last run of job %s was killed: reading discovery again, skipping pages already stored",
                    folder)
        marker["killed"] = True
    else:
        log.info("resuming the job in %s (stopped cleanly)", folder)
    marker.update(state=RUNNING, runs=int(marker.get("runs", 0)) + 1)
    _write_marker(folder, marker)
    return folder


def resume_settings(database_url: str, site: str) -> dict[str, Any]:
    """The Scrapy settings of a resumable run of ``site`` (prepares the job folder)."""
    folder = prepare_job(database_url, site)
    return {"JOBDIR": str(folder), "DUPEFILTER_CLASS": f"{__name__}.ResumeDupeFilter"}


def stored_urls(database_url: str, site: str, since: datetime) -> set[str]:
    """URLs of ``site`` this job already stored: articles seen since, and pages found not to be articles."""
    from sqlalchemy import select

    from models import Article, CrawlRun, ExtractionFailure
    from models import Site as SiteRow
    from scraper.storage.engine import make_engine

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            articles = conn.execute(
                select(Article.url).join(SiteRow, SiteRow.id == Article.site_id)
                .where(SiteRow.name == site, Article.last_seen_at >= since)
            ).scalars()
            runs = select(CrawlRun.id).where(CrawlRun.started_at >= since)
            failures = conn.execute(
                select(ExtractionFailure.url).where(
                    ExtractionFailure.crawl_run_id.in_(runs), ExtractionFailure.stage != "download"
                )
            ).scalars()
            return set(articles) | set(failures)
    finally:
        engine.dispose()


class ResumeDupeFilter(RFPDupeFilter):
    """Scrapy's duplicate filter, which after a kill also filters out the pages the job already stored."""

    crawler: Crawler | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        dupefilter = super().from_crawler(crawler)
        dupefilter.crawler = crawler
        dupefilter.folder = Path(job_dir(crawler.settings) or ".")
        dupefilter.finished_urls = set()
        return dupefilter

    def open(self) -> None:
        super().open()
        marker = read_marker(self.folder) or {}
        if not marker.get("killed") or self.crawler is None:
            return
        spider = self.crawler.spider
        site = getattr(getattr(spider, "site", None), "name", None) or getattr(spider, "name", "")
        since = datetime.fromisoformat(marker["started_at"])
        self.finished_urls = stored_urls(self.crawler.settings.get("AKHBAR_DATABASE_URL"), site, since)
        log.info("%d pages of %s already stored by this job: not fetched again", len(self.finished_urls), site)

    def request_seen(self, request: Request) -> bool:
        if request.url in self.finished_urls:
            if self.crawler is not None and self.crawler.stats is not None:
                self.crawler.stats.inc_value(SKIPPED_STAT)
            return True
        return super().request_seen(request)

    def close(self, reason: str) -> None:
        super().close(reason)
        marker = read_marker(self.folder)
        if marker is not None:
            marker.pop("killed", None)
            marker["state"] = FINISHED if reason == "finished" else STOPPED
            marker["last_reason"] = reason
            _write_marker(self.folder, marker)
