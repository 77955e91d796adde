"""Time zones, precision and the byline region: what a user reads in published_at / published_local.

Every page here is CONSTRUCTED for the test (no real site's markup). Expected instants come from
the IANA rules: Egypt had no summer time in 2022 (UTC+2) and did in May 2024 (UTC+3); Jordan is
UTC+3 all year since 2022; the UAE is UTC+4.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select

import models
from pipelines.normalize import normalize_article
from scraper.article import Article, CrawlItem, FetchedPage
from scraper.extract import extract, generic_site
from scraper.extract.page import parse
from scraper.extract.timezone import PageZone, dateline_zone, domain_zone, locale_zone, page_zone
from scraper.storage.reparse import reparse
from scraper.storage.writer import ArticleWriter

FETCHED = datetime(2024, 9, 20, 12, 0, tzinfo=UTC)
PARAGRAPH = (
    "قال مسؤول في الوزارة إن المحادثات بين الطرفين استمرت ساعات طويلة، وإن الاتفاق النهائي سيعلن "
    "خلال الأيام المقبلة بعد مراجعة البنود كلها من الجانبين. وأضاف أن الوفود ناقشت ملفات الطاقة "
    "والمياه والنقل، وأن اللجان الفنية ستجتمع مرة أخرى الشهر المقبل لاستكمال ما بدأته."
)


def page(
    byline: str = "", *, head: str = "", first: str = PARAGRAPH, after: str = "", header: str = "", extra_head: str = ""
) -> str:
    """A constructed article page: a site header, the headline, a byline line, the body, what follows."""
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>وزير الخارجية يلتقي نظيره لبحث ملفات المنطقة | أخبار</title>{extra_head}</head>
<body><div class="top">{header}</div>
<div class="main"><h1>وزير الخارجية يلتقي نظيره لبحث ملفات المنطقة</h1>{head}
<div class="by">{byline}</div>
<div class="text"><p>{first}</p><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></div>
{after}</div>
<div class="side"><ul><li><a href="/a/1">خبر آخر عن المنطقة والعالم في يوم طويل</a> 1 يناير 2020</li></ul></div>
</body></html>"""


def extracted(html: str, url: str = "https://news.example.com/a/123") -> Article:
    return normalize_article(extract(html, url, FETCHED))


# --- the page zone: site, domain, locale, dateline, unknown ------------------------------------------


@pytest.mark.parametrize(
    ("url", "zone"),
    [
        ("https://www.example.eg/news/1", "Africa/Cairo"),
        ("https://www.example.com.eg/news/1", "Africa/Cairo"),
        ("https://petra.gov.jo/x", "Asia/Amman"),
        ("https://www.example.com.sa/x", "Asia/Riyadh"),
        ("https://www.example.ma/x", "Africa/Casablanca"),
        ("https://www.example.com/x", None),  # generic TLD: nothing said
        ("https://www.example.tv/x", None),  # a country not in the table
        ("https://localhost/x", None),
    ],
)
def test_country_code_domain(url: str, zone: str | None) -> None:
    assert domain_zone(url) == zone


@pytest.mark.parametrize(
    ("head", "zone"),
    [
        ('<meta property="og:locale" content="ar_EG">', "Africa/Cairo"),
        ('<meta http-equiv="content-language" content="ar-jo">', "Asia/Amman"),
        ('<meta property="og:locale" content="ar_AR">', None),  # Facebook's generic Arabic: no country
        ('<meta property="og:locale" content="ar">', None),
    ],
)
def test_locale_country(head: str, zone: str | None) -> None:
    assert locale_zone(parse(f"<html><head>{head}</head><body><p>نص</p></body></html>", "https://x.com/")) == zone


@pytest.mark.parametrize(
    ("paragraph", "zone"),
    [
        ("القاهرة - أعلنت الحكومة اليوم", "Africa/Cairo"),
        ("بيروت (رويترز) - قال مسؤول", "Asia/Beirut"),
        ("(بغداد) – قالت المنظمة", "Asia/Baghdad"),
        ("دمشق، سوريا (CNN) -- قتل", "Asia/Damascus"),
        ("عمّان: أعلنت الوزارة", "Asia/Amman"),
        ("القاهرة هي أكبر مدينة عربية", None),  # the city in a sentence, not a dateline
        ("لندن - قال رئيس الوزراء", None),  # a foreign dateline says nothing about the newsroom's clock
        ("طرابلس - قال مسؤول", None),  # Libyan or Lebanese: two zones, left out
        ("أعلنت الحكومة في القاهرة -", None),
    ],
)
def test_dateline_city(paragraph: str, zone: str | None) -> None:
    assert dateline_zone(paragraph) == zone


def test_page_zone_order() -> None:
    html = parse('<html lang="ar-JO"><head></head><body><p>نص</p></body></html>', "https://x.eg/")
    assert page_zone("Asia/Dubai", "https://x.eg/", html, "القاهرة - نص") == PageZone("Asia/Dubai", "site")
    assert page_zone(None, "https://x.eg/", html, "بيروت - نص") == PageZone("Africa/Cairo", "domain")
    assert page_zone(None, "https://x.com/", html, "بيروت - نص") == PageZone("Asia/Amman", "locale")
    bare = parse("<html><body><p>نص</p></body></html>", "https://x.com/")
    assert page_zone(None, "https://x.com/", bare, "بيروت - نص") == PageZone("Asia/Beirut", "dateline")
    assert page_zone(None, "https://x.com/", bare, "نص") == PageZone(None, "unknown")
    assert page_zone("Not/AZone", "https://x.com/", bare, "نص") == PageZone(None, "unknown")


def test_generic_site_does_not_pretend_utc() -> None:
    assert generic_site("https://news.example.com/a").timezone is None


# --- the zone applied: never a silent UTC ------------------------------------------------------------


def test_undeclared_site_keeps_the_wall_clock_and_says_the_zone_is_unknown() -> None:
    article = extracted(page("03/05/2022 18:45"))
    assert article.published_local == "2022-05-03T18:45"
    assert article.published_zone_source == "unknown" and article.published_precision == "minute"
    assert article.published_at == datetime(2022, 5, 3, 18, 45, tzinfo=UTC)  # wall clock, labelled UTC


def test_country_domain_gives_the_zone() -> None:
    article = extracted(page("03/05/2022 18:45"), "https://news.example.com.eg/a/123")
    assert article.published_local == "2022-05-03T18:45+02:00"  # Cairo, no summer time in 2022
    assert article.published_zone_source == "domain"
    assert article.published_at == datetime(2022, 5, 3, 16, 45, tzinfo=UTC)
    summer = extracted(page("13/05/2024 06:00"), "https://news.example.com.eg/a/123")
    assert summer.published_local == "2024-05-13T06:00+03:00"  # Egypt's summer time since 2023


def test_locale_and_dateline_give_the_zone() -> None:
    by_locale = extracted(page("03/05/2022 18:45", extra_head='<meta property="og:locale" content="ar_JO">'))
    assert (by_locale.published_local, by_locale.published_zone_source) == ("2022-05-03T18:45+03:00", "locale")
    by_dateline = extracted(page("03/05/2022 18:45", first="القاهرة - " + PARAGRAPH))
    assert (by_dateline.published_local, by_dateline.published_zone_source) == ("2022-05-03T18:45+02:00", "dateline")


def test_zone_printed_in_the_text_wins() -> None:
    article = extracted(page("03/05/2022 18:45 (GMT+4)"), "https://news.example.com.eg/a/123")
    assert article.published_local == "2022-05-03T18:45+04:00" and article.published_zone_source == "text"
    cairo = extracted(page("03/05/2022 18:45 بتوقيت القاهرة"))
    assert cairo.published_local == "2022-05-03T18:45+02:00" and cairo.published_zone_source == "text"


def test_relative_byline_counts_back_from_the_fetch_time() -> None:
    article = extracted(page("نشر منذ ساعتين"))
    assert article.published_at == datetime(2024, 9, 20, 10, 0, tzinfo=UTC)
    assert (article.published_local, article.published_zone_source) == ("2024-09-20T10:00+00:00", "metadata")
    cairo = extracted(page("نشر منذ ساعتين"), "https://news.example.com.eg/a/1")
    assert (cairo.published_local, cairo.published_zone_source) == ("2024-09-20T13:00+03:00", "domain")


def test_metadata_offset_is_its_own_zone() -> None:
    meta = '<meta property="article:published_time" content="2022-05-03T18:45:10+03:00">'
    article = extracted(page("", extra_head=meta))
    assert article.published_local == "2022-05-03T18:45:10+03:00"
    assert (article.published_precision, article.published_zone_source) == ("second", "metadata")


# --- the byline region --------------------------------------------------------------------------------


def test_date_printed_only_in_the_byline_is_found() -> None:
    # no JSON-LD, no meta, no <time>, no class with "date": only where it sits
    article = extracted(page("كتب محمد علي - الثلاثاء 7 ديسمبر 2021 - 10:30 ص"), "https://x.example.eg/a/1")
    assert article.published_local == "2021-12-07T10:30+02:00"
    assert article.published_raw == "الثلاثاء 7 ديسمبر 2021 - 10:30 ص"


def test_header_clock_and_sidebar_dates_are_not_the_article_date() -> None:
    html = page("نشر في: 7 ديسمبر 2021", header="الجمعة 20 سبتمبر 2024 11:55")
    article = extracted(html)
    assert article.published_local == "2021-12-07" and article.published_precision == "day"
    no_byline = extracted(page("", header="الجمعة 20 سبتمبر 2024 11:55"))
    assert no_byline.published_local is None  # the clock over the page and the sidebar's date are not it


def test_a_date_over_the_headline_counts_inside_the_article_only() -> None:
    inside = page("", head="").replace('<div class="main"><h1>', '<div class="main"><p>7 ديسمبر 2021</p><h1>')
    assert extracted(inside).published_local == "2021-12-07"
    in_body = (
        "<html><body><p>الجمعة 20 سبتمبر 2024</p><h1>وزير الخارجية يلتقي نظيره لبحث ملفات المنطقة</h1>"
        f"<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></body></html>"
    )
    assert extracted(in_body).published_local is None  # the site header's clock, not the article's date


def test_a_dek_that_mentions_a_date_is_not_a_byline() -> None:
    dek = "<p>الوزير قال إن الاتفاق الذي وقع في 7 ديسمبر 2021 لم ينفذ حتى الآن بسبب خلافات حول البنود المالية</p>"
    assert extracted(page("", head=dek)).published_local is None
    assert extracted(page("بتاريخ 8 ديسمبر 2021", head=dek)).published_local == "2021-12-08"


def test_nearest_to_the_headline_first_and_update_apart() -> None:
    article = extracted(page("نشر في: 7 ديسمبر 2021 10:00 | آخر تحديث: 8 ديسمبر 2021 09:15"))
    assert article.published_local == "2021-12-07T10:00"
    assert article.updated_local == "2021-12-08T09:15"


def test_the_line_nearest_the_headline_wins() -> None:
    head = "<p>الثلاثاء 7 ديسمبر 2021</p>"  # right under the headline
    article = extracted(page("كتب محمد علي - 5 ديسمبر 2021 10:00", head=head))
    assert article.title == "وزير الخارجية يلتقي نظيره لبحث ملفات المنطقة"  # the headline is located
    assert article.published_local == "2021-12-07"


def test_labelled_stamp_after_the_body() -> None:
    after = "<p>آخر تحديث: 9 ديسمبر 2021 09:15</p><p>تاريخ النشر: 8 ديسمبر 2021 20:00</p>"
    article = extracted(page("", after=after))
    assert article.published_local == "2021-12-08T20:00"
    assert article.updated_local == "2021-12-09T09:15"
    unlabelled = extracted(page("", after="<p>8 ديسمبر 2021</p>"))
    assert unlabelled.published_local is None  # an unlabelled date after the body may be anything's


def test_related_list_after_the_body_is_skipped() -> None:
    after = '<ul><li><a href="/b/2">تاريخ النشر: 1 يناير 2020 خبر قديم عن المنطقة</a></li></ul>'
    assert extracted(page("", after=after)).published_local is None


# --- precision -------------------------------------------------------------------------------------


def test_a_day_stays_the_printed_day_after_normalization() -> None:
    # a declared site east of UTC: local midnight would be the previous day in UTC
    article = extracted(page("7 ديسمبر 2021"), "https://arabic.cnn.com/2021/world/12/7/x/index.html")
    assert article.published_local == "2021-12-07" and article.published_precision == "day"
    assert article.published_at == datetime(2021, 12, 7, tzinfo=UTC)


def test_url_day_is_a_day() -> None:
    article = extracted(page(""), "https://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html")
    assert (article.published_local, article.published_precision) == ("2013-08-03", "day")
    assert article.published_at == datetime(2013, 8, 3, tzinfo=UTC)


def test_month_precision() -> None:
    article = extracted(page("نشر في: أيلول 2019"))
    assert (article.published_local, article.published_precision) == ("2019-09", "month")
    assert article.published_at == datetime(2019, 9, 1, tzinfo=UTC)


def test_machine_midnight_is_a_day_unless_the_page_prints_it() -> None:
    meta = '<meta property="article:published_time" content="2019-02-08T00:00:00+01:00">'
    placeholder = extracted(page("", extra_head=meta))
    assert (placeholder.published_local, placeholder.published_precision) == ("2019-02-08", "day")
    shown = extracted(page("12:00 AM 8 فبراير 2019", extra_head=meta))
    assert shown.published_local == "2019-02-08T00:00:00+01:00" and shown.published_precision == "second"
    real = '<meta property="article:published_time" content="2019-02-08T00:05:00+01:00">'
    assert extracted(page("", extra_head=real)).published_precision == "second"


# --- stored: the printed day survives both databases, and reparse fills old rows ---------------------


def _item(html: str, url: str) -> CrawlItem:
    fetched = FetchedPage(url, 200, {"Content-Type": "text/html; charset=utf-8"}, html.encode(), FETCHED)
    return CrawlItem(fetched, normalize_article(extract(fetched.body, url, FETCHED)))


DAY_URL = "https://arabic.cnn.com/2021/world/12/7/x/index.html"


def test_stored_day_is_the_printed_day(engine: Engine) -> None:
    ArticleWriter(engine, worker=False).store([_item(page("7 ديسمبر 2021"), DAY_URL)])
    with engine.connect() as connection:
        row = connection.execute(select(models.Article)).one()
    assert row.published_local == "2021-12-07" and row.published_precision == "day"
    assert row.published_at == datetime(2021, 12, 7, tzinfo=UTC)
    assert row.published_zone_source == "site"


def test_a_day_is_found_by_its_day_and_exported_as_printed(engine: Engine) -> None:
    import csv
    import io

    from sqlalchemy.orm import Session

    from scraper.storage.export import write_csv
    from scraper.storage.queries import ArticleFilter, iter_records

    ArticleWriter(engine, worker=False).store([_item(page("7 ديسمبر 2021"), DAY_URL)])
    with Session(engine) as session:
        same_day = list(iter_records(session, ArticleFilter(since=datetime(2021, 12, 7, tzinfo=UTC))))
        day_before = list(iter_records(session, ArticleFilter(until=datetime(2021, 12, 7, tzinfo=UTC))))
        out = io.StringIO()
        write_csv(iter_records(session, ArticleFilter()), out)
    assert len(same_day) == 1 and day_before == []  # `--since 2021-12-07` finds it, `--until` that day does not
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert (row["published_local"], row["published_precision"]) == ("2021-12-07", "day")


def test_reparse_fixes_a_day_stored_as_the_previous_evening(engine: Engine) -> None:
    item = _item(page("7 ديسمبر 2021"), DAY_URL)
    assert item.article is not None
    # what the extractor stored before precision: local midnight in Dubai, the previous day in UTC
    old = item.article
    for name in ("published_local", "published_precision", "published_zone_source"):
        setattr(old, name, None)
    old.published_at = datetime(2021, 12, 6, 20, 0, tzinfo=UTC)
    ArticleWriter(engine, worker=False).store([item])
    status = reparse(engine, lambda body, url, at: normalize_article(extract(body, url, at)))
    assert status.changed == 1
    with engine.connect() as connection:
        row = connection.execute(select(models.Article)).one()
    assert row.published_at == datetime(2021, 12, 7, tzinfo=UTC)
    assert (row.published_local, row.published_precision) == ("2021-12-07", "day")


# --- every row of the tables is read where it applies, and not where it must not --------------------


def _yaml(name: str) -> dict:
    import yaml

    from scraper.dates_data import DATA_DIR

    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))


def test_every_country_code_gives_its_zone() -> None:
    for code, zone in _yaml("places.yaml")["countries"].items():
        assert domain_zone(f"https://news.example.{code}/a") == zone, code
        assert domain_zone(f"https://news.example.com.{code}/a") == zone, code
        assert domain_zone(f"https://{code}.example.com/a") is None, code  # a subdomain is not a country
        html = f'<html lang="ar-{code.upper()}"><body><p>ن</p></body></html>'
        assert locale_zone(parse(html, "https://x.com/")) == zone, code


def test_every_dateline_city_gives_its_zone() -> None:
    for city, zone in _yaml("places.yaml")["dateline_cities"].items():
        assert dateline_zone(f"{city} - قال مسؤول") == zone, city
        assert dateline_zone(f"{city} (رويترز) - قال مسؤول") == zone, city
        assert dateline_zone(f"زار الوفد {city} - أمس") is None, city  # not at the start
        assert dateline_zone(f"{city} مدينة كبيرة") is None, city  # no dateline separator


def test_every_date_label_is_read_with_its_kind() -> None:
    from scraper.dates import parse_date_match

    labels = _yaml("labels.yaml")
    for kind in ("published", "updated"):
        for label in labels[kind]:
            match = parse_date_match(f"{label}: 7 ديسمبر 2021", reference=datetime(2024, 9, 20))
            assert match is not None and match.label == kind, label
    assert parse_date_match("7 ديسمبر 2021", reference=datetime(2024, 9, 20)).label is None  # type: ignore[union-attr]


def test_every_relative_day_word_counts_back_from_the_reference() -> None:
    from datetime import timedelta

    from scraper.dates import parse_date

    reference = datetime(2024, 3, 1, 12, 0)
    for word, back in _yaml("labels.yaml")["relative"]["words"].items():
        assert parse_date(word, reference=reference) == datetime(2024, 3, 1) - timedelta(days=back), word
