"""dateparser underneath: Latin-script dates our tables do not cover, and never a guess."""

from __future__ import annotations

from datetime import datetime

import pytest

from scraper.dates import parse_date, parse_date_match

REFERENCE = datetime(2024, 9, 20, 12, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mardi 7 décembre 2021", datetime(2021, 12, 7)),  # French, as Maghrebi sites print it
        ("7 Aralık 2021", datetime(2021, 12, 7)),  # Turkish
    ],
)
def test_other_latin_script_languages(text: str, expected: datetime) -> None:
    assert parse_date(text, reference=REFERENCE) == expected


def test_fallback_dates_take_the_site_zone_and_say_gregorian() -> None:
    match = parse_date_match("mardi 7 décembre 2021", reference=REFERENCE, tz="Africa/Tunis")
    assert match is not None
    assert match.calendar == "gregorian" and not match.has_zone and not match.has_time
    assert match.value.utcoffset() is not None and match.value.utcoffset().total_seconds() == 3600


@pytest.mark.parametrize("text", ["BBC News 24", "Page 2 of 10", "Reuters 2021", "le 12", "Covid-19"])
def test_no_guess_from_a_stray_number(text: str) -> None:
    assert parse_date(text, reference=REFERENCE) is None
