"""A finished chart written to files: PNG (300 dpi), SVG and PDF under a file-name-safe name.

:data:`FORMATS` are the formats :func:`save` can write (all three by default); a briefing build
writes only the PNG unless asked for more (see :func:`lichtenberg_data.briefing.run`).

Re-exported by :mod:`lichtenberg_data.charts` as ``charts.save`` and ``charts.slug``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any

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


#: The PNG's resolution.
PNG_DPI = 300


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
    subsetting = quiet_font_subsetting() if paths[-1].suffix != ".png" else nullcontext()  # fonts: SVG, PDF
    with style(), subsetting:
        for path in paths:
            fmt = path.suffix[1:]
            if fmt == "png":
                _write_png(fig, path, metadata["png"])
            else:
                fig.savefig(path, metadata=metadata[fmt])
    return paths


def _write_png(fig: Figure, path: Path, metadata: dict[str, str]) -> None:
    """Draw ``fig`` at :data:`PNG_DPI` and write it as PNG with the fewest channels that keep every
    pixel: a palette for a chart of at most 256 colours (most bar and line charts), else RGB;
    RGBA only where a pixel is not opaque. A PDF takes a palette or RGB PNG's data as
    it is (:mod:`lichtenberg_data.briefing._pictures`); matplotlib writes RGBA always."""
    import io

    from PIL import PngImagePlugin

    buffer = io.BytesIO()
    fig.savefig(buffer, format="rgba", dpi=PNG_DPI)  # the pixels as drawn, nothing encoded
    raw = buffer.getbuffer()
    size = (int(fig.get_figwidth() * PNG_DPI), int(fig.get_figheight() * PNG_DPI))  # as Agg sizes it
    if size[0] * size[1] * 4 != len(raw):
        raise RuntimeError(f"chart {path.name}: drawn {len(raw) // 4} pixels, expected {size[0]} x {size[1]}")
    info = PngImagePlugin.PngInfo()
    for key, value in metadata.items():
        info.add_text(key, value)  # iTXt where the text is not Latin-1
    image = _fewest_channels(raw, size)
    # zlib level 1 for RGB (two thirds of the time of level 6, files no larger for charts); level 6
    # for a palette (one byte a pixel: fast at any level, a sixth smaller than at level 1), always
    # 8 bits (several PDF readers, pypdf among them, decode 1, 2 or 4 bits a pixel wrongly)
    palette = image.mode == "P"
    image.save(path, format="png", compress_level=6 if palette else 1, dpi=(PNG_DPI, PNG_DPI), pnginfo=info,
               **({"bits": 8} if palette else {}))


def _fewest_channels(rgba: bytes | memoryview, size: tuple[int, int]) -> Any:
    """The RGBA pixels ``rgba`` (``size`` = width, height) as the PIL image with the fewest
    channels that keeps every pixel exactly: RGBA if one is not opaque, a palette image ("P")
    for at most 256 colours, else RGB.

    Examples
    --------
    >>> _fewest_channels(bytes([255, 0, 0, 255, 255, 255, 255, 255]), (2, 1)).mode
    'P'
    >>> _fewest_channels(bytes([255, 0, 0, 128, 255, 255, 255, 255]), (2, 1)).mode
    'RGBA'
    """
    import numpy as np
    from PIL import Image

    image = Image.frombuffer("RGBA", size, rgba, "raw", "RGBA", 0, 1)
    words = np.frombuffer(rgba, dtype="<u4").reshape(size[1], size[0])  # a pixel: R + G·2^8 + B·2^16 + A·2^24
    if words.min() < 0xFF000000:  # a pixel not opaque
        return image.copy()  # not tied to the buffer
    colours = image.getcolors(256)
    if colours is None:
        return image.convert("RGB")
    palette = np.array([c[:3] for _, c in colours], dtype=np.uint32)
    table = np.zeros(1 << 24, dtype=np.uint8)  # each colour's place in the palette
    table[palette[:, 0] | palette[:, 1] << 8 | palette[:, 2] << 16] = np.arange(len(palette), dtype=np.uint8)
    indexed = Image.fromarray(table[words & 0xFFFFFF], "P")
    indexed.putpalette(palette.astype(np.uint8).tobytes())
    return indexed
