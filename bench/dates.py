"""Benchmark scraper.dates.parse_date against dateparser on generated Arabic header/byline strings.

    .venv/bin/python bench/dates.py                  # full run: 12,000 strings, 1,000,000 calls
    .venv/bin/python bench/dates.py --n 2000 --calls 100000 --dp-limit 500   # quick look

The corpus is built from templates with a seeded RNG: weekday? + day + month (every family, pairs,
English, Hijri, ordinal words) + year + time/label/zone variants, numeric and ISO forms, relative
forms, Western/Eastern/Persian digits, tatweel and bidi marks, and a share of strings with no date.
Each string carries the value it stands for, computed by the generator (not by either parser), so
the run also counts how many strings each parser reads correctly.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import sys
import time
import warnings
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hijridate import Gregorian

from scraper.dates import parse_date

REFERENCE = datetime(2024, 9, 20, 12, 0)

# Surface forms as sites print them (the generator's own table, independent of the parser's YAML).
EGYPTIAN = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
]
EGYPTIAN_ALT = {4: ["إبريل", "ابريل"], 6: ["يونيه"], 7: ["يوليه"], 8: ["اغسطس"], 10: ["اكتوبر"]}
LEVANTINE = [
    "كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران",
    "تموز", "آب", "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول",
]  # fmt: skip
MAGHREBI = ["جانفي", "فيفري", "مارس", "أفريل", "ماي", "جوان", "جويلية", "أوت", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"]
MOROCCAN = ["يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر"]
ENGLISH = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
HIJRI = [
    "محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة",
    "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة",
]  # fmt: skip
WEEKDAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
ORDINALS = {1: "الأول", 2: "الثاني", 3: "الثالث", 5: "الخامس", 7: "السابع", 10: "العاشر", 21: "الحادي والعشرين"}
LABELS = ["", "", "نشر في: ", "نُشر بتاريخ ", "تاريخ النشر: ", "آخر تحديث: ", "محدث ", "نشر يوم "]
ZONES = {"بتوقيت مكة المكرمة": "Asia/Riyadh", "بتوقيت القاهرة": "Africa/Cairo", "بتوقيت غرينتش": "UTC",
         "بتوقيت القدس": "Asia/Jerusalem", "بتوقيت أبوظبي": "Asia/Dubai", "بتوقيت الدوحة": "Asia/Qatar"}  # fmt: skip
NO_DATE = [
    "رويترز", "القاهرة - محمد علي", "قتل 12 شخصا في 3 انفجارات", "وكالة الأنباء الفرنسية",
    "بيروت ـ «القدس العربي»", "تحرير: أحمد حسن", "الصفحة 12 من 30", "اتصل على 0123-456-7890",
]  # fmt: skip
EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@dataclass(frozen=True, slots=True)
class Case:
    text: str
    expected: datetime | None
    day_only: bool  # compare the date only (no time given, or a relative day)


def _time_text(rng: random.Random, t: datetime) -> str:
    h, m = t.hour, t.minute
    style = rng.randrange(5)
    if style == 0:
        return f"{h:02d}:{m:02d}"
    if style == 1:
        return f"{(h % 12) or 12:02d}:{m:02d} {'م' if h >= 12 else 'ص'}"
    if style == 2:
        return f"الساعة {(h % 12) or 12}:{m:02d} {'مساءً' if h >= 12 else 'صباحاً'}"
    if style == 3:
        return f"{(h % 12) or 12}:{m:02d} {'PM' if h >= 12 else 'AM'}"
    return f"الساعة {h:02d}:{m:02d}"


def _month_name(rng: random.Random, month: int) -> str:
    family = rng.randrange(7)
    if family == 0:
        return rng.choice([EGYPTIAN[month - 1], *EGYPTIAN_ALT.get(month, [])])
    if family == 1:
        return LEVANTINE[month - 1]
    if family == 2:
        return MAGHREBI[month - 1]
    if family == 3:
        return MOROCCAN[month - 1]
    if family == 4:
        return rng.choice([ENGLISH[month - 1], ENGLISH[month - 1][:3]])
    pair = [LEVANTINE[month - 1], EGYPTIAN[month - 1]]
    if family == 6:
        pair.reverse()
    return rng.choice(["{}/{}", "{} / {}", "{} ({})", "{} - {}"]).format(*pair)


def _case(rng: random.Random) -> Case:
    kind = rng.random()
    if kind < 0.05:
        return Case(rng.choice(NO_DATE), None, True)
    if kind < 0.15:
        return _relative(rng)
    day = date(2015, 1, 1) + timedelta(days=rng.randrange((date(2024, 9, 19) - date(2015, 1, 1)).days))
    when = datetime(day.year, day.month, day.day, rng.randrange(24), rng.randrange(60))
    with_time = rng.random() < 0.6
    zone_name = ""
    if kind < 0.30:  # numeric and ISO
        style = rng.randrange(4)
        if style == 0:
            text = f"{day.day:02d}/{day.month:02d}/{day.year}"
        elif style == 1:
            text = f"{day.year}/{day.month:02d}/{day.day:02d}"
        elif style == 2:
            text = f"{day.day}.{day.month}.{day.year}"
        else:
            offset = rng.choice(["+03:00", "+0400", "Z", ""])
            text = f"{day.isoformat()}T{when:%H:%M:%S}{offset}"
            tz = {"+03:00": timezone(timedelta(hours=3)), "+0400": timezone(timedelta(hours=4)), "Z": UTC}
            expected = when.replace(tzinfo=tz.get(offset))
            return Case(text, expected, False)
    elif kind < 0.45:  # Hijri, alone or with the Gregorian date
        h = Gregorian(day.year, day.month, day.day).to_hijri()
        text = f"{h.day} {HIJRI[h.month - 1]} {h.year}{rng.choice([' هـ', 'هـ', ' ه'])}"
        if rng.random() < 0.4:
            text += f" الموافق {day.day} {_month_name(rng, day.month)} {day.year} م"
    elif kind < 0.52:  # ordinal day words
        n = rng.choice(list(ORDINALS))
        day = day.replace(day=n)
        when = when.replace(day=n)
        text = f"{ORDINALS[n]} من {_month_name(rng, day.month)} {day.year}"
    else:  # day + month name + year
        text = f"{day.day} {_month_name(rng, day.month)}{rng.choice([' ', '، ', ' '])}{day.year}"
    if rng.random() < 0.4:
        text = f"{WEEKDAYS[day.weekday()]}{rng.choice([' ', '، '])}{text}"
    if with_time:
        text += f"{rng.choice([' ', ' - ', ' | ', ' ، '])}{_time_text(rng, when)}"
        if rng.random() < 0.2:
            zone_name = rng.choice(list(ZONES))
            text += f" {zone_name}"
    text = rng.choice(LABELS) + text
    digits = rng.random()
    if digits < 0.2:
        text = text.translate(EASTERN)
    elif digits < 0.25:
        text = text.translate(PERSIAN)
    if rng.random() < 0.05:
        text = text.replace("ي", "يـ", 1)  # tatweel
    if rng.random() < 0.05:
        text = "\u200f" + text + "\u200f"
    if not with_time:
        return Case(text, datetime(day.year, day.month, day.day), True)
    return Case(text, when.replace(tzinfo=ZoneInfo(ZONES[zone_name])) if zone_name else when, False)


def _relative(rng: random.Random) -> Case:
    r = rng.randrange(7)
    if r == 0:
        n = rng.randrange(3, 11)
        return Case(f"منذ {n} دقائق", REFERENCE - timedelta(minutes=n), False)
    if r == 1:
        n = rng.randrange(3, 11)
        return Case(f"منذ {n} ساعات", REFERENCE - timedelta(hours=n), False)
    if r == 2:
        return Case("منذ ساعتين", REFERENCE - timedelta(hours=2), False)
    if r == 3:
        n = rng.randrange(3, 11)
        return Case(f"قبل {n} أيام", REFERENCE - timedelta(days=n), True)
    if r == 4:
        return Case("قبل يومين", REFERENCE - timedelta(days=2), True)
    if r == 5:
        return Case("أمس", REFERENCE - timedelta(days=1), True)
    return Case("منذ ساعة", REFERENCE - timedelta(hours=1), False)


def corpus(n: int, seed: int = 20240920) -> list[Case]:
    rng = random.Random(seed)
    return [_case(rng) for _ in range(n)]


def correct(got: datetime | None, case: Case) -> bool:
    """Same wall-clock value (date only when the string has no time); same offset when both are aware."""
    if got is None or case.expected is None:
        return got is None and case.expected is None
    if case.day_only:
        return got.date() == case.expected.date()
    if got.replace(tzinfo=None) != case.expected.replace(tzinfo=None):
        return False
    return got.tzinfo is None or case.expected.tzinfo is None or got.utcoffset() == case.expected.utcoffset()


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=12_000, help="corpus size (default 12,000)")
    ap.add_argument("--calls", type=int, default=1_000_000, help="parse_date calls for the memory check")
    ap.add_argument("--dp-limit", type=int, default=0, help="time dateparser on the first N strings only")
    args = ap.parse_args()

    cases = corpus(args.n)
    texts = [c.text for c in cases]
    print(f"corpus: {len(cases):,} strings (seeded), reference {REFERENCE:%Y-%m-%d %H:%M}")

    import dateparser

    dp_texts = texts[: args.dp_limit] if args.dp_limit else texts
    settings = {"RELATIVE_BASE": REFERENCE}  # same "now" as ours, so relative forms are comparable
    warnings.simplefilter("ignore")
    parse_date(texts[0], reference=REFERENCE)  # warm up
    dateparser.parse(dp_texts[0], languages=["ar", "en"], settings=settings)  # loads its language data

    # Interleaved in chunks so both parsers see the same machine load (this host is shared):
    # parse_date best of 3 passes per chunk, dateparser one pass (it is too slow to repeat).
    ours: list[datetime | None] = []
    theirs: list[datetime | None] = []
    ours_s = dp_s = ours_on_dp_s = 0.0
    for lo in range(0, len(texts), 100):
        chunk = texts[lo : lo + 100]
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            got = [parse_date(t, reference=REFERENCE) for t in chunk]
            best = min(best, time.perf_counter() - t0)
        ours += got
        ours_s += best
        dp_chunk = chunk[: max(0, len(dp_texts) - lo)]
        if dp_chunk:
            ours_on_dp_s += best * len(dp_chunk) / len(chunk)
            t0 = time.perf_counter()
            theirs += [dateparser.parse(t, languages=["ar", "en"], settings=settings) for t in dp_chunk]
            dp_s += time.perf_counter() - t0

    ours_rate, dp_rate = len(texts) / ours_s, len(dp_texts) / dp_s
    print(f"scraper.dates.parse_date : {ours_rate:>10,.0f} strings/s  {1e6 / ours_rate:8.1f} µs/call")
    print(f"dateparser.parse(ar, en) : {dp_rate:>10,.0f} strings/s  {1e6 / dp_rate:8.1f} µs/call")
    print(f"speed ratio              : {dp_s / ours_on_dp_s:10.1f}x  (same strings, same moments)")
    ok_ours = sum(correct(g, c) for g, c in zip(ours, cases, strict=True))
    ok_ours_sub = sum(correct(g, c) for g, c in zip(ours, cases[: len(dp_texts)], strict=False))
    ok_dp = sum(correct(g, c) for g, c in zip(theirs, cases, strict=False))
    print(f"correct, parse_date      : {ok_ours:,}/{len(cases):,} ({100 * ok_ours / len(cases):.1f}%)")
    print(
        f"correct, dateparser      : {ok_dp:,}/{len(dp_texts):,} ({100 * ok_dp / len(dp_texts):.1f}%)"
        f"   (parse_date on the same strings: {ok_ours_sub:,})"
    )
    misses = [c.text for g, c in zip(ours, cases, strict=True) if not correct(g, c)]
    for text in misses[:5]:
        print(f"  parse_date miss: {text!r}")

    # Memory: RSS sampled every tenth of the calls must stay flat (no cache or leak grows with input).
    gc.collect()
    samples = [rss_mb()]
    step = max(1, args.calls // 10)
    t0 = time.perf_counter()
    for i in range(args.calls):
        parse_date(texts[i % len(texts)], reference=REFERENCE)
        if (i + 1) % step == 0:
            samples.append(rss_mb())
    loop_s = time.perf_counter() - t0
    print(
        f"memory over {args.calls:,} calls: RSS {samples[0]:.1f} MB -> {samples[-1]:.1f} MB "
        f"(max {max(samples):.1f}, growth {samples[-1] - samples[1]:+.1f} MB after the first tenth); "
        f"{1e6 * loop_s / args.calls:.1f} µs/call sustained"
    )
    print(f"peak RSS of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MB")
    print("RSS samples (MB):", " ".join(f"{s:.1f}" for s in samples))


if __name__ == "__main__":
    main()
