"""The charts and missing-data boxes of a section.

Charts are placed in the order the notebooks made them, two half-width charts side by side, one
above the other where they fit. A chart that does not fit in the rest of a page is drawn a little
smaller (down to :data:`MIN_SCALE`; a map, whose Ortsteil names must stay legible, only down to
:data:`MAP_SCALE`) or, when the page would stay mostly empty, a later chart or
box of the section that fits moves up (figure numbers follow the printed order). Each chart is
printed without its own source line (the strip at its foot is cut off): its caption cites the
numbered list of sources at the end of the section, where every source of the section appears once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from ._layout import (
    BODY_CM,
    LEFT_CM,
    TEXT_CM,
    Side,
    _Doc,
    _frame,
    _image,
    _put,
    _wrapped,
    side_slot,
)
from ._sources import SectionSources
from ._sources import refs as cite_refs

__all__ = ["section_blocks", "MIN_SCALE", "TIGHT_SCALE", "MAP_SCALE"]

#: The smallest scale a chart is drawn at to fill a page (its text shrinks with it).
MIN_SCALE = 0.88
#: ... and when a section would otherwise end with a page holding little.
TIGHT_SCALE = 0.8
#: A map is never drawn smaller than this: its Ortsteil names (6,2 pt) stay legible in print.
MAP_SCALE = 0.95
#: A page with more room left than this share of its height takes a later block that fits.
_FLOAT_ROOM = 0.3
_GAP_CM = 0.4          # between two charts side by side
_CAPTION_PT = 8.5
_AFTER_CM = 0.55       # below a row of charts
_BOX_PT = 8.5


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
    refs = cite_refs(chart.refs)
    if refs:
        text += f" – {refs}"
    return _wrapped(text, width, _CAPTION_PT)


def _row_height(item: _Item, scale: float) -> float:
    return max(c.shown_h * scale + 0.2 + _caption(c, 99, c.w * scale)[1] for c in item.charts) + _AFTER_CM


def _floor(item: _Item, floor: float) -> float:
    """``floor``, or :data:`MAP_SCALE` for a row showing a map."""
    return max(floor, MAP_SCALE) if any(c.entry.get("map") for c in item.charts) else floor


def _fit_scale(item: _Item, room: float, floor: float = MIN_SCALE) -> float | None:
    """The largest scale >= ``floor`` (a map: >= :data:`MAP_SCALE`) at which the row fits in ``room`` cm."""
    floor = _floor(item, floor)
    if _row_height(item, 1.0) <= room:
        return 1.0
    lo, hi = floor, 1.0
    if _row_height(item, lo) > room:
        return None
    for _ in range(12):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _row_height(item, mid) <= room else (lo, mid)
    return lo


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
        c.entry["scale"] = round(scale, 3)  # as printed (the manifest records it)
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
        doc.side = Side(doc.page, LEFT_CM + slot + _GAP_CM, y, bottom, TEXT_CM - slot - _GAP_CM)
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
    parts = [h for h in entry.get("headings") or [entry.get("heading")] if h]
    for other in entry.get("also") or []:  # further datasets the same part needs
        needing = [h for h in other.get("for") or [] if h]
        if needing and set(needing) != set(parts):  # only some of the parts in this box need it
            which = " und ".join(f"„{h}“" for h in needing)
            text += f" Für {which} fehlt außerdem der Datensatz"
        else:
            text += " Ebenso fehlt der Datensatz"
        text += (f" {other.get('title') or other['dataset']} ({other['dataset']}): "
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
        slot = side_slot(doc, text_h + 0.36 + 0.15)
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
    would be): „1 …“ und „2 …“ fehlen; a further dataset only some of them need is named with
    them (Für „2 …“ fehlt außerdem …). Two half-width charts share a row; a half-width chart
    alone takes the next half-width chart of the section up beside it.
    """
    boxes: list[dict[str, Any]] = []
    by_cause: dict[tuple, dict[str, Any]] = {}
    for m in sorted(missing, key=lambda m: (m.get("notebook", ""), m.get("order") or 0)):
        cause = (m.get("notebook"), m.get("dataset"), bool(m.get("loaded")), m.get("lacks"))
        box = by_cause.get(cause)
        if box is None:
            box = by_cause[cause] = {**m, "headings": [], "also": []}
            boxes.append(box)
        heading = m.get("heading")
        if heading not in box["headings"]:
            box["headings"].append(heading)
        for other in m.get("also") or []:
            known = next((o for o in box["also"] if o.get("dataset") == other.get("dataset")), None)
            if known is None:
                known = {**other, "for": []}
                box["also"].append(known)
            if heading not in known["for"]:
                known["for"].append(heading)
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
            scale = _floor(item, floor)  # nothing on this page yet: never push a chart on forever
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
