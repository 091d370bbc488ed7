"""Charts for A4 reports: one style, German number formats, a source line on every chart.

Every chart made here

* uses the package style ``lichtenberg.mplstyle`` (DejaVu Sans, sizes for A4: full text width
  16 cm, half width 7.8 cm), applied by :func:`use_style` or ``with style():``;
* shows the district (``settings.district``, normally Lichtenberg) in one strong colour and
  Berlin and the other districts in greys (:data:`COLORS`, colour-blind safe);
* prints numbers the German way (``1.234,5``; :mod:`.formats`);
* has a title, an optional subtitle and, at its foot, the source line built from the
  provenance of the frames it was drawn from (:func:`finish`); charts drawn from generated
  sample data carry a visible "BEISPIELDATEN" mark.

The forms take tidy frames and return ``(fig, ax)``; give them ``title=`` (and ``subtitle=``)
to finish the chart in one call, or call :func:`finish` afterwards. :func:`chart_info` is the
documented hand-over to code that collects charts (the briefing): title, source line, sources
and the sample flag of a finished figure. This package knows nothing of the briefing.

Modules, by what they draw: :mod:`.lines` (the district against Berlin over time),
:mod:`.multiples` (small panels of lines), :mod:`.bars` (ranked bars, bars side by side per group),
:mod:`.periods` (stacked bars per period, one tick per edition), :mod:`.pyramids` (population
pyramids), :mod:`.maps` (choropleths), :mod:`.points` (point maps, points on any map and their legend),
:mod:`.layers` (layers of areas over the Ortsteile), :mod:`.tables` (tables as figures); beneath them
:mod:`.mapbase` (Ortsteile, scale bar and legend of every map), :mod:`.labels` (labels placed
without overlap), :mod:`.finish` (title, source line, sample mark, hand-over with the data drawn),
:mod:`.files` (PNG, SVG and PDF files, or the formats asked for), :mod:`.check` (the defects a reader would see),
:mod:`.style` (sizes, colours, style file), :mod:`.formats` (German numbers and dates).
"""

from __future__ import annotations

from .bars import grouped_bars, ranked_bars
from .files import save, slug
from .finish import SAMPLE_MARK, ChartInfo, chart_data, chart_info, finish
from .formats import (
    GermanFormatter,
    format_change,
    format_date,
    format_month,
    format_number,
    format_percent,
)
from .layers import Layer, layer_map, legend_handles
from .lines import line_vs_berlin
from .maps import choropleth, class_labels
from .multiples import small_multiples
from .periods import period_label, period_ticks, stacked_bars
from .points import add_points, marker_legend, point_map
from .pyramids import population_pyramid
from .style import (
    COLORS,
    DEFAULT_HEIGHT_CM,
    FULL_WIDTH_CM,
    HALF_WIDTH_CM,
    SEQUENTIAL_CMAP,
    STYLE_PATH,
    figure,
    style,
    use_style,
    wrap_text,
)
from .tables import table

__all__ = [
    # forms
    "line_vs_berlin", "ranked_bars", "small_multiples", "population_pyramid", "choropleth",
    "class_labels", "point_map", "table", "add_points", "stacked_bars", "period_ticks", "period_label",
    "layer_map", "Layer", "legend_handles",
    "grouped_bars", "marker_legend",
    # finishing, saving and the hand-over
    "finish", "save", "slug", "chart_info", "chart_data", "ChartInfo", "SAMPLE_MARK",
    # style
    "use_style", "style", "figure", "wrap_text", "COLORS", "SEQUENTIAL_CMAP", "STYLE_PATH",
    "FULL_WIDTH_CM", "HALF_WIDTH_CM", "DEFAULT_HEIGHT_CM",
    # German formats
    "format_number", "format_percent", "format_change", "format_date", "format_month",
    "GermanFormatter",
]
