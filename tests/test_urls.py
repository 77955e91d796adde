"""canonical_url: one URL per article."""

from __future__ import annotations

import pytest

from scraper.urls import canonical_url, normalize_host, same_site

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


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("WWW.Example.org", "example.org"),
        ("www.example.org:8080", "example.org"),
        ("example.org.", "example.org"),
        ("www.example.org.:443", "example.org"),  # the trailing dot before a port too
        ("user:pw@www.example.org", "example.org"),
        ("[::1]:80", "[::1]:80"),
    ],
)
def test_normalize_host(host, expected):
    assert normalize_host(host) == expected


def test_same_site_ignores_user_port_www_and_mobile_hosts():
    assert same_site("https://user@www.example.org:443/a", "https://m.example.org/b")
    assert same_site("https://amp.example.org/a", "https://news.example.org/b")  # a subdomain of the same site
    assert not same_site("https://example.org/a", "https://notexample.org/b")
