"""User mistakes are one line on stderr and a non-zero exit, never a traceback.

Each case runs the real command in a subprocess and checks its exit status, that stderr is one
line saying what is wrong (and what to do), and that nothing was stored or changed.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from scraper.storage.engine import make_engine
from scraper.storage.migrate import head_revision, upgrade
from scraper.storage.queries import ArticleFilter, select_articles
from scraper.storage.synthetic import make_item
from scraper.storage.writer import ArticleWriter

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEMO = ROOT / "scraper" / "demo" / "archive"


def _env(**extra: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in ("AKHBAR_REPLAY", "AKHBAR_DATABASE_URL")}
    return {**env, "PYTHONPATH": str(ROOT), **extra}


def run(*argv: str, cwd: Path, program: str = "akhbar", **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / program), *argv], cwd=cwd, env=_env(**env), capture_output=True, text=True,
                          timeout=180)


def one_line_error(result: subprocess.CompletedProcess[str], *, code: int = 2, prefix: str) -> str:
    shown = result.stdout + result.stderr
    assert "Traceback" not in shown, shown[-3000:]
    assert result.returncode == code, shown[-3000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(prefix), lines[0]
    return lines[0]


def _database(path: Path, articles: int = 0) -> str:
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    if articles:
        with ArticleWriter(engine, worker=False) as writer:
            writer.store([make_item(n) for n in range(articles)])
    engine.dispose()
    return url


def _count(path: Path, table: str = "article") -> int:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# -- the database ---------------------------------------------------------------------------------


def test_crawl_on_an_unreachable_database_is_one_line(tmp_path: Path, reliability) -> None:
    result = run("crawl", "alaraby", "--replay", str(DEMO), "--database",
                 "postgresql+psycopg://postgres@127.0.0.1:1/test", cwd=tmp_path)
    line = one_line_error(result, prefix="akhbar crawl: cannot reach the database postgresql+psycopg://postgres@")
    assert "start the server or fix --database" in line
    reliability(scenario="crawl start with the database down", inputs="1 crawl", result="exit 2, one line", lost=0)


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder`` made read-only for this process: mode 555, and immutable when running as root
    (root writes through a 555 mode)."""
    folder.chmod(0o555)
    immutable = os.geteuid() == 0 and shutil.which("chattr") is not None
    if immutable:
        subprocess.run(["chattr", "+i", str(folder)], check=False, capture_output=True)
    try:
        probe = folder / ".probe"
        try:
            probe.touch()
        except OSError:
            pass
        else:
            probe.unlink()
            pytest.skip(f"cannot make {folder} read-only here (root without chattr +i support)")
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=False, capture_output=True)
        folder.chmod(0o755)


@pytest.mark.parametrize("argv", [["crawl", "alaraby", "--replay", str(DEMO)], ["demo"], ["db", "upgrade"]],
                         ids=["crawl", "demo", "db-upgrade"])
def test_a_read_only_data_folder_is_one_line(argv: list[str], tmp_path: Path, reliability) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with read_only(data):
        result = run(*argv, cwd=tmp_path)
    line = one_line_error(result, prefix=f"akhbar {argv[0]}: cannot write in the data folder data (")
    assert "make it writable, or put the database elsewhere with --database" in line
    assert list(data.iterdir()) == []
    if argv == ["demo"]:
        reliability(scenario="read-only data folder (crawl, demo, db upgrade)", inputs="3 commands",
                    result="exit 2, one line, nothing written", lost=0)


def test_a_read_only_folder_holding_a_database_is_one_line_and_the_database_is_kept(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    _database(data / "akhbar.db", articles=3)
    before = (data / "akhbar.db").read_bytes()
    with read_only(data):
        result = run("crawl", "alaraby", "--replay", str(DEMO), cwd=tmp_path)
        one_line_error(result, prefix="akhbar crawl: cannot write in the data folder data (")
        upgrade_result = run("db", "upgrade", cwd=tmp_path)
        one_line_error(upgrade_result, prefix="akhbar db: cannot write in the data folder data (")
    assert (data / "akhbar.db").read_bytes() == before
    assert _count(data / "akhbar.db") == 3


def test_db_upgrade_to_an_unknown_revision_is_one_line(tmp_path: Path, reliability) -> None:
    url = _database(tmp_path / "akhbar.db")
    result = run("db", "upgrade", "--revision", "9999", "--database", url, cwd=tmp_path)
    line = one_line_error(result, prefix="akhbar db: --revision 9999: Can't locate revision identified by '9999'")
    from scraper.storage.migrate import known_revisions

    assert known_revisions()[0] == "0001" and len(known_revisions()) >= 5
    assert line.endswith(f"the migrations are {', '.join(known_revisions())} (or head)"), line
    engine = make_engine(url)
    from scraper.storage.migrate import current_revision

    assert current_revision(engine) == head_revision()
    engine.dispose()
    reliability(scenario="db upgrade --revision 9999", inputs="1 command", result="exit 2, one line, schema kept",
                lost=0)


# -- files ----------------------------------------------------------------------------------------


def test_export_into_a_missing_folder_is_one_line(tmp_path: Path, reliability) -> None:
    url = _database(tmp_path / "akhbar.db", articles=2)
    result = run("export", "-o", "/missing/dir/x.csv", "--database", url, cwd=tmp_path)
    line = one_line_error(result, prefix="akhbar export: --output /missing/dir/x.csv: the folder /missing/dir")
    assert "does not exist" in line
    assert not Path("/missing").exists()
    folder = run("export", "-o", str(tmp_path), "--database", url, cwd=tmp_path)
    one_line_error(folder, prefix=f"akhbar export: --output {tmp_path} is a folder")
    reliability(scenario="export -o into a missing folder", inputs="2 commands", result="exit 2, one line", lost=0)


# -- missing tools, wrong names -------------------------------------------------------------------

BLOCK_TRAFILATURA = '''
import sys

class _NoTrafilatura:
    """Constructed for a test: trafilatura cannot be imported, as when it is not installed."""

    def find_spec(self, name, path=None, target=None):
        if name == "trafilatura" or name.startswith("trafilatura."):
            raise ModuleNotFoundError("No module named 'trafilatura'", name=name)
        return None

sys.meta_path.insert(0, _NoTrafilatura())
'''


def test_eval_without_trafilatura_is_one_line(tmp_path: Path, reliability) -> None:
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(BLOCK_TRAFILATURA, encoding="utf-8")
    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copyfile(DEMO / "pages" / "news.html", pages / "news.html")  # the constructed demo listing
    truth = {"file": "news.html", "url": "https://www.alaraby.com/news", "kind": "listing", "article": False}
    (pages / "news.json").write_text(json.dumps(truth), encoding="utf-8")
    path = f"{blocker}{os.pathsep}{ROOT}"
    result = run("eval", str(pages), "--variants", "plain", cwd=tmp_path, PYTHONPATH=path)
    line = one_line_error(result, prefix="akhbar eval: cannot import trafilatura (No module named 'trafilatura')")
    assert line.endswith("or add --no-trafilatura to score akhbar alone")
    assert result.stdout == ""
    alone = run("eval", str(pages), "--variants", "plain", "--no-trafilatura", cwd=tmp_path, PYTHONPATH=path)
    assert alone.returncode == 0, alone.stderr
    assert "akhbar" in alone.stdout
    reliability(scenario="eval without trafilatura", inputs="import blocked", result="exit 2, one line", lost=0)


def test_scrapy_crawl_of_an_unknown_spider_is_one_line(tmp_path: Path, reliability) -> None:
    result = run("crawl", "nosuchspider", cwd=ROOT, program="scrapy")
    line = one_line_error(result, prefix="scrapy crawl: no spider named 'nosuchspider'")
    listed = line.split("the spiders are ", 1)[1].split(" (", 1)[0].split(", ")
    assert {"alaraby", "aljazeera", "youm7", "site"} <= set(listed), line
    reliability(scenario="scrapy crawl nosuchspider", inputs="1 command", result="exit 2, one line", lost=0)


@pytest.mark.parametrize(
    ("argument", "message"),
    [("since=yesterday", "-a since must be a date"), ("max_articles=many", "-a max_articles must be a whole number"),
     ("deadline=soon", "-a deadline must be a number of seconds")],
)
def test_scrapy_crawl_with_a_bad_spider_argument_is_one_line(tmp_path: Path, argument: str, message: str) -> None:
    result = run("crawl", "aljazeera", "-a", argument, cwd=ROOT, program="scrapy")
    one_line_error(result, prefix=f"scrapy crawl aljazeera: {message}")


# -- Ctrl-C ---------------------------------------------------------------------------------------


def test_ctrl_c_during_reparse_is_one_line_and_the_run_resumes(tmp_path: Path, reliability) -> None:
    # Batches of 40 (at least WORKER_MIN_ITEMS): the storage worker process is running when the
    # signal arrives, and gets it too, as from a terminal (the whole process group).
    database = tmp_path / "akhbar.db"
    url = _database(database, articles=600)
    argv = [str(BIN / "akhbar"), "reparse", "--database", url, "--batch", "40"]
    # a progress line at every update: the first one says the first batch is checkpointed
    process = subprocess.Popen(argv, cwd=tmp_path, env=_env(AKHBAR_PROGRESS_INTERVAL="0.001"),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert process.stderr is not None
    first = process.stderr.readline()  # the first batch is checkpointed
    assert first.startswith("reparse: 40/600 pages"), first
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    lines = [line for line in err.strip().splitlines() if not line.startswith("reparse: ")]
    assert lines == [f"akhbar reparse: interrupted, resume with: akhbar reparse --database {url} --batch 40"]
    assert out == ""
    again = run("reparse", "--database", url, "--batch", "40", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("reparsed 600 pages (resumed)"), again.stdout
    assert _count(database) == 600
    reliability(scenario="Ctrl-C during reparse (worker process running)", inputs="600 pages, 1 SIGINT",
                result="exit 130, one line, resumed to 600", lost=0)


# -- query text -----------------------------------------------------------------------------------


def test_list_query_percent_does_not_match_everything(tmp_path: Path, reliability) -> None:
    url = _database(tmp_path / "akhbar.db", articles=3)
    for query in ("%", "_", "%%"):
        result = run("list", "--query", query, "--database", url, cwd=tmp_path)
        assert "Traceback" not in result.stderr
        assert result.returncode == 2
        assert result.stdout == ""
        assert result.stderr.startswith("akhbar list: --query: nothing to search for")
    reliability(scenario="list --query % (LIKE wildcards)", inputs="%, _, %%", result="nothing matched, exit 2",
                lost=0)


def test_the_like_fallback_takes_percent_and_underscore_literally(engine: Engine) -> None:
    from sqlalchemy.orm import Session

    items = [make_item(n) for n in range(3)]
    items[0].article.title = "التضخم 50% في عام واحد"  # type: ignore[union-attr]
    items[1].article.title = "ملف_سري"  # type: ignore[union-attr]
    with ArticleWriter(engine, worker=False) as writer:
        writer.store(items)

    def titles(query: str) -> list[str]:
        with Session(engine) as session:
            rows = session.execute(select_articles(ArticleFilter(query=query))).all()
        return sorted(row[0].title for row in rows)

    assert titles("%") == ["التضخم 50% في عام واحد"]
    assert titles("50%") == ["التضخم 50% في عام واحد"]
    assert titles("_") == ["ملف_سري"]
    assert titles("5_%") == []
    assert titles("\\") == []


# -- the storage worker at exit -------------------------------------------------------------------

EXIT_WITHOUT_CLOSE = """
import sys
from scraper.storage.engine import make_engine
from scraper.storage.migrate import upgrade
from scraper.storage.synthetic import make_item
from scraper.storage.writer import ArticleWriter

engine = make_engine(sys.argv[1])
upgrade(engine)
writer = ArticleWriter(engine)  # never closed: the interpreter's exit must stop its worker cleanly
writer.store([make_item(n) for n in range(int(sys.argv[2]), int(sys.argv[2]) + 40)])
print(writer._worker is not None)
"""


def test_the_storage_worker_is_stopped_before_the_interpreter_stops_process_pools() -> None:
    # The order that removes the race: hooks run last registered first, so ours (stopping each
    # writer's pool normally) runs before concurrent.futures' own _python_exit.
    import threading
    from concurrent.futures import process

    from scraper.storage import writer

    hooks = [getattr(hook, "func", hook) for hook in threading._threading_atexits]  # type: ignore[attr-defined]
    assert hooks.index(writer._close_live_writers) > hooks.index(process._python_exit)


def test_a_process_exiting_with_its_writer_open_prints_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'akhbar.db'}"
    for start in (0, 40, 80):
        result = subprocess.run([sys.executable, "-c", EXIT_WITHOUT_CLOSE, url, str(start)], cwd=ROOT, env=_env(),
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "True"  # the worker process did run
        assert result.stderr == ""
    assert _count(tmp_path / "akhbar.db") == 120
