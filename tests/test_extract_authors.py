"""Authors: a byline label counts only at the start of a short line in the article's head, first
paragraphs or tail, followed by a name-shaped phrase; declared authors that are the site or an
organization are not people. Every row of scraper/data/bylines.yaml is checked where it applies
and where it must not. Pages are CONSTRUCTED (tests/support/constructed.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from scraper.extract.authors import byline_names, person_names
from tests.support.constructed import PARA, page, paragraphs, run

DATA = Path(__file__).resolve().parents[1] / "scraper" / "data"
TABLE = yaml.safe_load((DATA / "bylines.yaml").read_text(encoding="utf-8"))
LABELS = [str(label) for label in TABLE["labels"]]
ROLES = [str(role) for role in TABLE["roles"]]
TITLES = [str(title) for title in TABLE["titles"]]
NOT_NAME = [str(word) for word in TABLE["not_name_words"]]
JOINERS = [str(joiner) for joiner in TABLE["joiners"]]


def ld_author(author: object) -> str:
    data = {"@type": "NewsArticle", "headline": "عنوان الخبر الرئيسي عن المفاوضات", "author": author}
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


# --- labels


@pytest.mark.parametrize("label", LABELS)
def test_label_opening_a_head_line_gives_the_name(label: str) -> None:
    article = run(page(paragraphs(), before_body=f"<div>{label} سامي خليل</div>"))
    assert article.authors == ["سامي خليل"]
    assert "سامي خليل" not in article.body


@pytest.mark.parametrize("label", LABELS)
def test_label_opening_a_sentence_in_a_paragraph_is_text(label: str) -> None:
    sentence = f"{label} ترامب على تويتر: إن الاجتماع كان ناجحا، وإن {PARA}"
    article = run(page(paragraphs(1) + f"<p>{sentence}</p>" + paragraphs(2)))
    assert article.authors == []
    assert f"{label} ترامب على تويتر" in article.body


@pytest.mark.parametrize("label", LABELS)
def test_label_followed_by_a_sentence_on_a_short_line_is_not_a_byline(label: str) -> None:
    article = run(page(paragraphs(), before_body=f"<div>{label} أن الحكومة تدرس القرار</div>"))
    assert article.authors == []


@pytest.mark.parametrize("label", LABELS)
def test_label_not_opening_the_line_is_not_a_byline(label: str) -> None:
    assert byline_names(f"وقال {label} سامي خليل") == []


@pytest.mark.parametrize("label", [label for label in LABELS if label[-1].isalpha()])
def test_label_glued_to_a_longer_word_is_not_a_label(label: str) -> None:
    assert byline_names(f"{label}ون سامي خليل") == []


# --- roles, titles and sentence words


@pytest.mark.parametrize("role", ROLES)
def test_role_after_the_name_is_cut(role: str) -> None:
    assert byline_names(f"كتب سامي خليل {role} القاهرة") == ["سامي خليل"]


@pytest.mark.parametrize("role", [r for r in ROLES if r.isalpha()])
def test_role_letters_inside_a_name_word_do_not_cut(role: str) -> None:
    assert byline_names(f"كتب سامي {role}ي") == [f"سامي {role}ي"]


@pytest.mark.parametrize("role", [r for r in ROLES if not r.isalpha()])
def test_role_phrase_inside_a_longer_word_does_not_cut(role: str) -> None:
    glued = role.rstrip(",") + "ي"
    assert person_names(f"سامي {glued}") == [f"سامي {glued}"]


@pytest.mark.parametrize("title", TITLES)
def test_title_may_open_a_name(title: str) -> None:
    assert byline_names(f"كتب {title} سامي خليل") == [f"{title} سامي خليل"]


@pytest.mark.parametrize("title", TITLES)
def test_title_alone_is_not_a_name(title: str) -> None:
    assert byline_names(f"كتب {title}") == []


def test_definite_noun_opens_a_sentence_not_a_name() -> None:
    assert byline_names("تقرير: الحكومة تدرس زيادة الأسعار") == []


@pytest.mark.parametrize("word", NOT_NAME)
def test_sentence_word_makes_the_phrase_not_a_name(word: str) -> None:
    assert byline_names(f"كتب سامي {word} خليل") == []


@pytest.mark.parametrize("word", NOT_NAME)
def test_sentence_word_letters_inside_a_name_word_are_fine(word: str) -> None:
    assert byline_names(f"كتب سامي {word}ي خليل") == [f"سامي {word}ي خليل"]


# --- joiners


@pytest.mark.parametrize("joiner", JOINERS)
def test_joiner_splits_two_full_names(joiner: str) -> None:
    text = f"سامي خليل{joiner if joiner.startswith(' ') else joiner + ' '}أسماء نصار"
    assert person_names(text) == ["سامي خليل", "أسماء نصار"]
    assert byline_names(f"كتب {text}") == ["سامي خليل", "أسماء نصار"]


@pytest.mark.parametrize("joiner", JOINERS)
def test_joiner_between_single_words_makes_no_one_word_author(joiner: str) -> None:
    names = byline_names(f"كتب محمد{joiner if joiner.startswith(' ') else joiner + ' '}وليد")
    assert "محمد" not in names and "وليد" not in names


def test_waw_inside_one_name_is_one_person() -> None:
    assert byline_names("كتب محمد وليد") == ["محمد وليد"]


# --- where the byline is printed


def test_byline_opening_the_body_is_an_author_and_not_body() -> None:
    article = run(page("<p><strong>حوار: آسيا العتروس</strong></p>" + paragraphs()))
    assert article.authors == ["آسيا العتروس"]
    assert "آسيا العتروس" not in article.body
    assert len(article.blocks) == 3


def test_byline_closing_the_article() -> None:
    article = run(page(paragraphs() + "<p>إعداد: سامي خليل</p>"))
    assert article.authors == ["سامي خليل"]
    assert "إعداد" not in article.body


def test_byline_with_city() -> None:
    assert run(page(paragraphs(), before_body="<div>كتب محمد علي - القاهرة</div>")).authors == ["محمد علي"]


def test_quote_intro_ending_in_a_colon_is_not_a_byline() -> None:
    assert run(page(paragraphs(), before_body="<div>كتب دونالد ترامب:</div>")).authors == []


def test_byline_verb_deep_in_a_paragraph_is_text() -> None:
    article = run(page(paragraphs(1) + f"<p>{PARA} كتب ترامب على تويتر: سنفوز</p>" + paragraphs(2)))
    assert article.authors == []
    assert "كتب ترامب على تويتر" in article.body


def test_structured_byline_element_with_label_span() -> None:
    byline = '<div class="byline"><span>Author,</span> <span>كايلا إبستين وأنجليكا كاساس</span></div>'
    assert run(page(paragraphs(), before_body=byline)).authors == ["كايلا إبستين", "أنجليكا كاساس"]


# --- declared authors


def test_jsonld_person_split_on_waw() -> None:
    head = ld_author({"@type": "Person", "name": "كايلا إبستين وأنجليكا كاساس"})
    assert run(page(paragraphs(), head)).authors == ["كايلا إبستين", "أنجليكا كاساس"]


def test_jsonld_name_with_city() -> None:
    assert run(page(paragraphs(), ld_author({"@type": "Person", "name": "محمد علي - القاهرة"}))).authors == ["محمد علي"]


@pytest.mark.parametrize(
    ("head", "why"),
    [
        (ld_author({"@type": "Organization", "name": "سامي خليل"}), "an organization"),
        (ld_author({"@type": "Person", "name": "موقع المثال"}), "the site's title"),
        (ld_author({"@type": "Person", "name": "رويترز"}), "an agency"),
        ('<meta property="og:site_name" content="أخبار المثال">' + ld_author("أخبار المثال"), "og:site_name"),
        ('<meta name="author" content="Example News">', "the host name"),
        ('<meta name="author" content="سكاي نيوز عربية">', "an outlet"),
    ],
)
def test_declared_author_that_is_not_a_person(head: str, why: str) -> None:
    assert run(page(paragraphs(), head)).authors == [], why


def test_declared_person_is_read() -> None:
    assert run(page(paragraphs(), '<meta name="author" content="سامي خليل">')).authors == ["سامي خليل"]


def test_visible_byline_wins_over_declared_author() -> None:
    head = ld_author({"@type": "Person", "name": "Sami Khalil"})
    assert run(page(paragraphs(), head, before_body="<div>كتب سامي خليل</div>")).authors == ["سامي خليل"]


@pytest.mark.parametrize(
    "line",
    ["كتب- سامي خليل:", "كتب - سامي خليل", "كتب/ سامي خليل", "بقلم: سامي خليل"],
)
def test_byline_with_a_separator_after_the_verb(line: str) -> None:
    assert byline_names(line) == ["سامي خليل"]


def test_byline_with_a_date_after_a_bar() -> None:
    assert byline_names("كتب سامي خليل | 12 مايو 2024") == ["سامي خليل"]


def test_byline_opening_the_first_paragraph() -> None:
    first = f"<p>كتب- سامي خليل: {PARA}</p>"
    article = run(page(first + paragraphs(2)))
    assert article.authors == ["سامي خليل"]
    assert PARA in article.body


@pytest.mark.parametrize("label", [label for label in LABELS if label[-1].isalnum()])
def test_label_without_a_separator_opening_a_paragraph_is_a_sentence(label: str) -> None:
    first = f"<p>{label} سامي خليل: {PARA}</p>"
    assert run(page(first + paragraphs(2))).authors == []


def test_label_on_its_own_line_over_the_name() -> None:
    byline = "<div><span>بقلم</span></div><div>سامي خليل</div>"
    article = run(page(paragraphs(), before_body=byline))
    assert article.authors == ["سامي خليل"]


def test_label_alone_over_a_sentence_is_not_a_byline() -> None:
    byline = "<div><span>تقرير</span></div><div>الحكومة تدرس زيادة الأسعار</div>"
    assert run(page(paragraphs(), before_body=byline)).authors == []


def test_byline_glued_to_a_date_in_the_same_line() -> None:
    head = "<div><span>بقلم: سامي خليل</span><time>1 مايو 2024</time></div>"
    assert run(page(paragraphs(), before_body=head)).authors == ["سامي خليل"]


PARTICLES = [str(p) for p in TABLE["name_particles"]]


@pytest.mark.parametrize("particle", PARTICLES)
def test_particle_joins_the_next_word_into_one_name_element(particle: str) -> None:
    name = f"محمد {particle} الرحمن سامي {particle} الله"  # four elements, six words
    assert byline_names(f"كتب {name}") == [name]


@pytest.mark.parametrize("particle", PARTICLES)
def test_particles_do_not_stretch_a_sentence_into_a_name(particle: str) -> None:
    assert byline_names(f"كتب محمد {particle} سامي خليل حسن نبيل") == []  # five elements


def test_title_does_not_count_as_a_name_element() -> None:
    assert byline_names("كتب الدكتور سامي خليل حسن نبيل") == ["الدكتور سامي خليل حسن نبيل"]


@pytest.mark.parametrize("byline", ["إعداد: قسم الأخبار", "بقلم: فريق التحرير", "كتب: موقع المثال", "By Staff Writer"])
def test_a_desk_or_a_team_is_not_a_person(byline: str) -> None:
    assert byline_names(byline) == []


def test_declared_desk_is_not_a_person() -> None:
    assert run(page(paragraphs(), '<meta name="author" content="فريق التحرير">')).authors == []
