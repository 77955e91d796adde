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


def _one_per_holder(query, holders, signatures):  # type: ignore[no-untyped-def]
    """What storing picked before Candidates: one similarity per holder, max of (similarity, -cluster)."""
    from scraper.storage import dedup

    scored = [(dedup.similarity(query, signatures[a][0]), -signatures[a][1]) for a in holders if a in signatures]
    if not scored:
        return None
    best = max(scored)
    return best[0], -best[1]


def test_the_best_candidate_is_the_most_similar_one_and_the_oldest_cluster_on_a_tie() -> None:
    """dedup.Candidates picks what one similarity per holder, max of (similarity, -cluster), picked."""
    import numpy as np

    from scraper.storage import dedup

    random = np.random.default_rng(7)
    base = random.integers(0, 2**32, dedup.NUM_PERM, dtype=np.uint64).astype("<u8")
    candidates = dedup.Candidates(2)  # grows past its first capacity below
    signatures: dict[int, tuple[np.ndarray, int]] = {}
    for article_id in range(1, 40):
        values = base.copy()
        # at least one value changed: only articles 3 and 4, set below, are exact copies
        changed = random.choice(dedup.NUM_PERM, int(random.integers(1, dedup.NUM_PERM)), replace=False)
        values[changed] = random.integers(0, 2**32, len(changed), dtype=np.uint64)
        cluster = int(random.integers(1, 6))
        candidates.add(article_id, values, cluster)
        signatures[article_id] = (values, cluster)
    candidates.add(3, base, 5)  # replaced: an exact copy of the query, in cluster 5 ...
    candidates.add(4, base, 2)  # ... and one in cluster 2, which wins the tie
    signatures[3], signatures[4] = (base, 5), (base, 2)
    assert candidates.best_in_bands(base) == _one_per_holder(base, {3, 4}, signatures) == (1.0, 2)
    assert candidates.best_in_bands(base, exclude=4) == (1.0, 5)  # the article itself is left out
    alone = dedup.Candidates()
    unrelated = random.integers(0, 2**32, dedup.NUM_PERM, dtype=np.uint64).astype("<u8")
    alone.add(1, unrelated, 1)
    assert alone.best_in_bands(base) is None  # no band shared: no candidate at all


def test_the_band_shape_is_what_datasketch_picks() -> None:
    from datasketch import MinHashLSH

    from scraper.storage import dedup

    lsh = MinHashLSH(threshold=dedup.THRESHOLD, num_perm=dedup.NUM_PERM)
    assert dedup.SHAPE == (dedup.BANDS, dedup.ROWS) == (lsh.b, lsh.r)


def test_matching_by_shared_bands_picks_what_the_stored_bucket_holders_pick() -> None:
    """best_in_bands over every candidate gives best() over the holders of the query's buckets."""
    import numpy as np

    from scraper.storage import dedup

    random = np.random.default_rng(11)
    base = random.integers(0, 2**32, dedup.NUM_PERM, dtype=np.uint64).astype("<u8")
    stored: dict[int, tuple[np.ndarray, int]] = {}
    for article_id in range(1, 200):
        values = base.copy()
        changed = random.choice(dedup.NUM_PERM, int(random.integers(20, dedup.NUM_PERM + 1)), replace=False)
        values[changed] = random.integers(0, 2**32, len(changed), dtype=np.uint64)
        stored[article_id] = (values, int(random.integers(1, 9)))
    by_bands = dedup.Candidates(4)
    ids = sorted(stored)
    by_bands.extend(ids, [dedup.to_bytes(stored[a][0]) for a in ids], [stored[a][1] for a in ids])
    buckets = {a: set(dedup.buckets(values)) for a, (values, _) in stored.items()}
    matched = 0
    for query_id in ids[:60]:
        query = stored[query_id][0]
        holders = {a for a in ids if a != query_id and buckets[a] & buckets[query_id]}
        expected = _one_per_holder(query, holders, stored)
        assert by_bands.best_in_bands(query, exclude=query_id) == expected
        matched += expected is not None
    assert 0 < matched < 60  # some queries share no band with any other: both say None
