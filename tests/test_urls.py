"""canonical_url: one URL per article."""

from __future__ import annotations

import pytest

from scraper.urls import canonical_url

PAGE = "https://www.example.org/news/2024/5/1/story"


@pytest.mark.parametrize(
    ("page", "declared", "expected"),
    [
        (PAGE + "?utm_source=tw&utm_medium=x#top", None, PAGE),
        (PAGE + "?fbclid=abc&id=3", None, PAGE + "?id=3"),
        (PAGE + "?traffic_source=rss", None, PAGE),
        ("https://www.example.org/amp/news/2024/5/1/story", None, PAGE),
        ("https://m.example.org/news/2024/5/1/story", None, PAGE),
        (PAGE, "/news/2024/5/1/story-slug", "https://www.example.org/news/2024/5/1/story-slug"),
        (PAGE, "https://other.example.com/news/1", PAGE),  # another site's canonical is ignored
        (PAGE, "https://www.example.org/", PAGE),  # every article pointing at the home page
        ("https://www.example.org/a/%d8%a7%d9%84", None, "https://www.example.org/a/%D8%A7%D9%84"),
        ("https://www.example.org/a/ال", None, "https://www.example.org/a/%D8%A7%D9%84"),
    ],
)
def test_canonical_url(page, declared, expected):
    assert canonical_url(page, declared) == expected
