"""Read GeoJSON, WFS GML or zipped shapefiles into GeoDataFrames in EPSG:25833 and repair
their text (private)."""

from __future__ import annotations

import re
import shutil
import unicodedata
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .._errors import FormatError
from ._crs import CRS, _to_25833, infer_crs
from ._gml import MAX_XML_BYTES, read_gml

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd


# =========================================================================== text

def _repair_one(text: str) -> str:
    import ftfy

    return unicodedata.normalize("NFC", ftfy.fix_text(text)).strip()


def repair_text(values: pd.Series) -> pd.Series:
    """Repair double-encoded UTF-8 and normalise text (NFC, stripped); non-text stays.

    Only distinct non-ASCII values go through ftfy, so long columns stay fast.

    Examples
    --------
    >>> repair_text(pd.Series(["NeukÃ¶lln", " Mitte ", None])).tolist()
    ['Neukölln', 'Mitte', nan]
    """
    if values.dtype.kind not in "OUS" and str(values.dtype) not in {"str", "string"}:
        return values
    text = values.dropna().astype(str)
    if text.empty:
        return values
    fixed = {v: (_repair_one(v) if not v.isascii() else v.strip()) for v in text.unique()}
    out = values.astype(object).map(lambda v: fixed.get(v, v) if isinstance(v, str) else v)
    return out.where(values.notna(), None)


def _repair_frame(df: pd.DataFrame) -> pd.DataFrame:
    for col in df.columns:
        if col != getattr(df, "_geometry_column_name", "geometry"):
            df[col] = repair_text(df[col])
    return df



# =========================================================================== reading files

def read_geofile(path: str | Path, *, crs: str | None = None, within_berlin: bool = True) -> gpd.GeoDataFrame:
    """Read a GeoJSON, WFS GML or zipped shapefile into a GeoDataFrame in EPSG:25833.

    The format is told by the content, not the file name. Attribute names are kept as in
    the file; text values are repaired (:func:`repair_text`).

    Parameters
    ----------
    path
        The file.
    crs
        The CRS to assume when the file names none; by default it is inferred from the
        coordinates (:func:`infer_crs`).
    within_berlin
        Refuse files whose coordinates do not lie in Berlin (a wrong CRS).

    Raises
    ------
    FormatError
        For HTML pages, unsafe XML (DTD, entities), broken JSON, unsafe archives, unknown
        or ambiguous coordinate systems.

    Examples
    --------
    >>> import tempfile, json
    >>> doc = {"type": "FeatureCollection", "features": [{"type": "Feature",
    ...     "properties": {"namgem": "NeukÃ¶lln"},
    ...     "geometry": {"type": "Point", "coordinates": [390000.0, 5815000.0]}}]}
    >>> p = Path(tempfile.mkdtemp()) / "x.geojson"; _ = p.write_text(json.dumps(doc))
    >>> gdf = read_geofile(p)
    >>> str(gdf.crs), gdf["namgem"].iloc[0]
    ('EPSG:25833', 'Neukölln')
    """
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(2048)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"PK"):
        gdf = _read_zip(path, crs)
    elif text.startswith(b"<"):
        if text.lower().startswith((b"<!doctype html", b"<html")):
            raise FormatError(f"{path.name} is an HTML page, not geodata (portal error page?). Download it again")
        gdf = read_gml(path, crs=crs)
    elif text.startswith(b"{"):
        gdf = read_geojson(path, crs=crs)
    else:
        from .._sniff import sniff

        raise FormatError(f"{path.name} is {sniff(path).what}, not GeoJSON, GML or a zipped shapefile. Check the file")
    gdf = _repair_frame(gdf)
    return _to_25833(gdf, path.name) if within_berlin else gdf.to_crs(CRS)


_CRS_MEMBER = re.compile(rb'"crs"\s*:\s*\{[^{}]*"properties"\s*:\s*\{[^{}]*"name"\s*:\s*"([^"]+)"')
_TIMESTAMP = re.compile(rb'"timeStamp"\s*:\s*"(\d{4}-\d\d-\d\d)')


def read_geojson(path: str | Path, *, crs: str | None = None) -> gpd.GeoDataFrame:
    """Read a GeoJSON FeatureCollection; CRS from its ``crs`` member, else inferred.

    RFC 7946 says GeoJSON is WGS84, but real exports carry EPSG:25833 metres without saying
    so; a CRS-less file therefore gets a CRS only where the coordinates leave no doubt.
    The WFS ``timeStamp`` (if any) is kept in ``gdf.attrs["timestamp"]``.
    """
    import geopandas as gpd
    import pyogrio

    path = Path(path)
    raw = path.read_bytes()
    try:
        gdf = pyogrio.read_dataframe(path, use_arrow=False)
    except Exception as exc:  # noqa: BLE001 - GDAL's many error types
        raise FormatError(_unreadable(path, str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__)) from None
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.isna().all():
        raise FormatError(f"{path.name} holds no geometries. Check the file")
    member = _CRS_MEMBER.search(raw)
    declared = member.group(1).decode() if member else crs
    gdf = gdf.set_crs(declared if declared else infer_crs(gdf.total_bounds), allow_override=True)
    stamp = _TIMESTAMP.search(raw[-4096:]) or _TIMESTAMP.search(raw[:4096])
    gdf.attrs["timestamp"] = stamp.group(1).decode() if stamp else None
    return gdf


def _unreadable(path: Path, error: str) -> str:
    """Why GDAL could not read a GeoJSON file, from what the file is."""
    from .._sniff import sniff

    found = sniff(path)
    if found.kind == "geojson" and found.encoding == "utf-8":
        if re.search(r"(?i)unterminated|unexpected end|premature end", error):
            return (f"{path.name} ends in the middle of its GeoJSON (cut off: {error}). The download was interrupted; "
                    "download the file again")
        return f"{path.name} is a GeoJSON file that cannot be read ({error}). Check the file"
    if found.encoding not in (None, "utf-8"):
        return f"{path.name} is {found.what}, not UTF-8 as GeoJSON must be. Save it again as UTF-8"
    return f"{path.name} is {found.what}, not GeoJSON ({error}). Check the file"


def _unsafe_member(name: str) -> bool:
    r"""Whether a zip member's path leaves the archive: absolute (``/x``, ``\x``, ``C:/x``, ``C:\x``)
    or with a ``..`` part, with ``/`` or ``\`` as separator.

    Examples
    --------
    >>> [_unsafe_member(n) for n in ("a/b.shp", "../x", r"..\..\evil.txt", "C:/x", r"C:\x", "/etc/x", "a..b.shp")]
    [False, True, True, True, True, True, False]
    """
    parts = re.split(r"[/\\]", name)
    return name.startswith(("/", "\\")) or bool(re.match(r"[A-Za-z]:", name)) or ".." in parts


def _read_zip(path: Path, crs: str | None) -> gpd.GeoDataFrame:
    """Read the one shapefile, GeoJSON or GML in a zip archive, refusing unsafe archives; a GML is
    unpacked and read by the same safe XML reader as a bare GML (:func:`read_gml`), never by GDAL."""
    import tempfile

    import pyogrio

    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile:
        raise FormatError(f"{path.name} is a broken zip archive. Download it again") from None
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if any(_unsafe_member(i.filename) for i in infos):
        raise FormatError(f"{path.name} contains paths outside the archive (unsafe). Nothing was read")
    if total > 2_000_000_000 or total / packed > 200:
        raise FormatError(f"{path.name} unpacks to {total:,} bytes (zip bomb?). Nothing was read")
    layers = [i for i in infos if i.filename.lower().endswith((".shp", ".geojson", ".json", ".gml"))]
    if len(layers) != 1:
        raise FormatError(f"{path.name} should hold exactly one shapefile or GeoJSON, found "
                          f"{[i.filename for i in layers] or 'none'}")
    layer = layers[0]
    if layer.filename.lower().endswith(".gml"):
        if layer.file_size > MAX_XML_BYTES:
            raise FormatError(f"{path.name}: {layer.filename} unpacks to {layer.file_size:,} bytes, more than the "
                              f"{MAX_XML_BYTES:,} a GML may have. Nothing was read")
        with tempfile.TemporaryDirectory() as tmp:
            gml = Path(tmp) / Path(layer.filename.replace("\\", "/")).name
            with zipfile.ZipFile(path) as zf, zf.open(layer) as src, open(gml, "wb") as dst:
                shutil.copyfileobj(src, dst)
            try:
                return read_gml(gml, crs=crs)
            except FormatError as exc:
                raise FormatError(f"{path.name} ({layer.filename}): {exc}") from None
    gdf = pyogrio.read_dataframe(f"/vsizip/{path}/{layer.filename}")
    if gdf.crs is None:
        gdf = gdf.set_crs(crs or infer_crs(gdf.total_bounds))
    return gdf
