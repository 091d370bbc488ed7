"""Read one layer of a GDAL SQLite file (``ogr2ogr -f SQLite``) safely into EPSG:25833 (private).

An SQLite file is a database, not a document: before GDAL reads a single feature, the file is
checked with Python's own ``sqlite3``, opened read-only and immutable (no journal is written or
rolled back, nothing beside the file is touched):

- its header says it is an SQLite database, and the file is as long as the header says (a cut
  copy is named as cut, with both sizes);
- ``PRAGMA quick_check`` finds no damaged page;
- it holds tables and indexes only: no view, trigger or virtual table (a SpatiaLite database or a
  crafted file that would make GDAL run modules such as VirtualOGR is refused, not read);
- it holds exactly one layer (one row of ``geometry_columns`` and no further data table) with
  the expected geometry type.

Only then is the layer read with pyogrio (read-only) and reprojected to EPSG:25833, checked to
lie in Berlin. Every refusal is one :class:`~lichtenberg_data._errors.FormatError` line naming
the file and the true cause.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from .._errors import FormatError
from ._crs import _to_25833, infer_crs

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["SQLITE_MAGIC", "is_sqlite", "read_sqlite"]

#: The first 16 bytes of every SQLite 3 database.
SQLITE_MAGIC = b"SQLite format 3\x00"
#: OGR geometry type codes (``geometry_columns.geometry_type`` modulo 1000) and their names.
_GEOMETRY = {0: "geometries of unknown type", 1: "points", 2: "lines", 3: "polygons", 4: "multipoints",
             5: "multilines", 6: "multipolygons", 7: "geometry collections"}
#: Tables GDAL writes beside the layer, and SQLite's own.
_METADATA = {"geometry_columns", "spatial_ref_sys", "sqlite_sequence"}
_TODO = "Export the layer again (ogr2ogr -f SQLite, or as GeoJSON) or download it again"


def is_sqlite(path: Path) -> bool:
    """Whether the file starts like an SQLite 3 database."""
    with open(path, "rb") as fh:
        return fh.read(16) == SQLITE_MAGIC


def _size_in_header(path: Path) -> tuple[int, int | None]:
    """The page size and the database size in bytes the header announces (``None`` if not valid)."""
    with open(path, "rb") as fh:
        head = fh.read(100)
    if len(head) < 100:
        return 0, None
    page = int.from_bytes(head[16:18], "big")
    page = 65536 if page == 1 else page
    pages = int.from_bytes(head[28:32], "big")
    counter, valid_for = head[24:28], head[92:96]  # the size is valid when both counters agree
    return page, (page * pages if pages and counter == valid_for else None)


def _check_length(path: Path) -> None:
    size = path.stat().st_size
    page, announced = _size_in_header(path)
    if not page or page & (page - 1) or page < 512:
        raise FormatError(f"{path.name} has a damaged SQLite header ({size:,} bytes, no valid page size). {_TODO}")
    if announced is not None and size < announced:
        raise FormatError(f"{path.name} is cut: it holds {size:,} bytes of the {announced:,} its SQLite header "
                          f"announces (an interrupted download or copy). {_TODO}")
    if size % page:
        raise FormatError(f"{path.name} is cut or damaged: {size:,} bytes are no whole number of its "
                          f"{page:,}-byte pages. {_TODO}")


def _connect(path: Path) -> sqlite3.Connection:
    uri = f"file:{quote(str(path.resolve()), safe='/')}?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True)


def _layer(path: Path, db: sqlite3.Connection, allowed: tuple[int, ...] | None) -> str:
    """The name of the one layer, after the structural checks."""
    check = [r[0] for r in db.execute("PRAGMA quick_check(5)")]
    if check != ["ok"]:
        raise FormatError(f"{path.name} is a damaged SQLite database ({'; '.join(map(str, check))[:160]}). {_TODO}")
    objects = db.execute("SELECT type, name, coalesce(sql, '') FROM sqlite_master").fetchall()
    odd = [f"{kind} {name}" for kind, name, sql in objects
           if kind not in {"table", "index"} or sql.lstrip().upper().startswith("CREATE VIRTUAL TABLE")]
    if odd:
        raise FormatError(f"{path.name} holds {', '.join(odd[:3])}{' …' if len(odd) > 3 else ''}: a GDAL SQLite "
                          "export of one layer has no views, triggers or virtual tables (a SpatiaLite or "
                          f"crafted database is not read). {_TODO}")
    tables = {name for kind, name, _ in objects if kind == "table"}
    if "geometry_columns" not in tables:
        raise FormatError(f"{path.name} is an SQLite database, but no GDAL geodata file (no table "
                          f"geometry_columns; tables: {', '.join(sorted(tables))[:120] or 'none'}). {_TODO}")
    try:
        layers = db.execute("SELECT f_table_name, geometry_type FROM geometry_columns").fetchall()
    except sqlite3.DatabaseError:
        raise FormatError(f"{path.name}: its geometry_columns table is not the one GDAL writes. {_TODO}") from None
    if len(layers) != 1:
        names = ", ".join(str(n) for n, _ in layers) or "none"
        raise FormatError(f"{path.name} holds {len(layers)} geometry layers ({names}); one layer is expected. {_TODO}")
    name, code = layers[0]
    data = sorted(t for t in tables - _METADATA - {name} if not t.startswith("sqlite_"))
    if data:
        raise FormatError(f"{path.name} holds further tables beside the layer {name} ({', '.join(data[:5])}); "
                          f"one layer is expected. {_TODO}")
    if allowed is not None and (not isinstance(code, int) or code % 1000 not in allowed):
        kind = _GEOMETRY.get(code % 1000 if isinstance(code, int) else -1, f"geometry type {code!r}")
        want = " or ".join(_GEOMETRY[a] for a in allowed)
        raise FormatError(f"{path.name}: its layer {name} holds {kind}, not {want}. Check that it is the right layer")
    return str(name)


def read_sqlite(path: str | Path, *, geometry: tuple[int, ...] | None = (3, 6)) -> gpd.GeoDataFrame:
    """The one layer of a GDAL SQLite file as a GeoDataFrame in EPSG:25833.

    Parameters
    ----------
    path
        The file.
    geometry
        The OGR geometry type codes the layer may have (default polygons and multipolygons;
        ``None``: any).

    Raises
    ------
    FormatError
        For anything but one intact layer of the expected geometry (see the module docstring).

    Examples
    --------
    >>> zones = read_sqlite("Bodenrichtwerte_2020.sqlite")   # doctest: +SKIP
    >>> len(zones), zones.crs.to_epsg()                       # doctest: +SKIP
    (1133, 25833)
    """
    import pyogrio

    path = Path(path)
    if not is_sqlite(path):
        raise FormatError(f"{path.name} is not an SQLite database (its first bytes are not 'SQLite format 3'). {_TODO}")
    _check_length(path)
    try:
        with _connect(path) as db:
            layer = _layer(path, db, geometry)
    except sqlite3.DatabaseError as exc:
        raise FormatError(f"{path.name} is a damaged SQLite database ({exc}). {_TODO}") from None
    try:
        gdf = pyogrio.read_dataframe(path, layer=layer, use_arrow=False)
    except Exception as exc:  # noqa: BLE001 - GDAL's many error types
        raise FormatError(f"{path.name}: GDAL cannot read its layer {layer} "
                          f"({str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__}). {_TODO}") from None
    if gdf.empty or gdf.geometry.isna().all():
        raise FormatError(f"{path.name}: its layer {layer} holds no features with geometry. {_TODO}")
    if gdf.crs is None:
        gdf = gdf.set_crs(infer_crs(gdf.total_bounds))
    gdf.attrs["layer"] = layer
    return _to_25833(gdf, path.name)
