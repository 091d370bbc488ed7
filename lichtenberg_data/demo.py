"""The offline demo: a mirror of generated sample data in the portals' real formats.

Every dataset of the catalogue declares, per resource, a ``sample`` function that returns
bytes in the format its portal publishes (CSV with the portal's quirks, WFS GeoJSON, AfS
xlsx...). :func:`write_mirror` lays them out as ``<mirror>/<dataset>/<file name>`` with a
marker file, so that ``lichtenberg-data refresh --mirror <mirror>`` marks everything it loads
as sample data, and every chart says so.
"""

from __future__ import annotations

from pathlib import Path

from . import catalog
from ._refresh import SAMPLE_MARKER
from ._store import atomic_write_bytes

__all__ = ["write_mirror", "sample_writers"]


def sample_writers() -> dict:
    """Sample writers of the modules ``lichtenberg_data._samples_<topic>`` (their ``SAMPLES`` dicts,
    keyed by ``(dataset_id, resource_name)``), for resources declared without ``sample=``."""
    import importlib
    import pkgutil

    import lichtenberg_data

    found: dict = {}
    for info in pkgutil.iter_modules(lichtenberg_data.__path__):
        if info.name.startswith("_samples_"):
            found.update(importlib.import_module(f"lichtenberg_data.{info.name}").SAMPLES)
    return found


def write_mirror(folder: Path) -> Path:
    """Write the sample mirror into ``folder`` and return it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = write_mirror(pathlib.Path(tempfile.mkdtemp()) / "mirror")   # doctest: +SKIP
    >>> (root / "SAMPLE_DATA.txt").exists()                                 # doctest: +SKIP
    True
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    missing = []
    writers = sample_writers()
    for ds in catalog.datasets():
        for res in ds.resources:
            writer = res.sample or writers.get((ds.id, res.name))
            if writer is None:
                missing.append(f"{ds.id}/{res.name}")
                continue
            atomic_write_bytes(folder / ds.id / res.name, writer())
    note = ("Generated sample data for the offline demo of lichtenberg_data. Formats follow the portals;\n"
            "the numbers are synthetic and are NOT official figures.\n")
    if missing:
        note += "Resources without sample: " + ", ".join(missing) + "\n"
    (folder / SAMPLE_MARKER).write_text(note, encoding="utf-8")
    return folder
