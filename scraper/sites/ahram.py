"""Al-Ahram (ahram.org.eg), Cairo.

Sources: public RSS lists in GitHub code disagree (gate.ahram.org.eg/rss.aspx,
ahram.org.eg/rss/ahram.xml, per-section .aspx feeds), so no discovery URL is declared. Time zone
Africa/Cairo. The registrable domain covers gate.ahram.org.eg (بوابة الأهرام) and
english.ahram.org.eg (Ahram Online, in English).
"""

from scraper.sites.base import Site

SITE = Site(
    name="ahram",
    title="Al-Ahram (الأهرام)",
    domains=("ahram.org.eg",),
    timezone="Africa/Cairo",
    notes="No discovery: public RSS lists disagree and none was corroborated. english.ahram.org.eg "
    "(Ahram Online) is English but matches this declaration by domain.",
)
