"""Arabic news dates: headers, bylines and running text.

``parse_date("الخميس 7 كانون الأول 2021 - 08:15 م")`` -> ``datetime(2021, 12, 7, 20, 15)``.

The language data (month names of every family, Hijri months, labels, zones, relative units) lives
in ``scraper/data/dates/*.yaml``; :mod:`scraper.dates_data` compiles it once into a normalizer and a
few regular expressions. This module resolves matches into datetimes:

1. normalize the text once (digits, hamza, tatweel, bidi marks, spaces), keeping an offset map;
2. find date cores (named month, month first, numeric, relative);
3. attach a time after (or before) each core, and a zone after the time;
4. resolve calendar (Hijri via Umm al-Qura), missing years (most recent past) and zones.

Every match says how much the text printed (``precision``): ``"second"``, ``"minute"`` (a clock,
or a relative time in minutes or hours), ``"day"`` or ``"month"`` (`أيلول 2019`). A value without
a clock is that calendar day, not a moment: its time of day is 00:00 only as a placeholder.

Years are never guessed silently. A missing year is the most recent past one in which the day has
already come (``_pick_year``), unless a word says which (`الجاري`, `المقبل`). A two-digit year
(`7 ديسمبر 21`, `05/03/23`) is 20yy, or 19yy when 20yy would be more than a year after the
reference moment (``_two_digit_year``): with reference 2024, `25` is 2025 and `26` is 1926.

Errors: the public functions never raise on any input. In tests, set ``scraper.dates.strict =
True`` (tests/conftest.py does): an internal error then propagates instead of becoming "no date".
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

from hijridate import Gregorian, Hijri

from scraper import dates_data as D
from scraper.article import Precision

__all__ = ["DateMatch", "Precision", "find_dates", "parse_date", "parse_date_match", "parse_iso"]

Calendar = Literal["gregorian", "hijri"]

# Re-raise internal errors instead of returning "no date": for tests (tests/conftest.py turns it on).
strict: bool = os.environ.get("AKHBAR_DATES_STRICT", "") == "1"


@dataclass(frozen=True, slots=True)
class DateMatch:
    """One date found in text. ``start``/``end``/``raw`` refer to the input string as given."""

    start: int
    end: int
    raw: str
    value: datetime
    calendar: Calendar
    has_time: bool
    has_zone: bool  # the text itself stated the zone (a ``tz`` argument does not count)
    relative: bool = False  # `منذ ساعتين`, `أمس`
    label: Literal["published", "updated"] | None = None  # from `نشر في:` / `آخر تحديث:` before it
    precision: Precision = "day"  # how much the text printed: a month, a day, a clock to the minute


def parse_date(text: str, *, reference: datetime | None = None, tz: str | None = None) -> datetime | None:
    """The date of a header or byline string, or None when it holds no (valid) date. Never raises."""
    m = parse_date_match(text, reference=reference, tz=tz)
    return m.value if m else None


def parse_date_match(text: str, *, reference: datetime | None = None, tz: str | None = None) -> DateMatch | None:
    """The best single date of a header/byline: published before updated, absolute before relative,
    Gregorian before Hijri (`... هـ الموافق ... م`), then the first."""
    try:
        return _best(text, reference, tz)
    except Exception:  # the contract is "never raises"; a bug here must not kill a crawl
        if strict:
            raise
        return None


def _best(text: str, reference: datetime | None, tz: str | None) -> DateMatch | None:
    found = _scan(text, reference, tz, running=False)
    if not found:
        return _fallback(text, reference, tz)
    best = max(found, key=lambda m: (m.label != "updated", not m.relative, m.calendar == "gregorian", -m.start))
    if not best.has_time:
        # `1 رمضان 1445 هـ 10:30 الموافق 11 مارس 2024`: the time belongs to both
        for m in found:
            if m.has_time and not m.relative and m.value.date() == best.value.date() and best.precision == "day":
                return replace(best, value=m.value, has_time=True, has_zone=m.has_zone, precision=m.precision)
    return best


def parse_iso(text: str | None, *, default_tz: tzinfo = UTC) -> datetime | None:
    """A machine ISO 8601 value (``2024-01-31``, ``20240131``, ``2024-01-31T09:30:00Z``) as an aware
    datetime, read in ``default_tz`` when it names no zone; None when it is not one. Never raises.

    For values a program wrote (command-line options, manifests, sitemap ``lastmod``, WARC dates);
    text a person reads goes through :func:`parse_date`."""
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=default_tz)


# Latin-script text with a word and a number: the only input worth dateparser's ~1 ms.
_LATIN_DATE_LIKE = re.compile(r"(?=.*[^\W\d_ء-ي]{3})(?=.*\d)", re.S)
_CLOCK = re.compile(r"\d{1,2}[:h.]\d{2}")
_FALLBACK_LANGUAGES = ["fr", "en", "es", "de", "tr"]


def _fallback(text: str, reference: datetime | None, tz: str | None) -> DateMatch | None:
    """dateparser, underneath, for what it reads and we do not: dates in French and other Latin-script
    languages that Maghrebi and international sites print (`mardi 7 décembre 2021`). Strict parsing:
    day, month and year must all be there, so a stray number is never taken for a date."""
    if not isinstance(text, str) or len(text) > 200 or not _LATIN_DATE_LIKE.match(text):
        return None
    import dateparser

    zone = _zone(tz) if tz else None
    settings: dict[str, object] = {"STRICT_PARSING": True, "DATE_ORDER": "DMY", "PREFER_DATES_FROM": "past"}
    if reference is not None:
        settings["RELATIVE_BASE"] = reference.replace(tzinfo=None)
    try:
        value = dateparser.parse(text.strip(), languages=_FALLBACK_LANGUAGES, settings=settings)  # type: ignore[arg-type]
    except Exception:  # dateparser's own errors on odd input (not ours: strict mode does not apply)
        return None
    if value is None:
        return None
    has_zone = value.tzinfo is not None
    if not has_zone and zone is not None:
        value = value.replace(tzinfo=zone)
    raw = text.strip()
    clock = bool(_CLOCK.search(text))
    precision: Precision = ("second" if value.second else "minute") if clock else "day"
    return DateMatch(0, len(raw), raw, value, "gregorian", clock, has_zone, precision=precision)


def find_dates(text: str, *, reference: datetime | None = None, tz: str | None = None) -> list[DateMatch]:
    """Every date in running text, in order. Bare `اليوم`/`أمس` (without a time) are left out: in
    article bodies they are as often figures of speech as dates."""
    try:
        return _scan(text, reference, tz, running=True)
    except Exception:
        if strict:
            raise
        return []


# --- scanning --------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _zone(name: str) -> tzinfo | None:
    """A zone from an IANA name or a fixed offset like ``+03:00``; None if unknown."""
    if name[:1] in "+-":
        return _offset(name)
    try:
        return ZoneInfo(name)
    except Exception:  # ZoneInfoNotFoundError, ValueError on malformed keys
        return None


def _offset(text: str) -> timezone | None:
    text = "".join(text.split())
    m = re.fullmatch(r"([+-])(\d{1,2}):?(\d{2})?", text)
    if not m:
        return None
    hours, minutes = int(m[2]), int(m[3] or 0)
    if hours > 14 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if m[1] == "-" else delta)


def _reference(reference: datetime | None, zone: tzinfo | None) -> datetime:
    if reference is None:
        return datetime.now(zone) if zone else datetime.now()
    if zone is None:
        return reference
    return reference.replace(tzinfo=zone) if reference.tzinfo is None else reference.astimezone(zone)


def _scan(text: str, reference: datetime | None, tz: str | None, *, running: bool) -> list[DateMatch]:
    if not isinstance(text, str) or not text:
        return []
    site_zone = _zone(tz) if isinstance(tz, str) and tz else None
    ref = _reference(reference, site_zone)
    norm, dropped = D.normalize(text)

    out: list[DateMatch] = []
    prev_end = 0  # end of the previous match: nothing before it may be claimed again
    for m in D.CORE.finditer(norm):
        kind = m.lastgroup
        start, end = m.span()
        month_only = kind == "mdy" and m["yyear"] is not None  # `أيلول 2019`
        if kind == "num":
            resolved = _numeric(m, ref)
        elif kind == "named":
            if running and not (m["year"] or m["suffix"]) and D.key(m["m1"]) in D.NAME_MONTHS:
                continue  # `10 رمضان صبحي`: a name after a number, not a date
            resolved = _named(m["m1"], m["m2"], m["day"], m["year"], m, ref)
        elif kind == "mdy" and month_only:
            resolved = _month_year(m["fm1"], m["fm2"], m["yyear"])
        elif kind == "mdy":
            resolved = _named(m["fm1"], m["fm2"], m["fday"], m["fyear"], m, ref)
        else:
            resolved = _relative(m, ref)
        if resolved is None:
            prev_end = end  # an impossible date (`30 فبراير`) is consumed, not re-read in parts
            continue
        day, calendar, instant = resolved
        span_start, span_end = start, end
        if kind != "rel" and start > prev_end:
            w = D.WEEKDAY_BEFORE.search(norm, max(prev_end, start - 24), start)
            if w:
                span_start = w.start()
        clock: tuple[int, int, int] | None = None
        zone: tzinfo | None = None
        gap_label: str | None = None
        seconds = False
        if instant is None and not month_only:
            t = D.TIME_AFTER.match(norm, end)
            parsed = _time(t) if t else None
            if parsed is not None and t is not None:
                span_end = t.end()
                gap_label = D.LABELS[D.key(t["glabel"])] if t["glabel"] else None
                seconds = t["s"] is not None
            elif span_start > prev_end:
                before = norm[max(prev_end, span_start - 48) : span_start]
                if ":" in before or "الساعه" in before:
                    t = D.TIME_BEFORE.search(norm, max(prev_end, span_start - 48), span_start)
                    parsed = _time(t) if t else None
                    if parsed is not None and t is not None:
                        span_start = t.start()
                        seconds = t["s"] is not None
            if parsed is not None:
                clock, zone = parsed
        if running and m["word"] and clock is None:
            prev_end = end  # bare `اليوم`/`أمس` in a body
            continue
        value = instant or datetime(day.year, day.month, day.day, *(clock or (0, 0, 0)))
        if zone is not None:
            value = value.replace(tzinfo=zone) if value.tzinfo is None else value.astimezone(zone)
        elif value.tzinfo is None:
            local = site_zone or (ref.tzinfo if kind == "rel" else None)
            if local is not None:
                value = value.replace(tzinfo=local)
        label = None
        if span_start > prev_end:
            for lm in D.LABEL.finditer(norm, prev_end, span_start):
                label = D.LABELS[D.key(lm[0])]
        label = label or gap_label
        precision: Precision
        if month_only or (kind == "rel" and m["unit"] and D.REL_UNITS[D.key(m["unit"])][0] in _MONTH_UNITS):
            precision = "month"
        elif clock is not None:
            precision = "second" if seconds else "minute"
        elif instant is not None:
            precision = "minute"  # `منذ ساعتين`: as exact as the reference moment, to the minute
        else:
            precision = "day"
        o_start, o_end = _orig(span_start, dropped), _orig_end(span_end, dropped, text)
        out.append(
            DateMatch(
                o_start,
                o_end,
                text[o_start:o_end],
                value,
                calendar,
                instant is not None or clock is not None,
                zone is not None,
                kind == "rel",
                label,  # type: ignore[arg-type]
                precision,
            )
        )
        prev_end = span_end
    return out


def _orig(pos: int, dropped: list[int]) -> int:
    return D.to_input(pos, dropped) if dropped else pos


def _orig_end(pos: int, dropped: list[int], text: str) -> int:
    if not dropped or pos == 0:
        return pos
    end = D.to_input(pos - 1, dropped) + 1
    while end < len(text) and text[end] in D.MARKS:  # `صباحاً`: keep the tanween on the last letter
        end += 1
    return end


# --- resolution ------------------------------------------------------------------------------------

_Resolved = tuple[date, Calendar, datetime | None]  # day, calendar, exact instant for `منذ ساعتين`


def _named(
    m1: str, m2: str | None, day_text: str | None, year_text: str | None, m: re.Match[str] | None, ref: datetime
) -> _Resolved | None:
    """Day + month name (+ year). ``m`` carries the NAMED or MONTH_FIRST extras (ordinal, غرة,
    suffix), if any."""
    calendar, month = D.MONTHS[D.key(m1)]
    if m2 and D.MONTHS[D.key(m2)] != (calendar, month):
        return None  # `ديسمبر/كانون الثاني`: the two names disagree
    # ``m`` is a CORE match: every group of the grammar exists, unset ones are None
    ordinal = (m["ord"] or m["ford"]) if m is not None else None
    if m is not None and m["first"]:
        day = 1
    elif ordinal:
        day = D.ORDINALS[D.key(ordinal)]
    else:
        day = int(day_text or 0)
    year = int(year_text) if year_text else None
    if year_text and len(year_text) == 2:
        if calendar == "hijri":
            return None  # `10 رمضان 45`: no rule for a Hijri century; not a date rather than a guess
        year = _two_digit_year(int(year_text), ref)
    if year is None and D.key(m1) in D.AMBIGUOUS_MONTHS:
        return None  # `فاز 3 صفر` is a score
    suffix = D.MONTH_SUFFIX.get(D.key(m["suffix"])) if m is not None and m["suffix"] else None
    year_word = m["yw"] if m is not None else None
    if calendar == "hijri":
        if year is None:
            today = _hijri_today(ref)
            year = _pick_year(month, day, today, suffix, year_word, hijri=True) if today else None
        if year is None:
            return None
        g = _hijri_to_date(year, month, day)
        return (g, "hijri", None) if g else None
    if year is None:
        year = _pick_year(month, day, (ref.year, ref.month, ref.day), suffix, year_word, hijri=False)
    return (d, "gregorian", None) if year is not None and (d := _date(year, month, day)) else None


def _month_year(m1: str, m2: str | None, year_text: str) -> _Resolved | None:
    """`أيلول 2019`: the first of the month stands for the month (precision "month"). Gregorian
    only: a Hijri month spans two Gregorian ones, so `رمضان 1445` alone is not read."""
    calendar, month = D.MONTHS[D.key(m1)]
    if calendar != "gregorian" or (m2 and D.MONTHS[D.key(m2)] != (calendar, month)):
        return None
    year = int(year_text)
    return (date(year, month, 1), "gregorian", None) if 1900 <= year <= 2100 else None


def _two_digit_year(yy: int, ref: datetime) -> int:
    """20yy, or 19yy when 20yy would be more than a year after the reference (the pivot rule)."""
    year = 2000 + yy
    return year - 100 if year > ref.year + 1 else year


def _numeric(m: re.Match[str], ref: datetime) -> _Resolved | None:
    if m["ny1"]:
        year, month, day = int(m["ny1"]), int(m["nm1"]), int(m["nd1"])
    else:
        day, month, y2 = int(m["nd2"]), int(m["nm2"]), m["ny2"]
        if len(y2) == 2:
            if m["ns2"] == ".":
                return None  # `1.2.33` is a version number more often than a date
            year = _two_digit_year(int(y2), ref)
        else:
            year = int(y2)
        if month > 12 and day <= 12:
            day, month = month, day  # day-first is impossible; the site writes month first
    era = D.ERAS.get(D.key(m["nera"])) if m["nera"] else None
    if era == "hijri" or (era is None and 1300 <= year <= 1500):
        g = _hijri_to_date(year, month, day)
        return (g, "hijri", None) if g else None
    if not 1900 <= year <= 2100:
        return None
    d = _date(year, month, day)
    return (d, "gregorian", None) if d else None


_UNIT_DAYS = {"days": 1, "weeks": 7}
_MONTH_UNITS = frozenset({"months", "years"})


def _relative(m: re.Match[str], ref: datetime) -> _Resolved | None:
    if m["word"]:
        back = D.REL_WORDS[D.key(m["word"])]
        return (ref.date() - timedelta(days=back), "gregorian", None)
    if m["unit"]:
        unit, count = D.REL_UNITS[D.key(m["unit"])]
        if m["rnum"]:
            num = m["rnum"]
            count = int(num) if num.isdigit() else D.REL_NUMBERS[D.key(num)]
    else:
        unit = D.REL_EN_UNITS[D.key(m["eunit"])]
        num = m["enum"]
        count = int(num) if num.isdigit() else D.REL_NUMBERS[D.key(num)]
    if count is None:
        return None  # `منذ أيام`: too vague
    if unit in ("seconds", "minutes", "hours"):
        return (ref.date(), "gregorian", ref - timedelta(**{unit: count}))
    if unit in _UNIT_DAYS:
        return (ref.date() - timedelta(days=count * _UNIT_DAYS[unit]), "gregorian", None)
    months = count * (12 if unit == "years" else 1)
    y, mo = divmod(ref.year * 12 + ref.month - 1 - months, 12)
    if y < 1:
        return None
    day = min(ref.day, _month_length(y, mo + 1))
    return (date(y, mo + 1, day), "gregorian", None)


def _time(t: re.Match[str]) -> tuple[tuple[int, int, int], tzinfo | None] | None:
    if t["mi"] is None and t["at"] is None:
        return None  # a bare number after a date is not a time
    hour, minute, second = int(t["h"]), int(t["mi"] or 0), int(t["s"] or 0)
    if t["ampm"]:
        hour = _twelve_hour(hour, D.AMPM[D.key(t["ampm"])])
        if hour is None:
            return None
    if hour > 23 or minute > 59 or second > 60:
        return None
    return (hour, minute, min(second, 59)), _text_zone(t)


def _twelve_hour(hour: int, marker: str) -> int | None:
    if hour > 12:
        return hour if marker in ("pm", "noon", "night") else None  # `20:15 م` is redundant, not wrong
    if marker == "am":
        return 0 if hour == 12 else hour
    if marker == "pm":
        return hour if hour == 12 else hour + 12
    if marker == "noon":  # ظهراً: 11 before noon, 12 noon, 1-5 after
        return hour if hour >= 11 else hour + 12
    return 0 if hour == 12 else (hour + 12 if hour >= 6 else hour)  # night: 9 ليلاً, 2 ليلاً


def _text_zone(t: re.Match[str]) -> tzinfo | None:
    if t["z"]:
        return UTC
    if t["off"] or t["off2"]:
        return _offset(t["off"] or t["off2"])
    if t["boff"]:  # `(GMT+2)`, `(GMT +0400)`, `(+03:00)`
        return _offset(t["boff"])
    if t["gmt"]:
        return _offset(t["goff"]) if t["goff"] else UTC
    phrase = t["zp"] or t["zp2"]
    if phrase:
        return _zone(D.ZONE_PHRASES[D.key(phrase)])
    if t["zab"]:
        return _zone(D.ZONE_ABBR[D.key(t["zab"])])
    return None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _hijri_to_date(year: int, month: int, day: int) -> date | None:
    try:
        g = Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):  # impossible day, or outside the Umm al-Qura table
        return None
    return date(g.year, g.month, g.day)


def _hijri_today(ref: datetime) -> tuple[int, int, int] | None:
    """The reference day in the Hijri calendar, or None outside the Umm al-Qura table."""
    try:
        h = Gregorian(ref.year, ref.month, ref.day).to_hijri()
    except (ValueError, OverflowError):
        return None
    return h.year, h.month, h.day


def _month_length(year: int, month: int) -> int:
    return (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day


def _pick_year(
    month: int, day: int, today: tuple[int, int, int], suffix: str | None, year_word: str | None, *, hijri: bool
) -> int | None:
    """Year of a year-less date: the most recent past one that exists, unless a suffix says otherwise.

    ``today`` is (year, month, day), in the Hijri calendar when ``hijri``.
    """
    this_year = today[0]
    if suffix == "current" or (year_word and suffix):
        # `الجاري`, `من العام الماضي`: the year is named, only relative to today
        year = this_year + {"current": 0, "past": -1, "next": 1}[suffix or "current"]
        return year if _valid(year, month, day, hijri) else None
    if suffix == "next":
        years = range(this_year, this_year + 9)
        ahead = (month, day) >= today[1:]
    else:  # news is about the past: the most recent year in which the date has already come
        years = range(this_year, this_year - 9, -1)
        ahead = (month, day) <= today[1:]
    for year in years:
        # 29 February may need up to 8 years to reach a leap year
        if (ahead or year != this_year) and _valid(year, month, day, hijri):
            return year
    return None


def _valid(year: int, month: int, day: int, hijri: bool) -> bool:
    if hijri:
        return 1 <= month <= 12 and 1 <= day <= 30 and 1343 <= year <= 1500
    return _date(year, month, day) is not None
