"""The article database: engine, migrations, the writer every record goes through, queries.

Where a record is stored: ``pipelines/store.py`` hands batches to :mod:`scraper.storage.writer`.
"""
