"""Property test: no str input makes scraper.dates raise, and every match's span is consistent."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.dates import _scan, find_dates, parse_date

# Pieces of real headers, so the generator reaches the deep branches, mixed with arbitrary text.
PIECES = [
    "7",
    "٣١",
    "۱۹",
    "2021",
    "١٤٤٥",
    "ديسمبر",
    "كانون الأول",
    "جانفي",
    "غشت",
    "Sep",
    "رمضان",
    "ذو الحجة",
    "هـ",
    "م",
    "/",
    "-",
    ".",
    ":",
    "08:15",
    "ص",
    "مساءً",
    "الساعة",
    "بتوقيت",
    "مكة المكرمة",
    "GMT+3",
    "+0400",
    "Z",
    "T",
    "منذ",
    "قبل",
    "ساعتين",
    "أيام",
    "أمس",
    "اليوم",
    "نشر في:",
    "آخر تحديث",
    "السابع",
    "من",
    "الحادي والعشرين",
    "غرة",
    "الجاري",
    "ـ",
    "\u200f",
    "\u00a0",
    "،",
    "|",
    "(",
    ")",
    " ",
    "29",
    "02",
]
texts = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=14).map(" ".join),
    st.lists(st.sampled_from(PIECES), max_size=14).map("".join),
)
references = st.one_of(st.none(), st.datetimes(min_value=datetime(1901, 1, 1), max_value=datetime(2099, 1, 1)))
zones = st.one_of(st.none(), st.sampled_from(["Asia/Riyadh", "Africa/Cairo", "UTC", "Bad/Zone", "", "+03:00"]))


@settings(max_examples=300, deadline=None)
@given(texts, references, zones)
def test_no_input_raises(text: str, reference: datetime | None, tz: str | None) -> None:
    # the public functions swallow internal errors (never raise); the scanner itself must not need to
    _scan(text, reference, tz, running=False)
    value = parse_date(text, reference=reference, tz=tz)
    assert value is None or isinstance(value, datetime)
    for m in find_dates(text, reference=reference, tz=tz):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.raw
        assert m.calendar in ("gregorian", "hijri")
