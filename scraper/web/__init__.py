"""The web reader and the read-only JSON API (``akhbar serve``)."""
