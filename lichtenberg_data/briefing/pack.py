"""Run the notebooks headless and bind what they marked into the briefing pack.

:func:`build` executes every ``notebooks/*.ipynb`` (one kernel per worker, cleared between its
notebooks: :mod:`._kernels`), writes the executed notebooks as HTML to ``<out>/notebooks/``, the
charts to ``<out>/charts/`` (PNG; SVG and PDF when asked for) and the PDF
``<out>/Klausur-Briefing-<year>-<district>.pdf``: a cover (with a warning when any source is
generated sample data), one section per cooperation goal with its charts and key figures, a
page "Noch nicht enthalten" listing goals without results, and the appendix "Verwendete
Datensätze"; beside it the workbook ``…-Daten.xlsx`` with the numbers of every chart and table
(:mod:`.workbook`) and ``briefing-manifest.json``. :func:`run` does the same and returns a
:class:`BriefingResult` with every path.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .._errors import BriefingError
from .._provenance import SAMPLE_NOTE
from .._store import atomic_write_bytes
from ._paper import bound, manifest_of
from ._run import _environment, _run_all
from .collect import SECTIONS

__all__ = ["BriefingResult", "build", "run"]

log = logging.getLogger(__name__)




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
    missing_data: list[dict[str, Any]] = field(default_factory=list)
    comparison: list[str] = field(default_factory=list)
    summary_sentences: int = 0
    goals: list[dict[str, Any]] | None = None
    workbook: Path | None = None

    def summary(self) -> str:
        """A few lines for the command line."""
        lines = [
            f"Briefing: {self.pdf}",
            f"Notebooks ({len(self.notebooks)}) als HTML: {self.out_dir / 'notebooks'}",
            f"Diagramme ({len(self.charts)} Dateien): {self.out_dir / 'charts'}",
            *([f"Zahlen der Grafiken und Tabellen: {self.workbook}"] if self.workbook else []),
            "Abschnitte: " + (", ".join(SECTIONS[s] for s in self.sections) or "keine"),
            f"Das Wichtigste in Kürze: {self.summary_sentences} Sätze aus den Daten",
            "Vergleichsbezirke: " + (", ".join(self.comparison) or "keine"),
            ("Ziele: keine Datei ziele.csv im Datenordner" if self.goals is None else
             "Ziele: " + (", ".join(f"{g['kennzahl']} {g['status']}" for g in self.goals) or "keine")),
        ]
        if self.missing_sections:
            lines.append("Noch nicht enthalten: "
                         + ", ".join(SECTIONS[s] for s in self.missing_sections))
        for dataset, entries in _by_dataset(self.missing_data).items():
            parts = ", ".join(sorted({SECTIONS.get(e.get("section"), "?") for e in entries}))
            if any(e.get("loaded") for e in entries):
                lines.append(f"Unvollständiger Datensatz {dataset} ({parts}): lichtenberg-data refresh {dataset} "
                             f"oder lichtenberg-data import {dataset} DATEI  (lichtenberg-data info {dataset})")
            else:
                lines.append(f"Fehlender Datensatz {dataset} ({parts}): "
                             f"lichtenberg-data import {dataset} DATEI  (lichtenberg-data info {dataset})")
        if self.sample:
            lines.append("ACHTUNG: " + SAMPLE_NOTE)
        return "\n".join(lines)


def _by_dataset(missing: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Missing-data entries by dataset; a dataset a box names beside the first counts as well."""
    out: dict[str, list[dict[str, Any]]] = {}
    for entry in missing:
        out.setdefault(str(entry.get("dataset")), []).append(entry)
        for other in entry.get("also") or []:
            out.setdefault(str(other["dataset"]), []).append({**other, "section": entry.get("section")})
    return out


# --------------------------------------------------------------------------------------------
# build
# --------------------------------------------------------------------------------------------

def _slug(text: str) -> str:
    from ..charts import slug

    return slug(text).replace("-", " ").title().replace(" ", "-") if text else "Berlin"


def _previous_manifest(out: Path) -> dict[str, Any]:
    """The manifest of the earlier build in ``out`` (empty when there is none or it is unreadable)."""
    try:
        previous = json.loads((out / "briefing-manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return previous if isinstance(previous, dict) else {}


def _previous_seconds(previous: dict[str, Any]) -> dict[str, float]:
    """How long each notebook took in the earlier build (by file name), to start the longest first."""
    return {nb["file"]: float(nb["seconds"]) for nb in previous.get("notebooks", [])
            if isinstance(nb, dict) and isinstance(nb.get("file"), str) and isinstance(nb.get("seconds"), (int, float))}


def _remove_previous_outputs(out: Path, stems: list[str], previous: dict[str, Any]) -> None:
    """Delete what an earlier build in ``out`` wrote (listed in its manifest ``previous``) and the
    collect folders of the notebooks about to run; nothing else in ``out`` is touched."""
    if previous:
        for rel in previous.get("outputs", []):
            target = (out / rel).resolve()
            if target.is_relative_to(out) and target.suffix in {".png", ".svg", ".pdf", ".html", ".parquet", ".xlsx"}:
                target.unlink(missing_ok=True)
    collect_root = out / "_collect"
    for stem in stems:
        if (collect_root / stem).is_dir():
            shutil.rmtree(collect_root / stem)


@contextmanager
def _heap_frozen() -> Iterator[Callable[[], None]]:
    """Let the garbage collector skip the objects that exist now (and, on each call of the function
    handed out, those that exist then) until the block ends.

    A build allocates a lot (notebooks, HTML, pages) in a process whose heap is mostly modules that
    stay: each full collection walked them all again, about 1 CPU-s per build. :func:`gc.freeze`
    sets them aside; at the end :func:`gc.unfreeze` returns them to the collector (and with them
    whatever the caller froze before), so nothing the caller held is kept from being collected for
    longer than the build.
    """
    import gc

    gc.freeze()
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


def run(year: int, out: str | Path, notebooks_dir: str | Path | None = None,
        district: str | None = None, kernel_name: str = "python3",
        timeout: int = 600, *, strict: bool = False, workers: int | None = None,
        comparison: str | list[str] | None = None,
        chart_formats: str | Sequence[str] = ("png",), fresh_kernels: bool = False) -> BriefingResult:
    """Build the briefing pack and return where everything went (see :func:`build`)."""
    import lichtenberg_data.briefing.goals as goals
    import lichtenberg_data.briefing.office as office
    import lichtenberg_data.briefing.peers as peers

    from ..charts.files import chart_formats as checked_formats
    from ..names import bezirk_id, bezirk_name
    from ..settings import project_root, settings
    from .workbook import write_workbook

    if workers is not None and (not isinstance(workers, int) or workers < 1):
        raise ValueError(f"workers must be a whole number >= 1 (or None: one per CPU core), not {workers!r}")
    formats = ",".join(checked_formats(["png", chart_formats] if isinstance(chart_formats, str)
                                       else ["png", *(chart_formats or ())]))
    district = bezirk_name(district or settings.district)
    # the office's files and the comparison are checked before any notebook runs
    office_texts = office.read()
    targets = goals.read()
    chosen = peers.parse(comparison) if isinstance(comparison, str) else [bezirk_id(c) for c in comparison or []]
    given = peers.given(chosen, bezirk_id(district)) if chosen else None
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
    previous = _previous_manifest(out)
    _remove_previous_outputs(out, [p.stem for p in paths], previous)
    for folder in (html_dir, charts_dir, collect_root):
        folder.mkdir(parents=True, exist_ok=True)
    if not paths:
        log.warning("briefing: no notebooks in %s; the briefing lists every section as missing",
                    nb_dir)

    pdf = out / f"Klausur-Briefing-{year}-{_slug(district)}.pdf"
    workbook = out / f"Klausur-Briefing-{year}-{_slug(district)}-Daten.xlsx"
    author = settings.author.strip() or f"Bezirksamt {district}, Wirtschaftsförderung"
    paper = {"pdf": pdf, "year": year, "district": district, "office_texts": office_texts, "targets": targets,
             "given": given, "author": author, "collect_root": collect_root, "charts_dir": charts_dir,
             "out": out, "workbook": workbook}
    html = [html_dir / f"{p.stem}.html" for p in paths]
    written: list[Exception | None] = []

    def write_workbook_meanwhile(bound: dict[str, Any]) -> None:  # it needs no page: written while they are drawn
        try:
            write_workbook(workbook, manifest_of(bound, paper, html), charts_dir)
            written.append(None)
        except Exception as exc:  # noqa: BLE001 - raised once the PDF and the manifest are written, as before
            written.append(exc)

    with _heap_frozen() as freeze:  # the collector skips what exists (see _heap_frozen)
        env = {"LICHTENBERG_DATA_DISTRICT": district, "LICHTENBERG_DATA_DIR": str(settings.data_dir)}
        with _environment(env):
            # while the last notebooks run, the paper of those done is laid out (see _bound)
            seconds = _run_all(paths, html_dir, collect_root, year, district, kernel_name, timeout, workers,
                               formats, fresh_kernels, _previous_seconds(previous),
                               when_idle=lambda done, running: bound(done, paper, draw=False,
                                                                     stop=lambda: not running()))

        freeze()  # and what the notebooks' runs imported (nbconvert, papermill, ...)
        paper["built_at"] = datetime.now().astimezone().isoformat(timespec="seconds")
        paper_bound = bound(paths, paper, seconds=seconds, meanwhile=write_workbook_meanwhile)
        missing_data = paper_bound["missing_data"]
        result = BriefingResult(
            pdf=pdf, out_dir=out, html=html, charts=paper_bound["files"],
            manifest=out / "briefing-manifest.json", notebooks=[p.name for p in paths],
            sections=paper_bound["present"], missing_sections=paper_bound["missing"], datasets=paper_bound["datasets"],
            sample=paper_bound["sample"], missing_data=missing_data, comparison=paper_bound["comparison"]["bezirke"],
            summary_sentences=len(paper_bound["summary"]), goals=paper_bound["goals"])
        manifest = manifest_of(paper_bound, paper, html)
        atomic_write_bytes(result.manifest,
                           json.dumps(manifest, ensure_ascii=False, indent=2, default=str).encode("utf-8"))
        if not written:  # (the PDF calls it while its pages are drawn)
            write_workbook(workbook, manifest, charts_dir)
        elif written[0] is not None:
            raise written[0]
        result.workbook = workbook
        for line in result.summary().splitlines():
            log.debug("briefing: %s", line)  # the CLI prints the summary
        if strict and missing_data:
            names = ", ".join(_by_dataset(missing_data))
            raise BriefingError(f"briefing --strict: datasets missing: {names}. The PDF {pdf} was written with "
                                "boxes in their place; import them (`lichtenberg-data info DATASET` says how)")
        return result


def build(year: int, out: str | Path, notebooks_dir: str | Path | None = None,
          district: str | None = None, kernel_name: str = "python3", timeout: int = 600, *,
          strict: bool = False, workers: int | None = None, comparison: str | list[str] | None = None,
          chart_formats: str | Sequence[str] = ("png",), fresh_kernels: bool = False) -> Path:
    """Run every notebook headless and bind the marked charts into the briefing PDF.

    Before any notebook runs, ``ziele.csv`` and ``klausur.md`` in the data folder are checked
    (:mod:`.goals`, :mod:`.office`); after the notebooks, the findings are built from the key
    figures they handed over (:mod:`.findings`), with the comparison Bezirke (:mod:`.peers`).

    Parameters
    ----------
    year
        The briefing year; given to the notebooks as ``YEAR`` and printed in the title.
    out
        Output folder: ``notebooks/`` (HTML), ``charts/`` (PNG, and SVG and PDF when asked for, with
        the data of each chart as Parquet), ``_collect/``
        (what each notebook marked), ``briefing-manifest.json`` and the PDF
        ``Klausur-Briefing-<year>-<district>.pdf``. Files an earlier build listed in its
        manifest are deleted first; nothing else is removed.
    notebooks_dir
        Folder of the ``*.ipynb`` notebooks; default ``notebooks/`` in the project.
    district
        The district (name or key); default ``settings.district`` (Lichtenberg). Given to the
        notebooks as ``DISTRICT`` and as ``LICHTENBERG_DATA_DISTRICT``.
    kernel_name
        Jupyter kernel the notebooks run in.
    timeout
        Seconds a single cell may run.
    strict
        A dataset that is missing is an error (by default it becomes a box in the PDF naming the
        dataset and the command that brings it, and the build goes on).
    workers
        Notebooks run at the same time; default one per CPU core. Each worker keeps one kernel
        for its notebooks and clears it between them (namespace, input history, figures,
        matplotlib settings; imported modules stay), which saves starting a kernel and importing
        the libraries for every notebook (:mod:`._kernels`).
    comparison
        The comparison Bezirke (names or keys, a list or ``"A,B"``); default: the two Bezirke
        most like the district (:func:`lichtenberg_data.briefing.peers.choose`).
    chart_formats
        The chart files written beside the PDF: some of ``"png"``, ``"svg"``, ``"pdf"`` (a list or
        ``"png,svg,pdf"``; ``None`` as the default). The PNG (300 dpi) is always written, the PDF is
        drawn from it; the vector files make a build longer (the demo paper: 16 s instead of 11 s
        on 2 cores), so they are written only when asked for.
    fresh_kernels
        Start a fresh kernel for every notebook instead, as Jupyter does when a notebook is opened
        (slower: 16 s instead of 11 s; for a notebook that changes a module's state the next one
        must not see).

    Returns
    -------
    Path
        The PDF. Use :func:`run` for every path (HTML, charts, manifest).

    Raises
    ------
    BriefingError
        A notebook failed (the message names the notebook, the cell and the whole error), the
        kernel is missing, the notebooks folder does not exist, ``ziele.csv`` names an unknown key
        figure or ``klausur.md`` an unknown section (before any notebook runs), or (``strict``) a
        dataset is missing.
    """
    return run(year, out, notebooks_dir, district, kernel_name, timeout, strict=strict,
               workers=workers, comparison=comparison, chart_formats=chart_formats,
               fresh_kernels=fresh_kernels).pdf
