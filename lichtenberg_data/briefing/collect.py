"""The notebook contract: how a notebook hands charts and key figures to the briefing.

* :func:`mark_chart` ``(fig, name, section, caption, source=None)`` hands a finished chart
  over (it reads the chart's :func:`lichtenberg_data.charts.chart_info`);
* :func:`key_figure` ``(section, label, current, previous, unit="", source=None)`` hands a key
  figure over (shown in the section's table with its change);
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
from typing import TYPE_CHECKING, Any

from .._provenance import resolve_source
from .._store import atomic_write_bytes
from ..charts.formats import is_missing

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["SECTIONS", "GOALS", "ENV_VAR", "COLLECT_FILE", "collect_dir", "mark_chart", "key_figure"]

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
#: File (in that folder) listing the marked charts and key figures.
COLLECT_FILE = "briefing.json"

_DATASET_FIELDS = ("dataset", "title", "source_title", "publisher", "reference_date",
                   "retrieved_at", "license", "license_url", "source_url", "sample")



def collect_dir() -> Path | None:
    """The folder this notebook's briefing material goes to, or ``None`` outside a build."""
    value = os.environ.get(ENV_VAR, "").strip()
    return Path(value) if value else None


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
    data: dict[str, Any] = {"charts": [], "key_figures": []}
    if path.exists():
        data.update(json.loads(path.read_text(encoding="utf-8")))
    data[kind] = [e for e in data.get(kind, []) if not same(e)] + [entry]
    atomic_write_bytes(path, json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8"))


def mark_chart(fig: Figure, name: str, section: str, caption: str,
               source: Any = None) -> dict[str, Any] | None:
    """Hand a finished chart to the briefing pack (``lichtenberg-data briefing``).

    During a briefing build the figure is saved as PNG, SVG and PDF in the notebook's collect
    folder and an entry is added to its ``briefing.json``; outside a build nothing happens.

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
    from ..charts import chart_info, save

    section = _section(section)
    folder = collect_dir()
    if folder is None:
        return None
    info = chart_info(fig)
    if source is None:
        line, entries = info.source_line, info.sources
        if not line and entries:
            line, _ = resolve_source(entries)
    else:
        line, entries = resolve_source(source)
    if not line:
        log.warning("chart %r marked for the briefing has no source line", name)
    png, svg, pdf = save(fig, name, folder)
    width_in, height_in = fig.get_size_inches()
    entry = {
        "name": png.stem,
        "section": section,
        "section_title": SECTIONS[section],
        "caption": str(caption),
        "files": {"png": png.name, "svg": svg.name, "pdf": pdf.name},
        "source": line,
        "datasets": _datasets(entries),
        "sample": bool(info.sample or any(e.get("sample") for e in entries)),
        "width_cm": round(width_in * 2.54, 2),
        "height_cm": round(height_in * 2.54, 2),
    }
    _update(folder, "charts", entry, lambda e: e.get("name") == entry["name"])
    return entry


def key_figure(section: str, label: str, current: Any, previous: Any, unit: str = "",
               source: Any = None, *, decimals: int | None = None) -> dict[str, Any] | None:
    """Hand a key figure to the briefing pack (its section's table of key figures).

    Outside a briefing build (``LICHTENBERG_BRIEFING_DIR`` unset) nothing happens.

    Parameters
    ----------
    section
        One of :data:`SECTIONS` (key or German title).
    label
        German label, e.g. ``"Sozialversicherungspflichtig Beschäftigte am Arbeitsort"``.
    current, previous
        Current value and the value it is compared with (``None`` if there is none).
    unit
        Unit printed after the value; ``"%"`` means percent points and the change is shown
        in Prozentpunkten (``Pp.``).
    source
        Frames, provenance entries or a text naming the source.
    decimals
        Decimals shown; default 0 for whole numbers, else 1.

    Returns
    -------
    dict or None
        The recorded entry, or ``None`` when not building a briefing.
    """
    section = _section(section)
    folder = collect_dir()
    if folder is None:
        return None
    line, entries = resolve_source(source) if source is not None else ("", [])
    entry = {
        "section": section,
        "label": str(label),
        "current": _number(current),
        "previous": _number(previous),
        "unit": unit,
        "decimals": decimals,
        "source": line,
        "datasets": _datasets(entries),
        "sample": any(e.get("sample") for e in entries),
    }
    _update(folder, "key_figures", entry,
            lambda e: (e.get("section"), e.get("label")) == (section, entry["label"]))
    return entry


