"""Querying the archive: Arabic full-text search, filters, pagination and counts."""
