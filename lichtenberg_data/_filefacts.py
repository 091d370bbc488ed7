"""What the toolkit knows of a file beyond its bytes, for the few parsers that need it.

A parser gets paths only. Some facts about a file live outside it: the day it was downloaded
from the portal (known for a refresh), the month given with ``import --stand``, and options
given on import (``--business-type-swapped yes``). Import and refresh set them around the
parse with :func:`given`; the manifest keeps them with the raw snapshot (``facts``), so a
rebuild from the stored raw file parses with the same facts and gives the same table. A raw
snapshot stored before facts were kept gets its download day from its manifest entry
(:func:`of_snapshot`).

>>> with given({"stand": "2023-07"}):
...     current().stand
'2023-07'
>>> current().stand is None
True
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FileFacts", "current", "given", "of_snapshot"]


@dataclass(frozen=True)
class FileFacts:
    """Facts about the file being parsed.

    Attributes
    ----------
    obtained
        ISO date the file was downloaded from the portal, when the toolkit downloaded it.
    stand
        ``YYYY-MM`` given with ``import --stand`` (a dataset stored by month).
    options
        Import options declared by the dataset (:attr:`catalog.Dataset.import_options`).
    """

    obtained: str | None = None
    stand: str | None = None
    options: Mapping[str, str] = field(default_factory=dict)

    def option(self, name: str) -> str | None:
        """The value of an import option, ``None`` when not given."""
        return self.options.get(name)

    def as_dict(self) -> dict[str, Any]:
        """The non-empty facts, as kept in the manifest."""
        out: dict[str, Any] = {}
        if self.obtained:
            out["obtained"] = self.obtained
        if self.stand:
            out["stand"] = self.stand
        if self.options:
            out["options"] = dict(self.options)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> FileFacts:
        """Facts from their manifest form (``None`` or ``{}``: none known)."""
        data = data or {}
        return cls(obtained=data.get("obtained"), stand=data.get("stand"), options=dict(data.get("options") or {}))


_CURRENT: ContextVar[FileFacts | None] = ContextVar("lichtenberg_data_file_facts", default=None)


def current() -> FileFacts:
    """The facts of the file being parsed (empty outside :func:`given`)."""
    return _CURRENT.get() or FileFacts()


@contextmanager
def given(facts: FileFacts | Mapping[str, Any] | None) -> Iterator[FileFacts]:
    """Parse with these facts known (a dict in the manifest form is accepted)."""
    value = facts if isinstance(facts, FileFacts) else FileFacts.from_dict(facts)
    token = _CURRENT.set(value)
    try:
        yield value
    finally:
        _CURRENT.reset(token)


def of_snapshot(snap: Mapping[str, Any]) -> dict[str, Any]:
    """The facts of a stored raw snapshot: those kept with it, else (a snapshot stored before
    facts were kept) the download day of a file the toolkit downloaded itself.

    >>> of_snapshot({"arrived": "download", "retrieved_at": "2026-03-02T08:00:00+01:00"})
    {'obtained': '2026-03-02'}
    >>> of_snapshot({"arrived": "import", "retrieved_at": "2026-03-02T08:00:00+01:00"})
    {}
    """
    if "facts" in snap:
        return dict(snap["facts"] or {})
    if snap.get("arrived") == "download" and snap.get("retrieved_at"):
        return {"obtained": str(snap.get("source_retrieved_at") or snap["retrieved_at"])[:10]}
    return {}
