"""Scrapy commands of the project (``COMMANDS_MODULE``): Scrapy's own, with one-line errors."""
