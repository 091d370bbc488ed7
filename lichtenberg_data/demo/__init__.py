"""The offline demo: a mirror of sample files in the portals' real formats.

Sample writers live here, never in :mod:`lichtenberg_data.sources` (which declare and parse
only). :data:`SAMPLES` maps a dataset id to a function that writes the sample bytes of one of
its resources; :func:`write_mirror` lays them out as ``<mirror>/<dataset>/<file name>`` with a
marker file, so that ``lichtenberg-data refresh --mirror <mirror>`` marks everything it loads
as sample data, and every chart says so.

Modules: :mod:`.city` (the synthetic sample city), one module of sample writers per source
(:mod:`.population`, :mod:`.geography`, :mod:`.social`, :mod:`.labour`, :mod:`.jobsuche`,
:mod:`.business`, :mod:`.land`, :mod:`.tourism`). A module may also give a table ``SAMPLES`` keyed by
``(dataset id, resource name)``; :func:`_per_resource` turns it into writers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from .. import catalog
from .._refresh import SAMPLE_MARKER
from .._store import atomic_write_bytes
from ._mark import mark

__all__ = ["SAMPLES", "sample_bytes", "write_mirror"]


def _year(name: str) -> int:
    return int(re.search(r"(20\d\d)", name).group(1))


def _ewr(res: catalog.Resource) -> bytes:
    from .population import sample_ewr_matrix

    return sample_ewr_matrix(_year(res.name))


def _ortsteile_ewr(res: catalog.Resource) -> bytes:
    from .population import sample_ewr_ortsteile

    return sample_ewr_ortsteile()


def _wfs_layer(level: str, version: str) -> Callable[[catalog.Resource], bytes]:
    def write(res: catalog.Resource) -> bytes:
        from .geography import sample_lor_layer

        return sample_lor_layer(level, version, res.wfs.type_name)
    return write


def _geography(func: str) -> Callable[[catalog.Resource], bytes]:
    def write(res: catalog.Resource) -> bytes:
        from . import geography

        return getattr(geography, func)()
    return write


def _lor_2006(res: catalog.Resource) -> bytes:
    from .geography import sample_key_list_2019, sample_lor_layer

    if res.name.endswith(".csv"):
        return sample_key_list_2019()
    return sample_lor_layer("planungsraum", "2006", res.wfs.type_name)


def _mss(res: catalog.Resource) -> bytes:
    from .social import sample_mss

    return sample_mss(_year(res.name))


def _gssa(res: catalog.Resource) -> bytes:
    from .social import sample_gssa

    return sample_gssa(re.search(r"gssa_2022_(\w+)\.csv", res.name).group(1))


def _beschaeftigte(res: catalog.Resource) -> bytes:
    from .labour import sample_beschaeftigte

    return sample_beschaeftigte(_year(res.name))


def _arbeitslose(res: catalog.Resource) -> bytes:
    from .labour import sample_arbeitslose

    return sample_arbeitslose(_year(res.name))


def _jobsuche(res: catalog.Resource) -> bytes:
    from .jobsuche import sample_jobsuche

    return sample_jobsuche()


def _ihk(res: catalog.Resource) -> bytes:
    from .business import sample_ihk

    return sample_ihk()


def _per_resource(table: dict[tuple[str, str], Callable[[], bytes]]) -> dict[str, Callable]:
    """Writers from a ``{(dataset, resource name): write}`` table; ``None`` for other resources."""
    by_dataset: dict[str, dict[str, Callable[[], bytes]]] = {}
    for (dataset, name), write in table.items():
        by_dataset.setdefault(dataset, {})[name] = write
    return {ds: (lambda res, m=m: m[res.name]() if res.name in m else None) for ds, m in by_dataset.items()}


def _tables() -> dict[str, Callable]:
    from . import land, tourism

    return _per_resource({**land.SAMPLES, **tourism.SAMPLES})


#: Dataset id → writer of the sample bytes of one of its resources (``None``: no sample for it).
SAMPLES: dict[str, Callable[[catalog.Resource], bytes | None]] = {
    "einwohner_lor": _ewr,
    "einwohner_ortsteile": _ortsteile_ewr,
    "bezirke": _geography("sample_bezirke"),
    "ortsteile": _geography("sample_ortsteile"),
    "lor_schluessel": _geography("sample_lor_schluessel"),
    "lor_planungsraeume": _wfs_layer("planungsraum", "2021"),
    "lor_bezirksregionen": _wfs_layer("bezirksregion", "2021"),
    "lor_prognoseraeume": _wfs_layer("prognoseraum", "2021"),
    "lor_planungsraeume_2006": _lor_2006,
    "mss": _mss,
    "gssa": _gssa,
    "beschaeftigte_bezirke": _beschaeftigte,
    "arbeitslose_bezirke": _arbeitslose,
    "stellenangebote": _jobsuche,
    "ihk_gewerbedaten": _ihk,
    **_tables(),
}


def _written(writer: Callable[[catalog.Resource], bytes | None], res: catalog.Resource) -> bytes | None:
    data = writer(res)
    return None if data is None else mark(data)


def sample_bytes(dataset_id: str, resource: str) -> bytes:
    """The sample file of one resource of a dataset, in the portal's format.

    Examples
    --------
    >>> sample_bytes("einwohner_lor", "EWR_L21_202512E_Matrix.csv")[:30]
    b'"ZEIT";"RAUMID";"BEZ";"PGR";"B'
    """
    ds = catalog.get(dataset_id)
    data = _written(SAMPLES[dataset_id], ds.resource(resource)) if dataset_id in SAMPLES else None
    if data is None:
        raise KeyError(f"{dataset_id}/{resource} has no sample writer")
    return data


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
    for ds in catalog.datasets():
        writer = SAMPLES.get(ds.id)
        for res in ds.resources:
            data = _written(writer, res) if writer is not None else None
            if data is None:
                missing.append(f"{ds.id}/{res.name}")
                continue
            atomic_write_bytes(folder / ds.id / res.name, data)
    note = ("Generated sample data for the offline demo of lichtenberg_data. Formats follow the portals;\n"
            "the numbers are synthetic and are NOT official figures.\n")
    if missing:
        note += "Resources without sample: " + ", ".join(missing) + "\n"
    atomic_write_bytes(folder / SAMPLE_MARKER, note.encode("utf-8"))
    return folder
