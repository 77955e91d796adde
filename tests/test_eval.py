"""The scoring of ``akhbar eval`` on CONSTRUCTED truths and outputs (written for these tests), the
command on a CONSTRUCTED page, and the report's structure on the shared real pages (their scores
are not asserted: the extractor is still moving them)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest

from scraper.article import Article, Block, Caption, SourceCredit
from scraper.cli import main
from scraper.evaluation.runners import Credit, Output, from_record, run_akhbar, stored_record, trafilatura_date
from scraper.evaluation.scoring import Match, match_items, prints_clock, score_date, score_page, totals
from scraper.evaluation.targets import missed
from scraper.evaluation.truth import Truth, TruthError, load_truths, name_matches, source_matches
from scraper.evaluation.variants import METADATA_STRIPPED

SHARED = Path(__file__).resolve().parents[2] / "shared" / "pages"
PARA = "قال المتحدث باسم الوزارة في مؤتمر صحفي اليوم إن المفاوضات ستستأنف الأسبوع المقبل، مؤكدا اتفاق الطرفين."
CAIRO = timezone(timedelta(hours=2))


def article_truth(**fields) -> Truth:
    base = dict(file=Path("p.html"), url="https://news.example.org/a", title="عنوان الخبر",
                published="2024-05-01", must_include=["أ ب"], must_exclude=["س"])
    base.update(fields)
    return Truth(**base)


def stored(**fields) -> Output:
    base = dict(title="عنوان الخبر", published=datetime(2024, 5, 1, 9, 0, tzinfo=UTC), body="أ ب")
    base.update(fields)
    return Output(**base)


# --- dates: the printed day, and the instant to the minute ------------------------------------


@pytest.mark.parametrize(
    ("truth", "out", "day", "time"),
    [
        # the instant matches whatever zone the record holds it in; seconds do not count
        ("2020-08-24T09:23+02:00", dict(published=datetime(2020, 8, 24, 7, 23, 13, tzinfo=UTC)), True, True),
        ("2020-08-24T09:23+02:00", dict(published=datetime(2020, 8, 24, 9, 23, tzinfo=CAIRO)), True, True),
        # the wall time read as UTC: two hours off, the day still right
        ("2020-08-24T09:23+02:00", dict(published=datetime(2020, 8, 24, 9, 23, tzinfo=UTC)), True, False),
        # late evening: the printed day is the day in the page's zone, not the UTC day
        ("2020-08-24T23:30+02:00", dict(published=datetime(2020, 8, 24, 21, 30, tzinfo=UTC)), True, True),
        ("2020-08-24T23:30+02:00", dict(published=datetime(2020, 8, 24, 23, 30, tzinfo=UTC)), False, False),
        # a naive value has no offset: not an instant
        ("2020-08-24T09:23+02:00", dict(published=datetime(2020, 8, 24, 9, 23)), True, False),
        # a day-precision value is no time, even at the right midnight
        ("2020-08-24T00:00+02:00", dict(published=datetime(2020, 8, 23, 22, 0, tzinfo=UTC),
                                        published_precision="day"), True, False),
        # a date-only truth: the stored day counts, so midnight Cairo stored as UTC is the day before
        ("2013-08-03", dict(published=datetime(2013, 8, 2, 22, 0, tzinfo=UTC)), False, None),
        ("2013-08-03", dict(published=datetime(2013, 8, 3, 0, 0, tzinfo=UTC)), True, None),
        # published_local, when the record has it, is the printed wall time
        ("2013-08-03", dict(published=datetime(2013, 8, 2, 22, 0, tzinfo=UTC), published_local="2013-08-03",
                            published_precision="day"), True, None),
        ("2022-05-03T16:45+00:00", dict(published_local="2022-05-03T18:45+02:00"), True, True),
        ("2022-05-03T18:45+02:00", dict(published_local="2022-05-03T18:45"), True, False),  # offset unknown
        ("2022-05-03T18:45+02:00", dict(published_local="2022-05-03T18:45+03:00"), True, False),
        ("2022-05-03T18:45+02:00", dict(published_local="2022-05-03"), True, False),
        ("2019-09-01", dict(published_local="2019-09", published_precision="month"), False, None),
        # trafilatura gives a day string, never a time
        ("2019-02-08", dict(published="2019-02-08"), True, None),
        ("2019-02-08T10:00+01:00", dict(published="2019-02-08"), True, False),
        ("2019-02-08", dict(published=None), False, None),
    ],
)
def test_day_and_time_are_scored_apart(truth, out, day, time):
    score = score_date(truth, Output(**out))
    assert (score.day, score.time) == (day, time)


def test_trafilatura_midnight_without_offset_is_a_day_not_a_time():
    # htmldate, asked for a time, fills a date-only finding with a bare midnight
    assert trafilatura_date("2024-03-03T00:00:00") == "2024-03-03"
    assert trafilatura_date("2024-03-03T13:52:13+0000") == datetime(2024, 3, 3, 13, 52, 13, tzinfo=UTC)
    assert trafilatura_date("2024-03-03T10:05:00") == datetime(2024, 3, 3, 10, 5)  # a time, offset unknown
    timed = Output(published=trafilatura_date("2024-03-03T13:52:13+0000"))
    assert score_date("2024-03-03T13:52+00:00", timed).time
    day_only = Output(published=trafilatura_date("2024-03-03T00:00:00"))
    assert score_date("2024-03-03T00:00+00:00", day_only).time is False


def test_a_time_without_offset_says_why_it_is_wrong():
    score = score_date("2022-05-03T18:45+02:00", Output(published_local="2022-05-03T18:45"))
    assert score.note == "offset unknown" and score.got == "2022-05-03T18:45"


@pytest.mark.parametrize(
    ("markup", "truth", "shown"),
    [
        # constructed pages
        ("<p>نشر في 3 مارس 2024 - 13:52</p>", "2024-03-03T13:52+00:00", True),
        ("<p>03/03/2024 ١:٥٢ م</p>", "2024-03-03T13:52+00:00", True),  # 12 hours, Eastern digits
        ("<p>3 مارس 2024</p><script>var t='13:52'</script>", "2024-03-03T13:52+00:00", False),  # not visible
        ("<p>3 مارس 2024 الساعة 113:520</p>", "2024-03-03T13:52+00:00", False),  # digits run on
        ("<p>3 مارس 2024 13:52</p>", "2024-03-03", False),  # the truth has no time
    ],
)
def test_prints_clock_reads_only_the_visible_text(markup, truth, shown):
    page = f"<html><head><title>t</title></head><body>{markup}</body></html>".encode()
    assert prints_clock(page, truth) is shown


def test_a_time_the_page_does_not_print_is_not_scored_on_a_stripped_set():
    truth = Truth(file=Path("p.html"), url="https://x.example/1", title="عنوان", published="2024-03-03T13:52+00:00")
    out = Output(title="عنوان", body="نص", published_local="2024-03-03", published_precision="day")
    assert score_page(truth, out).date.time is False
    unshown = score_page(truth, out, time_shown=False)
    assert unshown.date.time is None and unshown.date.day is True
    assert totals([unshown]).timed == 0


# --- lists: precision as well as recall --------------------------------------------------------


def test_extra_items_are_errors_and_a_field_is_right_only_with_none():
    match = match_items(["أسماء نصار"], ["أسماء نصار", "محرر الموقع"], name_matches)
    assert (match.found, match.expected, match.extras, match.ok, match.cell()) == (1, 1, 1, False, "1/1 +1")
    assert match.extra == ["محرر الموقع"]
    assert match_items(["أ", "ب"], ["ب"], name_matches).cell() == "1/2"
    assert match_items([], [], name_matches).ok


def test_each_expected_item_claims_one_output_item():
    match = match_items(["صورة", "صورة"], ["صورة"], name_matches)
    assert (match.found, match.missing) == (1, ["صورة"])
    match = match_items(["صورة"], ["صورة", "صورة"], name_matches)
    assert (match.found, match.extras) == (1, 1)


def test_names_compare_after_the_readme_normalization_only():
    assert name_matches("أسماء نصار", "أسماء\u200f  نصـار")  # bidi mark, tatweel, spacing
    assert name_matches("أسماء نصار", "\u0627\u0654سماء نصار")  # decomposed hamza, composed by NFC
    assert not name_matches("أسماء نصار", "اسماء نصار")  # hamza is not folded: a different spelling


def test_sources_match_through_the_agencies_table_rows():
    assert source_matches("رويترز", "Reuters", "Reuters")
    assert source_matches("رويترز", "رويترز", None)
    assert source_matches("أ ف ب", "فرانس برس", "AFP")  # two spellings of one row
    assert source_matches("سانا", "SANA", None)
    assert not source_matches("رويترز", "فرانس برس", "AFP")
    assert not source_matches("مصدر مجهول", "Reuters", "Reuters")
    match = match_items(["رويترز"], [Credit("Reuters", "Reuters"), Credit("أ ف ب", "AFP")],
                        lambda want, c: source_matches(want, c.name, c.canonical))
    assert match.cell() == "1/1 +1"


def test_score_page_counts_includes_leaks_and_extras():
    truth = article_truth(must_include=["أ ب", "ج د"], must_exclude=["س", "ص"], captions=["صورة"],
                          sources=["رويترز"], authors=["كاتب"])
    out = stored(body="أ  ب\n\nس", captions=["صورة", "شعار الموقع"], sources=[], authors=["كاتب"])
    s = score_page(truth, out)
    assert (s.title, s.date.day, s.date.time, s.include, s.leaks) == (True, True, None, 0.5, 0.5)
    assert (s.captions.cell(), s.sources.cell(), s.authors.cell()) == ("1/1 +1", "0/1", "1/1")
    fields = [f for f, _, _ in s.failures()]
    assert fields == ["include", "leaks", "captions", "sources"]


def test_an_article_not_stored_fails_every_field():
    truth = article_truth(published="2024-05-01T10:00+03:00", captions=["صورة"])
    s = score_page(truth, Output(rejected="not an article: a listing"))
    assert not s.stored and not s.title and not s.date.day and s.date.time is False and s.include == 0
    assert s.captions.cell() == "0/1"
    assert s.failures() == [("stored", "stored", "not an article: a listing")]


# --- non-articles ---------------------------------------------------------------------------


def test_a_non_article_must_be_rejected_with_a_reason():
    truth = Truth(file=Path("home.html"), url="https://news.example.org/", article=False, kind="home")
    accepted = score_page(truth, stored())
    rejected = score_page(truth, Output(rejected="not an article: 40 headline links"))
    crashed = score_page(truth, Output(error="extractor error: KeyError: 'x'"))
    assert (accepted.rejected_ok, rejected.rejected_ok, crashed.rejected_ok) == (False, True, False)
    t = totals([accepted, rejected, crashed])
    assert (t.non_articles, t.rejected, t.articles) == (3, 1, 0)
    assert "non-articles rejected 1/3" in missed(t)


# --- the stored record is what is scored -------------------------------------------------------


def long_article(**fields) -> Article:
    base = dict(url="https://news.example.org/a", canonical_url="https://news.example.org/a", site="news.example.org",
                title="عنوان  الخبـر\u200f", blocks=[Block("paragraph", PARA + "\u0640"), Block("paragraph", PARA)],
                authors=["كاتب", "كاتب "],
                sources=[SourceCredit("رويترز", "Reuters"), SourceCredit("Reuters", "Reuters")],
                captions=[Caption("صورة  الوزير"), Caption("صورة الوزير")],
                published_at=datetime(2024, 5, 1, 10, 0, tzinfo=timezone(timedelta(hours=3))))
    base.update(fields)
    return Article(**base)


def test_the_record_is_scored_after_validation_and_normalization():
    record, problem = stored_record(b"<html></html>", "https://news.example.org/a", long_article())
    assert problem is None
    out = from_record(record)
    assert out.title == "عنوان الخبر"  # cleaned as stored
    assert out.authors == ["كاتب"] and out.captions == ["صورة الوزير"]  # deduplicated as stored
    assert [(c.name, c.canonical) for c in out.sources] == [("رويترز", "Reuters")]
    assert out.published == datetime(2024, 5, 1, 7, 0, tzinfo=UTC) and out.published.utcoffset() == timedelta(0)
    truth = article_truth(title="عنوان الخبر", published="2024-05-01T10:00+03:00", authors=["كاتب"],
                          captions=["صورة الوزير"], sources=["رويترز"], must_include=[PARA],
                          must_exclude=["الأكثر قراءة"])
    s = score_page(truth, out)
    assert s.failures() == []


def test_a_record_validation_would_drop_is_a_rejection_with_its_reason():
    short = long_article(blocks=[Block("paragraph", "خبر قصير")])
    record, problem = stored_record(b"", "https://news.example.org/a", short)
    assert record is None and problem.startswith("body has 8 characters")


def test_published_local_is_read_from_the_record_when_it_has_one():
    record = SimpleNamespace(title="ت", published_at=datetime(2013, 8, 2, 20, 0, tzinfo=UTC),
                             published_local="2013-08-03", published_precision="day", body="ب",
                             captions=[], sources=[], authors=[])
    out = from_record(record)  # type: ignore[arg-type]
    assert (out.published_local, out.published_precision) == ("2013-08-03", "day")
    assert score_date("2013-08-03", out).day


def test_run_akhbar_scores_the_normalized_record_of_a_constructed_page(tmp_path):
    page = write_pair(tmp_path).joinpath("p.html").read_bytes()
    out = run_akhbar(page, "https://news.example.org/story")
    assert out.stored, out.rejected
    assert out.title == "اتفاق على استئناف المفاوضات"  # the page prints it with a tatweel
    assert out.published == datetime(2024, 5, 1, 7, 0, tzinfo=UTC)  # stored in UTC
    assert out.seconds > 0


# --- targets --------------------------------------------------------------------------------


def test_targets_name_what_is_missed_and_where_the_baseline_is_ahead():
    good = score_page(article_truth(), stored())
    assert missed(totals([good])) == []
    wrong_title = score_page(article_truth(), stored(title="الموقع | عنوان الخبر"))
    ours = totals([wrong_title])
    assert missed(ours) == ["titles 0/1"]
    assert missed(ours, totals([good]))[-1].startswith("behind trafilatura on titles")
    extra = score_page(article_truth(authors=["كاتب"]), stored(authors=["كاتب", "الموقع"]))
    assert missed(totals([extra])) == ["authors 1/1 +1"]
    right = score_page(article_truth(published="2024-05-01T12:00+03:00"), stored())  # 09:00 UTC
    assert missed(totals([right])) == []
    wrong = score_page(article_truth(published="2024-05-01T09:00+03:00"), stored())
    assert missed(totals([wrong])) == ["time 0/1"]


def test_leaks_and_includes_have_thresholds():
    leaky = score_page(article_truth(must_exclude=["س"] + [f"ع{i}" for i in range(99)]), stored(body="أ ب س"))
    assert totals([leaky]).leaks == pytest.approx(0.01)
    assert missed(totals([leaky])) == []  # 1% is allowed
    leakier = score_page(article_truth(must_exclude=["س", "ص"]), stored(body="أ ب س"))
    assert missed(totals([leakier])) == ["leaks 50.0% > 1%"]
    short = score_page(article_truth(must_include=["أ ب", "ج"]), stored())
    assert missed(totals([short])) == ["must_include 50.0% < 98%"]


def test_match_totals_add_up():
    total = Match(1, 2, ["ب"], []) + Match(2, 2, [], ["ج"])
    assert (total.cell(), total.net) == ("3/4 +1", 2)


# --- truth files ----------------------------------------------------------------------------


def write_pair(folder: Path, name: str = "p") -> Path:
    # constructed: a small article page and its truth file
    page = (
        "<html><head><meta charset='utf-8'>"
        '<meta property="article:published_time" content="2024-05-01T10:00:00+03:00"></head><body>'
        "<nav><a href='/'>الأكثر قراءة في الموقع</a></nav><article><h1>اتفـاق على استئناف المفاوضات</h1>"
        + "".join(f"<p>{PARA}</p>" for _ in range(3))
        + "</article></body></html>"
    )
    (folder / f"{name}.html").write_text(page, encoding="utf-8")
    truth = {
        "file": f"{name}.html", "url": "https://news.example.org/story", "title": "اتفاق على استئناف المفاوضات",
        "published": "2024-05-01T10:00+03:00", "authors": [], "sources": [], "captions": [],
        "must_include": [PARA], "must_exclude": ["الأكثر قراءة في الموقع"],
    }
    (folder / f"{name}.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    return folder


def test_load_truths_reads_non_articles_and_refuses_broken_files(tmp_path):
    write_pair(tmp_path)
    (tmp_path / "home.html").write_text("<html><body><a href='/x'>خبر</a></body></html>", encoding="utf-8")
    (tmp_path / "home.json").write_text(json.dumps({"file": "home.html", "url": "https://x.example/",
                                                    "kind": "home", "article": False}), encoding="utf-8")
    (tmp_path / "notes.json").write_text("[1, 2]", encoding="utf-8")  # not a truth: passed over
    truths = load_truths(tmp_path)
    assert [(t.name, t.article, t.kind) for t in truths] == [("home.html", False, "home"), ("p.html", True, None)]
    (tmp_path / "bad.json").write_text('{"file": "p.html", "authors": "كاتب"}', encoding="utf-8")
    with pytest.raises(TruthError, match="'authors' must be a list"):
        load_truths(tmp_path)
    (tmp_path / "bad.json").write_text('{"file": "gone.html"}', encoding="utf-8")
    with pytest.raises(TruthError, match=r"gone\.html"):
        load_truths(tmp_path)


# --- the command ----------------------------------------------------------------------------


def test_cli_scores_each_chosen_variant_and_prints_json_with_arabic(tmp_path, capsys):
    assert main(["eval", str(write_pair(tmp_path)), "--no-trafilatura", "--variants", "plain,re-encoded",
                 "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert "اتفاق على استئناف المفاوضات" in out  # ensure_ascii=False
    report = json.loads(out)
    assert [s["variant"] for s in report["sets"]] == ["plain", "reencoded"]
    for s in report["sets"]:
        assert [e["extractor"] for e in s["extractors"]] == ["akhbar"]
        assert s["extractors"][0]["totals"]["articles"] == 1
        assert s["extractors"][0]["pages"][0]["page"] == "p.html"


def test_cli_text_report_has_totals_and_targets_per_set(tmp_path, capsys):
    assert main(["eval", str(write_pair(tmp_path)), "--no-trafilatura", "--variants", "bare,scrambled",
                 "--detail"]) == 0
    out = capsys.readouterr().out
    for variant in ("bare", "scrambled"):
        assert f"{variant}: 1 pages" in out and f"{variant}: every page" in out
        assert f"{variant}: targets missed" in out or f"{variant}: every target met" in out
    assert max(len(line) for line in out.splitlines()) <= 120


def test_cli_bad_input_is_one_line(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["eval", str(empty)]) == 2
    assert "no page/truth pairs" in capsys.readouterr().err
    assert main(["eval", str(write_pair(tmp_path)), "--variants", "plain,stripped"]) == 2
    err = capsys.readouterr().err
    assert "unknown variant 'stripped'" in err and len(err.strip().splitlines()) == 1
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    assert main(["eval", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "broken.json" in err and "Traceback" not in err


def test_cli_without_trafilatura_says_how_to_install_or_to_score_akhbar_alone(tmp_path, capsys, monkeypatch):
    # Issue 9: the comparison asked for cannot run, so it is a one-line error, not a silent
    # akhbar-only report with exit 0; --no-trafilatura asks for that report.
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # import trafilatura now raises ImportError
    assert main(["eval", str(write_pair(tmp_path)), "--variants", "plain"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.strip().splitlines()
    assert line.startswith("akhbar eval: cannot import trafilatura")
    assert "pip install -e '.[dev]'" in line and line.endswith("or add --no-trafilatura to score akhbar alone")
    assert main(["eval", str(write_pair(tmp_path)), "--variants", "plain", "--no-trafilatura"]) == 0
    out = capsys.readouterr().out
    assert "akhbar " in out and "trafilatura " not in out


def test_cli_check_exits_1_when_a_target_is_missed(tmp_path, capsys):
    folder = write_pair(tmp_path)
    truth = json.loads((folder / "p.json").read_text(encoding="utf-8"))
    truth["authors"] = ["كاتب غير موجود"]
    (folder / "p.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    assert main(["eval", str(folder), "--no-trafilatura", "--variants", "plain", "--check"]) == 1
    assert "authors 0/1" in capsys.readouterr().out


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"the shared real pages are not at {SHARED}")
def test_report_structure_on_the_shared_pages(capsys):
    assert main(["eval", str(SHARED), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    truths = load_truths(SHARED)
    assert [s["variant"] for s in report["sets"]] == ["plain", "bare", "scrambled", "reencoded"]
    for s in report["sets"]:
        names = [e["extractor"] for e in s["extractors"]]
        assert names[0] == "akhbar" and (names[1:] == ["trafilatura"] or report["notice"])
        assert isinstance(s["targets_missed"], list)
        for run in s["extractors"]:
            t = run["totals"]
            assert t["pages"] == len(truths)
            assert t["non_articles"] == sum(not tr.article for tr in truths)
            timed = sum(tr.has_time for tr in truths if tr.article)
            if s["variant"] in METADATA_STRIPPED:  # only the times the page prints are scored there
                assert 0 < t["timed"] <= timed
            else:
                assert t["timed"] == timed
            pages = {p["page"]: p for p in run["pages"]}
            assert set(pages) == {tr.name for tr in truths}
            for tr in truths:
                keys = {"rejected_ok"} if not tr.article else {"title", "day", "time", "captions", "sources",
                                                                "authors", "include", "leaks"}
                assert keys <= set(pages[tr.name]), tr.name
