"""The cover of the briefing: title, district, year, the sample warning and the contents."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..charts.formats import format_date
from ..charts.style import COLORS, wrap_text
from ._layout import (
    A4_CM,
    BOTTOM_CM,
    LEFT_CM,
    PT_PER_CM,
    TEXT_CM,
    _frame,
    _height,
    _line,
    _put,
)
from .collect import SECTIONS

__all__ = ["draw_cover", "sample_parts"]


def sample_parts(datasets: list[dict[str, Any]]) -> list[str]:
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


def _listed(parts: list[str], width_pt: float, room_cm: float) -> str:
    """„Beispieldaten: A; B; …“ in lines of ``width_pt`` at 8.5 pt, as many datasets as fit in
    ``room_cm``; the rest counted („… und 4 weitere, siehe Anhang“)."""
    def text(shown: list[str], rest: int) -> str:
        said = "; ".join(shown) if shown else ""
        more = f"{'… und ' if shown else ''}{rest} weitere, siehe Anhang" if rest else ""
        body = "; ".join(x for x in (said, more) if x) or "siehe Anhang"
        return "\n".join(wrap_text(f"Beispieldaten: {body}.", width_pt, 8.5, vector=True))

    for n in range(len(parts), 0, -1):
        listed = text(parts[:n], len(parts) - n)
        if _height(listed, 8.5) <= room_cm:
            return listed
    return text([], len(parts))


def draw_cover(fig: Any, *, title: str, district: str, year: int, author: str, sample: bool,
               datasets: list[dict[str, Any]], contents: list[tuple[str, int]],
               formats: list[str] | None = None) -> None:
    """Draw the cover; ``contents`` lists (entry, page number) for the table of contents, ``formats``
    the chart files written beside the PDF (``["PNG", "SVG", "PDF"]``)."""
    _put(fig, LEFT_CM, 3.0, f"Bezirk {district}", size=12, color=COLORS["muted"])
    lines = "\n".join(wrap_text(title, TEXT_CM * PT_PER_CM, 26, "bold", vector=True))
    _put(fig, LEFT_CM, 4.0, lines, size=26, weight="bold")
    y = 4.0 + _height(lines, 26, "bold") + 0.3
    _line(fig, LEFT_CM, LEFT_CM + 4.0, y, COLORS["highlight"], 3.0)
    y += 0.6
    _put(fig, LEFT_CM, y, "Auswertungen offener Daten für die Kooperationsziele der "
         "Wirtschaftsförderung", size=11, color="#444444")
    y += 1.2
    for label, value in (("Bezirk", district), ("Berichtsjahr", str(year)), ("Herausgeber", author),
                         ("Erstellt am", format_date(date.today()))):
        _put(fig, LEFT_CM, y, label, size=10, color=COLORS["muted"])
        _put(fig, LEFT_CM + 3.5, y, value, size=10)
        y += 0.6
    y += 0.6
    if sample:
        parts = sample_parts(datasets)
        text = ("Achtung: Teile dieses Briefings beruhen auf BEISPIELDATEN (synthetisch erzeugt, "
                "keine amtlichen Zahlen); sie sind auf jeder Grafik, in jeder Kennzahl, in jeder "
                "Quellenangabe, im Anhang und in der Kopfzeile jeder Seite, die sie zeigt, markiert und "
                "dürfen nicht zitiert werden.")
        lines = "\n".join(wrap_text(text, (TEXT_CM - 0.8) * PT_PER_CM, 11, "bold", vector=True))
        head = _height(lines, 11, "bold") + 0.2
        # the contents below need 0.8 cm + 0.45 cm a row above the foot: the list of samples gets the rest
        room = A4_CM[1] - BOTTOM_CM - 1.5 - (0.8 + 0.45 * len(contents)) - 0.8 - y - head - 0.8
        listed = _listed(parts, (TEXT_CM - 0.8) * PT_PER_CM, room)
        h = head + _height(listed, 8.5) + 0.8
        _frame(fig, LEFT_CM, y, TEXT_CM, h, "#FBE9E7", COLORS["sample"], 1.5)
        _put(fig, LEFT_CM + 0.4, y + 0.4, lines, size=11, weight="bold", color=COLORS["sample"])
        _put(fig, LEFT_CM + 0.4, y + 0.4 + head, listed, size=8.5, color=COLORS["sample"])
        y += h + 0.8
    note = "\n".join(wrap_text(
        "Erstellt mit lichtenberg_data aus den Notebooks in notebooks/ (als HTML im Ordner notebooks/ "
        f"neben dieser Datei).\nDiagramme in voller Auflösung ({', '.join(formats or ['PNG'])}) im Ordner "
        "charts/, die Zahlen jeder Grafik und Tabelle in der xlsx-Datei daneben.", TEXT_CM * PT_PER_CM, 7.5,
        vector=True))
    foot = A4_CM[1] - BOTTOM_CM - _height(note, 7.5)  # the note ends at the foot of the type area
    # the contents end above the foot: closer rows where a long sample warning took the room
    step = max(0.45, min(0.6, (foot - 0.3 - y - 0.8) / max(1, len(contents))))
    _put(fig, LEFT_CM, y, "Inhalt", size=13, weight="bold")
    y += 0.8
    for label, page in contents:
        _put(fig, LEFT_CM, y, label, size=10.5)
        _put(fig, LEFT_CM + TEXT_CM, y, f"Seite {page}", size=10.5, ha="right")
        y += step
    _put(fig, LEFT_CM, foot, note, size=7.5, color=COLORS["muted"])
