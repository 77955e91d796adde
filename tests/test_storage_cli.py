"""akhbar db/list/show/export against a database on each engine: Arabic stays readable."""

from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine

from scraper.cli import main
from scraper.storage.synthetic import make_item
from scraper.storage.writer import ArticleWriter


@pytest.fixture
def filled(engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AKHBAR_DATABASE_URL", database_url)
    monkeypatch.setenv("COLUMNS", "200")
    ArticleWriter(engine).store([make_item(n) for n in range(12)])
    twin = make_item(100, site="aljazeera")  # the same story as article 0, another outlet
    twin.article.blocks = make_item(0).article.blocks
    ArticleWriter(engine).store([twin])
    return database_url


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_shows_a_readable_table_with_filters(filled: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list", "--site", "alaraby")
    assert code == 0
    assert "alaraby" in out and "aljazeera" not in out
    assert "رويترز" not in out and ("Reuters" in out or "AFP" in out or "Anadolu" in out)
    assert "\\u" not in out
    assert "(8)" in out  # article 8's title ends with its number
    code, out, _ = run(capsys, "list", "--source", "رويترز", "--limit", "50")
    assert "4 articles" in out  # 0, 3, 6, 9 credit Reuters
    code, out, _ = run(capsys, "list", "--query", "(11)")
    assert "\n1 article\n" in out


def test_collapse_duplicates_shows_one_article_per_story(filled: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "list", "--limit", "100")
    assert "13 articles" in out
    _, out, _ = run(capsys, "list", "--limit", "100", "--collapse-duplicates")
    assert "12 articles (one per story)" in out


def test_show_prints_text_and_json(filled: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "1")
    assert code == 0
    assert "## " in out  # the sub-heading is kept apart from paragraphs
    assert "caption: " in out and "أرشيف - غيتي" in out
    assert "revisions: 1" in out
    code, out, _ = run(capsys, "show", "1", "--format", "json")
    data = json.loads(out)
    assert data["captions"][0]["credit"] == "أرشيف - غيتي"
    assert data["sources"][0]["name"] and data["revisions"] == 1
    assert data["published_at"].endswith("+00:00")
    assert "\\u" not in out


def test_show_unknown_id_is_a_one_line_error(filled: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "show", "999")
    assert code == 2 and "no article with id 999" in err and len(err.strip().splitlines()) == 1


def test_export_jsonl_csv_with_bom_and_parquet(filled: str, capsys, tmp_path) -> None:
    code, out, err = run(capsys, "export", "--format", "jsonl", "--site", "skynews")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(records) == 3 and "exported 3 articles" in err
    assert "\\u" not in out and records[0]["title"] in out
    assert records[0]["blocks"][0]["kind"] in ("paragraph", "heading")

    target = tmp_path / "articles.csv"
    run(capsys, "export", "--format", "csv", "--bom", "--output", str(target))
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 13 and rows[0]["title"]
    assert "أرشيف" not in rows[0]["captions"]  # credits are separate from caption text

    parquet = tmp_path / "articles.parquet"
    run(capsys, "export", "--format", "parquet", "--output", str(parquet), "--collapse-duplicates")
    table = pq.read_table(parquet)
    assert table.num_rows == 12
    assert table.column("sources").to_pylist()[0][0]["canonical"] in ("Reuters", "AFP", "Anadolu")
    assert str(table.schema.field("published_at").type) == "timestamp[us, tz=UTC]"


def test_export_parquet_needs_a_file(filled: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "export", "--format", "parquet")
    assert code == 2 and "--output" in err


def test_missing_database_is_a_one_line_error(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("AKHBAR_DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    code, _, err = run(capsys, "list")
    assert code == 2 and "akhbar db upgrade" in err
    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0 and (tmp_path / "none.db").exists()
    code, out, _ = run(capsys, "list")
    assert code == 0 and "0 articles" in out


def test_reparse_command_runs_over_the_archive_and_resumes_nothing_when_done(
    filled: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "reparse", "--batch", "5")
    assert code == 0 and "reparsed 13 pages" in out and "reparse: 13/13 pages" in err
    code, out, _ = run(capsys, "reparse", "--site", "nowhere")
    assert code == 0 and "reparsed 0 pages" in out
