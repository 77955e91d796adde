"""Duplicate stories: exact copies and agency copy reprinted with small edits share a story cluster."""

from __future__ import annotations

from sqlalchemy import Engine, select

import models
from scraper.article import Block, CrawlItem
from scraper.storage.synthetic import make_article, make_page
from scraper.storage.writer import ArticleWriter

# A Reuters story as one outlet printed it ...
REUTERS = [
    "قالت وزارة الخارجية القطرية يوم الأحد إن جولة جديدة من المفاوضات غير المباشرة بين إسرائيل وحركة حماس "
    "ستبدأ في الدوحة الأسبوع المقبل بمشاركة وفود من مصر والولايات المتحدة، في محاولة للتوصل إلى اتفاق "
    "لوقف إطلاق النار في قطاع غزة وتبادل الأسرى.",
    "وأضاف المتحدث باسم الوزارة ماجد الأنصاري في مؤتمر صحفي أن الوسطاء يعملون على تقريب وجهات النظر بشأن "
    "النقاط العالقة، ومنها انسحاب القوات الإسرائيلية من محور فيلادلفيا وعودة النازحين إلى شمال القطاع.",
    "وتقول وزارة الصحة في غزة إن أكثر من أربعين ألف فلسطيني قتلوا منذ بدء الحرب في أكتوبر تشرين الأول، "
    "فيما تحذر الأمم المتحدة من مجاعة وشيكة في مناطق واسعة من القطاع بسبب القيود على دخول المساعدات.",
]
# ... and as another outlet reprinted it: hamza and taa marbuta spelled differently, diacritics,
# tatweel, a sentence cut and a line of its own added.
REPRINT = [
    "قالت وزارة الخارجيه القطريه يوم الاحد إن جولة جديدة من المفاوضات غير المباشرة بين اسرائيل وحركة حماس "
    "ستبدأ في الدوحة الأسبوع المقبل بمشاركة وفود من مصر والولايات المتحدة، في محاولة للتوصّل إلى اتفاق "
    "لوقف اطلاق النار في قطاع غـــزة وتبادل الأسرى.",
    "وأضاف المتحدث باسم الوزارة ماجد الأنصاري في مؤتمر صحفي أن الوسطاء يعملون على تقريب وجهات النظر بشأن "
    "النقاط العالقة، ومنها انسحاب القوات الإسرائيلية من محور فيلادلفيا وعودة النازحين إلى شمال القطاع.",
    "وتقول وزارة الصحة في غزة إن أكثر من أربعين ألف فلسطيني قتلوا منذ بدء الحرب في أكتوبر تشرين الأول.",
    "وكانت جولات سابقة من المحادثات قد انتهت دون اتفاق.",
]
UNRELATED = [
    "فاز المنتخب المغربي على نظيره البرتغالي بهدف دون رد في ربع نهائي كأس العالم لكرة القدم، ليصبح أول "
    "منتخب عربي وأفريقي يبلغ الدور نصف النهائي في تاريخ البطولة.",
    "وسجل يوسف النصيري هدف المباراة الوحيد برأسية في الدقيقة الثانية والأربعين، فيما تألق الحارس ياسين "
    "بونو في التصدي لمحاولات كريستيانو رونالدو وزملائه طوال الشوط الثاني.",
    "وخرجت الجماهير إلى شوارع الرباط والدار البيضاء ومدن عربية عدة احتفالا بالفوز التاريخي حتى ساعات الصباح.",
]


def item(number: int, site: str, paragraphs: list[str]) -> CrawlItem:
    article = make_article(number, site=site, paragraphs=paragraphs)
    article.blocks = [Block("paragraph", text) for text in paragraphs]
    return CrawlItem(make_page(article), article)


def clusters(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(select(models.Article.canonical_url, models.Article.story_cluster)).all()
    return {url.rsplit("/", 1)[-1]: cluster for url, cluster in rows}


def test_near_duplicate_agency_copy_joins_the_story_and_unrelated_text_does_not(engine: Engine) -> None:
    writer = ArticleWriter(engine)
    writer.store([item(1, "aljazeera", REUTERS)])
    writer.store([item(2, "alaraby", REPRINT), item(3, "skynews", UNRELATED)])  # a later run
    found = clusters(engine)
    assert found["2"] == found["1"]
    assert found["3"] not in (found["1"], None)


def test_exact_copies_across_urls_share_a_cluster_within_one_batch(engine: Engine) -> None:
    ArticleWriter(engine).store([item(5, "aljazeera", REUTERS), item(6, "bbcarabic", REUTERS)])
    found = clusters(engine)
    assert found["5"] == found["6"]
    with engine.connect() as connection:
        hashes = connection.execute(select(models.Article.content_hash)).scalars().all()
    assert len(set(hashes)) == 1


def test_a_cluster_id_is_kept_when_the_article_is_edited(engine: Engine) -> None:
    writer = ArticleWriter(engine)
    writer.store([item(8, "aljazeera", REUTERS)])
    before = clusters(engine)["8"]
    writer.store([item(8, "aljazeera", UNRELATED)])
    assert clusters(engine)["8"] == before


def test_signatures_and_buckets_stay_what_earlier_runs_stored() -> None:
    # Values from the first implementation (shingle strings hashed one by one); a faster
    # implementation must give the same, or stored signatures stop matching new ones.
    import hashlib

    from scraper.storage import dedup

    sig = dedup.signature("\n\n".join(REUTERS))
    assert sig is not None
    assert hashlib.sha256(dedup.to_bytes(sig)).hexdigest() == (
        "ffeff13dee6e00f4be2ecea7e6822371a7579ae6959953a51e6d16e3258ed182"
    )
    assert dedup.buckets(sig)[:2] == [-2487917465666885538, -4287144597657935313]
