"""The notebook contract: how a notebook hands charts and key figures to the briefing.

* :func:`mark_chart` ``(fig, name, section, caption, source=None)`` hands a finished chart
  over (it reads the chart's :func:`lichtenberg_data.charts.chart_info`);
* :func:`key_figure` ``("einwohner")`` hands a key figure over by its id (declared once in
  :mod:`~lichtenberg_data.briefing.keyfigures`; shown in its section's table with its change,
  Berlin and the comparison Bezirke, and turned into findings); the older form
  ``(section, label, current, previous, unit="", source=None)`` hands over a figure without id;
* ``section`` is one of :data:`SECTIONS`: ``ueberblick``, ``fachkraefte``, ``einzelhandel``,
  ``gewerbe``, ``tourismus``;
* the build runs each notebook with the environment variable ``LICHTENBERG_BRIEFING_DIR`` set;
  both functions write into that folder (``briefing.json`` and the chart files). Outside a build
  the variable is unset and both functions do nothing, so the notebooks run unchanged in Jupyter.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .._formats import is_missing
from .._provenance import resolve_source, source_parts
from .._store import atomic_write_bytes
from ._chart_files import show_saved, write_data

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["SECTIONS", "GOALS", "ENV_VAR", "FORMATS_VAR", "COLLECT_FILE", "collect_dir", "build_formats", "mark_chart", "key_figure",
           "Comparison", "latest_pair", "note_missing"]

log = logging.getLogger(__name__)

#: The sections of the briefing, in print order: the overview and the four cooperation goals.
SECTIONS: dict[str, str] = {
    "ueberblick": "Überblick",
    "fachkraefte": "Fachkräfte",
    "einzelhandel": "Einzelhandel und Zentren",
    "gewerbe": "Gewerbeflächen und Unternehmen",
    "tourismus": "Tourismus",
}
#: The cooperation goals; those without results are listed under "Noch nicht enthalten".
GOALS = ("fachkraefte", "einzelhandel", "gewerbe", "tourismus")
#: Environment variable naming the folder a notebook writes its briefing material to.
ENV_VAR = "LICHTENBERG_BRIEFING_DIR"
#: Environment variable (set in each kernel of a build) naming the chart file formats beside the
#: PNG, e.g. ``"png,svg,pdf"``; without it only the PNG the PDF is drawn from is written.
FORMATS_VAR = "LICHTENBERG_BRIEFING_CHART_FORMATS"
#: File (in that folder) listing the marked charts and key figures.
COLLECT_FILE = "briefing.json"

_DATASET_FIELDS = ("dataset", "title", "source_title", "publisher", "reference_date",
                   "retrieved_at", "arrived", "editions", "license", "license_url", "source_url", "sample")



def collect_dir() -> Path | None:
    """The folder this notebook's briefing material goes to, or ``None`` outside a build."""
    value = os.environ.get(ENV_VAR, "").strip()
    return Path(value) if value else None


def build_formats() -> tuple[str, ...]:
    """The chart file formats of this build (:data:`FORMATS_VAR`): always the PNG, which the PDF is
    drawn from, and the vector formats asked for."""
    from ..charts.files import chart_formats as checked

    return checked(["png", *os.environ.get(FORMATS_VAR, "").split(",")])


def _section(section: str) -> str:
    if section in SECTIONS:
        return section
    for key, title in SECTIONS.items():  # accept the German title as well
        if str(section).strip().casefold() == title.casefold():
            return key
    raise ValueError(f"unknown briefing section {section!r}; use one of: {', '.join(SECTIONS)}")


def _datasets(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: (str(e[k]) if k in ("reference_date", "retrieved_at") and e.get(k) else e.get(k))
             for k in _DATASET_FIELDS if k in e} for e in entries]


def _number(value: Any) -> float | int | None:
    if is_missing(value):
        return None
    if isinstance(value, bool):
        return int(value)
    try:
        as_int = int(value)
        if float(value) == as_int and "int" in type(value).__name__.lower():
            return as_int
    except (TypeError, ValueError, OverflowError):
        pass
    return float(value)


def _update(folder: Path, kind: str, entry: dict[str, Any], same: Callable[[dict], bool]) -> None:
    """Add ``entry`` to ``briefing.json`` in ``folder``, replacing an entry it supersedes."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / COLLECT_FILE
    data: dict[str, Any] = {"charts": [], "key_figures": [], "missing": []}
    if path.exists():
        data.update(json.loads(path.read_text(encoding="utf-8")))
    data[kind] = [e for e in data.get(kind, []) if not same(e)] + [entry]
    # without indent: json's C encoder (indented, json encodes in Python, five times slower)
    atomic_write_bytes(path, json.dumps(data, ensure_ascii=False, default=str).encode("utf-8"))


def mark_chart(fig: Figure, name: str, section: str, caption: str,
               source: Any = None) -> dict[str, Any] | None:
    """Hand a finished chart to the briefing pack (``lichtenberg-data briefing``).

    During a briefing build the figure is saved as PNG (and SVG and PDF when the build asks for
    them, :func:`build_formats`) in the notebook's collect folder and an entry is added to its
    ``briefing.json``; outside a build nothing happens.

    Parameters
    ----------
    fig
        The finished figure (see :func:`lichtenberg_data.charts.finish`).
    name
        Short file name of the chart, unique within the notebook (marking a name again
        replaces the earlier entry).
    section
        One of :data:`SECTIONS` (key or German title).
    caption
        One or two German sentences printed below the chart.
    source
        Frames, provenance entries or a text for the source line and the dataset list;
        default: what the chart recorded (its :class:`~lichtenberg_data.charts.ChartInfo`).

    Returns
    -------
    dict or None
        The recorded entry, or ``None`` when not building a briefing.
    """
    from ..charts import chart_data, chart_info, save
    from ..charts.check import plain_text, problems_when_drawn

    section = _section(section)
    folder = collect_dir()
    if folder is None:
        return None
    info = chart_info(fig)
    if source is None:
        line, entries, texts = info.source_line, info.sources, info.source_texts
        if not line and entries:
            line, _ = resolve_source(entries)
    else:
        line, entries = resolve_source(source)
        texts = source_parts(source)[1]
    if not line:
        log.warning("chart %r marked for the briefing has no source line", name)
    plain_text(fig)
    with problems_when_drawn(fig) as found:  # checked on the draw that writes the PNG
        saved = save(fig, name, folder, build_formats())
    for problem in found:
        log.warning("chart %r: %s", name, problem)
    png = saved[0]
    show_saved(fig, png, " – ".join(t for t in (info.title, info.subtitle) if t))
    files = {path.suffix[1:]: path.name for path in saved}
    data = chart_data(info)
    if data is not None:
        files["data"] = write_data(data, folder / f"{png.stem}.data.parquet").name
    width_in, height_in = fig.get_size_inches()
    entry = {
        "name": png.stem,
        "section": section,
        "section_title": SECTIONS[section],
        "title": info.title,
        "subtitle": info.subtitle,
        "caption": str(caption),
        "files": files,
        "source": line,
        "source_texts": list(texts),
        "datasets": _datasets(entries),
        "sample": bool(info.sample or any(e.get("sample") for e in entries)),
        "width_cm": round(width_in * 2.54, 2),
        "height_cm": round(height_in * 2.54, 2),
        "foot_cm": round(info.foot_pt / 72 * 2.54, 3),  # the strip holding the chart's source line
        "map": any(not ax.axison and ax.get_aspect() == 1.0 for ax in fig.axes),  # drawn to scale
        "problems": found,
        "order": _execution_count(),
    }
    _update(folder, "charts", entry, lambda e: e.get("name") == entry["name"])
    return entry


class Comparison(NamedTuple):
    """A value, the value before it, and when each was measured (see :func:`latest_pair`)."""

    current: Any
    previous: Any
    when: Any
    previous_when: Any


def _scalar(value: Any) -> Any:
    """A numpy number as the plain Python number (timestamps stay as they are)."""
    return value.item() if hasattr(value, "item") and not hasattr(value, "year") else value


def latest_pair(df: Any, value: str, time: str, **where: Any) -> Comparison:
    """The latest ``value`` and the one of the previous *available* period, with both times.

    The previous value is the one of the period before in the data, however far back it is
    (31.12.2020 before 31.12.2025 when the years between are missing) - never an implied
    one-year change. Rows matching ``where`` only; missing values are skipped.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"year": [2020, 2025], "gebiet": ["A", "A"], "v": [1.0, 2.0]})
    >>> latest_pair(t, "v", "year", gebiet="A")
    Comparison(current=2.0, previous=1.0, when=2025, previous_when=2020)
    """
    rows = df
    for col, val in where.items():
        rows = rows[rows[col] == val]
    rows = rows.dropna(subset=[value]).sort_values(time)
    if rows.empty:
        return Comparison(None, None, None, None)
    current = rows.iloc[-1]
    if len(rows) < 2:
        return Comparison(_scalar(current[value]), None, _scalar(current[time]), None)
    previous = rows.iloc[-2]
    return Comparison(_scalar(current[value]), _scalar(previous[value]), _scalar(current[time]),
                      _scalar(previous[time]))


def _when(value: Any) -> str | None:
    """A period as text for ``briefing.json``: ISO date, or the year / label as given."""
    if value is None or is_missing(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(_scalar(value))


def key_figure(figure: str, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
    """Hand a key figure to the briefing pack: ``key_figure("einwohner")``.

    ``figure`` is the id of a key figure declared in :mod:`lichtenberg_data.briefing.keyfigures`
    (``lichtenberg-data kennzahlen`` lists them); its label, unit, section and the function
    computing it come from there, for ``settings.district`` (inside a build: up to the briefing
    year). The figure is computed, recorded in the notebook's ``briefing.json`` during a build
    (with every Bezirk's and Berlin's values of the same periods, for the findings and the
    comparison Bezirke) and returned in any case, so a notebook can title its chart with the
    finding (:func:`lichtenberg_data.briefing.headline`).

    Parameters
    ----------
    figure
        A key-figure id. (The older form ``key_figure(section, label, current, previous, unit,
        source, ...)``, a figure without an id, still works but is not shared with the findings,
        the goals or the CLI.)
    table
        Optional, second argument: the topic table the figure is read from, when the notebook
        has built it already (saves computing it twice).
    source
        Frames, provenance entries or a text for the source line (default: the table's sources).

    Returns
    -------
    dict
        The figure: ``id``, ``label``, ``unit``, ``decimals``, ``current``, ``previous``,
        ``when``, ``previous_when``, ``reference`` (Berlin's values), ``bezirke``, ``series``,
        ``source``, ``sample`` … (``None`` for the older form outside a build).

    Raises
    ------
    DataNotAvailableError
        A dataset the figure needs is not loaded (inside a build: a box in the PDF names it).
    ValueError
        ``figure`` is neither a key-figure id nor a section (the message lists both).
    """
    if _is_section(figure):
        return _ad_hoc_figure(figure, *args, **kwargs)
    from .keyfigures import FIGURES

    if figure not in FIGURES:
        raise ValueError(f"{figure!r} is neither a key-figure id ({', '.join(FIGURES)}) nor a briefing "
                         f"section ({', '.join(SECTIONS)})")
    return _registered_figure(figure, *args, **kwargs)


def _is_section(value: Any) -> bool:
    try:
        _section(value)
    except ValueError:
        return False
    return True


def _registered_figure(figure_id: str, table: Any = None, *, source: Any = None) -> dict[str, Any]:
    from .keyfigures import compute

    result = compute(figure_id, table)
    entry = result.entry
    line, entries = resolve_source(source if source is not None else result.table)
    entry.update(section_title=SECTIONS[entry["section"]], source=line,
                 source_texts=source_parts(source)[1] if source is not None else [],
                 datasets=_datasets(entries), sample=any(e.get("sample") for e in entries),
                 order=_execution_count())
    folder = collect_dir()
    if folder is not None:
        _update(folder, "key_figures", entry, lambda e: e.get("id") == figure_id)
    return entry


def _ad_hoc_figure(section: str, label: str, current: Any, previous: Any = None, unit: str = "",
               source: Any = None, *, when: Any = None, previous_when: Any = None,
               decimals: int | None = None) -> dict[str, Any] | None:
    """The older form of :func:`key_figure`: a figure without an id (label and values given).

    Outside a briefing build (``LICHTENBERG_BRIEFING_DIR`` unset) nothing happens. Such a figure
    has no id: no finding, no goal and no ``lichtenberg-data kennzahlen`` line knows it.

    Parameters
    ----------
    section
        One of :data:`SECTIONS` (key or German title).
    label
        German label, e.g. ``"Sozialversicherungspflichtig Beschäftigte am Arbeitsort"``.
    current, previous
        Current value and the value it is compared with (``None`` if there is none); or a
        :class:`Comparison` (from :func:`latest_pair`) as ``current``, which brings both values
        and both dates.
    unit
        Unit printed after the value; ``"%"`` means percent points and the change is shown
        in Prozentpunkten (``Pp.``).
    source
        Frames, provenance entries or a text naming the source.
    when, previous_when
        When each value was measured (a date, a year or a label such as ``"MSS 2023"``); the
        table shows both, so a change across a gap of years reads as such.
    decimals
        Decimals shown; default 0 for whole numbers, else 1. The change is computed from the
        rounded values, so every number in the table adds up as printed.

    Returns
    -------
    dict or None
        The recorded entry, or ``None`` when not building a briefing.
    """
    if isinstance(current, Comparison):
        current, previous, when, previous_when = current
    section = _section(section)
    folder = collect_dir()
    if folder is None:
        return None
    log.warning("key figure %r has no id: declare it in lichtenberg_data.briefing.keyfigures", label)
    line, entries = resolve_source(source) if source is not None else ("", [])
    entry = {
        "section": section,
        "label": str(label),
        "current": _number(current),
        "previous": _number(previous),
        "when": _when(when),
        "previous_when": _when(previous_when) if previous is not None else None,
        "unit": unit,
        "decimals": decimals,
        "source": line,
        "source_texts": source_parts(source)[1],
        "datasets": _datasets(entries),
        "sample": any(e.get("sample") for e in entries),
        "order": _execution_count(),
    }
    _update(folder, "key_figures", entry,
            lambda e: (e.get("section"), e.get("label")) == (section, entry["label"]))
    return entry


def _describe(dataset: str | None) -> dict[str, Any]:
    """Title, landing page and whether it is loaded, of a dataset the catalogue knows."""
    from .._store import processed_path
    from ..catalog import get

    info: dict[str, Any] = {"dataset": dataset, "title": None, "landing_page": None, "loaded": False}
    if dataset:
        try:
            ds = get(dataset)
            info.update(title=ds.title, landing_page=ds.landing_page,
                        loaded=processed_path(dataset).exists())  # loaded, but without what the cell needs
        except LookupError:
            pass
    return info


def note_missing(dataset: str | None, message: str, *, section: str | None = None,
                 execution_count: int | None = None, also: list[str] | None = None,
                 lacks: str | None = None) -> dict[str, Any] | None:
    """Record that a notebook cell needed ``dataset``, which is not loaded or lacks what the cell
    needs (``lacks``: what, in German; see :mod:`.kernel`).

    ``also`` names further datasets the same cell loads that are not loaded either; the box in
    the PDF names them too, so one look tells everything the part needs.
    """
    folder = collect_dir()
    if folder is None:
        return None
    try:
        section = _section(section) if section else None
    except ValueError:
        section = None
    first = _describe(dataset)
    others = [_describe(d) for d in dict.fromkeys(also or []) if d != dataset]
    entry = {**first, "section": section, "message": message, "order": execution_count, "lacks": lacks,
             "also": [o for o in others if o["title"] and not o["loaded"]]}
    _update(folder, "missing", entry, lambda e: (e.get("dataset"), e.get("order")) == (dataset, execution_count))
    return entry


def _execution_count() -> int | None:
    """The execution count of the running notebook cell (orders charts, figures and boxes).

    Read from the input history ``In`` (its last entry is the running cell), which, unlike
    ``shell.execution_count``, does not depend on when an IPython version counts up.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return None
    shell = get_ipython()
    history = shell.user_ns.get("In") if shell is not None else None
    return len(history) - 1 if history else None
