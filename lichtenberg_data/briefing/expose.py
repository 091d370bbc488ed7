"""The site exposé for the investment fair: one A4 page in German per commercial site.

:func:`write` lays out a :class:`~lichtenberg_data.land._profile.SiteProfile` (``ld.land.site_profile``):
title and description, a map of the site with its 1 km ring and the businesses around it, and one
block per topic with its figures and its source line. A block whose dataset is not loaded says
which import command brings it. Pages resting on generated sample data carry the mark
``BEISPIELDATEN``. The page is drawn with matplotlib (the helpers of :mod:`._layout`) in the charts'
style; ``lichtenberg-data expose`` is the command line.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from ..charts.finish import SAMPLE_MARK
from ..charts.formats import format_date
from ..charts.style import COLORS, quiet_font_subsetting, style
from ._layout import A4_CM, _fx, _fy, _line, _put, _save_checked, _wrapped

__all__ = ["write"]

log = logging.getLogger(__name__)

LEFT, RIGHT, TOP = 1.8, 1.8, 1.5
WIDTH = A4_CM[0] - LEFT - RIGHT
MAP_CM = 8.2


def _draw_map(fig: Figure, profile: Any, x: float, y: float, size: float) -> None:
    """The site (filled), its 1 km ring (dashed), the Planungsräume and the businesses around it."""
    import geopandas as gpd

    from ..land._profile import RING_M

    ax = fig.add_axes((_fx(x), _fy(y + size), size / A4_CM[0], size / A4_CM[1]))
    ring = profile.geometry.buffer(RING_M)
    x0, y0, x1, y1 = ring.bounds
    pad = 250
    try:
        from ..geo import boundaries

        plr = boundaries("planungsraum", None).cx[x0 - pad:x1 + pad, y0 - pad:y1 + pad]
        plr.boundary.plot(ax=ax, color="#BBBBBB", linewidth=0.5)
    except Exception:  # noqa: BLE001 - the map works without the LOR outlines
        pass
    gpd.GeoSeries([ring], crs="EPSG:25833").boundary.plot(ax=ax, color=COLORS["berlin"], linewidth=0.8,
                                                           linestyle="--")
    gpd.GeoSeries([profile.geometry], crs="EPSG:25833").plot(ax=ax, color=COLORS["highlight"], alpha=0.25,
                                                             edgecolor=COLORS["highlight"], linewidth=1.0)
    near = profile.businesses
    if near is not None and len(near):
        pts = gpd.GeoSeries.from_xy(near["longitude"], near["latitude"], crs="EPSG:4326").to_crs("EPSG:25833")
        inside = near["im_gebiet"].to_numpy(bool)
        ax.scatter(pts.x[~inside], pts.y[~inside], s=1.2, color=COLORS["accent"], linewidths=0, alpha=0.6)
        ax.scatter(pts.x[inside], pts.y[inside], s=1.6, color=COLORS["highlight"], linewidths=0)
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for side in ax.spines.values():
        side.set_color("#BBBBBB")


def _legend(fig: Figure, x: float, y: float, width: float) -> float:
    text = ("Karte: Gebiet (flächig), Ring 1 km (gestrichelt), Planungsräume (grau); Punkte: Betriebe "
            "im IHK-Register (orange im Gebiet, blau bis 1 km)")
    lines, h = _wrapped(text, width, 7)
    _put(fig, x, y, lines, size=7, color=COLORS["muted"])
    return h


def _block(fig: Figure | None, block: Any, x: float, y: float, width: float, scale: float) -> float:
    """Draw (or, with ``fig`` None, measure) one block; returns its height in cm."""
    h = 0.0
    title, th = _wrapped(block.title, width, 9.5 * scale, "bold")
    if fig is not None:
        _put(fig, x, y, title, size=9.5 * scale, weight="bold")
    h += th + 0.08
    for line in block.lines:
        text, lh = _wrapped(line, width, 8.2 * scale)
        if fig is not None:
            _put(fig, x, y + h, text, size=8.2 * scale, color="#C0392B" if block.missing else "#222222")
        h += lh + 0.04
    if block.source:
        text, sh = _wrapped(block.source, width, 6.3 * scale)
        if fig is not None:
            _put(fig, x, y + h, text, size=6.3 * scale, color=COLORS["sample"] if block.sample else COLORS["muted"])
        h += sh
    return h + 0.28


def _header(fig: Figure, profile: Any) -> float:
    y = TOP
    _put(fig, LEFT, y, "Standort-Exposé · Investitionsmesse · Bezirk Lichtenberg", size=8, color=COLORS["muted"])
    if profile.sample:
        _put(fig, A4_CM[0] - RIGHT, y, SAMPLE_MARK, size=11, weight="bold", color=COLORS["sample"], ha="right")
    y += 0.5
    title, h = _wrapped(profile.name, WIDTH, 16, "bold")
    _put(fig, LEFT, y, title, size=16, weight="bold")
    y += h + 0.15
    if profile.description:
        text, h = _wrapped(profile.description, WIDTH, 8.5)
        _put(fig, LEFT, y, text, size=8.5, color="#333333")
        y += h + 0.1
    if profile.site_source:
        text, h = _wrapped(f"Quelle Gebietsangaben: {profile.site_source}", WIDTH, 6.3)
        _put(fig, LEFT, y, text, size=6.3, color=COLORS["muted"])
        y += h
    if profile.sample:
        note = ("BEISPIELDATEN: Teile dieser Seite beruhen auf synthetisch erzeugten Beispieldaten (markierte "
                "Quellenzeilen), nicht auf amtlichen Zahlen.")
        text, h = _wrapped(note, WIDTH, 7.5, "bold")
        _put(fig, LEFT, y + 0.1, text, size=7.5, weight="bold", color=COLORS["sample"])
        y += h + 0.1
    _line(fig, LEFT, A4_CM[0] - RIGHT, y + 0.15)
    return y + 0.35


def _layout(profile: Any, top: float, scale: float) -> tuple[list[tuple[Any, float, float, float]], float]:
    """Where each block goes: the first beside the map, the rest below it in two columns."""
    col = (WIDTH - 0.6) / 2
    side_x, side_w = LEFT + MAP_CM + 0.5, WIDTH - MAP_CM - 0.5
    places, y = [], top
    for b in profile.blocks[:2]:
        places.append((b, side_x, y, side_w))
        y += _block(None, b, side_x, y, side_w, scale)
    below = max(top + MAP_CM + 1.3, y)
    heights = [0.0, 0.0]
    for b in profile.blocks[2:]:
        i = 0 if heights[0] <= heights[1] else 1
        x = LEFT + i * (col + 0.6)
        places.append((b, x, below + heights[i], col))
        heights[i] += _block(None, b, x, below + heights[i], col, scale)
    return places, below + max(heights)


def write(profile: Any, out: str | Path) -> Path:
    """Write the exposé of ``profile`` (``ld.land.site_profile(...)``) as one A4 PDF page."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with style():
        fig = Figure(figsize=(A4_CM[0] / 2.54, A4_CM[1] / 2.54), layout="none")
        top = _header(fig, profile)
        scale = 1.0
        places, bottom = _layout(profile, top, scale)
        while bottom > A4_CM[1] - 1.6 and scale > 0.7:  # one page: shrink the text until it fits
            scale -= 0.05
            places, bottom = _layout(profile, top, scale)
        _draw_map(fig, profile, LEFT, top, MAP_CM)
        _legend(fig, LEFT, top + MAP_CM + 0.1, MAP_CM)
        for b, x, y, w in places:
            _block(fig, b, x, y, w, scale)
        _put(fig, LEFT, A4_CM[1] - 1.0, f"Erstellt mit lichtenberg_data am {format_date(date.today())}; "
             "jede Angabe mit ihrer Quellenzeile. Zugänge sind Neueintragungen im IHK-Register, keine Gründungen.",
             size=6.3, color=COLORS["muted"])
        with quiet_font_subsetting(), PdfPages(out) as pdf:
            for line in _save_checked(pdf, fig):
                log.warning("exposé %s: %s", out.name, line)
    return out
