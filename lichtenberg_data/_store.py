"""The data folder: dated raw snapshots, processed Parquet tables and the manifest.

Layout (under :attr:`settings.data_dir`)::

    raw/<dataset>/<retrieved date>_<file name>   immutable raw snapshots
    processed/<dataset>.parquet                  validated tables (GeoParquet with geometry)
    processed/<dataset>/stand=YYYY-MM/part.parquet   datasets stored by month (see _partitions)
    manifest.json                                where every file came from
    reports/                                     change reports of each refresh
    logs/refresh.log                             the refresh log

Every write goes to a temporary file in the same folder first and replaces the target by an
atomic rename, so a run killed midway never leaves a half-written file that a later run or
:func:`load` would take.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._cache import clear_cache, data_state, forget, read_cached
from ._errors import DataNotAvailableError
from .settings import settings

if TYPE_CHECKING:  # pragma: no cover
    import duckdb
    import geopandas as gpd
    import pandas as pd

__all__ = ["load", "status", "read_manifest", "processed_path", "original_name", "clear_cache", "data_state"]

MANIFEST_VERSION = 1


def processed_path(dataset_id: str) -> Path:
    """Where the processed table of a dataset lives (a folder of months for a partitioned one)."""
    if _partitioned(dataset_id):
        return settings.processed_dir / dataset_id
    return settings.processed_dir / f"{dataset_id}.parquet"


def _partitioned(dataset_id: str) -> bool:
    from . import catalog
    from ._errors import UnknownDatasetError

    try:
        return catalog.get(dataset_id).partition is not None
    except UnknownDatasetError:
        return False


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def atomic_write(path: Path, write: Callable[[Path], object]) -> Path:
    """Let ``write(tmp)`` write a temporary file beside ``path``, then rename it over ``path``.

    The rename is atomic: a reader sees the old file or the new one, never half of one, and a
    run killed midway leaves only a hidden ``.<name>.*.tmp`` file that nothing reads. This is
    the one way the toolkit replaces a file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = atomic_write(target, lambda tmp: tmp.write_text("neu"))
    >>> target.read_text()
    'neu'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Replace ``path`` by ``data`` atomically (see :func:`atomic_write`)."""
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


def read_manifest() -> dict[str, Any]:
    """The manifest as a dict (an empty one when the data folder is new)."""
    path = settings.manifest_path
    if not path.exists():
        return {"version": MANIFEST_VERSION, "datasets": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def write_manifest(manifest: dict[str, Any]) -> None:
    """Replace the manifest atomically."""
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True)
    atomic_write_bytes(settings.manifest_path, text.encode("utf-8"))


def snapshot_path(dataset_id: str, filename: str, retrieved: datetime, sha256: str) -> Path:
    """The path of a new raw snapshot: ``raw/<dataset>/<date>_<file name>``.

    When a different file of that name was already stored that day, the time is added, and a
    counter when one was stored that second too (several editions of one name imported at once).
    """
    folder = settings.raw_dir / dataset_id
    path = folder / f"{retrieved:%Y-%m-%d}_{filename}"
    n = 1
    while path.exists() and sha256_file(path) != sha256:
        path = folder / f"{retrieved:%Y-%m-%dT%H%M%S}{f'-{n}' if n > 1 else ''}_{filename}"
        n += 1
    return path


#: ``<date>_``, ``<date>T<time>_`` or ``<date>T<time>-<n>_`` (see :func:`snapshot_path`).
_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T\d{6}(?:-\d+)?)?_")


def original_name(raw_path: str | Path) -> str:
    """The file's own name of a raw snapshot, without the store's ``<retrieved date>_`` prefix.

    Parsers must see this name (a date in the prefix is not the file's Stand).

    Examples
    --------
    >>> original_name("raw/einwohner_ortsteile/2026-12-07T034825_EWR_Ortsteile_2020-12-31.csv")
    'EWR_Ortsteile_2020-12-31.csv'
    >>> original_name("raw/kurzzeitvermietung/2026-12-07T034825-2_listings.csv")
    'listings.csv'
    """
    return _PREFIX.sub("", Path(raw_path).name, count=1)


def write_processed(dataset_id: str, df: pd.DataFrame) -> Path:
    """Write a processed table (provenance in ``df.attrs``) atomically as (Geo)Parquet; of a
    partitioned dataset, the months present in ``df`` (one file each)."""
    if _partitioned(dataset_id):  # one file per month present in df; the other months stay as they are
        from . import _partitions

        for key, part in _partitions.split(df).items():
            part = _partitions.with_month_stand(part, df.attrs, key)
            atomic_write(_partitions.part_path(dataset_id, key), lambda tmp, part=part: _parquet(part, tmp))
        return processed_path(dataset_id)
    return atomic_write(processed_path(dataset_id), lambda tmp: _parquet(df, tmp))


def _parquet(df: pd.DataFrame, path: Path) -> None:
    """``df`` as (Geo)Parquet. The values are those of ``df.to_parquet``; two settings make the
    writing of a month of the IHK register a third faster:

    * column statistics (min/max) for numbers, dates, flags and keys (``…_id``), not for free
      text and geometry, whose min/max no query uses;
    * dictionary encoding where values repeat, not for floats, geometry and text whose first
      1,000 values are nearly all distinct (an id per row): the writer would build a dictionary
      only to give it up.
    """
    kinds = {c: str(df[c].dtype) for c in df.columns}
    text = {"object", "str", "string"}
    stats = [c for c in df.columns if str(c).endswith("_id") or kinds[c] not in text | {"geometry"}]
    head = df[[c for c in df.columns if kinds[c] in text]].head(1000)
    distinct = {c for c in head.columns if len(head) >= 100 and head[c].nunique() > 0.9 * len(head)}
    plain = distinct | {c for c in df.columns if kinds[c] == "geometry" or df[c].dtype.kind == "f"}
    df.to_parquet(path, index=False, write_statistics=stats, use_dictionary=[c for c in df.columns if c not in plain])


def load(dataset_id: str, *, stand: Any = None,
         months: int | str | list[Any] | None = None) -> pd.DataFrame | gpd.GeoDataFrame:
    """Read a dataset's processed table, with its provenance in ``df.attrs["provenance"]``.

    Parameters
    ----------
    dataset_id
        A catalogue id, e.g. ``"einwohner_lor"`` (``lichtenberg-data list`` shows them all).
    stand, months
        Only for datasets stored by month (``ihk_gewerbedaten``): by default the latest month;
        ``stand="2023-07"`` one month; ``months=12`` the last 12 stored months, ``months="all"``
        every month, or a list of months. For many months prefer DuckDB (:func:`connect`).

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        A GeoDataFrame (EPSG:25833) where the dataset has geometry.

    Raises
    ------
    DataNotAvailableError
        When the dataset has never been refreshed or imported here; the message names the
        command to run.

    Notes
    -----
    A table read once stays in memory (up to 64 MB per file, 256 MB in all) while its file is
    unchanged, so rerunning a notebook cell costs almost nothing; every call returns its own
    copy, which the caller may change. A refresh replaces the file and with it the cached table.

    Examples
    --------
    >>> import lichtenberg_data as ld
    >>> df = ld.load("einwohner_lor")            # doctest: +SKIP
    >>> ld.source_note(df)                       # doctest: +SKIP
    'Quelle: Amt für Statistik Berlin-Brandenburg, Einwohnerregisterstatistik, Stand 31.12.2025; ...'
    """
    from . import catalog

    ds = catalog.get(dataset_id)
    path = processed_path(dataset_id)
    if ds.partition is None and (stand is not None or months is not None):
        raise ValueError(f"{dataset_id} is not stored by month; stand= and months= do not apply")
    if not path.exists():
        raise DataNotAvailableError(
            f"{dataset_id}: no data here yet ({settings.processed_dir}). Run `lichtenberg-data refresh "
            f"{dataset_id}`, or download the file by hand and run `lichtenberg-data import {dataset_id} FILE` "
            f"(`lichtenberg-data info {dataset_id}` says which files)", dataset=dataset_id)
    if ds.partition is None:
        return read_cached(dataset_id, path, ds.has_geometry)
    from . import _partitions

    keys = _partitions.select(dataset_id, stand, months)
    parts = [read_cached(f"{dataset_id}/stand={k}", _partitions.part_path(dataset_id, k), ds.has_geometry)
             for k in keys]
    if len(parts) == 1:
        return parts[0]
    import pandas as pd

    out = pd.concat(parts, ignore_index=True)
    out.attrs = copy.deepcopy(parts[-1].attrs)  # the newest month's provenance, the others as editions
    return out


def _age_days(iso: str | None, today: date) -> int | None:
    if not iso:
        return None
    return (today - datetime.fromisoformat(iso).date()).days


def status() -> pd.DataFrame:
    """One row per dataset: reference date, retrieved at, age, stale?, rows, sample?, source, and
    whether its parser has read a real file (``verified``; see :attr:`catalog.Dataset.unverified`).

    Examples
    --------
    >>> import lichtenberg_data as ld
    >>> ld.status().columns.tolist()[:4]       # doctest: +SKIP
    ['dataset', 'title', 'reference_date', 'retrieved_at']
    """
    import pandas as pd

    from . import catalog

    manifest = read_manifest()["datasets"]
    today = date.today()
    rows = []
    for ds in catalog.datasets():
        entry = manifest.get(ds.id, {})
        processed = entry.get("processed", {})
        retrieved = processed.get("retrieved_at")
        age = _age_days(retrieved, today)
        limit = catalog.RHYTHMS[ds.update]
        stale = None if age is None else bool(limit is not None and age > limit.days)
        rows.append({
            "dataset": ds.id,
            "title": ds.title,
            "reference_date": processed.get("reference_date"),
            "retrieved_at": retrieved,
            "age_days": age,
            "update": ds.update,
            "stale": stale,
            "rows": processed.get("rows"),
            "sample": processed.get("sample") if processed else None,
            "arrived": processed.get("arrived"),
            "source": processed.get("source") or (ds.resources[0].url if ds.resources else ds.landing_page),
            "verified": ds.verified,
        })
    out = pd.DataFrame(rows)
    return out.astype({"age_days": "Int64", "rows": "Int64"})


def connect(database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with one view per processed dataset (for tables that outgrow pandas).

    Each view reads the dataset's (Geo)Parquet file in place; nothing is copied. Geometry
    columns arrive as WKB; ``INSTALL spatial; LOAD spatial;`` turns them into geometries. A
    dataset stored by month (``ihk_gewerbedaten``) is one view over all its months, with the
    month as ``stand`` (``YYYY-MM``), e.g. ``SELECT stand, count(*) FROM ihk_gewerbedaten GROUP BY stand``.

    Examples
    --------
    >>> con = connect()                                              # doctest: +SKIP
    >>> con.execute("SELECT year, sum(einwohner) FROM einwohner_lor GROUP BY year").df()  # doctest: +SKIP
    """
    try:
        import duckdb
    except ImportError:
        raise ImportError("connect() needs DuckDB: pip install duckdb (or the project's 'dev' extra)") from None
    from . import _partitions

    con = duckdb.connect(database)
    for path in sorted(settings.processed_dir.glob("*.parquet")):
        escaped = str(path).replace("'", "''")
        con.execute(f'CREATE OR REPLACE VIEW "{path.stem}" AS SELECT * FROM read_parquet(\'{escaped}\')')
    folders = sorted(p for p in settings.processed_dir.glob("*") if p.is_dir()) if settings.processed_dir.is_dir() else []
    for folder in folders:  # a dataset stored by month: one view over all months, with their `stand`
        if _partitions.months(folder.name):
            con.execute(f'CREATE OR REPLACE VIEW "{folder.name}" AS SELECT * FROM {_partitions.scan_sql(folder.name)}')
    return con


def reset(dataset_ids: list[str]) -> list[str]:
    """Empty datasets: their processed table, raw snapshots and manifest entry are removed.

    Returns the ids that held data. The caller holds the refresh lock (see
    :func:`lichtenberg_data._refresh.reset`, which the ``reset`` command uses).
    """
    import shutil

    manifest = read_manifest()
    emptied = []
    for dataset_id in dataset_ids:
        had = dataset_id in manifest["datasets"] or processed_path(dataset_id).exists()
        manifest["datasets"].pop(dataset_id, None)
        write_manifest(manifest)
        target = processed_path(dataset_id)
        if target.is_dir():
            shutil.rmtree(target, ignore_errors=True)
        else:
            target.unlink(missing_ok=True)
        shutil.rmtree(settings.raw_dir / dataset_id, ignore_errors=True)
        forget(dataset_id)
        if had:
            emptied.append(dataset_id)
    return emptied
