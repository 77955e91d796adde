"""Charts drawn on the server as SVG: no JavaScript, no charting library, nothing from a CDN."""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

# Colour-blind-safe palette (Okabe-Ito), one colour per site.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


def _days(per_site_day: dict[str, dict[str, int]]) -> list[str]:
    days = sorted({day for counts in per_site_day.values() for day in counts})
    if not days:
        return []
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    if (last - first).days > 400:  # a long archive: only the days that have articles
        return days
    return [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


def per_day_svg(per_site_day: dict[str, dict[str, int]], *, width: int = 760, height: int = 260) -> str:
    """Stacked bars: articles per day, one colour per site, with a legend. Left-to-right time axis."""
    days = _days(per_site_day)
    if not days:
        return '<p class="empty">لا توجد مقالات لرسمها.</p>'
    sites = sorted(per_site_day)
    totals = [sum(per_site_day[s].get(d, 0) for s in sites) for d in days]
    top = max(totals) or 1
    left, bottom, top_pad = 40, 40, 24
    plot_w, plot_h = width - left - 10, height - bottom - top_pad
    step = plot_w / len(days)
    bar = max(1.0, step * 0.8)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" direction="ltr" aria-label="عدد المقالات في كل يوم">',
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - 10}" y2="{top_pad + plot_h}" stroke="#888"/>',
        f'<text x="{left - 6}" y="{top_pad + 4}" text-anchor="end" class="axis">{top}</text>',
        f'<text x="{left - 6}" y="{top_pad + plot_h}" text-anchor="end" class="axis">0</text>',
    ]
    for i, day in enumerate(days):
        x = left + i * step + (step - bar) / 2
        y = top_pad + plot_h
        for n, site in enumerate(sites):
            count = per_site_day[site].get(day, 0)
            if not count:
                continue
            h = count / top * plot_h
            y -= h
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[n % len(PALETTE)]}"><title>{escape(site)} {day}: {count}</title></rect>'
            )
    labels = max(1, len(days) // 8)
    for i in range(0, len(days), labels):
        x = left + i * step + step / 2
        parts.append(f'<text x="{x:.1f}" y="{height - 22}" text-anchor="middle" class="axis">{days[i][5:]}</text>')
    for n, site in enumerate(sites):
        x = left + n * 130
        parts.append(f'<rect x="{x}" y="{height - 14}" width="10" height="10" fill="{PALETTE[n % len(PALETTE)]}"/>')
        parts.append(f'<text x="{x + 14}" y="{height - 5}" class="legend">{escape(site)}</text>')
    parts.append("</svg>")
    return "".join(parts)
