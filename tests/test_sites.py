"""Site declarations: the registry, every site's rules against its fixture, the generated table."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from scraper.sites.base import Site, SiteRules
from scraper.sites.registry import SITES, UnknownSiteError, get_site, normalize_host, site_for_url
from scraper.sites.table import REGENERATE, overridden_rules, render_supported_sites
from scraper.text import clean_text

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "sites"
SHARED_PAGES = ROOT.parent / "shared" / "pages"  # real pages; read in place, never copied here

ALL_SITES = sorted(SITES.values(), key=lambda site: site.name)
BY_NAME = pytest.mark.parametrize("site", ALL_SITES, ids=[site.name for site in ALL_SITES])


# 1. Rules and fixtures: one test over the whole registry -------------------------------------------


def _same_text(text: str) -> str:
    return clean_text(text)


def _check_published(expected: str, published: datetime | None) -> None:
    assert published is not None, f"no date extracted; expected {expected}"
    if "T" not in expected:
        assert published.date().isoformat() == expected
        return
    want = datetime.fromisoformat(expected)
    assert published.tzinfo is not None, "the extracted date is not time-zone aware"
    assert published.replace(second=0, microsecond=0) == want, f"{published.isoformat()} != {expected}"


def check_registry(sites: list[Site], fixtures: Path) -> list[str]:
    """Every site that declares a rule (or has a fixture folder) passes its fixture; returns the
    names checked. A generic site has nothing of its own to check."""
    checked = []
    for site in sites:
        if overridden_rules(site.rules) or (fixtures / site.name).exists():
            check_fixture(site, fixtures / site.name, registered=site.name in SITES)
            checked.append(site.name)
    return checked


def test_every_site_with_rules_passes_its_fixture() -> None:
    """One test over the registry (not one vacuous pass per generic site); the self-tests below
    show it fails for a site with a rule and no fixture, and for a fixture the extractor misses."""
    checked = check_registry(ALL_SITES, FIXTURES)
    with_rules = {site.name for site in ALL_SITES if overridden_rules(site.rules)}
    assert with_rules <= set(checked)


def check_fixture(site: Site, folder: Path, *, registered: bool = True) -> None:
    rules = overridden_rules(site.rules)
    if not rules and not folder.exists():
        return  # generic site: the extractor's own tests cover it
    assert folder.is_dir(), (
        f"{site.name} overrides {', '.join(rules)} but has no fixture: add tests/sites/{site.name}/"
        "page.html (constructed) and expected.json (see tests/sites/README.md)"
    )
    page = (folder / "page.html").read_text(encoding="utf-8")
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    assert "CONSTRUCTED" in page[:600], "a fixture page must say at its top that it is constructed"
    if SHARED_PAGES.is_dir():  # never a copy of someone else's real page
        ours = hashlib.sha256(page.encode("utf-8")).hexdigest()
        theirs = {hashlib.sha256(p.read_bytes()).hexdigest() for p in SHARED_PAGES.glob("*.html")}
        assert ours not in theirs, "the fixture is a copy of a real page in ../shared/pages"
    if registered:
        assert site_for_url(expected["url"]) is site, "the fixture's URL must belong to its site"

    from scraper.extract import extract  # imported here: the registry tests need no extractor

    fetched_at = datetime.fromisoformat(expected["fetched_at"]) if expected.get("fetched_at") else None
    article = extract(page, expected["url"], fetched_at, site=site)
    body = _same_text(article.body)
    if "title" in expected:
        assert _same_text(article.title) == _same_text(expected["title"])
    for phrase in expected.get("must_include", []):
        assert _same_text(phrase) in body, f"missing from the body: {phrase}"
    for phrase in expected.get("must_exclude", []):
        assert _same_text(phrase) not in body, f"not body, but extracted: {phrase}"
    if "published" in expected:
        _check_published(expected["published"], article.published_at)
    if "authors" in expected:
        assert [_same_text(a) for a in article.authors] == [_same_text(a) for a in expected["authors"]]
    if "sources" in expected:
        assert [_same_text(s.name) for s in article.sources] == [_same_text(s) for s in expected["sources"]]
    if "captions" in expected:
        assert [_same_text(c.text) for c in article.captions] == [_same_text(c) for c in expected["captions"]]


# The harness itself, on a site that is not declared (no real site's markup is claimed here).
_SELFTEST_SITE = Site(
    name="selftest",
    title="Fixture harness self-test",
    domains=("example.org",),
    timezone="Africa/Cairo",
    rules=SiteRules(authors=".by-line"),
)
_SELFTEST_PAGE = """<!-- CONSTRUCTED for the fixture harness self-test; mirrors no real site. -->
<html lang="ar"><head><title>عنوان تجريبي</title>
<meta property="article:published_time" content="2024-05-01T10:00:00+03:00"></head>
<body><article><h1>عنوان تجريبي للاختبار</h1>
<span class="by-line">كتب سامي التجريبي</span>
<p>هذه فقرة أولى من نص تجريبي كتبناه لاختبار أداة المقارنة، وهي طويلة بما يكفي لتعد من متن المقال.</p>
<p>وهذه فقرة ثانية من النص التجريبي نفسه، تضيف جملا أخرى حتى يعرف المستخرج أن هنا متنا حقيقيا.</p>
<p>وفي فقرة ثالثة نشرح أن هذه الصفحة مصنوعة بأيدينا ولا تحاكي موقعا بعينه، بل تختبر أداة المقارنة وحدها.</p>
<p>وفي فقرة رابعة نضيف كلاما عاديا عن الطقس والأسواق والمدارس حتى يصير طول النص قريبا من طول خبر قصير.</p>
<p>وفي فقرة خامسة نذكر أن المستخرج يقرأ العنوان والتاريخ والكاتب من الصفحة ثم يجمع الفقرات بترتيبها.</p>
<p>وفقرة سادسة أخيرة تختم النص التجريبي بجملة واضحة لا تتكرر في أي مكان آخر من الصفحة.</p>
</article><footer>جميع الحقوق محفوظة للموقع التجريبي</footer></body></html>
"""


def test_registry_check_fails_a_site_with_rules_and_no_fixture(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match="selftest overrides authors but has no fixture"):
        check_registry([*ALL_SITES, _SELFTEST_SITE], tmp_path)


def test_registry_check_skips_generic_sites_and_checks_the_one_with_rules(tmp_path: Path) -> None:
    folder = tmp_path / "selftest"
    folder.mkdir()
    (folder / "page.html").write_text(_SELFTEST_PAGE, encoding="utf-8")
    expected = {"url": "https://www.example.org/news/1", "authors": ["سامي التجريبي"]}
    (folder / "expected.json").write_text(json.dumps(expected, ensure_ascii=False), encoding="utf-8")
    generic = [site for site in ALL_SITES if not overridden_rules(site.rules)]
    assert check_registry([*generic, _SELFTEST_SITE], tmp_path) == ["selftest"]
    expected["authors"] = ["شخص آخر"]
    (folder / "expected.json").write_text(json.dumps(expected, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(AssertionError):
        check_registry([*generic, _SELFTEST_SITE], tmp_path)


def test_fixture_harness_runs_the_extractor_on_a_fixture(tmp_path: Path) -> None:
    folder = tmp_path / "selftest"
    folder.mkdir()
    (folder / "page.html").write_text(_SELFTEST_PAGE, encoding="utf-8")
    expected = {
        "url": "https://www.example.org/news/1",
        "title": "عنوان تجريبي للاختبار",
        "must_include": ["وفقرة سادسة أخيرة تختم النص التجريبي"],
        "must_exclude": ["جميع الحقوق محفوظة"],
        "published": "2024-05-01T10:00+03:00",
        "authors": ["سامي التجريبي"],
    }
    (folder / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=2), encoding="utf-8")
    check_fixture(_SELFTEST_SITE, folder, registered=False)
    expected["must_include"] = ["جملة لا وجود لها في الصفحة"]
    (folder / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=2), encoding="utf-8")
    with pytest.raises(AssertionError, match="missing from the body"):
        check_fixture(_SELFTEST_SITE, folder, registered=False)


def test_no_fixture_without_a_site() -> None:
    folders = FIXTURES.iterdir() if FIXTURES.is_dir() else ()
    orphans = sorted(
        p.name for p in folders if p.is_dir() and not p.name.startswith((".", "_")) and p.name not in SITES
    )
    assert not orphans, f"fixture folders for undeclared sites: {orphans}"


# 2. The registry -----------------------------------------------------------------------------------


@BY_NAME
def test_every_declared_domain_and_its_variants_map_to_the_site(site: Site) -> None:
    prefix = site.path_prefix.rstrip("/")
    for domain in site.domains:
        for host in (domain, f"www.{domain}", f"m.{domain}", f"amp.{domain}", f"a.b.{domain}"):
            for path in (f"{prefix}/", f"{prefix}/news/2024/1/2/x"):
                assert site_for_url(f"https://{host}{path}") is site, f"{host}{path}"
        assert site_for_url(f"HTTP://{domain.upper()}:443{prefix}/x?q=1#f") is site


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://www.bbc.com/arabic/articles/c720dxj8dq8o", "bbc_arabic"),
        ("https://www.bbc.com/arabic", "bbc_arabic"),
        ("https://feeds.bbci.co.uk/arabic/rss.xml", "bbc_arabic"),
        ("https://www.bbc.com/news/world-123", None),
        ("https://www.bbc.com/arabicnews/x", None),  # a prefix is a whole path segment
        ("https://www.bbc.com/", None),
        ("https://www.france24.com/ar/20240101-x", "france24_arabic"),
        ("https://www.france24.com/fr/20240101-x", None),
        ("https://www.aa.com.tr/ar/x/123", "anadolu_arabic"),
        ("https://www.aa.com.tr/tr/x/123", None),
        ("https://arabic.cnn.com/middle-east/article/x", "cnn_arabic"),
        ("https://edition.cnn.com/2024/x", None),
        ("https://cnn.com/", None),
        ("https://arabic.rt.com/world/1/", "rt_arabic"),
        ("https://www.rt.com/news/1/", None),
        ("https://www.alaraby.com/news/x", "alaraby"),
        ("https://www.alaraby.co.uk/politics/x", "alaraby_jadeed"),
        ("https://ajnet.me/news/2026/7/28/x", "aljazeera"),
        ("https://www.youm7.com/story/2020/8/24/وزير/4943459", "youm7"),
    ],
)
def test_shared_domains_and_lookalikes(url: str, name: str | None) -> None:
    site = site_for_url(url)
    assert (site.name if site else None) == name


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/news/1",
        "https://notaljazeera.net/x",  # a suffix of the name is not a subdomain
        "https://aljazeera.net.example.com/x",
        "https://net/x",
        "not a url",
        "",
        "/news/relative",
        "https://[::1]/x",
        "https://[bad/x",
    ],
)
def test_unknown_or_malformed_urls_have_no_site(url: str) -> None:
    assert site_for_url(url) is None


def test_get_site() -> None:
    assert get_site("alaraby").domains == ("alaraby.com",)
    with pytest.raises(KeyError) as caught:
        get_site("no-such-site")
    assert isinstance(caught.value, UnknownSiteError)
    assert "no-such-site" in str(caught.value) and "aljazeera" in str(caught.value)


def test_the_required_sites_are_declared() -> None:
    required = {
        "aljazeera.net", "alarabiya.net", "bbc.com/arabic", "skynewsarabia.com", "aawsat.com",
        "alaraby.co.uk", "alaraby.com", "youm7.com", "masrawy.com", "almasryalyoum.com",
        "ahram.org.eg", "hespress.com", "independentarabia.com", "arabic.cnn.com", "arabic.rt.com",
        "france24.com/ar", "aa.com.tr/ar", "annahar.com", "lbcgroup.tv", "enabbaladi.net",
        "assabah.com.tn",
    }  # fmt: skip
    missing = {where for where in required if site_for_url(f"https://www.{where}/x") is None}
    assert not missing


@BY_NAME
def test_declaration_is_well_formed(site: Site) -> None:
    assert re.fullmatch(r"[a-z][a-z0-9_]*", site.name), "names are spider names and CLI arguments"
    assert site.title.strip() and site.language
    ZoneInfo(site.timezone)  # raises for a zone that does not exist
    assert "/" in site.timezone, "use the newsroom's IANA zone, not an abbreviation or offset"
    assert site.domains, "a site needs at least one domain"
    for domain in site.domains:
        assert domain == normalize_host(domain) and "/" not in domain, f"bare host expected: {domain}"
    assert site.path_prefix == "" or re.fullmatch(r"(/[\w-]+)+", site.path_prefix)
    if site.article_url is not None:
        re.compile(site.article_url)
    assert site.notes.strip(), "say where the facts came from and what is assumed"


@BY_NAME
def test_discovery_urls_are_absolute_https_on_the_sites_own_domains(site: Site) -> None:
    for url in (*site.sitemaps, *site.news_sitemaps, *site.feeds, *site.sections):
        parts = urlsplit(url)
        assert parts.scheme == "https" and parts.hostname, f"absolute https URL expected: {url}"
        assert site_for_url(url) is site, f"{url} is not on {site.name}'s own domains and path"
    everything = (*site.sitemaps, *site.news_sitemaps, *site.feeds, *site.sections)
    assert len(set(everything)) == len(everything), "a discovery URL is listed twice"


def test_names_and_titles_are_unique() -> None:
    titles = [site.title for site in ALL_SITES]
    assert len(set(titles)) == len(titles)
    assert all(name == site.name for name, site in SITES.items())


@pytest.mark.skipif(not SHARED_PAGES.is_dir(), reason="../shared/pages is not on this machine")
def test_real_pages_belong_to_sites_that_say_they_were_verified_by_them() -> None:
    # Pages of undeclared sites (a rights group, the EU, non-article pages) are read by the generic
    # extractor and scored by `akhbar eval`; a page of a declared site must be cited by it.
    declared_pages = 0
    for truth in sorted(SHARED_PAGES.glob("*.json")):
        data = json.loads(truth.read_text(encoding="utf-8"))
        site = site_for_url(data["url"])
        if site is None or data.get("article") is False:
            continue
        declared_pages += 1
        assert site.verified and data["file"] in site.verified, f"{site.name} should cite {data['file']}"
        if site.article_url:
            path = urlsplit(data["url"]).path
            assert re.search(site.article_url, path), f"{site.name}'s article_url misses {path}"
    assert declared_pages >= 1, "no page of ../shared/pages belongs to a declared site"
    for site in ALL_SITES:
        for match in re.finditer(r"\.\./shared/(\S+)", site.verified or ""):
            assert (ROOT.parent / "shared" / match.group(1)).exists(), f"{site.name}: {match.group(0)}"


# 3. The generated table ----------------------------------------------------------------------------


def test_supported_sites_document_is_current() -> None:
    document = ROOT / "docs" / "supported-sites.md"
    current = document.read_text(encoding="utf-8") if document.exists() else ""
    assert current == render_supported_sites(), f"docs/supported-sites.md is stale: run `{REGENERATE}`"


def test_table_has_one_row_per_site_and_says_generic_or_verified() -> None:
    rows = [line for line in render_supported_sites().splitlines() if line.startswith("| ") and "`" in line]
    assert len(rows) == len(SITES)
    for site, row in zip(ALL_SITES, rows, strict=True):
        assert f"`{site.name}`" in row
        assert ("generic" in row) == (not overridden_rules(site.rules))
        assert ("not verified" in row) == (site.verified is None)
