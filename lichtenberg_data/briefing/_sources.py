"""The sources of a section, each once: numbered in citing order, cited by the key-figure table
and the captions („Quellen [1–3]“), listed at the end of the section („Quellen dieses Abschnitts“).

A source is one dataset edition (its German source entry, with the sample mark where it is sample
data) or one free text; a section lists each of them once, however many charts rest on it.
"""

from __future__ import annotations

from typing import Any

from .._provenance import SAMPLE_NOTE, source_entry
from ..charts.style import COLORS
from ._layout import LEFT_CM, TEXT_CM, _Doc, _put, _wrapped, side_slot

__all__ = ["SectionSources", "refs"]


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
            slot = side_slot(doc, need + 0.2)
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


def refs(numbers: list[int]) -> str:
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
