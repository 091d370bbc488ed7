"""The page layout of the briefing PDF: cover, sections, key-figure tables, appendix.

A tiny flow layout (:class:`_Doc`) places blocks of known height top-down on A4 pages drawn
with matplotlib and written with ``PdfPages``. Used by :func:`lichtenberg_data.briefing.run`, which imports it when called.

Sample data are marked where they are shown: a block resting on generated sample data (a chart,
a key-figure row, a source line, an appendix row) flags the page it lands on, and only flagged
pages carry the header "BEISPIELDATEN"; the cover lists the sample datasets.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch
from PIL import Image

from .._provenance import SAMPLE_NOTE, source_entry
from ..charts.formats import (
    MISSING,
    format_change,
    format_date,
    format_number,
    format_percent,
    is_missing,
)
from ..charts.style import COLORS, _text_size_pt, quiet_font_subsetting, style, wrap_text
from . import pages
from .collect import GOALS, SECTIONS

__all__ = ["render_pdf"]

A4_CM = (21.0, 29.7)
LEFT_CM, RIGHT_CM, TOP_CM, BOTTOM_CM = 2.5, 2.5, 2.2, 2.2
TEXT_CM = A4_CM[0] - LEFT_CM - RIGHT_CM
PT_PER_CM = 72 / 2.54


def _cm(pt: float) -> float:
    return pt / PT_PER_CM


class _Doc:
    """A tiny flow layout: blocks of known height placed top-down on A4 pages."""

    left, width = LEFT_CM, TEXT_CM  # the text column (used by the pages of :mod:`.pages`)

    def __init__(self) -> None:
        self.pages: list[list[Callable[[Any], None]]] = []
        self.y = 0.0
        self.continuation: str | None = None
        self.marks: dict[str, int] = {}
        self.sample_pages: set[int] = set()  # 0-based pages showing sample content

    def new_page(self) -> None:
        self.pages.append([])
        self.y = TOP_CM
        if self.continuation:
            self.text(self.continuation + " (Fortsetzung)", 9, color="#666666", after=0.3)

    def mark(self, key: str) -> None:
        self.marks[key] = len(self.pages)

    def flag_sample(self, sample: Any = True) -> None:
        """Mark the current page as showing sample data (its header says so)."""
        if sample and self.pages:
            self.sample_pages.add(len(self.pages) - 1)

    def need(self, height: float) -> None:
        if not self.pages or self.y + height > A4_CM[1] - BOTTOM_CM:
            self.new_page()

    def add(self, op: Callable[[Any], None]) -> None:
        self.pages[-1].append(op)

    def text(self, s: str, size: float, *, weight: str = "normal", color: str = "#222222",
             x: float = LEFT_CM, width: float = TEXT_CM, after: float = 0.15,
             keep: float = 0.0) -> float:
        """Wrapped text block; returns its height in cm."""
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
             linespacing=1.25, parse_math=False)


def _line(fig: Any, x0: float, x1: float, y: float, color: str = "#BBBBBB",
          lw: float = 0.6) -> None:
    fig.add_artist(Line2D([_fx(x0), _fx(x1)], [_fy(y), _fy(y)], color=color, lw=lw,
                          transform=fig.transFigure))


def _image(fig: Any, path: str, x: float, y: float, w: float, h: float) -> None:
    with Image.open(path) as im:
        pixels = np.asarray(im.convert("RGB"))
    ax = fig.add_axes((_fx(x), _fy(y + h), w / A4_CM[0], h / A4_CM[1]))
    ax.imshow(pixels, interpolation="none", aspect="auto")
    ax.set_axis_off()


def _rounded(v: Any, decimals: int) -> float | None:
    """``v`` rounded as it is printed (half up), so a change computed from it adds up."""
    if v is None or is_missing(v):
        return None
    return float(Decimal(str(v)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP))


def _value(v: Any, unit: str, decimals: int) -> str:
    if v is None or is_missing(v):
        return MISSING
    if unit.strip() == "%":
        return format_percent(v, decimals)
    return format_number(v, decimals) + (f" {unit}" if unit else "")


def _period(when: Any) -> str:
    """``2025-12-31`` → ``31.12.2025``; a year or a label stays as it is."""
    if not when:
        return ""
    text = str(when)
    return format_date(text) if len(text) == 10 and text[4] == "-" else text


def _key_table(doc: _Doc, figures: list[dict[str, Any]], comparison: Any = None) -> None:
    cols = [("Kennzahl", 6.0, "left"), ("Vorwert", 2.7, "right"),
            ("Aktuell", 2.7, "right"), ("Veränderung", 4.6, "right")]
    size = 8.5
    line_h = _cm(_text_size_pt("Ag", size)[1])
    pad = 0.12
    doc.text("Kennzahlen", 11, weight="bold", after=0.2, keep=4 * line_h)

    def row(cells: list[str], weight: str, rule: str, lw: float, sample: bool = False,
            extra: str | None = None) -> None:
        wrapped = [[w for part in c.split("\n") for w in wrap_text(part, (width - 0.25) * PT_PER_CM, size, weight)]
                   for c, (_, width, _) in zip(cells, cols)]
        below = "\n".join(wrap_text(extra, (TEXT_CM - 0.2) * PT_PER_CM, 7.5)) if extra else ""
        below_h = _cm(_text_size_pt(below, 7.5)[1]) + 0.05 if below else 0.0
        h = max(len(w) for w in wrapped) * line_h * 1.05 + 2 * pad + below_h
        doc.need(h)
        doc.flag_sample(sample)
        y = doc.y

        def draw(fig: Any, y: float = y, wrapped: list = wrapped) -> None:
            x = LEFT_CM
            for lines, (_, w, align) in zip(wrapped, cols):
                xpos = x + (w - 0.1 if align == "right" else 0.1)
                _put(fig, xpos, y + pad, "\n".join(lines), size=size, weight=weight, ha=align)
                x += w
            if below:  # Berlin and the comparison Bezirke (see pages.comparison_line)
                _put(fig, LEFT_CM + 0.1, y + h - pad - below_h + 0.05, below, size=7.5, color="#555555")
            _line(fig, LEFT_CM, LEFT_CM + TEXT_CM, y + h, color=rule, lw=lw)

        doc.add(draw)
        doc.y += h

    row([c[0] for c in cols], "bold", "#222222", 0.8)
    for f in figures:
        unit, dec = f.get("unit") or "", f.get("decimals")
        d = dec if dec is not None else (0 if all(
            v is None or float(v).is_integer() for v in (f["current"], f["previous"])) else 1)
        cur, prev = _rounded(f["current"], d), _rounded(f["previous"], d)
        change = format_change(cur, prev, decimals=d, unit=unit)
        if prev is not None and (f.get("when") or f.get("previous_when")):
            change += f"\n{_period(f.get('previous_when'))} → {_period(f.get('when'))}"
        label = f["label"] + (f" ({_period(f['when'])})" if f.get("when") and prev is None else "")
        if f.get("sample"):
            label += " – BEISPIELDATEN"
        row([label, _value(prev, unit, d), _value(cur, unit, d), change], "normal", "#CCCCCC", 0.5,
            bool(f.get("sample")), pages.comparison_line(f, comparison))
    doc.y += 0.15
    notes = _figure_sources(figures)
    if notes:
        doc.text(("Quelle: " if len(notes) == 1 else "Quellen: ") + " | ".join(notes), 7, color="#666666")
        doc.flag_sample(any(SAMPLE_NOTE in n for n in notes))
    doc.y += 0.5


def _figure_sources(figures: list[dict[str, Any]]) -> list[str]:
    """Each source of the key figures once, in the order they first appear: one per dataset
    edition (with the sample mark only where that dataset is sample data), then free texts."""
    seen: dict[tuple, str] = {}
    texts: list[str] = []
    for f in figures:
        for d in f.get("datasets") or []:
            seen.setdefault((d.get("dataset") or d.get("title") or d.get("source_title"), d.get("reference_date"),
                             d.get("retrieved_at")), source_entry(d))
        extra = f.get("source_texts")
        if extra is None and not f.get("datasets") and f.get("source"):
            extra = [f["source"]]  # recorded before source texts were kept apart
        texts += [t for t in extra or [] if t not in texts]
    return list(dict.fromkeys(seen.values())) + texts


def _missing_box(doc: _Doc, entry: dict[str, Any]) -> None:
    """A short German box in place of the charts and key figures that need a missing dataset."""
    dataset = entry.get("dataset") or "?"
    title = entry.get("title") or dataset
    what = f"„{entry['heading']}“" if entry.get("heading") else "Dieser Teil"
    if entry.get("loaded"):  # e.g. osm_pois from the snapshot without the shop or hotel groups
        lacks = entry.get("lacks") or "nicht die Angaben, die dieser Teil braucht"
        text = (f"{what} fehlt: Der geladene Datensatz {title} ({dataset}) enthält {lacks}. "
                f"Vollständig laden mit lichtenberg-data refresh {dataset} "
                f"oder lichtenberg-data import {dataset} DATEI"
                + (f" (Bezugsquelle: {entry['landing_page']})" if entry.get("landing_page") else "")
                + f"; welche Dateien passen, sagt lichtenberg-data info {dataset}.")
    else:
        text = (f"{what} fehlt: Der Datensatz {title} ({dataset}) ist nicht geladen. "
                f"So kommt er dazu: lichtenberg-data import {dataset} DATEI"
                + (f" (Bezugsquelle: {entry['landing_page']})" if entry.get("landing_page") else "")
                + f"; welche Dateien passen, sagt lichtenberg-data info {dataset}.")
    for other in entry.get("also") or []:  # further datasets the same part needs
        text += (f" Ebenso fehlt der Datensatz {other.get('title') or other['dataset']} ({other['dataset']}): "
                 f"lichtenberg-data import {other['dataset']} DATEI"
                 + (f" (Bezugsquelle: {other['landing_page']})" if other.get("landing_page") else "") + ".")
    size = 9
    lines = "\n".join(wrap_text(text, (TEXT_CM - 0.8) * PT_PER_CM, size))
    h = _cm(_text_size_pt(lines, size)[1]) + 0.6
    doc.need(h + 0.4)
    y = doc.y

    def draw(fig: Any, y: float = y) -> None:
        fig.add_artist(FancyBboxPatch((_fx(LEFT_CM), _fy(y + h)), TEXT_CM / A4_CM[0], h / A4_CM[1],
                                      boxstyle="square,pad=0", transform=fig.transFigure,
                                      facecolor="#F2F2F2", edgecolor="#999999", linewidth=0.8))
        _put(fig, LEFT_CM + 0.4, y + 0.3, lines, size=size, color="#333333")

    doc.add(draw)
    doc.y += h + 0.5


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


def _charts(doc: _Doc, charts: list[dict[str, Any]], counter: list[int],
            numbers: dict[str, int] | None = None) -> None:
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

        captions = []
        for c, w, _ in placed:
            counter[0] += 1
            if numbers is not None:
                numbers[c["name"]] = counter[0]  # "→ Abb. N" in the findings
            text = f"Abbildung {counter[0]}: {c['caption']}"
            lines = "\n".join(wrap_text(text, w * PT_PER_CM, 8.5))
            captions.append((lines, _cm(_text_size_pt(lines, 8.5)[1])))
        height = max(h + 0.25 + ch for (_, _, h), (_, ch) in zip(placed, captions))
        doc.need(height)
        doc.flag_sample(any(c.get("sample") for c in row))
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


_ARRIVED = {"download": "abgerufen am", "mirror": "übernommen aus einem Spiegel am",
            "snapshot": "aus dem mitgelieferten Datenstand, abgerufen am", "import": "importiert am",
            "sample": "erzeugt am"}


def _arrival(entry: dict[str, Any]) -> str:
    """„abgerufen am 25.11.2026“ / „importiert am …“ for an edition or a dataset."""
    return f"{_ARRIVED.get(entry.get('arrived') or 'download', 'abgerufen am')} {format_date(entry.get('retrieved_at'))}"


def _edition_lines(d: dict[str, Any]) -> list[str]:
    """Stand, retrieval and the file of each edition a dataset brought into the briefing."""
    editions = d.get("editions") or []
    if not editions:
        stand = f"Stand: {format_date(d['reference_date'])}" if d.get("reference_date") else "Stand: unbekannt"
        return [f"{stand} · {_arrival(d)}"]
    lines = []
    for e in sorted(editions, key=lambda e: str(e.get("reference_date") or ""), reverse=True):
        stand = format_date(e["reference_date"]) if e.get("reference_date") else "unbekannt"
        lines.append(f"Stand {stand}: Datei {e.get('file')} · {_arrival(e)}")
    if len(lines) > 1:
        lines[0] = f"{len(lines)} Ausgaben – " + lines[0]
    return lines


def _sample_parts(datasets: list[dict[str, Any]]) -> list[str]:
    """Each dataset that is generated sample data, once, with the sections that show it (cover)."""
    found: dict[str, dict[str, Any]] = {}
    for d in datasets:
        if d.get("sample"):
            key = d.get("dataset") or d.get("title") or "?"
            item = found.setdefault(key, {"title": d.get("title") or key, "sections": set()})
            item["sections"].update(d.get("sections", []))
    parts = []
    for key, item in sorted(found.items(), key=lambda kv: str(kv[1]["title"])):
        where = ", ".join(SECTIONS[s] for s in SECTIONS if s in item["sections"])
        parts.append(f"{item['title']} ({key}" + (f"; in: {where})" if where else ")"))
    return parts


def _blocks(doc: _Doc, charts: list[dict[str, Any]], missing: list[dict[str, Any]],
            counter: list[int], numbers: dict[str, int] | None = None) -> None:
    """Charts and missing-data boxes in the order the notebooks made them."""
    seen: set[tuple] = set()
    boxes = []
    for m in missing:
        key = (m.get("notebook"), m.get("dataset"), m.get("heading"))
        if key not in seen:
            seen.add(key)
            boxes.append(m)
    items = sorted([(c.get("notebook", ""), c.get("order") or 0, 0, c) for c in charts]
                   + [(m.get("notebook", ""), m.get("order") or 0, 1, m) for m in boxes],
                   key=lambda t: (t[0], t[1], t[2]))
    run: list[dict[str, Any]] = []
    for _, _, kind, item in items:
        if kind == 0:
            run.append(item)
            continue
        _charts(doc, run, counter, numbers)
        run = []
        _missing_box(doc, item)
    _charts(doc, run, counter, numbers)


def render_pdf(path: Path, *, year: int, district: str, charts: list[dict],
               figures: list[dict], datasets: list[dict], notebooks: list[dict],
               sample: bool, other_sources: list[str],
               missing_data: list[dict] | None = None, findings: Any = None, goals: Any = None,
               office: dict[str, str] | None = None, comparison: Any = None,
               figure_numbers: dict[str, int] | None = None) -> tuple[list[str], list[str]]:
    """Lay out the briefing on A4 pages and write it to ``path``.

    Parameters
    ----------
    path
        The PDF file (its folder is created).
    year, district
        Printed in the title, on the cover and in the header of every page.
    charts, figures, datasets, notebooks
        What :func:`lichtenberg_data.briefing.run` collected from the executed notebooks.
    sample
        Some source is generated sample data: a warning on the cover listing the sample datasets;
        the pages showing sample content carry the mark in their header.
    other_sources
        Source texts of charts and key figures that name no dataset (listed in the appendix).
    missing_data
        Datasets a notebook cell needed but were not loaded: a box each in their section.
    findings
        :class:`~lichtenberg_data.briefing.findings.Findings`: the summary page after the cover
        and each section's Kernaussagen (``None``: neither).
    goals
        The states of the targets of ``ziele.csv`` (:func:`~lichtenberg_data.briefing.goals.evaluate`);
        ``None``: there is no file, the goals page says how to write one.
    office
        Section key → the office's text of ``klausur.md`` (start of its section).
    comparison
        The comparison Bezirke (:class:`~lichtenberg_data.briefing.peers.Comparison`).
    figure_numbers
        Filled with chart name → its number in the PDF (``Abbildung N``).

    Returns
    -------
    (present, missing)
        The section keys printed, and the goals listed under "Noch nicht enthalten".
    """
    title = f"Klausur-Briefing {year} – Bezirk {district}"
    missing_data = missing_data or []
    present = [s for s in SECTIONS if any(e["section"] == s for e in [*charts, *figures, *missing_data])]
    missing = [s for s in GOALS if s not in present]

    doc = _Doc()
    doc.new_page()  # cover, drawn last (needs the page numbers)
    counter = [0]
    numbers = figure_numbers if figure_numbers is not None else {}
    office = office or {}
    if findings is not None:
        pages.summary_page(doc, findings.summary, numbers)
        pages.goals_page(doc, goals)
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
        pages.section_opening(doc, key, findings.sections.get(key, []) if findings is not None else [],
                              office.get(key), comparison, numbers)
        kf = [f for f in figures if f["section"] == key]
        if kf:
            _key_table(doc, kf, comparison)
        _blocks(doc, [c for c in charts if c["section"] == key],
                [m for m in missing_data if m["section"] == key], counter, numbers)
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
                 "„Stand“ ist das Bezugsdatum der Daten, „abgerufen am“ das Datum des Downloads beim "
                 "Herausgeber, „importiert am“ das Datum, an dem eine von Hand geladene Datei übernommen "
                 "wurde; je Ausgabe ist die verwendete Datei genannt.", 9.5, after=0.5)
    else:
        doc.text("Die Diagramme und Kennzahlen nennen keine Datensätze mit Herkunftsangaben.",
                 9.5, after=0.5)
    for d in sorted(datasets, key=lambda d: str(d.get("title") or d.get("dataset"))):
        name = d.get("title") or d.get("source_title") or d.get("dataset") or "Datensatz"
        if d.get("sample"):
            name += " – BEISPIELDATEN (synthetisch erzeugt, keine amtlichen Zahlen)"
        doc.text(name, 10, weight="bold", color=COLORS["sample"] if d.get("sample") else "#222222",
                 after=0.08, keep=1.6)
        doc.flag_sample(d.get("sample"))
        details = [
            f"Herausgeber: {d.get('publisher') or 'unbekannt'}"
            + (f" ({d['source_title']})" if d.get("source_title") and d.get("title") else ""),
            *_edition_lines(d),
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
            doc.flag_sample(d.get("sample"))  # a row running over to the next page marks it too
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
            parts = _sample_parts(datasets)
            text = ("Achtung: Teile dieses Briefings beruhen auf BEISPIELDATEN (synthetisch erzeugt, "
                    "keine amtlichen Zahlen); sie sind auf jeder Grafik, in jeder Kennzahl, in jeder "
                    "Quellenangabe, im Anhang und in der Kopfzeile jeder Seite, die sie zeigt, markiert und "
                    "dürfen nicht zitiert werden. Beispieldaten: "
                    + ("; ".join(parts) if parts else "siehe Anhang") + ".")
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
        entries = [(label, doc.marks[k]) for k, label in (("summary", "Das Wichtigste in Kürze"),
                                                           ("goals", "Stand der Ziele")) if k in doc.marks]
        entries += [(f"{i}  {SECTIONS[k]}", doc.marks[k]) for i, k in enumerate(present, 1)]
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
    if sample:
        doc.sample_pages.add(0)  # the cover names the sample datasets

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
            if number - 1 in doc.sample_pages:
                _put(fig, LEFT_CM + TEXT_CM, 1.2, "BEISPIELDATEN – keine amtlichen Zahlen",
                     size=7.5, weight="bold", color=COLORS["sample"], ha="right")
            _put(fig, LEFT_CM + TEXT_CM, A4_CM[1] - 1.2, f"Seite {number} von {total}",
                 size=7.5, color=COLORS["muted"], ha="right", va="bottom")
            pdf.savefig(fig)
    return present, missing
