"""The briefing pack: run the notebooks headless and bind their charts into one A4 PDF.

How a notebook contributes (the *notebook contract*):

* :func:`lichtenberg_data.charts.mark_for_briefing` ``(fig, name, section, caption, source=None)``
  hands a chart over;
* :func:`key_figure` ``(section, label, current, previous, unit="", source=None)`` hands a key
  figure over (shown in the section's table with its change);
* ``section`` is one of :data:`SECTIONS`: ``ueberblick``, ``fachkraefte``, ``einzelhandel``,
  ``gewerbe``, ``tourismus``;
* the notebook may have a cell tagged ``parameters``; the build inserts a cell after it (or at
  the top) setting ``YEAR`` and ``DISTRICT`` and the environment variable
  ``LICHTENBERG_BRIEFING_DIR``. Outside a build that variable is unset and both functions do
  nothing, so the notebooks run unchanged in Jupyter.

:func:`build` executes every ``notebooks/*.ipynb`` in a fresh kernel, writes the executed
notebooks as HTML to ``<out>/notebooks/``, the charts to ``<out>/charts/`` and the PDF
``<out>/Klausur-Briefing-<year>-<district>.pdf``: a cover (with a warning when any source is
generated sample data), one section per cooperation goal with its charts and key figures, a
page "Noch nicht enthalten" listing goals without results, and the appendix "Verwendete
Datensätze". :func:`run` does the same and returns a :class:`BriefingResult` with every path.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._errors import LichtenbergDataError
from ._format import MISSING, format_change, format_date, format_number, format_percent, is_missing
from ._provenance import SAMPLE_NOTE

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "SECTIONS", "ENV_VAR", "COLLECT_FILE", "BriefingError", "BriefingResult", "key_figure",
    "record_chart", "collect_dir", "build", "run",
]

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


class BriefingError(LichtenbergDataError):
    """The briefing could not be built (a notebook failed, a kernel is missing, ...)."""


# --------------------------------------------------------------------------------------------
# the notebook contract
# --------------------------------------------------------------------------------------------

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
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    os.replace(tmp, path)


def record_chart(fig: Figure, name: str, section: str, caption: str,
                 source: Any = None) -> dict[str, Any] | None:
    """Implementation of :func:`lichtenberg_data.charts.mark_for_briefing` (see there)."""
    from . import charts

    section = _section(section)
    folder = collect_dir()
    if folder is None:
        return None
    if source is None:
        line = getattr(fig, "_ld_source_line", "") or ""
        _, entries = charts._resolve_source(charts.figure_sources(fig))
        if not line and entries:
            line, _ = charts._resolve_source(entries)
    else:
        line, entries = charts._resolve_source(source)
    if not line:
        log.warning("chart %r marked for the briefing has no source line", name)
    png, svg, pdf = charts.save(fig, name, folder)
    width_in, height_in = fig.get_size_inches()
    entry = {
        "name": png.stem,
        "section": section,
        "section_title": SECTIONS[section],
        "caption": str(caption),
        "files": {"png": png.name, "svg": svg.name, "pdf": pdf.name},
        "source": line,
        "datasets": _datasets(entries),
        "sample": bool(getattr(fig, "_ld_sample", False) or any(e.get("sample") for e in entries)),
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
    from .charts import _resolve_source

    line, entries = _resolve_source(source) if source is not None else ("", [])
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


# --------------------------------------------------------------------------------------------
# executing notebooks
# --------------------------------------------------------------------------------------------

def _parameters_source(year: int, district: str, collect: Path) -> str:
    return (
        "# Parameters injected by lichtenberg_data.briefing\n"
        f"YEAR = {int(year)}\n"
        f"DISTRICT = {district!r}\n"
        "import os as _os\n"
        f"_os.environ[{ENV_VAR!r}] = {str(collect)!r}\n"
        "del _os\n"
    )


def _first_line(source: str) -> str:
    for line in str(source).splitlines():
        if line.strip():
            return line.strip()[:100]
    return ""


def _execute(path: Path, html_dir: Path, collect: Path, year: int, district: str,
             kernel_name: str, timeout: int) -> None:
    """Execute one notebook and write it as HTML; raise BriefingError naming the cell."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    class _Client(NotebookClient):
        current_index = -1

        async def async_execute_cell(self, cell: Any, cell_index: int, *args: Any,
                                     **kwargs: Any) -> Any:
            self.current_index = cell_index
            return await super().async_execute_cell(cell, cell_index, *args, **kwargs)

    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # noqa: BLE001 - any unreadable notebook
        raise BriefingError(f"notebook {path.name}: cannot be read ({exc}). "
                            "Open and save it in Jupyter, then run the briefing again.") from exc
    n_cells = len(nb.cells)
    at = next((i + 1 for i, c in enumerate(nb.cells)
               if "parameters" in c.get("metadata", {}).get("tags", [])), 0)
    nb.cells.insert(at, nbformat.v4.new_code_cell(
        _parameters_source(year, district, collect),
        metadata={"tags": ["injected-parameters"]}))

    from .settings import settings

    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # draw inline, as in Jupyter, so the HTML shows the charts
    env.update({ENV_VAR: str(collect), "LICHTENBERG_DATA_DISTRICT": district,
                "LICHTENBERG_DATA_DIR": str(settings.data_dir)})
    client = _Client(nb, timeout=timeout, kernel_name=kernel_name, startup_timeout=120,
                     resources={"metadata": {"path": str(path.parent)}})
    error: BriefingError | None = None
    try:
        client.execute(env=env)
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        j = client.current_index
        cell = nb.cells[j] if 0 <= j < len(nb.cells) else None
        if j == at:
            where = "the injected parameters cell"
        else:
            number = j + 1 if j < at else j
            where = f"cell {number} of {n_cells}"
        first = f" (`{_first_line(cell.source)}`)" if cell is not None else ""
        if isinstance(exc, CellExecutionError):
            cause = f"{exc.ename}: {_first_line(exc.evalue) or exc.ename}"
        elif isinstance(exc, CellTimeoutError):
            cause = f"no result after {timeout} s (timeout per cell)"
        else:
            cause = "the kernel died"
        error = BriefingError(
            f"notebook {path.name}, {where}{first} failed: {cause}. Fix the notebook and run "
            f"the briefing again; the executed notebook with the traceback is "
            f"{html_dir / (path.stem + '.html')}.")
    except Exception as exc:  # noqa: BLE001 - kernel start-up problems
        name = type(exc).__name__
        if name == "NoSuchKernel":
            raise BriefingError(
                f"notebook {path.name}: no Jupyter kernel named {kernel_name!r}. Install it with "
                f"`python -m ipykernel install --sys-prefix --name {kernel_name}`.") from exc
        raise BriefingError(f"notebook {path.name}: the kernel {kernel_name!r} could not run it "
                            f"({name}: {exc}).") from exc
    _write_html(nb, html_dir / f"{path.stem}.html")
    if error is not None:
        raise error


def _write_html(nb: Any, path: Path) -> None:
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")


# --------------------------------------------------------------------------------------------
# collecting what the notebooks marked
# --------------------------------------------------------------------------------------------

@dataclass
class BriefingResult:
    """Where the briefing went and what it contains."""

    pdf: Path
    out_dir: Path
    html: list[Path] = field(default_factory=list)
    charts: list[Path] = field(default_factory=list)
    manifest: Path | None = None
    notebooks: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    missing_sections: list[str] = field(default_factory=list)
    datasets: list[dict[str, Any]] = field(default_factory=list)
    sample: bool = False

    def summary(self) -> str:
        """A few lines for the command line."""
        lines = [
            f"Briefing: {self.pdf}",
            f"Notebooks ({len(self.notebooks)}) als HTML: {self.out_dir / 'notebooks'}",
            f"Diagramme ({len(self.charts)} Dateien): {self.out_dir / 'charts'}",
            "Abschnitte: " + (", ".join(SECTIONS[s] for s in self.sections) or "keine"),
        ]
        if self.missing_sections:
            lines.append("Noch nicht enthalten: "
                         + ", ".join(SECTIONS[s] for s in self.missing_sections))
        if self.sample:
            lines.append("ACHTUNG: " + SAMPLE_NOTE)
        return "\n".join(lines)


def _dataset_key(d: dict[str, Any]) -> tuple:
    return (d.get("dataset") or d.get("title") or d.get("source_title"), d.get("reference_date"),
            d.get("retrieved_at"))


def _collect(stems: list[str], collect_root: Path, charts_dir: Path
             ) -> tuple[list[dict], list[dict], list[dict], list[Path]]:
    """Read every notebook's briefing.json; copy the chart files to ``charts_dir``."""
    charts, figures, files = [], [], []
    used: set[str] = set()
    for stem in stems:
        folder = collect_root / stem
        path = folder / COLLECT_FILE
        if not path.exists():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        for entry in data.get("charts", []):
            name = entry["name"] if entry["name"] not in used else f"{stem}-{entry['name']}"
            used.add(name)
            entry = {**entry, "notebook": stem, "name": name}
            for ext, fname in entry["files"].items():
                target = charts_dir / f"{name}.{ext}"
                shutil.copyfile(folder / fname, target)
                files.append(target)
            entry["png_path"] = str(charts_dir / f"{name}.png")
            charts.append(entry)
        for entry in data.get("key_figures", []):
            figures.append({**entry, "notebook": stem})
    datasets: dict[tuple, dict[str, Any]] = {}
    for entry in [*charts, *figures]:
        for d in entry.get("datasets", []):
            item = datasets.setdefault(_dataset_key(d), {**d, "sections": []})
            if entry["section"] not in item["sections"]:
                item["sections"].append(entry["section"])
    for item in datasets.values():
        item["sections"].sort(key=list(SECTIONS).index)
    return charts, figures, list(datasets.values()), files


# --------------------------------------------------------------------------------------------
# the PDF
# --------------------------------------------------------------------------------------------

A4_CM = (21.0, 29.7)
LEFT_CM, RIGHT_CM, TOP_CM, BOTTOM_CM = 2.5, 2.5, 2.2, 2.2
TEXT_CM = A4_CM[0] - LEFT_CM - RIGHT_CM
PT_PER_CM = 72 / 2.54


def _cm(pt: float) -> float:
    return pt / PT_PER_CM


class _Doc:
    """A tiny flow layout: blocks of known height placed top-down on A4 pages."""

    def __init__(self) -> None:
        self.pages: list[list[Callable[[Any], None]]] = []
        self.y = 0.0
        self.continuation: str | None = None
        self.marks: dict[str, int] = {}

    def new_page(self) -> None:
        self.pages.append([])
        self.y = TOP_CM
        if self.continuation:
            self.text(self.continuation + " (Fortsetzung)", 9, color="#666666", after=0.3)

    def mark(self, key: str) -> None:
        self.marks[key] = len(self.pages)

    def need(self, height: float) -> None:
        if not self.pages or self.y + height > A4_CM[1] - BOTTOM_CM:
            self.new_page()

    def add(self, op: Callable[[Any], None]) -> None:
        self.pages[-1].append(op)

    def text(self, s: str, size: float, *, weight: str = "normal", color: str = "#222222",
             x: float = LEFT_CM, width: float = TEXT_CM, after: float = 0.15,
             keep: float = 0.0) -> float:
        """Wrapped text block; returns its height in cm."""
        from .charts import _text_size_pt, wrap_text

        lines = wrap_text(s, width * PT_PER_CM, size, weight)
        joined = "\n".join(lines)
        h = _cm(_text_size_pt(joined, size, weight)[1])
        self.need(h + keep)
        y = self.y
        self.add(lambda fig: _put(fig, x, y, joined, size=size, weight=weight, color=color))
        self.y += h + after
        return h


def _fx(x_cm: float) -> float:
    return x_cm / A4_CM[0]


def _fy(y_cm: float) -> float:
    return 1 - y_cm / A4_CM[1]


def _put(fig: Any, x: float, y: float, s: str, *, size: float = 9, weight: str = "normal",
         color: str = "#222222", ha: str = "left", va: str = "top") -> None:
    fig.text(_fx(x), _fy(y), s, fontsize=size, fontweight=weight, color=color, ha=ha, va=va,
             linespacing=1.25)


def _line(fig: Any, x0: float, x1: float, y: float, color: str = "#BBBBBB",
          lw: float = 0.6) -> None:
    from matplotlib.lines import Line2D

    fig.add_artist(Line2D([_fx(x0), _fx(x1)], [_fy(y), _fy(y)], color=color, lw=lw,
                          transform=fig.transFigure))


def _image(fig: Any, path: str, x: float, y: float, w: float, h: float) -> None:
    import numpy as np
    from PIL import Image

    with Image.open(path) as im:
        pixels = np.asarray(im.convert("RGB"))
    ax = fig.add_axes((_fx(x), _fy(y + h), w / A4_CM[0], h / A4_CM[1]))
    ax.imshow(pixels, interpolation="none", aspect="auto")
    ax.set_axis_off()


def _value(v: Any, unit: str, decimals: int | None) -> str:
    if v is None or is_missing(v):
        return MISSING
    d = decimals if decimals is not None else (0 if float(v).is_integer() else 1)
    if unit.strip() == "%":
        return format_percent(v, d)
    return format_number(v, d) + (f" {unit}" if unit else "")


def _key_table(doc: _Doc, figures: list[dict[str, Any]]) -> None:
    from .charts import _text_size_pt, wrap_text

    cols = [("Kennzahl", 6.4, "left"), ("aktueller Wert", 3.0, "right"),
            ("Vorwert", 3.0, "right"), ("Veränderung", 3.6, "right")]
    size = 8.5
    line_h = _cm(_text_size_pt("Ag", size)[1])
    pad = 0.12
    doc.text("Kennzahlen", 11, weight="bold", after=0.2, keep=4 * line_h)

    def row(cells: list[str], weight: str, rule: str, lw: float) -> None:
        wrapped = [wrap_text(c, (w - 0.25) * PT_PER_CM, size, weight)
                   for c, (_, w, _) in zip(cells, cols)]
        h = max(len(w) for w in wrapped) * line_h * 1.05 + 2 * pad
        doc.need(h)
        y = doc.y

        def draw(fig: Any, y: float = y, wrapped: list = wrapped) -> None:
            x = LEFT_CM
            for lines, (_, w, align) in zip(wrapped, cols):
                xpos = x + (w - 0.1 if align == "right" else 0.1)
                _put(fig, xpos, y + pad, "\n".join(lines), size=size, weight=weight, ha=align)
                x += w
            _line(fig, LEFT_CM, LEFT_CM + TEXT_CM, y + h, color=rule, lw=lw)

        doc.add(draw)
        doc.y += h

    row([c[0] for c in cols], "bold", "#222222", 0.8)
    for f in figures:
        unit, dec = f.get("unit") or "", f.get("decimals")
        d = dec if dec is not None else (0 if all(
            v is None or float(v).is_integer() for v in (f["current"], f["previous"])) else 1)
        change = format_change(f["current"], f["previous"], decimals=d, unit=unit)
        row([f["label"], _value(f["current"], unit, d), _value(f["previous"], unit, d), change],
            "normal", "#CCCCCC", 0.5)
    doc.y += 0.15
    notes = sorted({f["source"] for f in figures if f.get("source")})
    if len(notes) == 1:
        doc.text(notes[0], 7, color="#666666")
    elif notes:
        doc.text("Quellen: " + " | ".join(n.split(": ", 1)[-1] for n in notes), 7,
                 color="#666666")
    doc.y += 0.5


def _chart_rows(charts: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    rows: list[list[dict[str, Any]]] = []
    for c in charts:
        half = c.get("width_cm", 16) <= TEXT_CM / 2 + 0.05
        if half and rows and len(rows[-1]) == 1 and rows[-1][0].get("_half"):
            rows[-1].append(c)
        else:
            rows.append([c])
        c["_half"] = half
    return rows


def _charts(doc: _Doc, charts: list[dict[str, Any]], counter: list[int]) -> None:
    from PIL import Image

    gap = 0.4
    max_h = A4_CM[1] - TOP_CM - BOTTOM_CM - 3.0
    for row in _chart_rows(charts):
        slot = TEXT_CM if len(row) == 1 and not row[0]["_half"] else (TEXT_CM - gap) / 2
        placed = []
        for c in row:
            with Image.open(c["png_path"]) as im:
                px_w, px_h = im.size
            w = min(slot, px_w / 300 * 2.54)
            h = w * px_h / px_w
            if h > max_h:
                w, h = w * max_h / h, max_h
            placed.append((c, w, h))
        from .charts import _text_size_pt, wrap_text

        captions = []
        for c, w, _ in placed:
            counter[0] += 1
            text = f"Abbildung {counter[0]}: {c['caption']}"
            lines = "\n".join(wrap_text(text, w * PT_PER_CM, 8.5))
            captions.append((lines, _cm(_text_size_pt(lines, 8.5)[1])))
        height = max(h + 0.25 + ch for (_, _, h), (_, ch) in zip(placed, captions))
        doc.need(height)
        y = doc.y
        x = LEFT_CM
        for (c, w, h), (lines, _) in zip(placed, captions):
            def draw(fig: Any, c: dict = c, x: float = x, y: float = y, w: float = w,
                     h: float = h, lines: str = lines) -> None:
                _image(fig, c["png_path"], x, y, w, h)
                _put(fig, x, y + h + 0.2, lines, size=8.5)

            doc.add(draw)
            x += slot + gap
        doc.y += height + 0.6


def _render_pdf(path: Path, *, year: int, district: str, charts: list[dict],
                figures: list[dict], datasets: list[dict], notebooks: list[dict],
                sample: bool, other_sources: list[str]) -> tuple[list[str], list[str]]:
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyBboxPatch

    from .charts import COLORS, quiet_font_subsetting, style

    title = f"Klausur-Briefing {year} – Bezirk {district}"
    present = [s for s in SECTIONS if any(e["section"] == s for e in [*charts, *figures])]
    missing = [s for s in GOALS if s not in present]

    doc = _Doc()
    doc.new_page()  # cover, drawn last (needs the page numbers)
    counter = [0]
    for number, key in enumerate(present, start=1):
        doc.continuation = None
        doc.new_page()
        doc.mark(key)
        heading = f"{number}  {SECTIONS[key]}"
        doc.text(heading, 17, weight="bold", after=0.1)
        y = doc.y
        doc.add(lambda fig, y=y: _line(fig, LEFT_CM, LEFT_CM + 3.0, y, COLORS["highlight"], 2.0))
        doc.y += 0.6
        doc.continuation = SECTIONS[key]
        kf = [f for f in figures if f["section"] == key]
        if kf:
            _key_table(doc, kf)
        _charts(doc, [c for c in charts if c["section"] == key], counter)
    doc.continuation = None
    if missing:
        doc.new_page()
        doc.mark("missing")
        doc.text("Noch nicht enthalten", 17, weight="bold", after=0.5)
        doc.text("Für die folgenden Kooperationsziele enthält dieses Briefing noch keine "
                 "Auswertungen: Es wurde kein Notebook gefunden, das Diagramme oder Kennzahlen "
                 "für diesen Abschnitt liefert. Die Abschnitte werden ergänzt, sobald die "
                 "Auswertungen vorliegen; bis dahin werden bewusst keine Zahlen gezeigt.",
                 10, after=0.5)
        for key in missing:
            doc.text(f"•  {SECTIONS[key]}", 11, x=LEFT_CM + 0.3, after=0.25)
    doc.new_page()
    doc.mark("appendix")
    doc.text("Anhang: Verwendete Datensätze", 17, weight="bold", after=0.4)
    if datasets:
        doc.text("Alle Zahlen dieses Briefings stammen aus den folgenden Datensätzen. "
                 "„Stand“ ist das Bezugsdatum der Daten, „abgerufen“ das Datum des Downloads.",
                 9.5, after=0.5)
    else:
        doc.text("Die Diagramme und Kennzahlen nennen keine Datensätze mit Herkunftsangaben.",
                 9.5, after=0.5)
    for d in sorted(datasets, key=lambda d: str(d.get("title") or d.get("dataset"))):
        name = d.get("title") or d.get("source_title") or d.get("dataset") or "Datensatz"
        if d.get("sample"):
            name += " – BEISPIELDATEN"
        doc.text(name, 10, weight="bold", after=0.08, keep=1.6)
        details = [
            f"Herausgeber: {d.get('publisher') or 'unbekannt'}"
            + (f" ({d['source_title']})" if d.get("source_title") and d.get("title") else ""),
            f"Stand: {format_date(d.get('reference_date'))} · abgerufen am: "
            f"{format_date(d.get('retrieved_at'))}",
            f"Lizenz: {d.get('license') or 'unbekannt'}"
            + (f" ({d['license_url']})" if d.get("license_url") else ""),
        ]
        if d.get("source_url"):
            details.append(f"Quelle: {d['source_url']}")
        if d.get("dataset"):
            details.append(f"Kennung im Werkzeug: {d['dataset']}")
        details.append("Verwendet in: " + ", ".join(SECTIONS[s] for s in d.get("sections", [])))
        for line in details:
            doc.text(line, 8.5, color="#333333", x=LEFT_CM + 0.3, width=TEXT_CM - 0.3, after=0.03)
        doc.y += 0.35
    if other_sources:
        doc.text("Weitere Quellenangaben", 11, weight="bold", after=0.2, keep=1.0)
        for s in other_sources:
            doc.text(s, 8.5, color="#333333", after=0.15)
        doc.y += 0.3
    doc.text("Ausgeführte Notebooks", 11, weight="bold", after=0.2, keep=1.0)
    if notebooks:
        for nb in notebooks:
            doc.text(f"{nb['file']}: {nb['charts']} Diagramme, {nb['key_figures']} Kennzahlen – "
                     f"ausgeführt als notebooks/{nb['html']}", 8.5, color="#333333", after=0.08)
    else:
        doc.text("Keine Notebooks gefunden.", 8.5, color="#333333")

    total = len(doc.pages)

    def cover(fig: Any) -> None:
        _put(fig, LEFT_CM, 3.0, f"Bezirk {district}", size=12, color=COLORS["muted"])
        from .charts import _text_size_pt, wrap_text

        lines = "\n".join(wrap_text(title, TEXT_CM * PT_PER_CM, 26, "bold"))
        _put(fig, LEFT_CM, 4.0, lines, size=26, weight="bold")
        y = 4.0 + _cm(_text_size_pt(lines, 26, "bold")[1]) + 0.3
        _line(fig, LEFT_CM, LEFT_CM + 4.0, y, COLORS["highlight"], 3.0)
        y += 0.6
        _put(fig, LEFT_CM, y, "Auswertungen offener Daten für die Kooperationsziele der "
             "Wirtschaftsförderung", size=11, color="#444444")
        y += 1.2
        for label, value in (("Bezirk", district), ("Berichtsjahr", str(year)),
                             ("Erstellt am", format_date(date.today()))):
            _put(fig, LEFT_CM, y, label, size=10, color=COLORS["muted"])
            _put(fig, LEFT_CM + 3.5, y, value, size=10)
            y += 0.6
        y += 0.6
        if sample:
            text = ("Achtung: Dieses Briefing beruht ganz oder teilweise auf BEISPIELDATEN "
                    "(synthetisch erzeugt, keine amtlichen Zahlen). Die Zahlen dürfen nicht "
                    "zitiert oder für Entscheidungen verwendet werden.")
            lines = "\n".join(wrap_text(text, (TEXT_CM - 0.8) * PT_PER_CM, 11, "bold"))
            h = _cm(_text_size_pt(lines, 11, "bold")[1]) + 0.8
            fig.add_artist(FancyBboxPatch((_fx(LEFT_CM), _fy(y + h)), TEXT_CM / A4_CM[0],
                                          h / A4_CM[1], boxstyle="square,pad=0",
                                          transform=fig.transFigure, facecolor="#FBE9E7",
                                          edgecolor=COLORS["sample"], linewidth=1.5))
            _put(fig, LEFT_CM + 0.4, y + 0.4, lines, size=11, weight="bold",
                 color=COLORS["sample"])
            y += h + 0.8
        _put(fig, LEFT_CM, y, "Inhalt", size=13, weight="bold")
        y += 0.8
        entries = [(f"{i}  {SECTIONS[k]}", doc.marks[k]) for i, k in enumerate(present, 1)]
        if missing:
            entries.append(("Noch nicht enthalten", doc.marks["missing"]))
        entries.append(("Anhang: Verwendete Datensätze", doc.marks["appendix"]))
        for label, page in entries:
            _put(fig, LEFT_CM, y, label, size=10.5)
            _put(fig, LEFT_CM + TEXT_CM, y, f"Seite {page}", size=10.5, ha="right")
            y += 0.6
        _put(fig, LEFT_CM, A4_CM[1] - BOTTOM_CM - 1.0,
             "Erstellt mit lichtenberg_data aus den Notebooks im Ordner notebooks/ (als HTML im "
             "Ordner notebooks/ neben dieser Datei).\nDiagramme in voller Auflösung (PNG, SVG, "
             "PDF) im Ordner charts/.", size=7.5, color=COLORS["muted"])

    doc.pages[0].append(cover)

    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = {"Title": title, "Author": "lichtenberg_data", "Subject":
                f"Klausur-Briefing {year}, Bezirk {district}", "Creator": "lichtenberg_data",
                "CreationDate": datetime.now().astimezone()}
    with style(), quiet_font_subsetting(), PdfPages(path, metadata=metadata) as pdf:
        for number, ops in enumerate(doc.pages, start=1):
            fig = Figure(figsize=(A4_CM[0] / 2.54, A4_CM[1] / 2.54), layout="none")
            for op in ops:
                op(fig)
            if number > 1:
                _put(fig, LEFT_CM, 1.2, title, size=7.5, color=COLORS["muted"])
                _line(fig, LEFT_CM, LEFT_CM + TEXT_CM, 1.65, "#DDDDDD", 0.5)
            if sample:
                _put(fig, LEFT_CM + TEXT_CM, 1.2, "BEISPIELDATEN – keine amtlichen Zahlen",
                     size=7.5, weight="bold", color=COLORS["sample"], ha="right")
            _put(fig, LEFT_CM + TEXT_CM, A4_CM[1] - 1.2, f"Seite {number} von {total}",
                 size=7.5, color=COLORS["muted"], ha="right", va="bottom")
            pdf.savefig(fig)
    return present, missing


# --------------------------------------------------------------------------------------------
# build
# --------------------------------------------------------------------------------------------

def _slug(text: str) -> str:
    from .charts import slug

    return slug(text).replace("-", " ").title().replace(" ", "-") if text else "Berlin"


def _remove_previous_outputs(out: Path, stems: list[str]) -> None:
    """Delete what an earlier build in ``out`` wrote (listed in its manifest) and the collect
    folders of the notebooks about to run; nothing else in ``out`` is touched."""
    manifest = out / "briefing-manifest.json"
    if manifest.exists():
        try:
            previous = json.loads(manifest.read_text(encoding="utf-8")).get("outputs", [])
        except (OSError, ValueError):
            previous = []
        for rel in previous:
            target = (out / rel).resolve()
            if target.is_relative_to(out) and target.suffix in {".png", ".svg", ".pdf", ".html"}:
                target.unlink(missing_ok=True)
    collect_root = out / "_collect"
    for stem in stems:
        if (collect_root / stem).is_dir():
            shutil.rmtree(collect_root / stem)


def run(year: int, out: str | Path, notebooks_dir: str | Path | None = None,
        district: str | None = None, kernel_name: str = "python3",
        timeout: int = 600) -> BriefingResult:
    """Build the briefing pack and return where everything went (see :func:`build`)."""
    from .names import bezirk_name
    from .settings import project_root, settings

    district = bezirk_name(district or settings.district)
    out = Path(out).resolve()
    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else project_root() / "notebooks"
    if not nb_dir.is_dir():
        raise BriefingError(f"briefing: notebooks folder {nb_dir} not found. "
                            "Pass notebooks_dir or create the folder.")
    paths = sorted(p for p in nb_dir.glob("*.ipynb") if not p.name.startswith("."))
    html_dir, charts_dir, collect_root = out / "notebooks", out / "charts", out / "_collect"
    if html_dir.resolve() == nb_dir.resolve():
        raise BriefingError(f"briefing: the output folder {out} would write its HTML into the "
                            f"notebooks folder {nb_dir}. Choose another --out folder.")
    _remove_previous_outputs(out, [p.stem for p in paths])
    for folder in (html_dir, charts_dir, collect_root):
        folder.mkdir(parents=True, exist_ok=True)
    if not paths:
        log.warning("briefing: no notebooks in %s; the briefing lists every section as missing",
                    nb_dir)

    for path in paths:
        log.info("briefing: running %s", path.name)
        started = datetime.now()
        _execute(path, html_dir, collect_root / path.stem, year, district, kernel_name, timeout)
        log.info("briefing: %s done in %.1f s", path.name,
                 (datetime.now() - started).total_seconds())

    stems = [p.stem for p in paths]
    charts, figures, datasets, files = _collect(stems, collect_root, charts_dir)
    notebooks = [{"file": p.name, "html": f"{p.stem}.html",
                  "charts": sum(c["notebook"] == p.stem for c in charts),
                  "key_figures": sum(f["notebook"] == p.stem for f in figures)} for p in paths]
    sample = any(d.get("sample") for d in datasets) or any(
        e.get("sample") for e in [*charts, *figures])
    other_sources = sorted({e["source"] for e in [*charts, *figures]
                            if e.get("source") and not e.get("datasets")})
    pdf = out / f"Klausur-Briefing-{year}-{_slug(district)}.pdf"
    present, missing = _render_pdf(pdf, year=year, district=district, charts=charts,
                                   figures=figures, datasets=datasets, notebooks=notebooks,
                                   sample=sample, other_sources=other_sources)
    result = BriefingResult(
        pdf=pdf, out_dir=out, html=[html_dir / f"{s}.html" for s in stems], charts=files,
        manifest=out / "briefing-manifest.json", notebooks=[p.name for p in paths],
        sections=present, missing_sections=missing, datasets=datasets, sample=sample)
    manifest = {
        "title": f"Klausur-Briefing {year} – Bezirk {district}", "year": year,
        "district": district, "built_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "pdf": pdf.name, "notebooks": notebooks, "sections": present, "missing_sections": missing,
        "sample": sample,
        "charts": [{k: v for k, v in c.items() if not k.startswith("_") and k != "png_path"}
                   for c in charts],
        "key_figures": figures, "datasets": datasets,
        "outputs": sorted(str(p.relative_to(out)) for p in [pdf, *result.html, *files]),
    }
    result.manifest.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, default=str),
                               encoding="utf-8")
    for line in result.summary().splitlines():
        log.info("briefing: %s", line)
    return result


def build(year: int, out: str | Path, notebooks_dir: str | Path | None = None,
          district: str | None = None, kernel_name: str = "python3", timeout: int = 600) -> Path:
    """Run every notebook headless and bind the marked charts into the briefing PDF.

    Parameters
    ----------
    year
        The briefing year; given to the notebooks as ``YEAR`` and printed in the title.
    out
        Output folder: ``notebooks/`` (HTML), ``charts/`` (PNG, SVG, PDF), ``_collect/``
        (what each notebook marked), ``briefing-manifest.json`` and the PDF
        ``Klausur-Briefing-<year>-<district>.pdf``. Files an earlier build listed in its
        manifest are deleted first; nothing else is removed.
    notebooks_dir
        Folder of the ``*.ipynb`` notebooks; default ``notebooks/`` in the project.
    district
        The district (name or key); default ``settings.district`` (Lichtenberg). Given to the
        notebooks as ``DISTRICT`` and as ``LICHTENBERG_DATA_DISTRICT``.
    kernel_name
        Jupyter kernel each notebook runs in (a fresh one per notebook).
    timeout
        Seconds a single cell may run.

    Returns
    -------
    Path
        The PDF. Use :func:`run` for every path (HTML, charts, manifest).

    Raises
    ------
    BriefingError
        A notebook failed (the message names the notebook, the cell and the error), the kernel
        is missing, or the notebooks folder does not exist.
    """
    return run(year, out, notebooks_dir, district, kernel_name, timeout).pdf
