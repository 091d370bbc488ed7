"""A finished chart written to files: PNG (300 dpi), SVG and PDF under a file-name-safe name.

:data:`FORMATS` are the formats :func:`save` can write (all three by default); a briefing build
writes only the PNG unless asked for more (see :func:`lichtenberg_data.briefing.run`).

Re-exported by :mod:`lichtenberg_data.charts` as ``charts.save`` and ``charts.slug``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from matplotlib.figure import Figure

from .finish import chart_info
from .style import quiet_font_subsetting, style

__all__ = ["FORMATS", "slug", "save", "chart_formats"]

#: Every format :func:`save` writes, in this order: PNG at 300 dpi (slides, the briefing PDF), SVG
#: and PDF (vector, for print and layout).
FORMATS: tuple[str, ...] = ("png", "svg", "pdf")


def slug(name: str) -> str:
    """A file-name-safe form of ``name`` (umlauts spelt out, lower case, hyphens).

    Examples
    --------
    >>> slug("Beschäftigte – Index 2015/2024")
    'beschaeftigte-index-2015-2024'
    """
    text = str(name).translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae",
                                              "Ö": "Oe", "Ü": "Ue", "ß": "ss"}))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9_.]+", "-", text).strip("-.").lower()
    if not text:
        raise ValueError(f"chart name {name!r} gives an empty file name")
    return text


#: The PNG at 300 dpi, compressed fast: zlib level 1 writes a chart in two thirds of the time of
#: the default level 6 for files about 7 % larger (the pixels are the same).
_PNG = {"dpi": 300, "pil_kwargs": {"compress_level": 1}}


def chart_formats(formats: str | Sequence[str]) -> tuple[str, ...]:
    """The formats asked for, checked, without repeats, in the order of :data:`FORMATS`.

    Examples
    --------
    >>> chart_formats("pdf, PNG")
    ('png', 'pdf')
    >>> chart_formats(["jpg"])
    Traceback (most recent call last):
    ...
    ValueError: chart format 'jpg' is not one of png, svg, pdf
    """
    items = [formats] if isinstance(formats, str) else list(formats)
    asked = [f.strip().lower().lstrip(".") for item in items for f in str(item).split(",")]
    asked = [f for f in asked if f]
    for fmt in asked:
        if fmt not in FORMATS:
            raise ValueError(f"chart format {fmt!r} is not one of {', '.join(FORMATS)}")
    if not asked:
        raise ValueError(f"no chart format given; choose from {', '.join(FORMATS)}")
    return tuple(f for f in FORMATS if f in asked)


def save(fig: Figure, name: str, out_dir: str | Path | None = None,
         formats: str | Sequence[str] = FORMATS) -> tuple[Path, ...]:
    """Write the chart as PNG (300 dpi), SVG and PDF (or the ``formats`` asked for).

    Parameters
    ----------
    fig
        The (finished) figure; its size is kept (no tight cropping), so a full-width chart is
        16 cm = 1890 px wide.
    name
        File name without extension (made file-name safe with :func:`slug`).
    out_dir
        Folder; default ``reports/charts`` under the working folder.
    formats
        Some of :data:`FORMATS` (a list or ``"png,pdf"``); default all three.

    Returns
    -------
    tuple of Path
        One path per format, in the order of :data:`FORMATS`: ``(png, svg, pdf)`` by default.
    """
    folder = Path(out_dir) if out_dir is not None else Path.cwd() / "reports" / "charts"
    folder.mkdir(parents=True, exist_ok=True)
    stem = slug(name)
    title = chart_info(fig).title or name
    paths = tuple(folder / f"{stem}.{fmt}" for fmt in chart_formats(formats))
    from matplotlib.text import Text

    for text in fig.findobj(Text):  # names and notes from the data are text, never mathtext ($, _)
        text.set_parse_math(False)
    metadata = {"png": {"Title": title, "Software": "lichtenberg_data"},
                "svg": {"Title": title, "Creator": "lichtenberg_data", "Date": None},
                "pdf": {"Title": title, "Creator": "lichtenberg_data"}}
    with style(), quiet_font_subsetting():
        for path in paths:
            fmt = path.suffix[1:]
            fig.savefig(path, **(_PNG if fmt == "png" else {}), metadata=metadata[fmt])
    return paths
