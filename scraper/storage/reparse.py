"""Re-extraction: run the current extractor over archived raw pages, so a parser fix reaches the
archive without fetching anything again.

Only the latest fetch of each URL is parsed. Unchanged extractions add nothing (the writer's
revision hash); changed ones update the article and add a revision. Progress is checkpointed in
``reparse_run`` after every batch: an interrupted run with the same filters resumes there.
"""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, and_, func, select, update
from sqlalchemy.orm import Session

from models import RawPage, ReparseRun
from scraper.article import Article, CrawlItem, FetchedPage, NotAnArticle
from scraper.storage.engine import writer_engine
from scraper.storage.writer import ArticleWriter, Failure

log = logging.getLogger(__name__)

Extract = Callable[[bytes, str, datetime], Article]
Prepare = Callable[[Article], Article]  # the normalize stage the crawl applied
Check = Callable[[CrawlItem], str | None]  # the validate stage: why not to store, or None
Progress = Callable[["ReparseStatus"], None]


@dataclass(slots=True)
class ReparseStatus:
    run_id: int
    total: int  # pages this run covers (including those done before a resume)
    pages: int
    changed: int  # articles new or with a new revision
    failures: int
    resumed: bool


def _latest_pages(site: str | None, since: datetime | None) -> tuple:
    latest = select(RawPage.url, func.max(RawPage.fetched_at).label("fetched_at")).group_by(RawPage.url)
    if site:
        latest = latest.where(RawPage.site == site)
    if since:
        latest = latest.where(RawPage.fetched_at >= since.astimezone(UTC))
    latest_sub = latest.subquery()
    join = and_(RawPage.url == latest_sub.c.url, RawPage.fetched_at == latest_sub.c.fetched_at)
    return latest_sub, join


def reparse(
    engine: Engine,
    extract: Extract,
    *,
    site: str | None = None,
    since: datetime | None = None,
    prepare: Prepare | None = None,
    check: Check | None = None,
    batch_size: int = 100,
    restart: bool = False,
    progress: Progress | None = None,
) -> ReparseStatus:
    filters = json.dumps({"site": site, "since": since.isoformat() if since else None}, sort_keys=True)
    writer = ArticleWriter(engine)
    latest, join = _latest_pages(site, since)
    with Session(writer_engine(engine)) as session, session.begin():
        run = session.scalars(
            select(ReparseRun)
            .where(ReparseRun.filters == filters, ReparseRun.finished_at.is_(None))
            .order_by(ReparseRun.id.desc())
        ).first()
        resumed = run is not None and not restart
        if not resumed:
            run = ReparseRun(
                filters=filters,
                started_at=datetime.now(UTC),
                last_raw_page_id=0,
                pages=0,
                articles_changed=0,
                failures=0,
            )
            session.add(run)
            session.flush()
        assert run is not None
        status = ReparseStatus(run.id, 0, run.pages, run.articles_changed, run.failures, resumed)
        status.total = (
            status.pages
            + session.execute(
                select(func.count()).select_from(RawPage).join(latest, join).where(RawPage.id > run.last_raw_page_id)
            ).scalar_one()
        )
        last_id = run.last_raw_page_id

    while True:
        with Session(engine) as session:
            pages = session.execute(
                select(RawPage.id, RawPage.url, RawPage.status, RawPage.headers, RawPage.body, RawPage.fetched_at)
                .join(latest, join)
                .where(RawPage.id > last_id)
                .order_by(RawPage.id)
                .limit(batch_size)
            ).all()
        if not pages:
            break
        articles: list[Article] = []
        raw_ids: list[int | None] = []
        failures: list[Failure] = []
        for page in pages:
            body = zlib.decompress(page.body)
            fetched = FetchedPage(page.url, page.status, page.headers, body, page.fetched_at)
            try:
                article = extract(body, page.url, page.fetched_at)
                if prepare is not None:
                    article = prepare(article)
                problem = check(CrawlItem(fetched, article)) if check is not None else None
            except NotAnArticle as error:
                article, problem = None, str(error)
            except Exception as error:  # a parser bug on one page must not stop the archive run
                log.exception("extractor failed on %s", page.url)
                article, problem = None, f"{type(error).__name__}: {error}"
            if article is None or problem:
                failures.append(Failure(fetched, "reparse", problem or "no article"))
            else:
                articles.append(article)
                raw_ids.append(page.id)
        result = writer.store_articles(articles, raw_ids) if articles else None
        writer.store_failures(failures)
        last_id = pages[-1].id
        status.pages += len(pages)
        status.failures += len(failures)
        if result is not None:
            status.changed += result.revisions  # a new article counts its first revision
        with writer_engine(engine).begin() as connection:
            connection.execute(
                update(ReparseRun)
                .where(ReparseRun.id == status.run_id)
                .values(
                    last_raw_page_id=last_id,
                    pages=status.pages,
                    articles_changed=status.changed,
                    failures=status.failures,
                )
            )
        if progress is not None:
            progress(status)

    with writer_engine(engine).begin() as connection:
        connection.execute(
            update(ReparseRun).where(ReparseRun.id == status.run_id).values(finished_at=datetime.now(UTC))
        )
    return status
