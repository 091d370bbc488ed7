"""The key-figure table of a section: the value before, the value now and the change, each as
printed (the change computed from the rounded values, so every number adds up as printed), under
each row Berlin and the comparison Bezirke (:func:`.pages.comparison_line`), and the sources it
rests on, cited from the section's list."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..charts.formats import (
    MISSING,
    format_change,
    format_date,
    format_number,
    format_percent,
    is_missing,
)
from ..charts.style import _vector_width_pt, wrap_text
from ._layout import LEFT_CM, PT_PER_CM, TEXT_CM, _cm, _Doc, _height, _line, _put, _wrapped
from ._sources import SectionSources, refs
from .pages import comparison_line

__all__ = ["key_table", "figure_cells"]


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


def figure_cells(f: dict[str, Any]) -> tuple[str, str, str, str]:
    """Label, previous value, current value and change of a key figure, as printed."""
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
    return label, _value(prev, unit, d), _value(cur, unit, d), change


#: The columns: heading, least width (cm), alignment. The values are not broken: a column of
#: values is as wide as its widest line, the label column takes what is left (at least
#: :data:`_LABEL_CM`; values wider than that leaves are broken).
_COLUMNS = (("Kennzahl", 7.7, "left"), ("Vorwert", 2.0, "right"), ("Aktuell", 2.1, "right"),
            ("Veränderung", 4.2, "right"))
_LABEL_CM = 5.0
_PAD_CM = 0.25  # room inside a column
_SIZE, _BELOW_SIZE, _ROW_PAD_CM = 8.0, 7.0, 0.07
_HEADER_RULE, _ROW_RULE = ("#222222", 0.8), ("#CCCCCC", 0.5)  # the line under a row: colour, width (pt)


def _columns(rows: list[tuple[str, ...]], size: float) -> list[tuple[str, float, str]]:
    """:data:`_COLUMNS` with the value columns widened to their widest line (bold for the heading)."""
    widths = [max(w, *(_cm(_vector_width_pt(line, size, "bold" if i == 0 else "normal")) + _PAD_CM
                       for i, r in enumerate(rows) for line in r[c].split("\n")))
              for c, (_, w, _) in enumerate(_COLUMNS) if c]
    room = TEXT_CM - _LABEL_CM
    if sum(widths) > room:  # an outsized value: the columns share the room, the value is broken
        widths = [w * room / sum(widths) for w in widths]
    return [(_COLUMNS[0][0], TEXT_CM - sum(widths), "left"),
            *((name, w, align) for (name, _, align), w in zip(_COLUMNS[1:], widths))]


@dataclass
class _Row:
    """One row as it is set: the lines of each cell, the comparison line under it, its height (cm)."""

    cells: list[list[str]]
    weight: str
    below: str
    below_h: float
    h: float


def _row(cells: tuple[str, ...], cols: list[tuple[str, float, str]], weight: str, extra: str | None) -> _Row:
    wrapped = [[w for part in c.split("\n")
                # + 0.01 pt: a value is as wide as its column (_columns); the words' summed widths
                # may exceed the line's by a rounding error and would break it
                for w in wrap_text(part, (width - _PAD_CM) * PT_PER_CM + 0.01, _SIZE, weight, vector=True)]
               for c, (_, width, _) in zip(cells, cols)]
    below, below_h = _wrapped(extra, TEXT_CM - 0.2, _BELOW_SIZE) if extra else ("", 0.0)
    below_h += 0.03 if below else 0.0
    h = max(_height("\n".join(lines), _SIZE, weight) for lines in wrapped) + 2 * _ROW_PAD_CM + below_h
    return _Row(wrapped, weight, below, below_h, h)


def _place(doc: _Doc, r: _Row, cols: list[tuple[str, float, str]], rule: str, lw: float) -> None:
    y, pad = doc.y, _ROW_PAD_CM

    def draw(fig: Any) -> None:
        x = LEFT_CM
        for lines, (_, w, align) in zip(r.cells, cols):
            xpos = x + (w - 0.1 if align == "right" else 0.1)
            _put(fig, xpos, y + pad, "\n".join(lines), size=_SIZE, weight=r.weight, ha=align)
            x += w
        if r.below:  # Berlin and the comparison Bezirke
            _put(fig, LEFT_CM + 0.1, y + r.h - pad - r.below_h + 0.03, r.below, size=_BELOW_SIZE, color="#555555")
        _line(fig, LEFT_CM, LEFT_CM + TEXT_CM, y + r.h, color=rule, lw=lw)

    doc.add(draw, y + r.h)
    doc.y += r.h


def key_table(doc: _Doc, figures: list[dict[str, Any]], sources: SectionSources, comparison: Any = None) -> None:
    """The section's key figures: value before, now and the change, the line of Berlin and the
    ``comparison`` Bezirke under each, and the sources cited. The heading „Kennzahlen“ stays with
    the header row and the first row; a table running on to the next page repeats its header row."""

    heading = tuple(name for name, _, _ in _COLUMNS)
    printed = [figure_cells(f) for f in figures]
    cols = _columns([heading, *printed], _SIZE)
    header = _row(heading, cols, "bold", None)
    rows = [_row(cells, cols, "normal", comparison_line(f, comparison)) for f, cells in zip(figures, printed)]
    doc.text("Kennzahlen", 11, weight="bold", after=0.15, keep=0.15 + header.h + (rows[0].h if rows else 0.0))
    doc.need(header.h)
    _place(doc, header, cols, *_HEADER_RULE)
    numbers: list[int] = []
    for f, r in zip(figures, rows):
        where = (doc.page, doc.x)
        doc.need(r.h)
        if (doc.page, doc.x) != where:  # on to the next page: the header row again
            doc.need(header.h + r.h)
            _place(doc, header, cols, *_HEADER_RULE)
        doc.flag_sample(bool(f.get("sample")))
        _place(doc, r, cols, *_ROW_RULE)
        extra = f.get("source_texts")
        if extra is None and not f.get("datasets") and f.get("source"):
            extra = [f["source"]]  # recorded before source texts were kept apart
        numbers += sources.cite(f.get("datasets"), extra)
    doc.y += 0.12
    cited = refs(list(dict.fromkeys(numbers)))
    if cited:
        doc.text(cited, 7, color="#666666")
    doc.y += 0.4
