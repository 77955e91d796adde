"""Al-Araby TV (alaraby.com), the project's demo site.

Sources:
- Discovery (sitemap, /news section, ``^/news/`` article paths): the paths of the project's
  CONSTRUCTED demo archive, not verified against the live site. No public declaration of the live
  site's sitemaps or feeds was found (search over public code, 2026-11).
- Public code shows the live site is Drupal (image URLs under ``/sites/default/files/``).
- Time zone: an assumption. The channel started in London (2015) and its newsroom has since been
  in Lusail, Qatar (a public station list names "Al Araby Radio (Doha/Lusail)"); Asia/Qatar.
"""

from scraper.sites.base import Site

SITE = Site(
    name="alaraby",
    title="Al-Araby TV (التلفزيون العربي)",
    domains=("alaraby.com",),
    timezone="Asia/Qatar",
    sitemaps=("https://www.alaraby.com/sitemap.xml",),
    sections=("https://www.alaraby.com/news",),
    article_url=r"^/news/",
    verified=None,
    notes=(
        "Demo site. Sitemap, section and article_url are the constructed demo archive's paths, "
        "not verified against the live site. Time zone Asia/Qatar is an assumption (newsroom in "
        "Lusail; the channel began in London)."
    ),
)
