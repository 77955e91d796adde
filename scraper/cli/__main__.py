"""``python -m scraper.cli``: the same as the ``akhbar`` command."""

import sys

from scraper.cli import main

sys.exit(main())
