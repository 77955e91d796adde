"""Spiders discover article URLs (sitemaps, feeds, section listings) and hand each page to
the extractor; they never pick fields out of a page themselves."""
