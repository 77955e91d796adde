"""Synthetic Arabic articles for tests and the storage benchmark (never real pages).

Bodies are drawn from a fixed vocabulary of news words with a seeded generator, so the
same number always gives the same article.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from scraper.article import Article, Block, Caption, CrawlItem, FetchedPage, SourceCredit

_PROSE = (
    "أعلنت الحكومة اليوم عن خطة جديدة لدعم الاقتصاد الوطني وقال وزير المالية في مؤتمر صحفي إن "
    "الإجراءات تشمل خفض الضرائب على الشركات الصغيرة وزيادة الإنفاق على البنية التحتية وأضاف أن "
    "المفاوضات مع صندوق النقد الدولي مستمرة وأكدت مصادر رسمية أن الاجتماع المقبل سيعقد في القاهرة "
    "الأسبوع المقبل بمشاركة ممثلين عن الأمم المتحدة والجامعة العربية وأشار المتحدث باسم الخارجية "
    "إلى أن وقف إطلاق النار في غزة ما زال هشا وأن المساعدات الإنسانية تصل ببطء إلى المناطق "
    "المتضررة وفي سياق متصل ارتفعت أسعار النفط في الأسواق العالمية بعد قرار منظمة أوبك خفض "
    "الإنتاج بينما تراجعت البورصة المصرية في ختام تعاملات الأسبوع وسط مخاوف المستثمرين من التضخم "
    "وشهدت العاصمة الأردنية عمان مظاهرات تطالب بإصلاحات سياسية واقتصادية شاملة كما أعلن الجيش "
    "عن إحباط محاولة تهريب على الحدود الشمالية وقالت وزارة الصحة إن عدد الإصابات بالمرض تراجع "
    "خلال الأيام الماضية بفضل حملات التطعيم الواسعة في المدارس والمستشفيات"
)
WORDS = _PROSE.split()
AGENCIES = (("رويترز", "Reuters"), ("وكالة الأنباء الفرنسية", "AFP"), ("الأناضول", "Anadolu"))
SITES = ("alaraby", "aljazeera", "bbcarabic", "skynews")
BASE_TIME = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)) + "."


def make_article(
    number: int,
    *,
    site: str | None = None,
    title: str | None = None,
    paragraphs: list[str] | None = None,
    fetched_at: datetime | None = None,
) -> Article:
    """Article ``number``: deterministic Arabic title, 4-8 paragraphs, a sub-heading, captions, sources."""
    rng = random.Random(number)
    site = site or SITES[number % len(SITES)]
    agency = AGENCIES[number % len(AGENCIES)]
    if paragraphs is None:
        paragraphs = [" ".join(sentence(rng, rng.randint(12, 25)) for _ in range(3)) for _ in range(rng.randint(4, 8))]
    blocks = [Block("paragraph", text) for text in paragraphs]
    blocks.insert(min(2, len(blocks)), Block("heading", sentence(rng, 4)))
    url = f"https://{site}.example/news/{number}"
    return Article(
        url=url + "?utm_source=feed",
        canonical_url=url,
        site=site,
        title=title or f"{sentence(rng, 8)} ({number})",
        blocks=blocks,
        fetched_at=fetched_at or BASE_TIME + timedelta(minutes=number),
        subtitle=sentence(rng, 12),
        authors=[f"مراسل {rng.randint(1, 50)}"],
        sources=[SourceCredit(agency[0], agency[1])],
        captions=[Caption(sentence(rng, 7), "أرشيف - غيتي", f"https://{site}.example/img/{number}.jpg")],
        published_at=BASE_TIME + timedelta(minutes=number) - timedelta(hours=2),
        published_raw=f"{number % 28 + 1} يناير 2026",
        published_calendar="gregorian",
        section="سياسة",
        tags=["اقتصاد", "الشرق الأوسط"],
        image_url=f"https://{site}.example/img/{number}.jpg",
    )


def make_page(article: Article) -> FetchedPage:
    """A small HTML page for the article (what the raw_page archive keeps)."""
    body = "".join(f"<p>{block.text}</p>" for block in article.blocks)
    html = (
        f'<html lang="ar" dir="rtl"><head><title>{article.title}</title>'
        f'<link rel="canonical" href="{article.canonical_url}"></head>'
        f"<body><h1>{article.title}</h1><article>{body}</article></body></html>"
    )
    return FetchedPage(
        url=article.url,
        status=200,
        headers={"Content-Type": "text/html; charset=utf-8"},
        body=html.encode("utf-8"),
        fetched_at=article.fetched_at,
    )


def make_item(number: int, **kwargs: object) -> CrawlItem:
    article = make_article(number, **kwargs)  # type: ignore[arg-type]
    return CrawlItem(page=make_page(article), article=article)
