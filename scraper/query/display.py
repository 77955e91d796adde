"""Dates as readers expect them: in the site's own time zone with the offset shown, and in Hijri."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

from hijridate import Gregorian

from scraper.query.filters import site_zone
from scraper.yaml_data import load_yaml


@cache
def _hijri_months() -> list[str]:
    data = load_yaml(resources.files("scraper.data").joinpath("search.yaml").read_text("utf-8"))
    return list(data["hijri_months"])


def local_time(value: datetime | None, site: str | None) -> datetime | None:
    """``value`` in the site's newsroom zone (UTC for a site not declared)."""
    if value is None:
        return None
    zone = site_zone(site) if site else None
    return value.astimezone(ZoneInfo(zone)) if zone else value


def local_label(value: datetime | None, site: str | None) -> str:
    """``2021-12-02 17:20 +02:00``: local wall time with its offset, never an unlabelled UTC time."""
    local = local_time(value, site)
    if local is None:
        return ""
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"


def hijri_label(value: datetime | None, site: str | None) -> str:
    """The local day in the Hijri (Umm al-Qura) calendar: ``27 ربيع الآخر 1443 هـ``; "" out of its range."""
    local = local_time(value, site)
    if local is None:
        return ""
    try:
        hijri = Gregorian(local.year, local.month, local.day).to_hijri()
    except (ValueError, OverflowError):
        return ""
    return f"{hijri.day} {_hijri_months()[hijri.month - 1]} {hijri.year} هـ"
