"""The pages of findings, goals and the office's text, drawn with the layout's primitives.

The page layout (:mod:`.pdf`) calls these hooks: :func:`summary_page` right after the cover
("Das Wichtigste in Kürze"), :func:`goals_page` after it ("Stand der Ziele") and
:func:`section_opening` at the start of each section (the office's text from ``klausur.md``, the
Kernaussagen, and in the overview the comparison Bezirke); :func:`comparison_line` gives the
line of Berlin's and the comparison Bezirke's values under a row of the key-figure table.

They use the primitives of the flow layout (:mod:`._layout`: ``doc.text``, ``doc.need``,
``doc.add``, ``doc.mark``, ``doc.bookmark``, ``doc.y``, ``doc.x``, ``doc.width``, :func:`._layout._put`)
and draw every text as plain text (no mathtext: a ``$`` or ``_`` from the data or from
``klausur.md`` stays as it is).
Chart numbers (``→ Abb. 5``) are looked up in ``figure_numbers`` when the page is drawn, after
the layout has numbered every chart.
"""

from __future__ import annotations

from typing import Any

import lichtenberg_data.briefing._wording as w

from ._layout import _line, _put, _wrapped

__all__ = ["summary_page", "goals_page", "section_opening", "comparison_line", "GENERATED_NOTE", "STATUS_MARKS"]

#: The line saying where the sentences come from.
GENERATED_NOTE = ("Alle Sätze dieser Seite sind aus den Daten erzeugt; Quellen und Stand stehen bei den "
                  "Abbildungen.")
#: Mark (symbol, colour) of each state of a target; the symbol tells them apart in black and white.
STATUS_MARKS = {"erreicht": ("✓", "#009E73"), "auf Kurs": ("●", "#0072B2"),
                "nicht auf Kurs": ("✗", "#D55E00"), "nicht erreicht": ("✗", "#B2182B"),
                "ohne Basis": ("?", "#666666"), "fehlt": ("–", "#666666")}

_PLACEHOLDER = "→\u00a0Abb.\u00a099"  # as wide as any chart number; one word for the wrapping


def _pointed(doc: Any, text: str, chart: str | None, numbers: dict[str, int], *, size: float, indent: float,
             bullet: str = "•", after: float = 0.2) -> None:
    """A bullet sentence ending in ``→ Abb. N`` (resolved when the page is drawn)."""
    text = text.replace(" %", "\u00a0%")  # a number and its per cent sign stay on one line
    body = f"{text} {_PLACEHOLDER}" if chart else text
    lines, height = _wrapped(body, doc.width - indent, size)
    doc.need(height + 0.1)
    x, y = doc.x, doc.y

    def draw(fig: Any, x: float = x, y: float = y, lines: str = lines, chart: str | None = chart) -> None:
        number = numbers.get(chart) if chart else None
        shown = lines.replace(_PLACEHOLDER, f"→\u00a0Abb.\u00a0{number}" if number else "").rstrip()
        _put(fig, x, y, bullet, size=size)
        _put(fig, x + indent, y, shown, size=size)

    doc.add(draw, y + height)
    doc.y += height + after


def summary_page(doc: Any, findings: list[Any], figure_numbers: dict[str, int]) -> None:
    """The page "Das Wichtigste in Kürze" (on the page the layout opened for it): the summary's
    sentences, each pointing to its chart."""
    doc.text("Das Wichtigste in Kürze", 17, weight="bold", after=0.2)
    doc.text(GENERATED_NOTE, 8.5, color="#555555", after=0.35)
    if not findings:
        doc.text("Für dieses Briefing liegen keine Kennzahlen aus echten Daten vor, aus denen sich Sätze bilden "
                 "ließen; die Kästen in den Abschnitten nennen die fehlenden Datensätze.", 10, after=0.5)
        return
    for f in findings:
        _pointed(doc, f.text, f.chart, figure_numbers, size=9.5, indent=0.45, after=0.16)
    doc.y += 0.25


def _goal_rows(doc: Any, goals: list[Any]) -> None:
    cols = [("Kennzahl", 4.6, "left"), ("Basis", 2.3, "right"), ("Aktuell", 2.3, "right"),
            ("Ziel", 2.1, "right"), ("Soll heute", 2.2, "right"), ("Stand", 2.5, "left")]
    scale = doc.width / sum(c[1] for c in cols)
    cols = [(name, width * scale, align) for name, width, align in cols]
    size, pad = 8.5, 0.12

    def row(cells: list[str], weight: str, status: str | None = None, rule: str = "#CCCCCC") -> None:
        wrapped = [_wrapped(c, wd - 0.25, size, weight) for c, (_, wd, _) in zip(cells, cols)]
        h = max(height for _, height in wrapped) + 2 * pad
        doc.need(h)
        left, y = doc.x, doc.y

        def draw(fig: Any, left: float = left, y: float = y, wrapped: list = wrapped, h: float = h) -> None:
            x = left
            for i, ((lines, _), (_, wd, align)) in enumerate(zip(wrapped, cols)):
                color = STATUS_MARKS[status][1] if status and i == len(cols) - 1 else "#222222"
                xpos = x + (wd - 0.1 if align == "right" else 0.1)
                _put(fig, xpos, y + pad, lines, size=size, weight="bold" if color != "#222222" else weight,
                     color=color, ha=align)
                x += wd
            _line(fig, left, left + doc.width, y + h, rule, 0.8 if weight == "bold" else 0.5)

        doc.add(draw, y + h)
        doc.y += h

    row([c[0] for c in cols], "bold", rule="#222222")
    for g in goals:
        def fmt(v: Any, g: Any = g) -> str:
            return w.value_text(v, g.unit, g.decimals) if v is not None else "–"
        base = f"{fmt(g.base)}\n{w.period(g.base_when)}" if g.base is not None else "–"
        now = f"{fmt(g.current)}\n{w.period(g.when)}" if g.current is not None else "–"
        symbol = STATUS_MARKS[g.status][0]
        row([g.label, base, now, f"{fmt(g.zielwert)}\n{g.zieljahr}", fmt(g.expected), f"{symbol} {g.status}"],
            "normal", g.status)


def goals_page(doc: Any, goals: list[Any] | None) -> None:
    """"Stand der Ziele": per target the baseline, the current value, the target and whether it is
    on course, with a sentence each; without ``ziele.csv`` how to write one."""
    from .goals import EXAMPLE

    if goals is None:
        _how_to(doc, EXAMPLE)
        return
    doc.need(6.5)  # heading, rule, table head and a first target: on the summary's page when they fit
    doc.mark("goals")
    doc.bookmark("Stand der Ziele")
    doc.text("Stand der Ziele", 14, weight="bold", after=0.2)
    if not goals:
        doc.text("Die Datei ziele.csv nennt keine Ziele.", 9.5, after=0.5)
        return
    doc.text("Auf Kurs ist ein Ziel, wenn die Kennzahl mindestens so weit ist wie auf einer geraden Linie von "
             "der Basis zum Ziel (Ende des Zieljahres) an ihrem aktuellen Stichtag („Soll heute“). "
             "Zeichen: ✓ erreicht, ● auf Kurs, ✗ nicht auf Kurs oder nicht erreicht.", 9, color="#444444",
             after=0.3)
    _goal_rows(doc, goals)
    doc.y += 0.3
    for g in goals:
        doc.text(f"{STATUS_MARKS[g.status][0]}  {g.sentence}", 9.5, after=0.15)
        if g.anmerkung:
            doc.text(f"Anmerkung: {g.anmerkung}", 8.5, color="#555555", indent=0.4, after=0.15)
    doc.y += 0.4


def _how_to(doc: Any, example: str) -> None:
    """Without ``ziele.csv``: how to write one, kept together (on the summary's page when it fits)."""
    blocks = [("Stand der Ziele", 14, "bold", 0.0, 0.15),
              ("Hier stünde, wie weit die Ziele der Kooperationsvereinbarung erreicht sind. Dafür legt die "
               "Wirtschaftsförderung im Datenordner (LICHTENBERG_DATA_DIR, sonst data/ im Projekt) die Datei "
               "ziele.csv an: je Ziel eine Zeile mit Kennzahl, Zielwert und Zieljahr, wahlweise mit Basiswert, "
               "Basisjahr und Anmerkung (ohne Basis gilt der vorige verfügbare Wert der Kennzahl, mit Basisjahr "
               "allein ihr Wert in diesem Jahr). So sieht die Datei aus:", 9, "normal", 0.0, 0.1),
              *[(line, 8.5, "normal", 0.5, 0.02) for line in example.splitlines()],
              ("Die Kennzahlen mit Kennung, aktuellem Wert und Stand listet der Befehl lichtenberg-data kennzahlen. "
               "Das nächste Briefing zeigt dann je Ziel Basis, aktuellen Wert, Ziel und ob die Kennzahl auf Kurs "
               "ist.", 9, "normal", 0.0, 0.4)]
    doc.need(sum(_wrapped(text, doc.width - indent, size, weight)[1] + after
                 for text, size, weight, indent, after in blocks) - blocks[-1][-1])
    doc.mark("goals")
    doc.bookmark("Stand der Ziele")
    for text, size, weight, indent, after in blocks:
        doc.text(text, size, weight=weight, indent=indent, after=after, color="#333333" if indent else "#222222")


def _office(doc: Any, text: str) -> None:
    doc.text("Aus der Wirtschaftsförderung", 11, weight="bold", after=0.15, keep=1.0)
    for line in text.splitlines():
        if line.startswith("### "):
            doc.text(line[4:].strip(), 10, weight="bold", after=0.1, keep=0.6)
        elif line.strip():
            doc.text(line, 9.5, after=0.08)
        else:
            doc.y += 0.15
    doc.y += 0.35


def section_opening(doc: Any, section: str, kernaussagen: list[Any], office_text: str | None,
                    comparison: Any = None, figure_numbers: dict[str, int] | None = None) -> None:
    """The start of a section after its heading: the office's text, the Kernaussagen (each
    pointing to its chart) and, in the overview, the comparison Bezirke with their rule."""
    numbers = figure_numbers if figure_numbers is not None else {}
    if office_text:
        _office(doc, office_text)
    if kernaussagen:
        doc.text("Kernaussagen", 11, weight="bold", after=0.15, keep=1.2)
        for f in kernaussagen:
            _pointed(doc, f.text, f.chart, numbers, size=9.5, indent=0.4, after=0.15)
        doc.y += 0.3
    if section == "ueberblick" and comparison is not None and comparison.rule:
        doc.text(comparison.rule, 9, color="#444444", after=0.4)


def comparison_line(entry: dict[str, Any], comparison: Any = None) -> str | None:
    """``Berlin 3.913.644 · Marzahn-Hellersdorf 296.687 · Rang 6 von 12 Bezirken`` under a key
    figure's row: the reference and the comparison Bezirke at the figure's current period."""
    if not entry.get("id") or entry.get("current") is None:
        return None
    from .keyfigures import FIGURES

    fig = FIGURES.get(entry["id"])
    if fig is None:
        return None
    parts = []
    ref = entry.get("reference") or {}
    if ref.get("current") is not None:
        parts.append(f"{ref.get('name')}: {w.value_text(ref['current'], fig.unit, fig.decimals)}")
    bezirke = entry.get("bezirke") or {}
    for bid in getattr(comparison, "ids", None) or []:
        if bid in bezirke and bid != entry.get("subject_id"):
            parts.append(f"{bezirke[bid]['name']}: {w.value_text(bezirke[bid]['current'], fig.unit, fig.decimals)}")
    if entry.get("subject_id") in bezirke and len(bezirke) >= 2:
        position, total, shared = w.rank(entry["current"], [b["current"] for b in bezirke.values()], fig.decimals)
        parts.append(f"Rang {position}{' (geteilt)' if shared else ''} von {total} Bezirken")
    return "Vergleich: " + " · ".join(parts) if parts else None

