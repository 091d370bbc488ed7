"""The outcome of each dataset in a refresh or import, and the change report: rows, columns and
totals before and after.

Written as Markdown (for people) and JSON (for programs) to ``data/reports/``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from . import _store
from ._kept import FileTally
from .settings import settings

__all__ = ["Outcome", "Stored", "totals", "change_report", "write_report"]


@dataclass
class Outcome:
    """What happened to one dataset: ``fresh``, ``unchanged``, ``skipped``, ``failed``, (a
    rebuild) ``rebuilt`` or (``demo``, sample data of an earlier run) ``removed``.

    ``files`` says, per new file, how many rows it gave and which records it left out and why
    (:class:`lichtenberg_data._kept.FileTally`; ``FileTally.line()`` is the line the CLI prints),
    and names a stored file that gives no row any more (e.g. an export that a new Overpass
    answer of its group replaces), with why.
    """

    dataset: str
    state: str
    reason: str = ""
    rows: int | None = None
    report: dict[str, Any] = field(default_factory=dict)
    files: list[FileTally] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """Whether the dataset failed (its last good data were kept)."""
        return self.state == "failed"


def totals(df: Any) -> dict[str, float]:
    """The sum of every numeric column but the keys."""
    num = df.select_dtypes("number")
    return {c: float(num[c].sum()) for c in num.columns if not c.endswith("_id")}


@dataclass
class Stored:
    """What the change report needs of a stored table that is not read whole (a month of the IHK
    register): its rows, its column names and :func:`totals`."""

    rows: int
    columns: list[str]
    totals: dict[str, float]

    def __len__(self) -> int:
        return self.rows


def change_report(old: Any, new: Any) -> dict[str, Any]:
    """Rows, columns added/removed and changed column totals of a table (or :class:`Stored`)
    against its predecessor."""
    report: dict[str, Any] = {"rows_before": None if old is None else len(old), "rows_after": len(new)}
    if old is not None:
        report["columns_added"] = sorted(set(new.columns) - set(old.columns))
        report["columns_removed"] = sorted(set(old.columns) - set(new.columns))
        before, after = old.totals if isinstance(old, Stored) else totals(old), totals(new)
        report["totals"] = {c: {"before": before.get(c), "after": after[c]} for c in after
                            if before.get(c) != after[c]}
    return report


def write_report(outcomes: list[Outcome], kind: str) -> Path:
    """Write the change report of a run as Markdown and JSON into ``data/reports/``."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    folder = settings.data_dir / "reports"
    lines = [f"# {kind} {datetime.now():%d.%m.%Y %H:%M}", "", "| dataset | state | rows before | rows after | note |",
             "|---|---|---|---|---|"]
    for o in outcomes:
        r = o.report
        lines.append(f"| {o.dataset} | {o.state} | {r.get('rows_before', '')} | {r.get('rows_after', o.rows or '')} "
                     f"| {o.reason} |")
    for o in outcomes:
        r = o.report
        if o.files or r.get("columns_added") or r.get("columns_removed") or r.get("totals"):
            lines += ["", f"## {o.dataset}"]
            lines += [f"- file {t.line()}" for t in o.files]
            if r.get("columns_added"):
                lines.append(f"- columns added: {', '.join(r['columns_added'])}")
            if r.get("columns_removed"):
                lines.append(f"- columns removed: {', '.join(r['columns_removed'])}")
            for col, t in list(r.get("totals", {}).items())[:30]:
                lines.append(f"- total {col}: {t['before']} → {t['after']}")
    _store.atomic_write_bytes(folder / f"{kind}-{stamp}.md", "\n".join(lines).encode("utf-8"))
    data = [{"dataset": o.dataset, "state": o.state, "reason": o.reason, "rows": o.rows, **o.report,
             "files": [t.as_dict() for t in o.files]} for o in outcomes]
    path = folder / f"{kind}-{stamp}.json"
    _store.atomic_write_bytes(path, json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8"))
    return path
