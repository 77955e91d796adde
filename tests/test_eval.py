"""The scoring of ``akhbar eval`` on CONSTRUCTED truth/page pairs; and, when the shared real pages sit
beside the repository (as in CI), the issue's targets on them (speed is not asserted)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from scraper.cli import main
from scraper.evaluate import Output, Truth, date_matches, evaluate, load_truths, meets_targets, run_ours, score

SHARED = Path(__file__).resolve().parents[2] / "shared" / "pages"
PARA = "قال المتحدث باسم الوزارة في مؤتمر صحفي اليوم إن المفاوضات ستستأنف الأسبوع المقبل، مؤكدا اتفاق الطرفين."


def write_pair(folder: Path, name: str = "p") -> Path:
    page = (
        "<html><head><meta charset='utf-8'>"
        '<meta property="article:published_time" content="2024-05-01T10:00:00+03:00"></head><body>'
        "<nav><a href='/'>الأكثر قراءة في الموقع</a></nav><article><h1>اتفاق على استئناف المفاوضات</h1>"
        "<figure><img src='/a.jpg'><figcaption>الوزير (رويترز)</figcaption></figure>"
        + "".join(f"<p>{PARA}</p>" for _ in range(3))
        + "<p>المصدر: رويترز</p></article></body></html>"
    )
    (folder / f"{name}.html").write_text(page, encoding="utf-8")
    truth = {
        "file": f"{name}.html", "url": "https://news.example.org/story", "title": "اتفاق على استئناف المفاوضات",
        "published": "2024-05-01T10:00+03:00", "authors": [], "sources": ["رويترز"], "captions": ["الوزير"],
        "must_include": [PARA], "must_exclude": ["الأكثر قراءة في الموقع"],
    }
    (folder / f"{name}.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    return folder


def test_date_matching():
    cairo = timezone(timedelta(hours=2))
    assert date_matches("2020-08-24T09:23+02:00", datetime(2020, 8, 24, 9, 23, 13, tzinfo=cairo))
    assert date_matches("2020-08-24T09:23+02:00", datetime(2020, 8, 24, 7, 23, tzinfo=UTC))
    assert not date_matches("2020-08-24T09:23+02:00", datetime(2020, 8, 24, 9, 23, tzinfo=UTC))
    assert date_matches("2019-02-08", datetime(2019, 2, 8, tzinfo=timezone(timedelta(hours=1))))
    assert date_matches("2019-02-08", "2019-02-08")
    assert not date_matches("2019-02-08", None)


def test_score_counts_includes_and_leaks():
    truth = Truth(Path("x.html"), "u", "عنوان", "2024-05-01", [], ["رويترز"], ["صورة"], ["أ ب", "ج د"], ["س", "ص"])
    out = Output(title="عنوان", published="2024-05-01", body="أ  ب\n\nس", captions=["صورة"], sources=[])
    s = score(truth, out)
    assert (s.title, s.date, s.include, s.exclude, s.captions, s.sources) == (True, True, 0.5, 0.5, (1, 1), (0, 1))


def test_evaluate_constructed_pair(tmp_path):
    truths = load_truths(write_pair(tmp_path))
    run = evaluate(truths, "akhbar", run_ours)
    assert meets_targets(run) == []
    assert run.totals()["pages"] == 1


def test_cli_eval_prints_tables_and_fails_on_empty_dir(tmp_path, capsys):
    assert main(["eval", str(write_pair(tmp_path)), "--no-trafilatura", "--repeat", "1"]) == 0
    assert "akhbar" in capsys.readouterr().out
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["eval", str(empty)]) != 0
    assert "no page/truth pairs" in capsys.readouterr().err


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared/pages is not beside the repository")
def test_targets_on_shared_pages():
    run = evaluate(load_truths(SHARED), "akhbar", run_ours)
    assert run.totals()["pages"] >= 5
    assert meets_targets(run) == []
