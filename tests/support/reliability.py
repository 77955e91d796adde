"""The reliability record: each reliability test states what it tried and what happened.

A test takes the ``reliability`` fixture and calls it once per scenario, after its assertions
passed (so a row only exists for a scenario that held)::

    reliability(scenario="PostgreSQL restarted mid-crawl", inputs="3,000 articles, 1 restart",
                result="3,000 stored, exit 0", lost=0, slow=True)

At the end of the session the rows go to ``test-output/reliability.json`` and a Markdown table
in ``test-output/reliability.md``; docs/reliability.md is that table from a full CI run.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


@dataclass(frozen=True)
class Row:
    scenario: str
    inputs: str
    result: str
    lost: int
    slow: bool
    test: str


ROWS: list[Row] = []


def render(rows: list[Row]) -> str:
    lines = [
        "| Scenario | Inputs tried | Result | Data lost | Test |",
        "|---|---|---|---|---|",
    ]
    for row in sorted(set(rows), key=lambda r: (r.test, r.scenario)):  # engine variants may repeat a row
        mark = " (slow)" if row.slow else ""
        lines.append(f"| {row.scenario}{mark} | {row.inputs} | {row.result} | {row.lost} | `{row.test}` |")
    return "\n".join(lines) + "\n"


def write(rows: list[Row]) -> None:
    if not rows:
        return
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "reliability.json").write_text(
        json.dumps([asdict(row) for row in rows], ensure_ascii=False, indent=1), encoding="utf-8")
    (OUTPUT / "reliability.md").write_text(render(rows), encoding="utf-8")
