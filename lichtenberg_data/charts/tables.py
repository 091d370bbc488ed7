"""Tables as charts (for the briefing, which takes figures): German numbers, a header row, bold rows.

Re-exported by :mod:`lichtenberg_data.charts` as ``charts.table``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd
from matplotlib.figure import Figure

from .finish import chart_info, finish, record_data, record_sources
from .formats import format_number, is_missing
from .style import COLORS, figure, style

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["table"]


def _cell(value: Any, decimals: int | None) -> str:
    if is_missing(value):
        return "–"
    if isinstance(value, str):
        return value
    return format_number(value, 0 if decimals is None else decimals)


def table(df: pd.DataFrame, columns: Mapping[str, str], *, decimals: Mapping[str, int] | None = None,
          highlight: Any = None, title: str | None = None, subtitle: str | None = None, source: Any = None,
          width: str | float = "full", row_height_cm: float = 0.42, font_size: float = 6.5) -> tuple[Figure, Axes]:
    """A table drawn as a figure: German numbers, a header row, optional highlighted rows.

    Parameters
    ----------
    df
        The rows, in print order.
    columns
        Column → German header, in print order.
    decimals
        Decimals per numeric column (default 0).
    highlight
        A boolean Series/array marking rows printed in bold.
    title, subtitle, source
        As for every chart (:func:`~lichtenberg_data.charts.finish`).
    width, row_height_cm, font_size
        The chart's width (``"full"``, ``"half"`` or cm), about the height of a row (the figure
        is made that high per row; the rows fill what the title and the source line leave, with
        no white band under the last row) and the size of the text in pt.

    Examples
    --------
    >>> fig, ax = table(pd.DataFrame({"a": ["x"], "b": [1234.5]}), {"a": "Name", "b": "Wert"}, decimals={"b": 1})
    >>> cells = ax.tables[0].get_celld()
    >>> [cells[r, c].get_text().get_text() for r in (0, 1) for c in (0, 1)]
    ['Name', 'Wert', 'x', '1.234,5']
    """
    decimals = dict(decimals or {})
    cells = [[_cell(v, decimals.get(c)) for c, v in zip(columns, row)] for row in df[list(columns)].itertuples(index=False)]
    # the rows, and room for a title of one line and a source line of one (finish makes the figure
    # taller for longer texts: the rows keep their height)
    height = 0.4 + row_height_cm * (len(cells) + 1) + 1.7
    with style():
        fig, ax = figure(width, height)
        chart_info(fig).keep_plot = True
        ax.set_axis_off()
        drawn = ax.table(cellText=cells, colLabels=list(columns.values()), loc="upper center", cellLoc="right",
                         colLoc="right")
        drawn.auto_set_font_size(False)
        drawn.set_fontsize(font_size)
        bold = list(pd.Series(highlight).fillna(False).astype(bool)) if highlight is not None else []
        for (r, c), cell in drawn.get_celld().items():
            cell.set_edgecolor(COLORS["grid"])
            cell.set_linewidth(0.4)
            if c == 0:
                cell.set_text_props(ha="left")
                cell._loc = "left"  # noqa: SLF001 - matplotlib has no public setter for a cell's alignment
            if r == 0:
                cell.set_text_props(weight="bold", color=COLORS["text"])
                cell.set_facecolor("#F5F5F5")
            elif bold and bold[r - 1]:
                cell.set_text_props(weight="bold")
        drawn.auto_set_column_width(list(range(len(columns))))
        drawn.AXESPAD = 0  # the rows fill the plot from top to bottom, whatever the texts leave of it
        for cell in drawn.get_celld().values():
            cell.set_height(1 / (len(cells) + 1))
    record_sources(fig, df)
    record_data(fig, df[list(columns)].rename(columns=dict(columns)))
    if title is not None:
        finish(fig, title, subtitle, source)
    return fig, ax
