"""The offline demo: the real open-data snapshot, and generated sample data only on request.

:func:`load` (``lichtenberg-data demo``, run by ``make demo``) fills the data folder offline:
every dataset with a real file in the shipped snapshot (``snapshot/`` in the project, a mirror
of unmodified portal files with ``MANIFEST.json`` and ``ATTRIBUTION.md``) is refreshed from it,
and nothing else: the briefing shows real numbers only, and a part whose dataset has no real
file is a box naming the dataset and how to get it. Sample data an earlier run generated are
removed. With ``samples=True`` (``lichtenberg-data demo --with-samples``) the datasets that
hold no real data get generated sample data, for trying the full layout; they are marked as
such on every chart, key figure, source line and appendix row, and on every page that shows
them.

Sample writers live here, never in :mod:`lichtenberg_data.sources` (which declare and parse
only). :data:`SAMPLES` maps a dataset id to a function that writes the sample bytes of one of
its resources; :func:`write_mirror` lays them out as ``<mirror>/<dataset>/<file name>`` with a
marker file, so that ``lichtenberg-data refresh --mirror <mirror>`` marks everything it loads
as sample data. Writers of datasets that have real files (population, geography, MSS, …) are
kept for the tests only and are not part of :data:`SAMPLES`.

Modules: :mod:`.city` (the synthetic sample city), one module of sample writers per source
(:mod:`.population`, :mod:`.geography`, :mod:`.social`, :mod:`.labour`, :mod:`.jobsuche`,
:mod:`.business`, :mod:`.land`, :mod:`.tourism`, :mod:`.planning`,
:mod:`.forecast`). A module may also give a table ``SAMPLES`` keyed by
``(dataset id, resource name)``; :func:`_per_resource` turns it into writers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import catalog
from .._fetch import SAMPLE_MARKER
from .._store import atomic_write_bytes
from ._mark import mark
from .snapshot import SNAPSHOT, snapshot_datasets

__all__ = ["SAMPLES", "TEST_SAMPLES", "SNAPSHOT", "snapshot_datasets", "sample_bytes", "write_mirror", "load"]


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


def _prognose(res: catalog.Resource) -> bytes:
    from .forecast import sample_prognose

    return sample_prognose()


def _per_resource(table: dict[tuple[str, str], Callable[[], bytes]]) -> dict[str, Callable]:
    """Writers from a ``{(dataset, resource name): write}`` table; ``None`` for other resources."""
    by_dataset: dict[str, dict[str, Callable[[], bytes]]] = {}
    for (dataset, name), write in table.items():
        by_dataset.setdefault(dataset, {})[name] = write
    return {ds: (lambda res, m=m: m[res.name]() if res.name in m else None) for ds, m in by_dataset.items()}


def _tables(real: bool) -> dict[str, Callable]:
    """Writers of the per-module tables: of datasets with a real snapshot file (``real``), or without."""
    from . import business, land, planning, retail, tourism

    shipped = set(snapshot_datasets())
    writers = _per_resource({**land.SAMPLES, **tourism.SAMPLES, **retail.SAMPLES, **business.SAMPLES,
                             **planning.SAMPLES})
    return {k: w for k, w in writers.items() if (k in shipped) == real}


#: Writers for the tests of datasets that have real files (not part of the demo).
TEST_SAMPLES: dict[str, Callable[[catalog.Resource], bytes | None]] = {
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
    **_tables(real=True),
}

#: Dataset id → writer of the sample bytes of one of its resources (``None``: no sample for it);
#: only datasets with no real file in the snapshot.
SAMPLES: dict[str, Callable[[catalog.Resource], bytes | None]] = {
    "beschaeftigte_bezirke": _beschaeftigte,
    "arbeitslose_bezirke": _arbeitslose,
    "stellenangebote": _jobsuche,
    "bevoelkerungsprognose": _prognose,
    **_tables(real=False),
}


def _written(writer: Callable[[catalog.Resource], Any], res: catalog.Resource) -> dict[str, bytes] | None:
    """The marked sample files of one resource by file name: the resource's own file, or (a writer
    returning a dict) several editions of a history, e.g. one file per month."""
    data = writer(res)
    if data is None:
        return None
    files = data if isinstance(data, dict) else {res.name: data}
    return {name: mark(body) for name, body in files.items()}


def sample_bytes(dataset_id: str, resource: str) -> bytes:
    """The sample file of one resource of a dataset, in the portal's format.

    Examples
    --------
    >>> sample_bytes("einwohner_lor", "EWR_L21_202512E_Matrix.csv")[:30]
    b'"ZEIT";"RAUMID";"BEZ";"PGR";"B'
    """
    ds = catalog.get(dataset_id)
    writer = SAMPLES.get(dataset_id) or TEST_SAMPLES.get(dataset_id)
    files = _written(writer, ds.resource(resource)) if writer is not None else None
    if not files or resource not in files:
        raise KeyError(f"{dataset_id}/{resource} has no sample writer")
    return files[resource]


def load(sample_folder: Path | None = None, snapshot: Path = SNAPSHOT, *, samples: bool = False) -> list:
    """Fill the data folder offline from the real snapshot; sample data only with ``samples``.

    Datasets with a real file are refreshed from ``snapshot``. Without ``samples`` no generated
    number is loaded, and sample data an earlier run left in the data folder are removed (real
    data are never touched). With ``samples`` the datasets of :data:`SAMPLES` that hold no real
    data get a sample mirror (in ``sample_folder``, default a temporary folder) and are
    refreshed from it, marked as sample data; a dataset that holds real data is never replaced
    by samples.

    Returns
    -------
    list of Outcome
        One per dataset, as :func:`lichtenberg_data.refresh` gives them; a removed sample
        dataset has the state ``removed``.
    """
    import tempfile

    from .._refresh import refresh
    from .._report import Outcome

    if not (snapshot / "MANIFEST.json").is_file():
        raise FileNotFoundError(f"the real-data snapshot is missing ({snapshot}/MANIFEST.json); restore it from "
                                "the repository (`git checkout -- snapshot`)")
    real = [d for d in snapshot_datasets(snapshot) if d in catalog.ids()]
    outcomes = refresh(real, mirror=snapshot)
    if not samples:
        return outcomes + [Outcome(d, "removed", "generated sample data removed: the demo loads real data only "
                                   "(`lichtenberg-data demo --with-samples` adds them)") for d in _drop_samples()]
    wanted = [d.id for d in catalog.datasets() if d.id in SAMPLES and d.id not in real]
    with tempfile.TemporaryDirectory() as tmp:
        mirror = write_mirror(Path(sample_folder or tmp), only=wanted)
        outcomes += refresh(wanted, mirror=mirror)
    return outcomes


def _drop_samples() -> list[str]:
    """Empty every dataset of the data folder that holds generated sample data; their ids."""
    from .._refresh import reset
    from .._store import read_manifest

    held = read_manifest()["datasets"]
    ids = [d for d, entry in held.items() if d in catalog.ids() and entry.get("processed", {}).get("sample")]
    return reset(ids) if ids else []


def write_mirror(folder: Path, only: list[str] | None = None) -> Path:
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
        if only is not None and ds.id not in only:
            continue
        writer = SAMPLES.get(ds.id)
        for res in ds.resources:
            files = _written(writer, res) if writer is not None else None
            if files is None:
                missing.append(f"{ds.id}/{res.name}")
                continue
            for name, data in files.items():
                atomic_write_bytes(folder / ds.id / name, data)
    note = ("Generated sample data for the offline demo of lichtenberg_data. Formats follow the portals;\n"
            "the numbers are synthetic and are NOT official figures.\n")
    if missing:
        note += "Resources without sample: " + ", ".join(missing) + "\n"
    atomic_write_bytes(folder / SAMPLE_MARKER, note.encode("utf-8"))
    return folder
