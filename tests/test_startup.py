"""Start-up: ``akhbar --help`` and ``akhbar extract`` import none of the heavy stack.

Checked on the modules a fresh process has loaded (no timing: bench/startup.py measures it).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from scraper.cli import COMMANDS, build_parser

ROOT = Path(__file__).resolve().parents[1]
DEMO_PAGE = ROOT / "scraper" / "demo" / "archive" / "pages"
HEAVY = ("scrapy", "twisted", "sqlalchemy", "alembic", "pyarrow", "datasketch", "numpy", "scipy", "trafilatura",
         "fastapi", "uvicorn", "rich", "psycopg")

# Runs the akhbar entry point in a fresh interpreter, then prints which heavy packages it loaded.
_PROBE = """
import json, sys
from scraper.cli import main
try:
    status = main(sys.argv[1:])
except SystemExit as exit:
    status = exit.code
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(json.loads(HEAVY)))
print("LOADED " + json.dumps(heavy), file=sys.stderr)
"""


def loaded(*arguments: str) -> tuple[list[str], str]:
    """(heavy packages imported, stdout) of ``akhbar ARGUMENTS`` in a fresh process."""
    probe = _PROBE.replace("HEAVY", repr(json.dumps(HEAVY)))
    done = subprocess.run([sys.executable, "-c", probe, *arguments], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)
    line = next(line for line in done.stderr.splitlines() if line.startswith("LOADED "))
    return json.loads(line[len("LOADED "):]), done.stdout


def test_help_imports_nothing_heavy_and_lists_every_command() -> None:
    heavy, output = loaded("--help")
    assert heavy == []
    for name, (_, help_text) in COMMANDS.items():
        assert name in output
        assert help_text.split()[0] in output


def test_no_command_and_a_command_help_load_nothing_heavy() -> None:
    assert loaded()[0] == []
    heavy, _ = loaded("extract", "--help")
    assert heavy == []


def test_extract_imports_no_crawler_database_or_export_stack() -> None:
    page = next(DEMO_PAGE.rglob("*.html"))
    heavy, output = loaded("extract", str(page), "--url", "https://www.alaraby.com/news/x", "--compact")
    assert heavy == []
    assert json.loads(output)["url"] == "https://www.alaraby.com/news/x"


def test_the_command_table_says_what_the_modules_register() -> None:
    """COMMANDS (read by --help without importing the modules) matches each module's own parser."""
    subparsers = next(action for action in build_parser()._actions if action.dest == "command")
    registered = {choice.dest: choice.help for choice in subparsers._choices_actions}  # type: ignore[attr-defined]
    assert {name: help_text for name, (_, help_text) in COMMANDS.items()} == registered
    for name, (module, _) in COMMANDS.items():
        alone = next(action for action in build_parser(name)._actions if action.dest == "command")
        assert alone.choices[name].add_help, f"{name} is not registered by {module}"  # type: ignore[index]
