"""Reading the YAML data files: with libyaml's C loader when PyYAML has it.

The pure-Python SafeLoader spent ~0.35 s of every start-up parsing scraper/data (measured in
bench/startup.py); the C loader reads the same files into the same values ~8x faster.
"""

from __future__ import annotations

from typing import IO, Any

import yaml

SafeLoader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(source: str | bytes | IO[str]) -> Any:
    """``yaml.safe_load`` with the fastest safe loader available."""
    return yaml.load(source, Loader=SafeLoader)
