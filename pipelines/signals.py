"""Signals of the store pipeline, for components that must know when items are safely stored.

Plain objects, as Scrapy's own signals are; sent with ``crawler.signals.send_catch_log``.
"""

# Sent after each flush of the store pipeline: everything it had buffered is committed (or, when
# the database gave up, kept in the spool file). Distributed crawling acknowledges requests then.
batch_committed = object()

# Sent to ask the store pipeline to write its buffers now (the crawl has nothing else to do).
flush_requested = object()
