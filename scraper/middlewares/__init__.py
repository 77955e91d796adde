"""Downloader middlewares of akhbar (the replay middleware lives in scraper/replay.py)."""
