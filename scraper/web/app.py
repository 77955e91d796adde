"""The FastAPI application: a read-only JSON API under /api and server-rendered reader pages.

Nothing here writes: SQLite connections are ``query_only``, PostgreSQL sessions read-only.
No CORS headers are sent (browsers keep other origins out), and every error is JSON (API) or a
page (reader) with a one-line message, never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Connection, Engine, event, select
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from models import Site
from scraper.query import snippets
from scraper.query.detail import article_detail
from scraper.query.display import hijri_label, local_label
from scraper.query.filters import SORTS, FilterError, Filters, parse_bound
from scraper.query.search import MAX_PAGE, search
from scraper.query.stats import stats
from scraper.query.syntax import MAX_QUERY_CHARS, QueryError
from scraper.storage.engine import make_engine
from scraper.web.charts import per_day_svg

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
# uvicorn's HTTP parser (h11) refuses a request head over 16 KB with a bare plain-text 400; a pasted
# 100 KB query, percent-encoded, is 300 KB. Heads up to this size reach the app and get its message.
MAX_REQUEST_HEAD = 1024 * 1024
# Longer than any query we accept, so an over-long one reaches the parser and gets its message.
_MAX_PARAM = MAX_REQUEST_HEAD


# Parameter types (module level: FastAPI resolves the annotations by name).
Text = Annotated[str | None, Query(max_length=_MAX_PARAM)]
Short = Annotated[str | None, Query(max_length=500)]
Sites = Annotated[list[str] | None, Query(max_length=50)]
From = Annotated[str | None, Query(alias="from", max_length=40, description="2021-12-01 or 1443-05-01h")]
To = Annotated[str | None, Query(alias="to", max_length=40)]
Updated = Annotated[str | None, Query(max_length=40)]
Cursor = Annotated[str | None, Query(max_length=1000)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Sort = Annotated[str | None, Query(description=" | ".join(SORTS))]


class NotFound(LookupError):
    pass


def read_only_engine(url: str) -> Engine:
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _query_only(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA query_only = ON")
    elif engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _read_only(dbapi_connection: Any, _record: Any) -> None:
            autocommit = dbapi_connection.autocommit
            dbapi_connection.autocommit = True
            dbapi_connection.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            dbapi_connection.autocommit = autocommit

    return engine


def create_app(database_url: str) -> FastAPI:
    engine = read_only_engine(database_url)
    app = FastAPI(
        title="akhbar",
        summary="Read-only search over an archive of Arabic news",
        version="1",
        docs_url=None,  # the interactive docs load scripts from a CDN; /openapi.json is the document
        redoc_url=None,
    )
    app.state.engine = engine
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(local_label=local_label, hijri_label=hijri_label, to_html=snippets.to_html)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @contextmanager
    def connection() -> Iterator[Connection]:
        with engine.connect() as conn:
            yield conn

    def wants_html(request: Request) -> bool:
        return not request.url.path.startswith("/api") and request.url.path != "/openapi.json"

    def error(request: Request, status: int, message: str) -> Any:
        if wants_html(request):
            return templates.TemplateResponse(
                request, "error.html", {"message": message, "status": status}, status_code=status
            )
        return JSONResponse({"error": message, "status": status}, status_code=status)

    @app.exception_handler(QueryError)
    @app.exception_handler(FilterError)
    async def _bad_input(request: Request, exc: Exception) -> Any:
        return error(request, 400, str(exc))

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: Exception) -> Any:
        return error(request, 404, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Any:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg', 'invalid')}"
            for e in exc.errors()
        )
        return error(request, 422, problems or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Any:
        message = "no such page" if exc.status_code == 404 else str(exc.detail)
        return error(request, exc.status_code, message)

    @app.exception_handler(SQLAlchemyError)
    async def _database(request: Request, exc: Exception) -> Any:
        log.error("database error: %s", str(exc).splitlines()[0])
        return error(request, 503, "the database could not answer; try again, or check the server's log")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Any:
        log.exception("unexpected error on %s", request.url.path)
        return error(request, 500, "internal error: the server's log has the details")

    # -- parameters shared by search and stats ------------------------------------------------

    def filters_of(
        site: list[str] | None, country: str | None, source: str | None, author: str | None,
        section: str | None, tag: str | None, language: str | None, date_from: str | None,
        date_to: str | None, has_caption: bool | None, updated_after: str | None,
    ) -> Filters:  # fmt: skip
        return Filters(
            sites=[s for s in site or [] if s], country=country or None, source=source or None,
            author=author or None, section=section or None, tag=tag or None, language=language or None,
            date_from=parse_bound(date_from, "from"), date_to=parse_bound(date_to, "to"),
            has_caption=has_caption, updated_after=parse_bound(updated_after, "updated_after"),
        )  # fmt: skip


    # -- JSON API -----------------------------------------------------------------------------

    @app.get("/api/search", summary="Search articles", tags=["api"])
    def api_search(
        q: Text = None, site: Sites = None, country: Short = None, source: Short = None, author: Short = None,
        section: Short = None, tag: Short = None, language: Short = None, date_from: From = None,
        date_to: To = None, has_caption: bool | None = None, updated_after: Updated = None,
        sort: Sort = None, collapse: bool = False, limit: Limit = 20, cursor: Cursor = None,
    ) -> dict[str, Any]:  # fmt: skip
        """Full-text search (Arabic-aware) with every filter. `q` syntax: docs/query.md."""
        filters = filters_of(site, country, source, author, section, tag, language, date_from, date_to,
                             has_caption, updated_after)  # fmt: skip
        with connection() as conn:
            return search(conn, q, filters, sort=sort, limit=limit, cursor=cursor, collapse=collapse).to_dict()

    @app.get("/api/articles/{article_id}", summary="One article", tags=["api"])
    def api_article(article_id: int) -> dict[str, Any]:
        """Text, captions, sources, authors, revisions (with diffs) and its story cluster's timeline."""
        with connection() as conn:
            record = article_detail(conn, article_id)
        if record is None:
            raise NotFound(f"no article with id {article_id}")
        return _jsonable(record)

    @app.get("/api/stats", summary="Counts per site, day and source", tags=["api"])
    def api_stats(
        q: Text = None, site: Sites = None, country: Short = None, source: Short = None, author: Short = None,
        section: Short = None, tag: Short = None, language: Short = None, date_from: From = None,
        date_to: To = None, has_caption: bool | None = None, updated_after: Updated = None,
    ) -> dict[str, Any]:  # fmt: skip
        filters = filters_of(site, country, source, author, section, tag, language, date_from, date_to,
                             has_caption, updated_after)  # fmt: skip
        with connection() as conn:
            return stats(conn, q, filters).to_dict()

    # -- reader pages -------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(
        request: Request, q: Text = None, site: Short = None, country: Short = None, source: Short = None,
        author: Short = None, section: Short = None, tag: Short = None, language: Short = None,
        date_from: From = None, date_to: To = None, has_caption: Short = None, sort: Short = None,
        collapse: Short = None, cursor: Cursor = None,
    ) -> Any:  # fmt: skip
        form = {"q": q or "", "site": site or "", "country": country or "", "source": source or "",
                "author": author or "", "section": section or "", "tag": tag or "", "language": language or "",
                "from": date_from or "", "to": date_to or "", "has_caption": has_caption or "",
                "sort": sort or "", "collapse": collapse or ""}  # fmt: skip
        filters = filters_of([site] if site else None, country, source, author, section, tag, language,
                             date_from, date_to, True if has_caption else None, None)  # fmt: skip
        message = None
        page = None
        with connection() as conn:
            sites = sorted(conn.execute(select(Site.name)).scalars())
            try:
                page = search(conn, q, filters, sort=sort or None, limit=20, cursor=cursor, collapse=bool(collapse))
            except (QueryError, FilterError) as exc:
                message = str(exc)
        return templates.TemplateResponse(
            request, "search.html",
            {"page": page, "form": form, "message": message, "sites": sites, "sorts": SORTS,
             "max_query": MAX_QUERY_CHARS},
            status_code=400 if message else 200,
        )  # fmt: skip

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: int) -> Any:
        with connection() as conn:
            record = article_detail(conn, article_id)
        if record is None:
            raise NotFound(f"no article with id {article_id}")
        return templates.TemplateResponse(request, "article.html", {"a": record})

    @app.get("/stats", response_class=HTMLResponse, include_in_schema=False)
    def stats_page(request: Request, q: Text = None, site: Short = None, source: Short = None,
                   date_from: From = None, date_to: To = None) -> Any:  # fmt: skip
        filters = filters_of([site] if site else None, None, source, None, None, None, None, date_from, date_to,
                             None, None)  # fmt: skip
        with connection() as conn:
            result = stats(conn, q, filters)
        form = {"q": q or "", "site": site or "", "source": source or "", "from": date_from or "", "to": date_to or ""}
        return templates.TemplateResponse(
            request, "stats.html", {"s": result, "chart": per_day_svg(result.per_site_day), "form": form}
        )

    return app


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
