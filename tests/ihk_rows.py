"""Monthly IHK snapshots built from real rows of IHK's monthly change files.

The change files in ``real-data/business/ihk-monthly-diffs-2023`` hold the rows (unmodified IHK
lines) that were deleted and added between two monthly snapshots. Two snapshots rebuilt from them
(a base of the deleted rows plus rows both months share, and the next month = base - deleted +
added) must give exactly those entries and exits.
"""

from __future__ import annotations

import csv
import functools
import io
from pathlib import Path


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a real change file (CR-only line ends, commas, quoted fields)."""
    text = path.read_bytes().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], [r for r in rows[1:] if r]


def write_snapshot(path: Path, header: list[str], *row_sets: list[list[str]]) -> Path:
    """An IHK CSV of the given rows in the real dialect of the change files (CR line ends)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_csv_bytes(header, *row_sets))
    return path


def _csv_bytes(header: list[str], *row_sets: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r")
    writer.writerow(header)
    for rows in row_sets:
        writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def july_2023(real_data: Path, folder: Path) -> tuple[Path, Path, dict[str, list[list[str]]]]:
    """June and July 2023 rebuilt from the real rows: June = July's deleted rows + shared rows
    (June's added rows, which no July change file names), July = June - deleted + added.

    The two files are written into ``folder``; the rows are read once per test process and
    shared by the tests (read them, do not change them)."""
    june, july, rows = _july_2023(real_data / "business" / "ihk-monthly-diffs-2023")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "IHK_OD_06-2023.csv").write_bytes(june)
    (folder / "IHK_OD_07-2023.csv").write_bytes(july)
    return folder / "IHK_OD_06-2023.csv", folder / "IHK_OD_07-2023.csv", rows


@functools.cache
def _july_2023(diffs: Path) -> tuple[bytes, bytes, dict[str, list[list[str]]]]:
    header, deleted = read_rows(diffs / "07_july_deleted.csv")
    _, added = read_rows(diffs / "07_july_added.csv")
    _, shared = read_rows(diffs / "06_june_added.csv")
    return (_csv_bytes(header, deleted, shared), _csv_bytes(header, shared, added),
            {"header": [header], "deleted": deleted, "added": added, "shared": shared})
