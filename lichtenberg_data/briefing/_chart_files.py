"""What :func:`~lichtenberg_data.briefing.mark_chart` writes beside a chart's PNG and shows in the
notebook: the data the chart draws as Parquet, and the chart itself, reduced from the 300 dpi
drawing, as the notebook's image."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["show_saved", "drawn_pixels", "write_data"]


def show_saved(fig: Figure, png: Path, alt: str = "") -> None:
    """In a kernel drawing inline (a build's notebook): show the chart from its saved 300 dpi PNG,
    reduced to the figure's dpi, with ``alt`` as its alternative text (the HTML page's ``alt``),
    and close the figure, so that the inline backend does not draw it once more at the end of the
    cell. Elsewhere nothing happens."""
    import io

    import matplotlib

    if "inline" not in matplotlib.get_backend():
        return
    from IPython import get_ipython

    if get_ipython() is None:
        return
    import matplotlib.pyplot as plt
    from IPython.display import Image, display
    from PIL import Image as PILImage

    with PILImage.open(png) as im:  # reads the header; the pixels only if the canvas lost them
        factor = max(1, round(im.info.get("dpi", (300, 300))[0] / fig.dpi))
        drawn = drawn_pixels(fig, im.size)
        full = (im.convert("RGB") if im.mode == "P" else im) if drawn is None else drawn  # P: no reduce
        shown = full.reduce(factor) if factor > 1 else full.copy()
    buffer = io.BytesIO()
    shown.save(buffer, format="png", compress_level=1)  # fast; the HTML is about 7 % larger
    display(Image(data=buffer.getvalue(), format="png", metadata={"alt": alt} if alt else None))
    plt.close(fig)


def drawn_pixels(fig: Figure, size: tuple[int, int]) -> Any:
    """The pixels the PNG was written from, as a PIL image, while ``fig``'s Agg canvas still
    holds them (saving the PNG draws it there; the PNG holds these pixels unchanged), else
    ``None``. Spares decoding the 300 dpi file again (about 0.03 s per chart)."""
    import numpy as np
    from PIL import Image as PILImage

    if getattr(fig.canvas, "renderer", None) is None or not hasattr(fig.canvas, "buffer_rgba"):
        return None
    pixels = np.asarray(fig.canvas.buffer_rgba())
    if pixels.ndim != 3 or pixels.shape[:2] != (size[1], size[0]):
        return None  # drawn again since (another size or resolution): read the file
    return PILImage.fromarray(pixels, "RGBA")


def write_data(frame: Any, path: Path) -> Path:
    """The data a chart draws as Parquet: column names as text and unique, a column of mixed
    kinds as text (numbers stay numbers)."""
    import pandas as pd

    frame = frame.copy()
    names: list[str] = []
    for col in map(str, frame.columns):
        names.append(col if col not in names else f"{col}_{sum(n.startswith(col) for n in names) + 1}")
    frame.columns = names
    for col in frame.columns:
        if frame[col].dtype == object:
            kinds = {type(v) for v in frame[col].dropna()}
            if len(kinds) > 1 or (kinds and not kinds <= {str}):
                frame[col] = frame[col].map(lambda v: None if v is None or (isinstance(v, float) and v != v) else str(v))
        elif isinstance(frame[col].dtype, pd.CategoricalDtype):
            frame[col] = frame[col].astype(str)
    frame.to_parquet(path, index=False)
    return path
