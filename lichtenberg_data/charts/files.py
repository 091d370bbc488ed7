"""A finished chart written to files: PNG (300 dpi), SVG and PDF under a file-name-safe name.

Re-exported by :mod:`lichtenberg_data.charts` as ``charts.save`` and ``charts.slug``.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from matplotlib.figure import Figure

from .finish import chart_info
from .style import quiet_font_subsetting, style

__all__ = ["slug", "save"]


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


def save(fig: Figure, name: str, out_dir: str | Path | None = None) -> tuple[Path, Path, Path]:
    """Write the chart as PNG (300 dpi), SVG and PDF.

    Parameters
    ----------
    fig
        The (finished) figure; its size is kept (no tight cropping), so a full-width chart is
        16 cm = 1890 px wide.
    name
        File name without extension (made file-name safe with :func:`slug`).
    out_dir
        Folder; default ``reports/charts`` under the working folder.

    Returns
    -------
    (png, svg, pdf) paths
    """
    folder = Path(out_dir) if out_dir is not None else Path.cwd() / "reports" / "charts"
    folder.mkdir(parents=True, exist_ok=True)
    stem = slug(name)
    title = chart_info(fig).title or name
    paths = (folder / f"{stem}.png", folder / f"{stem}.svg", folder / f"{stem}.pdf")
    from matplotlib.text import Text

    for text in fig.findobj(Text):  # names and notes from the data are text, never mathtext ($, _)
        text.set_parse_math(False)
    with style(), quiet_font_subsetting():
        fig.savefig(paths[0], dpi=300, metadata={"Title": title, "Software": "lichtenberg_data"})
        fig.savefig(paths[1], metadata={"Title": title, "Creator": "lichtenberg_data",
                                        "Date": None})
        fig.savefig(paths[2], metadata={"Title": title, "Creator": "lichtenberg_data"})
    return paths
