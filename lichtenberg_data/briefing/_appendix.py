"""The back of the briefing: the goals without results, and the appendix of the datasets used.

A dataset with many editions (a history of yearly files) is one entry: how many editions, their
first and last Stand and the newest file; every file of every edition is listed in the workbook
beside the PDF (:mod:`.workbook`, sheet „Datensätze“).
"""

from __future__ import annotations

from typing import Any

from ..charts.formats import format_date
from ..charts.style import COLORS
from ._layout import _Doc
from .collect import SECTIONS

__all__ = ["missing_page", "appendix", "edition_lines", "arrival"]

_ARRIVED = {"download": "abgerufen am", "mirror": "übernommen aus einem Spiegel am",
            "snapshot": "aus dem mitgelieferten Datenstand, abgerufen am", "import": "importiert am",
            "sample": "erzeugt am"}


def arrival(entry: dict[str, Any]) -> str:
    """„abgerufen am 25.11.2026“ / „importiert am …“ for an edition or a dataset."""
    return f"{_ARRIVED.get(entry.get('arrived') or 'download', 'abgerufen am')} {format_date(entry.get('retrieved_at'))}"


def edition_lines(d: dict[str, Any]) -> list[str]:
    """Stand, retrieval and file of the editions a dataset brought into the briefing: one line for
    one edition, one line for a history (count, first and last Stand, the newest file)."""
    editions = sorted(d.get("editions") or [], key=lambda e: str(e.get("reference_date") or ""))
    if not editions:
        stand = f"Stand: {format_date(d['reference_date'])}" if d.get("reference_date") else "Stand: unbekannt"
        return [f"{stand} · {arrival(d)}"]
    newest = editions[-1]
    if len(editions) == 1:
        stand = format_date(newest["reference_date"]) if newest.get("reference_date") else "unbekannt"
        return [f"Stand {stand}: Datei {newest.get('file')} · {arrival(newest)}"]
    dated = [e for e in editions if e.get("reference_date")]
    first, last = (format_date(dated[0]["reference_date"]), format_date(dated[-1]["reference_date"])) if dated else ("", "")
    span = "Stand unbekannt" if not dated else f"Stand {first}" if first == last else f"Stand {first} bis {last}"
    files = len({e.get("file") for e in editions})
    return [f"{len(editions)} Ausgaben, {span}, aus {files} Dateien; neueste: {newest.get('file')} · "
            f"{arrival(newest)}"]


def _address(prefix: str, url: str, width_cm: float, size: float) -> str:
    """``prefix`` and ``url`` broken into lines of ``width_cm`` after a ``/`` where possible, the
    address starting on the prefix's line."""
    import re

    from ..charts.style import _vector_width_pt

    limit = width_cm * 72 / 2.54
    lines, line = [], prefix
    for part in re.findall(r"[^/]+/*|/+", url):
        if line.strip() and line != prefix and _vector_width_pt(line + part, size) > limit:
            lines.append(line)
            line = ""
        line += part
    return "\n".join([*lines, line])


def missing_page(doc: _Doc, missing: list[str]) -> None:
    """The page naming the cooperation goals this briefing has no results for."""
    doc.continuation = None
    doc.part = "missing"
    doc.new_page()
    doc.mark("missing")
    doc.bookmark("Noch nicht enthalten")
    doc.text("Noch nicht enthalten", 17, weight="bold", after=0.5)
    doc.text("Für die folgenden Kooperationsziele enthält dieses Briefing noch keine "
             "Auswertungen: Es wurde kein Notebook gefunden, das Diagramme oder Kennzahlen "
             "für diesen Abschnitt liefert. Die Abschnitte werden ergänzt, sobald die "
             "Auswertungen vorliegen; bis dahin werden bewusst keine Zahlen gezeigt.",
             10, after=0.5)
    for key in missing:
        doc.text(f"•  {SECTIONS[key]}", 11, indent=0.3, after=0.25)


def appendix(doc: _Doc, datasets: list[dict[str, Any]], other_sources: list[str],
             notebooks: list[dict[str, Any]]) -> None:
    """„Anhang: Verwendete Datensätze“: per dataset publisher, licence, editions, address, use."""
    doc.continuation = None
    doc.part = "appendix"
    doc.new_page()
    doc.mark("appendix")
    doc.bookmark("Anhang: Verwendete Datensätze")
    doc.text("Anhang: Verwendete Datensätze", 17, weight="bold", after=0.4)
    if datasets:
        doc.text("Alle Zahlen dieses Briefings stammen aus den folgenden Datensätzen. „Stand“ ist das "
                 "Bezugsdatum der Daten, „abgerufen am“ das Datum des Downloads beim Herausgeber, „importiert am“ "
                 "das Datum, an dem eine von Hand geladene Datei übernommen wurde; je Ausgabe ist die verwendete "
                 "Datei genannt, bei vielen Ausgaben die neueste (alle Dateien: Tabellenblatt „Datensätze“ der "
                 "xlsx-Datei neben diesem Briefing).", 8.5, after=0.3)
    else:
        doc.text("Die Diagramme und Kennzahlen nennen keine Datensätze mit Herkunftsangaben.",
                 8.5, after=0.3)
    licences = {d["license"]: d.get("license_url") for d in datasets if d.get("license") and d.get("license_url")}
    if licences:  # each licence's address once
        doc.text("Lizenzen: " + "; ".join(f"{name}: {url}" for name, url in sorted(licences.items())), 7,
                 color="#333333", after=0.3)
    doc.columns(2)
    for d in sorted(datasets, key=lambda d: str(d.get("title") or d.get("dataset"))):
        name = d.get("title") or d.get("source_title") or d.get("dataset") or "Datensatz"
        if d.get("sample"):
            name += " – BEISPIELDATEN (synthetisch erzeugt, keine amtlichen Zahlen)"
        doc.text(name, 7.5, weight="bold", color=COLORS["sample"] if d.get("sample") else "#222222",
                 after=0.02, keep=1.0)
        doc.flag_sample(d.get("sample"))
        details = [
            f"Herausgeber: {d.get('publisher') or 'unbekannt'}"
            + (f" ({d['source_title']})" if d.get("source_title") and d.get("title") else "")
            + f" · Lizenz: {d.get('license') or 'unbekannt'}",
            *edition_lines(d),
        ]
        if d.get("source_url"):
            details.append(_address("Quelle: ", d["source_url"], doc.width - 0.25, 6.5))
        details.append((f"Kennung: {d['dataset']} · " if d.get("dataset") else "")
                       + "in: " + ", ".join(SECTIONS[s] for s in d.get("sections", [])))
        for line in details:
            doc.text(line, 6.5, color="#333333", indent=0.25, after=0.0)
            doc.flag_sample(d.get("sample"))  # a row running over to the next page marks it too
        doc.y += 0.14
    if other_sources:
        doc.text("Weitere Quellenangaben", 7.5, weight="bold", after=0.05, keep=0.8)
        for s in other_sources:
            doc.text(s, 6.5, color="#333333", indent=0.25, after=0.03)
        doc.y += 0.14
    doc.text("Ausgeführte Notebooks", 7.5, weight="bold", after=0.05, keep=0.8)
    if notebooks:
        for nb in notebooks:
            doc.text(f"{nb['file']}: {nb['charts']} Diagramme, {nb['key_figures']} Kennzahlen – "
                     f"ausgeführt als notebooks/{nb['html']}", 6.5, color="#333333", indent=0.25, after=0.02)
    else:
        doc.text("Keine Notebooks gefunden.", 6.5, color="#333333", indent=0.25)
    doc.columns(1)
    doc.continuation = None
