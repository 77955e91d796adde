"""Table-driven tests of scraper.dates: one row of tests/data/dates_cases.tsv per case."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from scraper.dates import DateMatch, find_dates, parse_date, parse_date_match, parse_iso

CASES = Path(__file__).parent / "data" / "dates_cases.tsv"
DEFAULT_REFERENCE = datetime(2024, 9, 20, 12, 0)


def _unescape(text: str) -> str:
    # invisible chars (RLM, NBSP...) are written \uXXXX in the table so a reviewer can see them
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), text)


def _rows() -> list:
    rows, group = [], ""
    for lineno, line in enumerate(CASES.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("## "):
            group = line[3:]
        if not line.strip() or line.startswith("#"):
            continue
        text, reference, tz, expected, *rest = line.split("\t")
        rows.append(
            pytest.param(
                _unescape(text),
                datetime.fromisoformat(reference) if reference else DEFAULT_REFERENCE,
                tz or None,
                expected,
                rest[0] if rest else None,
                id=f"{lineno}:{group[:30]}:{text[:40]}",
            )
        )
    return rows


@pytest.mark.parametrize(("text", "reference", "tz", "expected", "precision"), _rows())
def test_table(text: str, reference: datetime, tz: str | None, expected: str, precision: str | None) -> None:
    match = parse_date_match(text, reference=reference, tz=tz)
    assert (match.value.isoformat() if match else "None") == expected
    if precision is not None:
        assert match is not None and match.precision == precision


def test_table_is_large_and_grouped() -> None:
    assert len(_rows()) >= 200


REF = datetime(2021, 12, 20, 12, 0)


def test_find_dates_in_running_text() -> None:
    text = (
        "قال مسؤول يوم السابع من ديسمبر/ كانون الأول الجاري إن 12 شخصا قتلوا في 3 انفجارات، "
        "وأضاف أن الاجتماع عقد في 15 مارس 2021 الساعة 10:30 صباحاً."
    )
    found = find_dates(text, reference=REF)
    assert [m.raw for m in found] == [
        "يوم السابع من ديسمبر/ كانون الأول الجاري",
        "15 مارس 2021 الساعة 10:30 صباحاً",
    ]
    assert [m.value for m in found] == [datetime(2021, 12, 7), datetime(2021, 3, 15, 10, 30)]
    assert [m.has_time for m in found] == [False, True]
    for m in found:
        assert text[m.start : m.end] == m.raw


def test_find_dates_spans_survive_normalization() -> None:
    text = "\u200fنشر في: ٧ ديســــمبر ٢٠٢١ - ٠٨:١٥ م\u200f"
    (m,) = find_dates(text, reference=REF)
    assert m.raw == "٧ ديســــمبر ٢٠٢١ - ٠٨:١٥ م"
    assert text[m.start : m.end] == m.raw
    assert m.value == datetime(2021, 12, 7, 20, 15)
    assert m.label == "published"


@pytest.mark.parametrize(
    "text",
    [
        "قتل 12 شخصا في 3 انفجارات",
        "اتصل على 0123-456-7890 أو 00966501234567",
        "في عام 2021 وحده",
        "فاز الفريق 3 صفر على ضيفه",
        "قال اليوم إن الوضع هادئ",  # bare اليوم in a body is not a date
    ],
)
def test_find_dates_ignores_numbers_years_phones(text: str) -> None:
    assert find_dates(text, reference=REF) == []


def test_find_dates_month_names_that_are_given_names() -> None:
    assert find_dates("سجل في الدقيقة 10 رمضان صبحي الهدف الأول", reference=REF) == []
    (m,) = find_dates("وصل الوفد في 10 رمضان الجاري", reference=datetime(2024, 3, 25))
    assert m.value == datetime(2024, 3, 20) and m.calendar == "hijri"
    assert parse_date("10 رمضان", reference=datetime(2024, 3, 25)) == datetime(2024, 3, 20)


def test_find_dates_day_month_without_year_takes_reference_year() -> None:
    (m,) = find_dates("وصل الوفد في 3 ديسمبر إلى الرياض", reference=REF)
    assert m.value == datetime(2021, 12, 3)


def test_hijri_and_gregorian_pair() -> None:
    text = "الاثنين 1 رمضان 1445 هـ الموافق 11 مارس 2024 م"
    found = find_dates(text, reference=REF)
    assert [m.calendar for m in found] == ["hijri", "gregorian"]
    assert found[0].value == found[1].value == datetime(2024, 3, 11)
    best = parse_date_match(text, reference=REF)
    assert best is not None and best.calendar == "gregorian"
    hijri_only = parse_date_match("غرة رمضان 1445هـ", reference=REF)
    assert hijri_only is not None and hijri_only.calendar == "hijri"


def test_time_of_hijri_date_carries_to_gregorian_pair() -> None:
    m = parse_date_match("1 رمضان 1445 هـ الساعة 10:30 الموافق 11 مارس 2024", reference=REF)
    assert m is not None and m.value == datetime(2024, 3, 11, 10, 30) and m.calendar == "gregorian"


def test_match_flags() -> None:
    m = parse_date_match("19 سبتمبر 2024 10:00 بتوقيت القاهرة", reference=REF, tz="Asia/Riyadh")
    assert m is not None and m.has_time and m.has_zone and not m.relative
    assert m.value.utcoffset().total_seconds() == 3 * 3600
    m = parse_date_match("19 سبتمبر 2024", reference=REF, tz="Asia/Riyadh")
    assert m is not None and not m.has_time and not m.has_zone and m.value.tzinfo is not None
    m = parse_date_match("منذ ساعتين", reference=REF)
    assert m is not None and m.relative and m.has_time
    m = parse_date_match("آخر تحديث: 8 ديسمبر 2021", reference=REF)
    assert m is not None and m.label == "updated"


def test_zone_is_attached_not_dropped() -> None:
    # fundus's helper called dt.replace(tzinfo=...) and dropped the result; make sure ours sticks
    got = parse_date("7 ديسمبر 2021 10:00", reference=REF, tz="Africa/Cairo")
    assert got is not None and got.tzinfo is not None and got.utcoffset() is not None


def test_aware_reference_for_relative_dates() -> None:
    ref = datetime.fromisoformat("2024-09-20T12:00:00+03:00")
    assert parse_date("منذ ساعتين", reference=ref) == datetime.fromisoformat("2024-09-20T10:00:00+03:00")


def test_default_reference_is_now() -> None:
    got = parse_date("منذ 5 دقائق")
    assert got is not None and abs((datetime.now() - got).total_seconds() - 300) < 60


@pytest.mark.parametrize("bad", [None, 12, "7 ديسمبر 2021".encode(), "", " ", "\x00", "٣٢/١٣/٢٠٢١"])
def test_never_raises_on_odd_input(bad: object) -> None:
    assert parse_date(bad, reference=REF) is None  # type: ignore[arg-type]
    assert find_dates(bad, reference=REF) == []  # type: ignore[arg-type]


def test_datematch_is_frozen() -> None:
    m = parse_date_match("7 ديسمبر 2021", reference=REF)
    assert isinstance(m, DateMatch)
    with pytest.raises(AttributeError):
        m.start = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("7 ديسمبر" + " " * 50_000 + "x", 1),
        ("7" + " " * 50_000 + "x", 0),
        ("10:30" + " " * 50_000 + "بتوقيت" + " " * 50_000, 0),  # a clock alone, its zone word far away
        ("7 ديسمبر\u200f " * 10_000, 10_000),
    ],
)
def test_long_inputs_are_read_whole(text: str, found: int) -> None:
    # Long runs of spaces once made a regex like \s*X?\s* backtrack quadratically (minutes per
    # call); these inputs finish in milliseconds now. No timing assertion here: the suite would
    # simply hang if the backtracking came back. The answers must still be right.
    matches = find_dates(text, reference=REF)
    assert len(matches) == found
    expected = datetime(2021, 12, 7) if found else None
    assert all(m.value == expected for m in matches)
    assert parse_date(text, reference=REF) == expected


# --- the YAML tables and the grammar agree: every spelling a table lists is read -----------------

DATA = Path(__file__).parent.parent / "scraper" / "data" / "dates"


def _yaml(name: str) -> dict:
    import yaml

    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def test_every_month_spelling_is_read() -> None:
    months = _yaml("months.yaml")
    rows = [(n, m) for family in months["gregorian"].values() for n, m in family.items()]
    for name, month in rows:
        got = parse_date(f"15 {name} 2023", reference=REF)
        assert got == datetime(2023, month, 15), name
    for name, month in months["hijri"].items():
        m = parse_date_match(f"15 {name} 1445 هـ", reference=REF)
        assert m is not None and m.calendar == "hijri", name
        assert m.value.date() == parse_date(f"15/{month}/1445 هـ", reference=REF).date(), name


def test_every_ordinal_is_read() -> None:
    for word, day in _yaml("labels.yaml")["ordinals"].items():
        assert parse_date(f"{word} من يناير 2023", reference=REF) == datetime(2023, 1, day), word


def test_every_zone_resolves() -> None:
    zones = _yaml("zones.yaml")
    for phrase in zones["phrases"]:
        m = parse_date_match(f"7 ديسمبر 2021 10:00 بتوقيت {phrase}", reference=REF)
        assert m is not None and m.has_zone and m.value.utcoffset() is not None, phrase
    for abbr in zones["abbreviations"]:
        m = parse_date_match(f"7 ديسمبر 2021 10:00 {abbr}", reference=REF)
        assert m is not None and m.has_zone, abbr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-31", "2024-01-31T00:00:00+00:00"),
        ("20240131", "2024-01-31T00:00:00+00:00"),
        ("2024-01-31T09:30:00Z", "2024-01-31T09:30:00+00:00"),
        ("2024-01-31T09:30+03:00", "2024-01-31T09:30:00+03:00"),
        (" 2024-01-31 09:30 ", "2024-01-31T09:30:00+00:00"),
        ("31/01/2024", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_iso_machine_values(text: str | None, expected: str | None) -> None:
    got = parse_iso(text)
    assert (got.isoformat() if got else None) == expected


# --- two-digit years, month-only dates and strict mode ---------------------------------------------


def test_two_digit_year_only_where_the_number_cannot_be_a_count() -> None:
    (m,) = find_dates("قتل في 7 ديسمبر 21 شخصا", reference=REF)
    assert m.raw == "7 ديسمبر" and m.value == datetime(2021, 12, 7)  # 21 is a count; the year is REF's
    (m,) = find_dates("قتل في 7 ديسمبر 2019 21 شخصا", reference=REF)
    assert m.value == datetime(2019, 12, 7)
    assert parse_date("7 ديسمبر 21:30", reference=REF) == datetime(2021, 12, 7, 21, 30)  # a clock, not a year
    assert parse_date("7 ديسمبر 19", reference=REF) == datetime(2019, 12, 7)


def test_month_and_year_in_running_text_has_month_precision() -> None:
    found = find_dates("بدأت الأزمة في أيلول 2019 وتفاقمت في 3 آذار 2020", reference=REF)
    assert [(m.raw, m.precision) for m in found] == [("أيلول 2019", "month"), ("3 آذار 2020", "day")]
    assert find_dates("في عام 2019", reference=REF) == []  # a year alone is not a date


def test_strict_mode_reraises_internal_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    import scraper.dates as dates

    def broken(*args: object) -> None:
        raise ZeroDivisionError("bug in the scanner")

    monkeypatch.setattr(dates, "_named", broken)
    monkeypatch.setattr(dates, "strict", True)
    with pytest.raises(ZeroDivisionError):
        parse_date("7 ديسمبر 2021", reference=REF)
    with pytest.raises(ZeroDivisionError):
        find_dates("في 7 ديسمبر 2021", reference=REF)
    monkeypatch.setattr(dates, "strict", False)  # production: the bug costs the date, not the crawl
    assert parse_date("7 ديسمبر 2021", reference=REF) is None
    assert find_dates("في 7 ديسمبر 2021", reference=REF) == []


def test_tests_run_in_strict_mode() -> None:
    import scraper.dates as dates

    assert dates.strict, "tests/conftest.py must turn strict mode on"
