"""``akhbar search``, ``stats``, ``show --revisions`` and the query-aware ``list`` on a constructed archive."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import timedelta

import pytest
from rich.console import Console
from sqlalchemy import text

from scraper.article import CrawlItem
from scraper.cli import main
from scraper.cli.search import print_table
from scraper.cli.stats import day_chart
from scraper.query.search import search
from scraper.storage.engine import make_engine
from scraper.storage.migrate import upgrade
from scraper.storage.synthetic import make_page
from scraper.storage.writer import ArticleWriter
from tests.test_query_search import ARCHIVE, T0


@pytest.fixture
def db(database_url: str) -> str:
    """The constructed archive (one article edited once), on SQLite and on PostgreSQL."""
    url = database_url
    engine = make_engine(url)
    upgrade(engine)
    edited = replace(ARCHIVE[0], title="جولة حاسمة من المفاوضات في فيينا", fetched_at=T0 + timedelta(days=30))
    with ArticleWriter(engine, worker=False) as writer:
        writer.store([CrawlItem(make_page(a), a) for a in ARCHIVE])
        writer.store([CrawlItem(make_page(edited), edited)])
    engine.dispose()
    return url


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_search_jsonl_is_utf8_with_local_and_hijri_dates(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "بالمفاوضات", "--database", db, "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 3
    assert "\\u" not in out and "مفاوضات" in out
    annahar = next(r for r in rows if r["site"] == "annahar")
    assert annahar["date_local"].endswith("+02:00")  # Asia/Beirut in December
    assert annahar["date_hijri"].endswith("هـ")


def test_search_json_and_csv(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "search", "بوتين", "--database", db, "--format", "json")
    page = json.loads(out)
    assert page["total"] == 2 and page["query"] == "بوتين"
    _, out, _ = run(capsys, "search", "--source", "فرانس برس", "--database", db, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert sorted(r["url"].rsplit("/", 1)[1] for r in rows) == ["2", "3"]
    assert {r["sources"] for r in rows} == {"AFP"}


def test_table_fits_80_columns_and_shows_offsets(db: str) -> None:
    engine = make_engine(db)
    with engine.connect() as conn:
        page = search(conn, "المفاوضات")
    engine.dispose()
    buffer = io.StringIO()
    print_table(page, Console(file=buffer, width=80, color_system=None))
    lines = buffer.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 80
    assert any("+03:00" in line for line in lines) and any("+02:00" in line for line in lines)
    assert any("هـ" in line for line in lines)


@pytest.mark.parametrize("bad", ["NOT", '"*', "x" * 100_000, "بوتين NOT"])
def test_bad_queries_are_one_line_errors(db: str, capsys: pytest.CaptureFixture[str], bad: str) -> None:
    code, out, err = run(capsys, "search", bad, "--database", db)
    assert code == 2 and out == ""
    assert err.startswith("akhbar search: ") and err.count("\n") == 1


@pytest.mark.parametrize("odd", ["'; DROP TABLE article; --", "NEAR(", '"بوتين'])
def test_odd_queries_answer_and_change_nothing(db: str, capsys: pytest.CaptureFixture[str], odd: str) -> None:
    code, _, err = run(capsys, "search", odd, "--database", db, "--format", "json")
    assert code == 0 and "Traceback" not in err
    engine = make_engine(db)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM article")).scalar_one() == len(ARCHIVE)
    engine.dispose()


def test_bad_filters_are_one_line_errors(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    cases = [
        (["--from", "1443-13-01h"], "not a Hijri date"),
        (["--country", "Atlantis"], "unknown country"),
        (["بوتين", "--limit", "0"], "page size"),
        ([], "give a query or at least one filter"),
    ]
    for args, words in cases:
        code, _, err = run(capsys, "search", *args, "--database", db)
        assert code == 2 and words in err, (args, err)


def test_reindex_rebuilds(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "search", "--reindex", "--database", db)
    assert code == 0 and f"{len(ARCHIVE)} articles" in err
    _, out, _ = run(capsys, "search", "بوتين", "--database", db, "--format", "json")
    assert json.loads(out)["total"] == 2


def test_stats_counts_and_chart(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "stats", "--database", db, "--format", "json")
    counts = json.loads(out)
    assert counts["total"] == len(ARCHIVE)
    assert counts["per_site"] == {"alaraby": len(ARCHIVE) - 1, "annahar": 1}
    assert counts["per_source"] == {"AFP": 2, "Reuters": 2}
    _, out, _ = run(capsys, "stats", "مفاوضات", "--database", db, "--format", "json")
    assert json.loads(out)["total"] == 3
    chart = day_chart({"2021-12-01": 4, "2021-12-02": 1}, 60)
    assert chart[0].count("█") == 40 and chart[1].count("█") == 10  # scaled to the busiest day


def test_show_revisions_diff(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "search", "فيينا", "--database", db, "--format", "json")
    article_id = json.loads(out)["results"][0]["id"]
    code, out, _ = run(capsys, "show", str(article_id), "--revisions", "--database", db)
    assert code == 0 and "2 revisions" in out
    assert "- [title] جولة جديدة من المفاوضات في فيينا" in out
    assert "+ [title] جولة حاسمة من المفاوضات في فيينا" in out
    _, out, _ = run(capsys, "show", str(article_id), "--revisions", "--database", db, "--format", "json")
    history = json.loads(out)
    assert [d["kind"] for d in history[1]["diff"]] == ["removed", "added"]


def test_list_source_alias_and_folded_query(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    # the two misses: an AFP alias found nothing, and اوكرانيا missed أوكرانيا
    _, out, _ = run(capsys, "export", "--source", "فرانس برس", "--database", db)
    assert sorted(json.loads(line)["canonical_url"].rsplit("/", 1)[1] for line in out.splitlines()) == ["2", "3"]
    _, out, _ = run(capsys, "export", "--query", "اوكرانيا", "--database", db)
    assert sorted(json.loads(line)["canonical_url"].rsplit("/", 1)[1] for line in out.splitlines()) == ["6", "7"]
    code, _, err = run(capsys, "list", "--query", "NOT", "--database", db)
    assert code == 2 and "--query" in err


def test_stats_table_has_counts_and_a_day_chart_at_80_columns(db: str) -> None:
    from scraper.cli.stats import print_stats
    from scraper.query.stats import stats

    engine = make_engine(db)
    with engine.connect() as conn:
        result = stats(conn)
    engine.dispose()
    buffer = io.StringIO()
    print_stats(result, Console(file=buffer, width=80, color_system=None))
    lines = buffer.getvalue().splitlines()
    assert lines[0] == f"{len(ARCHIVE)} articles" and max(len(line) for line in lines) <= 80
    chart = lines[lines.index("articles per day (UTC)") + 1 :]
    # one line per day that has articles, in date order, the bar scaled and the count at the end
    assert [line.split()[0] for line in chart] == sorted(result.per_day)
    assert all(line.split()[-1] == str(result.per_day[line.split()[0]]) and "█" in line for line in chart)
    assert any("annahar" in line for line in lines) and any("Reuters" in line for line in lines)
