"""What an import or refresh kept of each file, and what it left out and why.

Parsers report the records they leave out on purpose (objects outside Berlin, records broken by a
line break, duplicates, unknown tags) with :func:`drop`, and, where one parser reads several files
at once, how many rows each file gave with :func:`kept`. The build collects these reports with
:func:`tally` around each parse and hands them to the outcome of the import, so that a user reads
per file what was kept and what was dropped; a file that gives nothing is an error, never a
silent success.

Outside a :func:`tally` block the calls do nothing, so a parser runs unchanged in a notebook.

Examples
--------
>>> from lichtenberg_data import _kept
>>> with _kept.tally() as files:
...     _kept.kept("bars.json", 928)
...     _kept.drop("bars.json", "outside Berlin", 17, examples=["node/123"])
>>> files["bars.json"].kept, files["bars.json"].dropped
(928, {'outside Berlin': 17})
>>> files["bars.json"].line()
'bars.json: 928 kept; 17 dropped (17 outside Berlin, e.g. node/123)'
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["FileTally", "drop", "kept", "tally"]

#: How many examples of each reason are kept for the report.
MAX_EXAMPLES = 5


@dataclass
class FileTally:
    """Rows one file gave to the table (``kept``, ``None`` when the parser did not say) and the
    records it left out, counted per reason, with a few examples each (ids or line numbers)."""

    file: str
    kept: int | None = None
    dropped: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def line(self) -> str:
        """One line for the import summary."""
        parts = [f"{self.kept} kept" if self.kept is not None else "read"]
        if self.dropped:
            reasons = []
            for reason, n in self.dropped.items():
                shown = self.examples.get(reason, [])
                reasons.append(f"{n} {reason}, e.g. {', '.join(shown)}" if shown else f"{n} {reason}")
            parts.append(f"{sum(self.dropped.values())} dropped ({'; '.join(reasons)})")
        return f"{self.file}: " + "; ".join(parts)

    def as_dict(self) -> dict:
        """A plain dict for the JSON report."""
        return {"file": self.file, "kept": self.kept, "dropped": dict(self.dropped),
                "examples": {k: list(v) for k, v in self.examples.items()}}


_current: ContextVar[dict[str, FileTally] | None] = ContextVar("lichtenberg_data_kept", default=None)


def _name(file: str | Path) -> str:
    return Path(file).name


def _entry(file: str | Path) -> FileTally | None:
    files = _current.get()
    if files is None:
        return None
    name = _name(file)
    return files.setdefault(name, FileTally(name))


def kept(file: str | Path, rows: int) -> None:
    """Record that ``file`` gave ``rows`` rows to the table (a parser reading several files)."""
    entry = _entry(file)
    if entry is not None:
        entry.kept = int(rows)


def drop(file: str | Path, reason: str, count: int = 1, examples: Sequence[object] = ()) -> None:
    """Record that ``count`` records of ``file`` were left out for ``reason`` (a short English
    phrase, e.g. ``"outside Berlin"``), with a few ``examples`` (ids, line numbers)."""
    entry = _entry(file)
    if entry is None or count <= 0:
        return
    entry.dropped[reason] = entry.dropped.get(reason, 0) + int(count)
    shown = entry.examples.setdefault(reason, [])
    shown += [str(e) for e in examples][: MAX_EXAMPLES - len(shown)]


@contextmanager
def tally() -> Iterator[dict[str, FileTally]]:
    """Collect, per file name, what the parsers called inside the block report."""
    files: dict[str, FileTally] = {}
    token = _current.set(files)
    try:
        yield files
    finally:
        _current.reset(token)
