"""Database passwords are never shown: CLI errors, crawl logs, crawl_run rows and spool headers.

Every check greps what a user would see (stdout and stderr of the real command, rows and files
as stored) for the password; scraper/masking.py is the one helper all of them go through.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from scraper.masking import install_log_masking, mask_secrets, mask_url
from scraper.storage.spool import Spool
from scraper.storage.synthetic import make_item
from scraper.storage.writer import finish_crawl_run, one_line, read_crawl_run, start_crawl_run
from tests.support.databases import empty_database

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEMO = ROOT / "scraper" / "demo" / "archive"
SECRET = "S3cret"
UNPARSEABLE = f"postgresql+psycopg://u:{SECRET}@127.0.0.1:notaport/db"  # the issue's example
UNREACHABLE = f"postgresql+psycopg://u:{SECRET}@127.0.0.1:1/db"  # port 1: nothing listens


@pytest.mark.parametrize(
    ("text_in", "shown"),
    [
        (UNPARSEABLE, "postgresql+psycopg://u:***@127.0.0.1:notaport/db"),
        (f"cannot open 'postgresql://app:{SECRET}@db.example:5432/news': refused",
         "cannot open 'postgresql://app:***@db.example:5432/news': refused"),
        (f"mysql://root:p%40ss{SECRET}@h/x and redis://:{SECRET}@127.0.0.1:6379/0",
         "mysql://root:***@h/x and redis://:***@127.0.0.1:6379/0"),
        (f"host=127.0.0.1 user=u password={SECRET} dbname=x", "host=127.0.0.1 user=u password=*** dbname=x"),
        (f"PASSWORD = '{SECRET} two'", "PASSWORD = ***"),
    ],
)
def test_mask_secrets_hides_passwords_in_urls_and_connection_strings(text_in: str, shown: str) -> None:
    assert mask_secrets(text_in) == shown
    assert SECRET not in mask_secrets(text_in)


def test_mask_secrets_leaves_text_without_passwords_alone() -> None:
    for plain in ("sqlite:///data/akhbar.db", "postgresql+psycopg://postgres@127.0.0.1:5432/test",
                  "mail: editor@example.com", "https://www.alaraby.com/news/x?a=1", "خبر عاجل: 12:30"):
        assert mask_secrets(plain) == plain
    assert mask_url("postgresql+psycopg://postgres@127.0.0.1/test") == "postgresql+psycopg://postgres@127.0.0.1/test"
    assert mask_url(UNREACHABLE) == "postgresql+psycopg://u:***@127.0.0.1:1/db"


def _run(*argv: str, env: dict[str, str] | None = None, cwd: Path | None = None,
         program: str = "akhbar") -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    full_env.pop("AKHBAR_REPLAY", None)
    return subprocess.run([str(BIN / program), *argv], cwd=cwd or ROOT, env=full_env, capture_output=True,
                          text=True, timeout=180)


COMMANDS = [
    ["list"], ["show", "1"], ["export", "--format", "jsonl"], ["search", "غزة"], ["stats"],
    ["db", "upgrade"], ["db", "current"], ["reparse"], ["crawl", "alaraby", "--replay", str(DEMO)], ["demo"],
]


def test_the_issues_example_prints_no_password(tmp_path: Path) -> None:
    """``AKHBAR_DATABASE_URL='postgresql+psycopg://u:S3cret@127.0.0.1:notaport/db' akhbar list``"""
    result = _run("list", env={"AKHBAR_DATABASE_URL": UNPARSEABLE}, cwd=tmp_path)
    assert result.returncode == 2
    assert SECRET not in result.stdout + result.stderr
    assert result.stderr.startswith("akhbar list: 'postgresql+psycopg://u:***@127.0.0.1:notaport/db' is not a usable")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_crawl_on_an_unreachable_database_prints_no_password(tmp_path: Path) -> None:
    result = _run("crawl", "alaraby", "--replay", str(DEMO), "--database", UNREACHABLE, cwd=tmp_path)
    assert result.returncode == 2
    assert SECRET not in result.stdout + result.stderr
    assert result.stderr.startswith("akhbar crawl: cannot reach the database postgresql+psycopg://u:***@127.0.0.1:1/db")


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: "-".join(argv[:2]).replace("/", ""))
def test_no_command_prints_the_password_of_a_bad_or_unreachable_database(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, reliability
) -> None:
    # In this process (each command's real main, output captured): a subprocess per case would
    # cost the suite a minute of start-ups; the two tests above run the real command.
    from scraper.cli import main

    monkeypatch.chdir(tmp_path)
    for url in (UNPARSEABLE, UNREACHABLE):
        for how in ("environment", "--database"):
            if how == "environment":
                monkeypatch.setenv("AKHBAR_DATABASE_URL", url)
                code = main(argv)
            else:
                monkeypatch.delenv("AKHBAR_DATABASE_URL", raising=False)
                code = main([*argv, "--database", url])
            out, err = capsys.readouterr()
            assert code != 0, (how, url)
            assert SECRET not in out + err, (how, url, out, err)
            lines = err.strip().splitlines()
            assert len(lines) == 1, (how, url, err)
            assert "u:***@127.0.0.1" in lines[0]
    if argv == ["list"]:
        reliability(scenario="database password in CLI errors", inputs=f"{len(COMMANDS)} commands x 2 URLs x 2 ways",
                    result="masked in every message, one line, non-zero exit", lost=0)


def test_scrapy_crawl_with_an_unreachable_database_does_not_log_the_password(tmp_path: Path) -> None:
    result = _run("crawl", "alaraby", "-s", f"AKHBAR_REPLAY={DEMO}", "-s", f"AKHBAR_DATABASE_URL={UNREACHABLE}",
                  program="scrapy")
    assert SECRET not in result.stdout + result.stderr


def test_log_records_are_masked_whatever_logs_them(caplog: pytest.LogCaptureFixture) -> None:
    install_log_masking()
    logger = logging.getLogger("some.library")
    with caplog.at_level(logging.INFO):
        logger.info("connecting to %s", UNREACHABLE)
        logger.warning("engine %(url)s failed", {"url": UNREACHABLE})
        logger.error(f"dsn password={SECRET}")
    assert len(caplog.records) == 3
    assert SECRET not in caplog.text
    assert "connecting to postgresql+psycopg://u:***@127.0.0.1:1/db" in caplog.text


def test_crawl_run_detail_and_error_lines_are_masked(engine: Engine) -> None:
    run_id = start_crawl_run(engine, "alaraby")
    error = RuntimeError(f"could not connect to {UNREACHABLE}\nsecond line")
    assert one_line(error) == "RuntimeError: could not connect to postgresql+psycopg://u:***@127.0.0.1:1/db"
    finish_crawl_run(engine, run_id, "store_failed", None, f"{UNREACHABLE}: down; 3 items kept")
    run = read_crawl_run(engine, run_id)
    assert run is not None
    assert run["detail"] == "postgresql+psycopg://u:***@127.0.0.1:1/db: down; 3 items kept"


def test_spool_header_keeps_the_url_without_its_password(tmp_path: Path) -> None:
    spool = Spool(tmp_path, UNREACHABLE, "alaraby", 7)
    spool.write([make_item(1)], [])
    spool.close()
    assert spool.path is not None
    contents = spool.path.read_text(encoding="utf-8")
    assert SECRET not in contents
    header = json.loads(contents.splitlines()[0])
    assert header["database"] == "postgresql+psycopg://u:***@127.0.0.1:1/db"


@pytest.fixture
def postgres_url_with_password(tmp_path: Path) -> Iterator[str]:
    """A fresh schema on the test server, addressed by a URL carrying a password (trust auth
    ignores it, so the crawl runs for real)."""
    with empty_database("postgresql", tmp_path, password=SECRET) as url:
        yield url


def test_a_whole_crawl_with_a_password_logs_and_stores_none(postgres_url_with_password: str, tmp_path: Path,
                                                            reliability) -> None:
    url = postgres_url_with_password
    result = _run("crawl", "alaraby", "--replay", str(DEMO), "--database", url, cwd=tmp_path,
                  env={"AKHBAR_LOG_LEVEL": "DEBUG", "AKHBAR_SPOOL_DIR": str(tmp_path / "spool")})
    assert result.returncode == 0, result.stderr[-2000:]
    assert SECRET not in result.stdout + result.stderr
    assert "5 articles stored" in result.stdout
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT finish_reason, detail FROM crawl_run")).all()
    engine.dispose()
    assert rows == [("finished", None)]
    reliability(scenario="database password in a crawl's DEBUG log and crawl_run", inputs="demo crawl, PostgreSQL",
                result="not in the log, not in the rows", lost=0)
