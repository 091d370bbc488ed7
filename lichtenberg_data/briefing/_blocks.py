"""The content of a section: key-figure table, charts, missing-data boxes and the section's sources.

Charts are placed in the order the notebooks made them, two half-width charts side by side, one
above the other where they fit. A chart that does not fit in the rest of a page is drawn a little
smaller (down to :data:`MIN_SCALE`) or, when the page would stay mostly empty, a later chart or
box of the section that fits moves up (figure numbers follow the printed order). Each chart is
printed without its own source line (the strip at its foot is cut off): its caption cites the
numbered list of sources at the end of the section, where every source of the section appears once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

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
from ..charts.style import COLORS, _text_size_pt, wrap_text
from ._layout import (
    BODY_CM,
    LEFT_CM,
    PT_PER_CM,
    TEXT_CM,
    _cm,
    _Doc,
    _frame,
    _image,
    _line,
    _put,
    _wrapped,
)

__all__ = ["SectionSources", "key_table", "section_blocks", "MIN_SCALE"]

#: The smallest scale a chart is drawn at to fill a page (its text shrinks with it).
MIN_SCALE = 0.88
#: ... and when a section would otherwise end with a page holding little.
TIGHT_SCALE = 0.8
#: A page with more room left than this share of its height takes a later block that fits.
_FLOAT_ROOM = 0.3
_GAP_CM = 0.4          # between two charts side by side
_CAPTION_PT = 8.5
_AFTER_CM = 0.55       # below a row of charts
_BOX_PT = 8.5


# --------------------------------------------------------------------------------------------
# the sources of a section, each once
# --------------------------------------------------------------------------------------------

class SectionSources:
    """The numbered sources of one section: each dataset edition and each free text once."""

    def __init__(self) -> None:
        self.entries: dict[str, bool] = {}  # text -> sample

    def cite(self, datasets: list[dict[str, Any]] | None, texts: list[str] | None = None) -> list[int]:
        """The numbers of these sources (added to the list where new), in citing order."""
        numbers = []
        for d in datasets or []:
            numbers.append(self._number(source_entry(d), bool(d.get("sample"))))
        for t in texts or []:
            t = " ".join(str(t).split())
            t = t.removeprefix("Quellen: ").removeprefix("Quelle: ")
            if t:
                numbers.append(self._number(t, SAMPLE_NOTE in t))
        return list(dict.fromkeys(numbers))

    def _number(self, text: str, sample: bool) -> int:
        if text not in self.entries:
            self.entries[text] = sample
        return list(self.entries).index(text) + 1

    def draw(self, doc: _Doc) -> None:
        """The list at the end of the section: "Quellen dieses Abschnitts", numbered."""
        if not self.entries:
            return
        size = 6.5
        items = list(self.entries.items())
        side = getattr(doc, "side", None)
        if side is not None and side.page == doc.page:  # all of it beside a lone chart, or none
            need = 0.5 + sum(_wrapped(t, side.width - 0.6, size)[1] + 0.04 for t, _ in items)
            slot = _side_slot(doc, need + 0.2)
            if slot is not None:
                self._list(doc, items, size, slot[0], slot[1] + 0.1, slot[2], beside=True)
                return
        doc.side = None
        doc.y += 0.15
        self._list(doc, items, size, LEFT_CM, None, TEXT_CM, beside=False)

    @staticmethod
    def _list(doc: _Doc, items: list[tuple[str, bool]], size: float, x: float, y: float | None, width: float,
              beside: bool) -> None:
        """Heading and entries at (``x``, ``y``) beside a chart, or flowing down the page."""
        heading, head_h = _wrapped("Quellen dieses Abschnitts", width, 8, "bold")
        first = True
        for number, (text, sample) in enumerate(items, 1):
            lines, h = _wrapped(text, width - 0.6, size)
            if first:
                if not beside:
                    doc.need(head_h + 0.1 + h)
                    y = doc.y
                top = y

                def head(fig: Any, x: float = x, top: float = top) -> None:
                    _put(fig, x, top, heading, size=8, weight="bold")

                doc.add(head, top + head_h)
                y = top + head_h + 0.1
                if not beside:
                    doc.y = y
                first = False
            if not beside:
                doc.need(h)
                y = doc.y
            color = COLORS["sample"] if sample else "#555555"

            def draw(fig: Any, y: float = y, lines: str = lines, number: int = number, color: str = color) -> None:
                _put(fig, x, y, f"[{number}]", size=size, color=color)
                _put(fig, x + 0.6, y, lines, size=size, color=color)

            doc.add(draw, y + h)
            doc.flag_sample(sample)
            y += h + 0.04
            if not beside:
                doc.y = y


def _refs(numbers: list[int]) -> str:
    """``[3, 1, 2, 4, 8]`` → ``Quellen [1–4, 8]`` (the section's list of sources)."""
    if not numbers:
        return ""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs]
    return ("Quelle [" if len(set(numbers)) == 1 else "Quellen [") + ", ".join(parts) + "]"


# --------------------------------------------------------------------------------------------
# key figures
# --------------------------------------------------------------------------------------------

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


def key_table(doc: _Doc, figures: list[dict[str, Any]], sources: SectionSources) -> None:
    """The section's key figures: value before, now and the change, and the sources cited."""
    cols = [("Kennzahl", 6.0, "left"), ("Vorwert", 2.7, "right"),
            ("Aktuell", 2.7, "right"), ("Veränderung", 4.6, "right")]
    size = 8.5
    line_h = _cm(_text_size_pt("Ag", size)[1])
    pad = 0.1
    doc.text("Kennzahlen", 11, weight="bold", after=0.2, keep=4 * line_h)

    def row(cells: list[str], weight: str, rule: str, lw: float, sample: bool = False) -> None:
        wrapped = [[w for part in c.split("\n") for w in wrap_text(part, (width - 0.25) * PT_PER_CM, size, weight)]
                   for c, (_, width, _) in zip(cells, cols)]
        h = max(len(w) for w in wrapped) * line_h * 1.05 + 2 * pad
        doc.need(h)
        doc.flag_sample(sample)
        y = doc.y

        def draw(fig: Any, y: float = y, wrapped: list = wrapped) -> None:
            x = LEFT_CM
            for lines, (_, w, align) in zip(wrapped, cols):
                xpos = x + (w - 0.1 if align == "right" else 0.1)
                _put(fig, xpos, y + pad, "\n".join(lines), size=size, weight=weight, ha=align)
                x += w
            _line(fig, LEFT_CM, LEFT_CM + TEXT_CM, y + h, color=rule, lw=lw)

        doc.add(draw, y + h)
        doc.y += h

    row([c[0] for c in cols], "bold", "#222222", 0.8)
    numbers: list[int] = []
    for f in figures:
        row(list(figure_cells(f)), "normal", "#CCCCCC", 0.5, bool(f.get("sample")))
        extra = f.get("source_texts")
        if extra is None and not f.get("datasets") and f.get("source"):
            extra = [f["source"]]  # recorded before source texts were kept apart
        numbers += sources.cite(f.get("datasets"), extra)
    doc.y += 0.12
    refs = _refs(list(dict.fromkeys(numbers)))
    if refs:
        doc.text(refs, 7, color="#666666")
    doc.y += 0.4


# --------------------------------------------------------------------------------------------
# charts and boxes
# --------------------------------------------------------------------------------------------

@dataclass
class _Chart:
    entry: dict[str, Any]
    w: float            # cm, as printed at scale 1
    h: float            # cm, the whole image at scale 1
    crop: float         # share of the image's height cut off at the foot (its source line)
    half: bool
    refs: list[int] = field(default_factory=list)

    @property
    def shown_h(self) -> float:
        return self.h * (1 - self.crop)


def _chart(entry: dict[str, Any], slot: float) -> _Chart:
    with Image.open(entry["png_path"]) as im:
        px_w, px_h = im.size
    w = min(slot, px_w / 300 * 2.54)
    h = w * px_h / px_w
    full_h = float(entry.get("height_cm") or h)
    crop = min(0.5, max(0.0, float(entry.get("foot_cm") or 0.0) / full_h)) if full_h else 0.0
    max_h = BODY_CM - 2.5
    if h * (1 - crop) > max_h:
        w, h = w * max_h / (h * (1 - crop)), max_h / (1 - crop)
    return _Chart(entry, w, h, crop, w <= TEXT_CM / 2 + 0.05)


@dataclass
class _Item:
    kind: str                    # "row" or "boxes"
    charts: list[_Chart] = field(default_factory=list)
    boxes: list[dict[str, Any]] = field(default_factory=list)


def _caption(chart: _Chart, number: int | str, width: float) -> tuple[str, float]:
    text = f"Abbildung {number}: {chart.entry['caption']}"
    refs = _refs(chart.refs)
    if refs:
        text += f" – {refs}"
    return _wrapped(text, width, _CAPTION_PT)


def _row_height(item: _Item, scale: float) -> float:
    return max(c.shown_h * scale + 0.2 + _caption(c, 99, c.w * scale)[1] for c in item.charts) + _AFTER_CM


def _fit_scale(item: _Item, room: float, floor: float = MIN_SCALE) -> float | None:
    """The largest scale >= ``floor`` at which the row fits in ``room`` cm."""
    if _row_height(item, 1.0) <= room:
        return 1.0
    lo, hi = floor, 1.0
    if _row_height(item, lo) > room:
        return None
    for _ in range(12):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _row_height(item, mid) <= room else (lo, mid)
    return lo


@dataclass
class _Side:
    """The free half beside a half-width chart standing alone: boxes and sources may go there."""

    page: int
    x: float
    y: float
    bottom: float
    width: float


def _side_slot(doc: _Doc, height: float) -> tuple[float, float, float] | None:
    """(x, y, width) of a place for ``height`` cm in the free half beside a lone chart, if any."""
    side: _Side | None = getattr(doc, "side", None)
    if side is None or side.page != doc.page or side.y + height > side.bottom:
        return None
    x, y = side.x, side.y
    side.y += height
    return x, y, side.width


def _place_row(doc: _Doc, item: _Item, scale: float, counter: list[int], numbers: dict[str, int]) -> None:
    doc.side = None
    doc.need(_row_height(item, scale))
    doc.flag_sample(any(c.entry.get("sample") for c in item.charts))
    y = doc.y
    slot = TEXT_CM if len(item.charts) == 1 and not item.charts[0].half else (TEXT_CM - _GAP_CM) / 2
    x = LEFT_CM
    bottom = y
    for c in item.charts:
        counter[0] += 1
        numbers[c.entry["name"]] = counter[0]
        w, h = c.w * scale, c.shown_h * scale
        lines, cap_h = _caption(c, counter[0], w)
        doc.bookmark(f"Abbildung {counter[0]}: {c.entry.get('title') or c.entry['caption']}", level=1, y=y)

        def draw(fig: Any, c: _Chart = c, x: float = x, w: float = w, h: float = h, lines: str = lines) -> None:
            _image(fig, c.entry["png_path"], x, y, w, h, c.crop)
            _put(fig, x, y + h + 0.2, lines, size=_CAPTION_PT)

        bottom = max(bottom, y + h + 0.2 + cap_h)
        doc.add(draw, y + h + 0.2 + cap_h)
        x += slot + _GAP_CM
    if len(item.charts) == 1 and item.charts[0].half:
        doc.side = _Side(doc.page, LEFT_CM + slot + _GAP_CM, y, bottom, TEXT_CM - slot - _GAP_CM)
    doc.y = bottom + _AFTER_CM


def _box_text(entry: dict[str, Any]) -> str:
    """The German text of a missing-data box: what is missing and the command that brings it."""
    dataset = entry.get("dataset") or "?"
    title = entry.get("title") or dataset
    headings = [f"„{h}“" for h in entry.get("headings") or [entry.get("heading")] if h]
    if len(headings) > 1:
        what, verb = ", ".join(headings[:-1]) + " und " + headings[-1], "fehlen"
    else:
        what, verb = (headings[0] if headings else "Dieser Teil"), "fehlt"
    where = f" (Bezugsquelle: {entry['landing_page']})" if entry.get("landing_page") else ""
    if entry.get("loaded"):  # e.g. osm_pois from the snapshot without the shop or hotel groups
        lacks = entry.get("lacks") or "nicht die Angaben, die dieser Teil braucht"
        text = (f"{what} {verb}: Der geladene Datensatz {title} ({dataset}) enthält {lacks}. "
                f"Vollständig laden mit lichtenberg-data refresh {dataset} "
                f"oder lichtenberg-data import {dataset} DATEI{where}; "
                f"welche Dateien passen, sagt lichtenberg-data info {dataset}.")
    else:
        text = (f"{what} {verb}: Der Datensatz {title} ({dataset}) ist nicht geladen. "
                f"So kommt er dazu: lichtenberg-data import {dataset} DATEI{where}; "
                f"welche Dateien passen, sagt lichtenberg-data info {dataset}.")
    for other in entry.get("also") or []:  # further datasets the same part needs
        text += (f" Ebenso fehlt der Datensatz {other.get('title') or other['dataset']} ({other['dataset']}): "
                 f"lichtenberg-data import {other['dataset']} DATEI"
                 + (f" (Bezugsquelle: {other['landing_page']})" if other.get("landing_page") else "") + ".")
    return text


def _box_height(entry: dict[str, Any]) -> float:
    return _wrapped(_box_text(entry), TEXT_CM - 0.6, _BOX_PT)[1] + 0.36


def _place_boxes(doc: _Doc, boxes: list[dict[str, Any]]) -> None:
    """Missing-data boxes one below the other, close together (a page break may fall between)."""
    below = False
    for entry in boxes:
        side = getattr(doc, "side", None)
        width = side.width if side is not None and side.page == doc.page else TEXT_CM
        lines, text_h = _wrapped(_box_text(entry), width - 0.6, _BOX_PT)
        slot = _side_slot(doc, text_h + 0.36 + 0.15)
        if slot is None:  # below, at full width
            doc.side = None
            width = TEXT_CM
            lines, text_h = _wrapped(_box_text(entry), width - 0.6, _BOX_PT)
            doc.need(text_h + 0.36)
            slot = (LEFT_CM, doc.y, width)
            doc.y += text_h + 0.36 + 0.15
            below = True
        x, y, width = slot
        h = text_h + 0.36

        def draw(fig: Any, x: float = x, y: float = y, w: float = width, h: float = h, lines: str = lines) -> None:
            _frame(fig, x, y, w, h, "#F2F2F2", "#AAAAAA", 0.6)
            _put(fig, x + 0.3, y + 0.18, lines, size=_BOX_PT, color="#333333")

        doc.add(draw, y + h)
    if below:
        doc.y += 0.35


def _items(charts: list[dict[str, Any]], missing: list[dict[str, Any]], sources: SectionSources) -> list[_Item]:
    """Rows of charts and runs of boxes, in the order the notebooks made them.

    The parts of a section that miss the same dataset share one box (where the first of them
    would be): „1 …“ und „2 …“ fehlen. Two half-width charts share a row; a half-width chart
    alone takes the next half-width chart of the section up beside it.
    """
    boxes: list[dict[str, Any]] = []
    by_cause: dict[tuple, dict[str, Any]] = {}
    for m in sorted(missing, key=lambda m: (m.get("notebook", ""), m.get("order") or 0)):
        cause = (m.get("notebook"), m.get("dataset"), bool(m.get("loaded")), m.get("lacks"),
                 tuple(sorted(o.get("dataset") for o in m.get("also") or [])))
        box = by_cause.get(cause)
        if box is None:
            box = by_cause[cause] = {**m, "headings": []}
            boxes.append(box)
        if m.get("heading") not in box["headings"]:
            box["headings"].append(m.get("heading"))
    ordered = sorted([(c.get("notebook", ""), c.get("order") or 0, 0, c) for c in charts]
                     + [(m.get("notebook", ""), m.get("order") or 0, 1, m) for m in boxes],
                     key=lambda t: (t[0], t[1], t[2]))
    items: list[_Item] = []
    for _, _, kind, entry in ordered:
        if kind == 1:
            if items and items[-1].kind == "boxes":
                items[-1].boxes.append(entry)
            else:
                items.append(_Item("boxes", boxes=[entry]))
            continue
        chart = _chart(entry, TEXT_CM)
        if chart.half:
            chart = _chart(entry, (TEXT_CM - _GAP_CM) / 2)
        texts = entry.get("source_texts")
        if texts is None and not entry.get("datasets") and entry.get("source"):
            texts = [entry["source"]]
        chart.refs = sources.cite(entry.get("datasets"), texts)
        lone = [i for i in items[-3:] if i.kind == "row" and len(i.charts) == 1 and i.charts[0].half]
        if chart.half and lone:
            lone[0].charts.append(chart)
        else:
            items.append(_Item("row", charts=[chart]))
    return items


def _fits(doc: _Doc, item: _Item, floor: float = 1.0) -> float | None:
    """The scale (>= ``floor``) ``item`` fits in the rest of the page at (boxes: 1 when the first fits)."""
    if item.kind == "boxes":
        return 1.0 if _box_height(item.boxes[0]) <= doc.room() else None
    return _fit_scale(item, doc.room(), floor)


def _fresh(doc: _Doc) -> bool:
    """Nothing but a continuation line is on the current page."""
    from ._layout import TOP_CM

    return doc.used[-1] <= TOP_CM + 1e-6


def section_blocks(doc: _Doc, charts: list[dict[str, Any]], missing: list[dict[str, Any]],
                   sources: SectionSources, counter: list[int], numbers: dict[str, int], *,
                   tight: bool = False) -> None:
    """Place the section's charts and boxes (see the module docstring); ``numbers`` receives the
    figure number of each chart by name. ``tight`` draws charts down to :data:`TIGHT_SCALE` and
    moves blocks up into any page a quarter empty (to save a page that would hold little)."""
    floor, float_room = (TIGHT_SCALE, 0.15) if tight else (MIN_SCALE, _FLOAT_ROOM)
    pending = _items(charts, missing, sources)
    while pending:
        item = pending[0]
        if item.kind == "boxes":
            _place_boxes(doc, item.boxes)
            pending.pop(0)
            continue
        scale = _fits(doc, item, floor) if doc.pages else None
        if scale is None and doc.pages and _fresh(doc):
            scale = floor  # nothing on this page yet: never push a chart on forever
        if scale is not None:
            _place_row(doc, item, scale, counter, numbers)
            pending.pop(0)
            continue
        if doc.pages and doc.room() > float_room * BODY_CM:  # the page would stay mostly empty
            for j, later in enumerate(pending[1:4], 1):
                later_scale = _fits(doc, later, floor)
                if later_scale is not None:
                    if later.kind == "boxes":
                        _place_boxes(doc, later.boxes)
                    else:
                        _place_row(doc, later, later_scale, counter, numbers)
                    pending.pop(j)
                    break
            else:
                doc.new_page()
            continue
        doc.new_page()
