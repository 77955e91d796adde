"""Arabic folding, stemming and the query language: each rule where it applies and where it must not."""

from __future__ import annotations

import pytest

from scraper.query import arabic, snippets
from scraper.query.syntax import All, Any_, Phrase, QueryError, Term, parse


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("بُوتِين", "بوتين"),  # harakat
        ("مُحَمَّدٌ", "محمد"),  # shadda, tanween
        ("الســـلام", "السلام"),  # tatweel
        ("أحمد", "احمد"),
        ("إسرائيل", "اسراييل"),
        ("آمال", "امال"),
        ("على", "علي"),  # alef maqsura / yaa
        ("حكومة", "حكومه"),  # taa marbuta / haa
        ("٢٠٢١", "2021"),
        ("۲۰۲۱", "2021"),  # Persian digits
        ("Reuters", "reuters"),
    ],
)
def test_folding_makes_spelling_variants_one(variant: str, plain: str) -> None:
    assert arabic.fold(variant) == arabic.fold(plain)
    assert arabic.token(variant) == arabic.token(plain)


@pytest.mark.parametrize(("one", "other"), [("بوتين", "بيروت"), ("حكم", "حكومه"), ("مصر", "عصر"), ("2021", "2022")])
def test_folding_keeps_different_words_apart(one: str, other: str) -> None:
    assert arabic.token(one) != arabic.token(other)


@pytest.mark.parametrize("form", ["المفاوضات", "مفاوضات", "بالمفاوضات", "والمفاوضات", "للمفاوضات", "فالمفاوضات"])
def test_article_and_suffix_forms_share_a_token(form: str) -> None:
    assert arabic.token(form) == arabic.token("مفاوضات")


def test_article_is_kept_when_too_little_would_remain() -> None:
    assert arabic.core("ال") == "ال"  # nothing would be left
    assert arabic.core("الم") == "الم"  # one letter would be left (min_stem: 2)
    assert arabic.core("السلام") == "سلام"


def test_words_starting_with_particle_letters_are_not_cut() -> None:
    # بيروت, وزير, فرنسا start with ب / و / ف; they keep them
    assert arabic.token("بيروت") == "بيروت"
    assert arabic.token("الوزير") == arabic.token("وزير") == "وزير"
    assert arabic.token("فرنسا") == "فرنسا"


def test_one_letter_particles_are_query_variants() -> None:
    tokens = arabic.variants("أوكرانيا")
    assert arabic.token("لأوكرانيا") in tokens and arabic.token("وأوكرانيا") in tokens
    assert tokens[0] == arabic.token("أوكرانيا")


def test_two_letter_words_get_no_particle_variants() -> None:
    assert arabic.variants("حر") == [arabic.token("حر")]  # not بحر (sea) for حر (free)


def test_tokens_and_words_agree_and_keep_offsets() -> None:
    text = "قال بُوتِين: المفاوضات_مستمرة ٢٠٢١"
    found = list(arabic.words(text))
    assert [w.token for w in found] == arabic.tokens(text)
    assert [text[w.start : w.end] for w in found] == ["قال", "بُوتِين", "المفاوضات", "مستمرة", "٢٠٢١"]


def test_parse_builds_terms_phrases_and_groups() -> None:
    assert isinstance(parse("بوتين").root, Term)
    phrase = parse('"الرئيس الروسي"').root
    assert isinstance(phrase, Phrase) and phrase.tokens == (arabic.token("الرئيس"), arabic.token("الروسي"))
    both = parse("بوتين بايدن").root
    assert isinstance(both, All) and len(both.include) == 2 and not both.exclude
    either = parse("بوتين OR بايدن").root
    assert isinstance(either, Any_) and len(either.options) == 2
    without = parse("بوتين -بايدن").root
    assert isinstance(without, All) and len(without.exclude) == 1
    prefix = parse("مفاوض*").root
    assert isinstance(prefix, Term) and prefix.prefix and prefix.tokens[0] == "مفاوض"
    assert parse("بوتين or بايدن").root == parse("بوتين AND or AND بايدن").root  # lower-case "or" is a word


def test_output_quotes_every_token() -> None:
    query = parse('بوتين NOT "الرئيس الروسي" مفاوض*')
    assert query.fts5().startswith('((("بوت" OR "وبوت"')
    assert ' NOT ("رييس روس")' in query.fts5()
    assert "!('رييس' <-> 'روس')" in query.tsquery()
    assert "'مفاوض':*" in query.tsquery()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("NOT", "NOT must be followed"),
        ("بوتين NOT", "NOT must be followed"),
        ("NOT بوتين", "only excludes"),
        ('"*', "nothing to search for"),
        ("*&|", "nothing to search for"),
        ("x" * 501, "limit is 500"),
    ],
)
def test_unreadable_queries_say_why(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse(text)


@pytest.mark.parametrize("text", ['"بوتين', "(بوتين", "بوتين)", "NEAR(بوتين", "'; DROP TABLE article; --"])
def test_lenient_readings(text: str) -> None:
    query = parse(text)
    assert arabic.token("بوتين") in query.fts5() or "drop" in query.fts5()
    assert ";" not in query.fts5() and "'" not in query.fts5()


def test_snippet_marks_words_as_printed_and_escapes_html() -> None:
    exact, prefixes = parse("المفاوضات").highlights()
    segments = snippets.snippet("<b>قال</b> إن بالمفاوضات مستمرة", exact, prefixes)
    assert [s.text for s in segments if s.match] == ["بالمفاوضات"]
    assert snippets.to_html(segments) == "&lt;b&gt;قال&lt;/b&gt; إن <mark>بالمفاوضات</mark> مستمرة"


def test_excluded_words_are_not_marked() -> None:
    exact, prefixes = parse("بوتين NOT بايدن").highlights()
    segments = snippets.highlight("بوتين وبايدن", exact, prefixes)
    assert [s.text for s in segments if s.match] == ["بوتين"]
