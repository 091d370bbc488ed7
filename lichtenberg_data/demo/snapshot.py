"""The shipped snapshot of real portal files: where it is and which datasets it holds.

``snapshot/`` in the project is a mirror folder (``<dataset>/<file>``) of unmodified files from
the Berlin portals, with ``MANIFEST.json`` (SHA-256, publisher, licence, Stand, source address of
each file) and ``ATTRIBUTION.md``; ``lichtenberg-data refresh --mirror snapshot`` checks every
file against its checksum before it parses it.
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["SNAPSHOT", "snapshot_datasets"]

#: The shipped snapshot of real portal files (a mirror folder).
SNAPSHOT = Path(__file__).resolve().parents[2] / "snapshot"


def snapshot_datasets(folder: Path = SNAPSHOT) -> list[str]:
    """The datasets that have real files in the snapshot (from its ``MANIFEST.json``).

    Examples
    --------
    >>> "einwohner_lor" in snapshot_datasets()
    True
    """
    manifest = json.loads((folder / "MANIFEST.json").read_text(encoding="utf-8"))
    return list(dict.fromkeys(f["dataset"] for f in manifest["files"]))
