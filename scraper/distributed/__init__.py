"""Distributed crawling: several crawler processes share one frontier in Redis (scrapy-redis).

Switched on by ``AKHBAR_REDIS_URL`` (see :mod:`scraper.distributed.addon`); docs/distributed.md
explains the deployment. The pieces:

* :mod:`~scraper.distributed.frontier`: the Redis keys of one site's frontier and the atomic
  operations on them (take a request, give it back, who is alive, is the frontier done);
* :mod:`~scraper.distributed.scheduler`: the scrapy-redis scheduler with a reliable queue: a
  taken request stays in its worker's ``pending`` set until what it produced is committed;
* :mod:`~scraper.distributed.middleware`: seeding (the first process pushes the start requests,
  the others join), acknowledgement after commit, and the idle check that ends the crawl.
"""
