"""Bodenrichtwerte (standard land values) of the Gutachterausschuss für Grundstückswerte in Berlin.

``bodenrichtwerte``
    One row per Bodenrichtwert zone and Stichtag (01.01.): number, Bezirk, type of use as
    published ("G - Gewerbe") and its short code (``G``, ``Gp``, ``GB``, ``W``, ``M2`` …),
    GFZ and value in EUR/m². A history: one file per Stichtag edition. The editions 2012–2024
    are the FIS-Broker ``.xls`` downloads (sheet ``Download``; FIS-Broker is retired, so they
    are imported by hand); the current year comes from the GDI Berlin WFS ``brw2025``.
``bodenrichtwert_zonen``
    The zone polygons of the current year from the same WFS (EPSG:25833).

Commercial zones. ``gewerbe`` is True for the short codes ``G`` ("G - Gewerbe", and from 2022
"G - Gewerbliche Baufläche") and ``Gp`` ("Gewerbe produzierend"); ``GB`` is Gemeinbedarf, and
the subtypes ``G-FZT``, ``G-GD``, ``G-MES`` and ``GE`` of the 2022 coding are not counted.

Zusatzzonen. From the 2022 edition on, the Gutachterausschuss publishes a second set of zones
with five-digit numbers 40000–41099 (1,070 in 2022, 451 in 2024), coded with the use types of
the Bodenrichtwertrichtlinie (``SF-KGA`` Kleingärten, ``S-WO`` Wochenendhäuser, ``LF-F`` Forst,
but also ``G - Gewerbliche Baufläche`` and ``W - Wohnbaufläche``). They are kept and flagged
``zusatzzone``, so that a count can show them separately: they raise Lichtenberg's commercial
zones from 16 to 28 in 2022 and from 17 to 19 in 2024. The WFS typeNames are inconsistent
between editions (``brw2024:brw_2024_vector``, ``brw2025:brw_2025_vector``,
``brw2026:brw2026_vector``); this module uses ``brw2025:brw_2025_vector`` (not verified live).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import catalog
from .._errors import FormatError
from .._readers import open_workbook
from ..catalog import LICENSES, WFS, Check, Dataset, Resource, Schema
from ..names import BEZIRKE, bezirk_id

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["COMMERCIAL_CODES", "ZUSATZZONEN", "nutzung_kurz", "is_commercial", "read_broker_xls",
           "parse_bodenrichtwerte", "parse_bodenrichtwert_zonen"]

PUBLISHER = "Gutachterausschuss für Grundstückswerte in Berlin"
LANDING_PAGE = "https://www.berlin.de/gutachterausschuss/"
WFS_SERVICE = "https://gdi.berlin.de/services/wfs/brw2025"
WFS_TYPE = "brw2025:brw_2025_vector"
#: Short codes of the types of use that count as commercial zones.
COMMERCIAL_CODES = frozenset({"G", "Gp"})
#: Zone numbers of the second set of zones published since 2022.
ZUSATZZONEN = (40000, 41099)

#: Column of the FIS-Broker download (sheet "Download") -> canonical column.
_XLS_COLUMNS = {"Bodenrichtwert-Nummer": "brw_nummer", "Bezirk": "bezirk", "Bodenrichtwert": "brw_eur_m2",
                "gebietstypische Nutzungsart": "nutzung", "gebietstypische GFZ": "gfz", "Stichtag": "stichtag",
                "Beitragszustand": "beitragszustand", "Sanierungs-/Entwicklungszusatz": "zusatz"}
_XLS_REQUIRED = ("Bodenrichtwert-Nummer", "Bezirk", "Bodenrichtwert", "gebietstypische Nutzungsart",
                 "gebietstypische GFZ", "Stichtag")
#: Attribute of the WFS (names seen in the 2024 and 2026 services) -> canonical column.
_WFS_COLUMNS = {"brw_nummer": ("brw_nr", "brwnr", "brw_nummer", "brwid"), "bezirk": ("bezirk",),
                "brw_eur_m2": ("brw",), "nutzung": ("nutzung",), "gfz": ("gfz",), "stichtag": ("stichtag",),
                "beitragszustand": ("beitragszustand",), "zusatz": ("zusatz", "sanierungszusatz")}
_WFS_REQUIRED = ("brw_nummer", "bezirk", "brw_eur_m2", "nutzung", "stichtag")
COLUMNS = {"stichtag": "date", "year": "int", "brw_nummer": "str", "bezirk": "str", "bezirk_id": "str",
           "nutzung": "str", "nutzung_kurz": "str", "gfz": "float", "brw_eur_m2": "float", "gewerbe": "bool",
           "zusatzzone": "bool", "beitragszustand": "str", "zusatz": "str"}


# =========================================================================== classification

def nutzung_kurz(nutzung: pd.Series) -> pd.Series:
    """The short code of a published type of use: the text before the first " - ".

    Examples
    --------
    >>> import pandas as pd
    >>> nutzung_kurz(pd.Series(["G - Gewerbe", "SF-KGA - Sonstige Flächen - Kleingartenfläche", "M1*"])).tolist()
    ['G', 'SF-KGA', 'M1*']
    """
    return nutzung.astype(str).str.split(" - ", n=1).str[0].str.strip()


def is_commercial(kurz: pd.Series) -> pd.Series:
    """Whether zones with these short codes are commercial zones (``G`` or ``Gp``, not ``GB``).

    Examples
    --------
    >>> import pandas as pd
    >>> is_commercial(pd.Series(["G", "Gp", "GB", "G-GD", "W"])).tolist()
    [True, True, False, False, False]
    """
    return kurz.isin(COMMERCIAL_CODES)


def is_zusatzzone(nummer: pd.Series) -> pd.Series:
    """Whether zone numbers belong to the set of zones 40000–41099 published since 2022."""
    import pandas as pd

    n = pd.to_numeric(nummer, errors="coerce")
    return n.between(*ZUSATZZONEN).fillna(False).astype(bool)


# =========================================================================== reading

def _numbers(values: pd.Series, what: str, path: Path) -> pd.Series:
    """Numbers as floats: cells that are numbers, "1700.0", German "1.234,5"; "-" and "" are missing."""
    import pandas as pd

    def one(v: Any) -> float:
        if v is None or isinstance(v, bool):
            return float("nan")
        if isinstance(v, (int, float)):
            return float(v)
        text = str(v).strip()
        if text in {"", "-", "–"}:
            return float("nan")
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            return float(text)
        except ValueError:
            raise FormatError(f"{path.name}: {what} holds {v!r}, not a number") from None

    return pd.Series([one(v) for v in values], index=values.index, dtype=float)


def _dates(values: pd.Series, path: Path) -> pd.Series:
    import pandas as pd

    text = values.astype(str).str.strip().str.rstrip("Z")
    german = text.str.fullmatch(r"\d{2}\.\d{2}\.\d{4}")
    try:
        out = pd.to_datetime(text.where(~german), errors="raise", format="mixed")
        out = out.where(~german, pd.to_datetime(text.where(german), format="%d.%m.%Y", errors="coerce"))
    except (ValueError, TypeError):
        raise FormatError(f"{path.name}: the Stichtag column holds values that are no dates "
                          f"(e.g. {values.iloc[0]!r})") from None
    if out.isna().any():
        raise FormatError(f"{path.name}: {int(out.isna().sum())} zones without Stichtag")
    return out.dt.tz_localize(None).dt.normalize() if out.dt.tz is not None else out.dt.normalize()


def read_broker_xls(path: Path) -> pd.DataFrame:
    """The sheet of a FIS-Broker Bodenrichtwert download (xls or xlsx) as text/number cells."""
    import pandas as pd
    book = open_workbook(path)  # by content: an xlsx named .xls reads as xlsx
    try:
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=True)
    except Exception as exc:  # calamine raises its own errors for broken files
        raise FormatError(f"{path.name}: the first sheet of the workbook is damaged and cannot be read "
                          f"({type(exc).__name__})") from None
    header = next((i for i, row in enumerate(rows[:10]) if "Bodenrichtwert-Nummer" in map(str, row)), None)
    if header is None:
        found = ", ".join(" ".join(str(c).split()) for c in (rows[0] if rows else []) if c)[:160]
        raise FormatError(f"{path.name} is no Bodenrichtwert download: no column 'Bodenrichtwert-Nummer' "
                          f"in the first rows (found: {found or 'an empty sheet'})")
    names = [str(c).strip() for c in rows[header]]
    missing = [c for c in _XLS_REQUIRED if c not in names]
    if missing:
        raise FormatError(f"{path.name} lacks the columns {', '.join(missing)} of a Bodenrichtwert download "
                          f"(found: {', '.join(' '.join(n.split()) for n in names if n)[:200]})")
    body = [r for r in rows[header + 1:] if any(c not in (None, "") for c in r)]
    raw = pd.DataFrame(body, columns=names, dtype=object)
    return raw[[c for c in _XLS_COLUMNS if c in raw.columns]].rename(columns=_XLS_COLUMNS)


def _wfs_attributes(gdf: Any, path: Path) -> pd.DataFrame:
    lower = {str(c).lower(): c for c in gdf.columns}
    out = {}
    for target, names in _WFS_COLUMNS.items():
        hit = next((lower[n] for n in names if n in lower), None)
        if hit is None and target in _WFS_REQUIRED:
            raise FormatError(f"{path.name} lacks the Bodenrichtwert attribute {target} "
                              f"(looked for {', '.join(names)}; found {', '.join(map(str, gdf.columns))})")
        if hit is not None:
            out[target] = gdf[hit]
    import pandas as pd

    return pd.DataFrame(out, index=gdf.index)


def _canonical(raw: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Canonical columns from the renamed cells of an xls download or WFS attributes."""
    import pandas as pd

    if raw.empty:
        raise FormatError(f"{path.name} holds no Bodenrichtwert zones")
    out = pd.DataFrame(index=raw.index)
    out["stichtag"] = _dates(raw["stichtag"], path)
    out["year"] = out["stichtag"].dt.year.astype("int64")
    nummer = raw["brw_nummer"].map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
    out["brw_nummer"] = nummer.str.strip()
    names = raw["bezirk"].astype(str).str.strip()
    unknown = sorted({n for n in names.unique() if _bezirk(n) is None})
    if unknown:
        raise FormatError(f"{path.name}: unknown Bezirk names {unknown[:3]}")
    out["bezirk_id"] = names.map(_bezirk)
    out["bezirk"] = out["bezirk_id"].map(BEZIRKE)
    out["nutzung"] = raw["nutzung"].astype(str).str.strip()
    out["nutzung_kurz"] = nutzung_kurz(out["nutzung"])
    out["gfz"] = _numbers(raw["gfz"], "the GFZ column", path) if "gfz" in raw else float("nan")
    out["brw_eur_m2"] = _numbers(raw["brw_eur_m2"], "the Bodenrichtwert column", path)
    out["gewerbe"] = is_commercial(out["nutzung_kurz"])
    out["zusatzzone"] = is_zusatzzone(out["brw_nummer"])
    for col in ("beitragszustand", "zusatz"):
        values = raw[col].fillna("").astype(str).str.strip() if col in raw else pd.Series("", index=raw.index)
        out[col] = values.mask(values.isin(["-", "None", "nan"]), "")
    return out.reset_index(drop=True)


def _bezirk(name: str) -> str | None:
    try:
        return bezirk_id(name)
    except KeyError:
        return None


def _is_workbook(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


def _read_any(path: Path, keep_geometry: bool) -> pd.DataFrame:
    if _is_workbook(path):
        if keep_geometry:
            raise FormatError(f"{path.name} is a spreadsheet; the zone polygons come only from the WFS (GeoJSON/GML)")
        return _canonical(read_broker_xls(path), path)
    from .. import _geoio

    with open(path, "rb") as fh:
        head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith((b"{", b"<")):
        raise FormatError(f"{path.name} is neither a Bodenrichtwert download (xls) nor a WFS answer (GeoJSON/GML)")
    gdf = _geoio.read_geofile(path)
    table = _canonical(_wfs_attributes(gdf, path), path)
    if not keep_geometry:
        return table
    import geopandas as gpd

    return gpd.GeoDataFrame(table, geometry=gdf.geometry.reset_index(drop=True).values, crs=gdf.crs)


def parse_bodenrichtwerte(files: Mapping[str, Path]) -> pd.DataFrame:
    """Parse Bodenrichtwert editions (FIS-Broker xls downloads or WFS answers) without geometry.

    Examples
    --------
    >>> df = parse_bodenrichtwerte({"broker_2012.xls": Path("broker_2012.xls")})  # doctest: +SKIP
    >>> int(df[(df.bezirk_id == "11") & df.gewerbe].shape[0])                     # doctest: +SKIP
    17
    """
    import pandas as pd

    parts = [_read_any(Path(p), keep_geometry=False) for p in files.values()]
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def parse_bodenrichtwert_zonen(files: Mapping[str, Path]) -> Any:
    """Parse the WFS answer with the zone polygons (GeoDataFrame in EPSG:25833)."""
    if len(files) != 1:
        raise FormatError(f"expected one WFS answer, got {len(files)} files")
    return _read_any(Path(next(iter(files.values()))), keep_geometry=True)


# =========================================================================== checks

def _known_districts(df: pd.DataFrame) -> str | None:
    bad = sorted(set(df["bezirk_id"]) - set(BEZIRKE))
    return f"unknown bezirk_id {bad}" if bad else None


def _positive_values(df: pd.DataFrame) -> str | None:
    bad = df[~(df["brw_eur_m2"] > 0)]
    return f"{len(bad)} zones without a positive value, e.g. zone {bad['brw_nummer'].iloc[0]}" if len(bad) else None


def _plausible_gfz(df: pd.DataFrame) -> str | None:
    gfz = df["gfz"].dropna()
    bad = gfz[(gfz <= 0) | (gfz > 20)]
    return f"{len(bad)} GFZ values outside 0–20 (e.g. {bad.iloc[0]}): a shifted column?" if len(bad) else None


def _use_codes(df: pd.DataFrame) -> str | None:
    bad = df[~df["nutzung_kurz"].str.fullmatch(r"[A-Z][A-Za-z0-9*]*(-[A-Z]+)?")]
    return f"{len(bad)} types of use without a short code, e.g. {bad['nutzung'].iloc[0]!r}" if len(bad) else None


def _all_districts(df: pd.DataFrame) -> str | None:
    for stichtag, part in df.groupby("stichtag"):
        missing = sorted(set(BEZIRKE) - set(part["bezirk_id"]))
        if missing:
            return f"Stichtag {stichtag:%d.%m.%Y} has no zones in {', '.join(BEZIRKE[m] for m in missing)}"
    return None


_CHECKS = (Check("known districts", _known_districts), Check("all 12 Bezirke", _all_districts),
           Check("positive values", _positive_values), Check("plausible GFZ", _plausible_gfz),
           Check("short code of the type of use", _use_codes))


def _latest(df: pd.DataFrame):
    return df["stichtag"].max().date() if len(df) else None


# =========================================================================== datasets

def _edition(year: int) -> Resource:
    return Resource(name=f"broker_{year}.xls", url=None, format="xls", match=r"broker_\d{4}\.xlsx?$")


def _wfs_resource(name: str) -> Resource:
    return Resource(name=name, url=WFS_SERVICE, format="geojson", match=r"\.(geo)?json$|\.gml$",
                    wfs=WFS(WFS_SERVICE, WFS_TYPE))


bodenrichtwerte = catalog.register(Dataset(
    id="bodenrichtwerte",
    title="Bodenrichtwerte in Berlin",
    topic="land",
    publisher=PUBLISHER,
    license=LICENSES["dl-de-zero-2.0"],
    landing_page=LANDING_PAGE,
    resources=(*(_edition(y) for y in range(2012, 2025)), _wfs_resource("brw_2025.geojson")),
    spatial_unit="Bodenrichtwertzone",
    update="annual",
    parser=parse_bodenrichtwerte,
    schema=Schema(columns=COLUMNS, key=("stichtag", "brw_nummer"), checks=_CHECKS, min_rows=300),
    source_title="Bodenrichtwerte (BORIS Berlin)",
    reference_date=_latest,
    history=True,
    description=("One edition per Stichtag (01.01.). The FIS-Broker downloads broker_<YYYY>.xls (2012–2024) are "
                 "imported by hand (`lichtenberg-data import bodenrichtwerte broker_*.xls`); FIS-Broker is retired. "
                 "The current edition is paged from the GDI WFS brw2025 (typeName brw2025:brw_2025_vector, chosen "
                 "after the GDI Berlin service naming; not verified live). Older downloads were licensed dl-de/by-2.0, "
                 "dl-de/zero-2.0 since 01.03.2025. Zones 40000–41099 (since 2022) are flagged `zusatzzone`."),
))

bodenrichtwert_zonen = catalog.register(Dataset(
    id="bodenrichtwert_zonen",
    title="Bodenrichtwertzonen Berlin (aktueller Stichtag)",
    topic="land",
    publisher=PUBLISHER,
    license=LICENSES["dl-de-zero-2.0"],
    landing_page=f"{WFS_SERVICE}?SERVICE=WFS&REQUEST=GetCapabilities",
    resources=(_wfs_resource("brw_zonen_2025.geojson"),),
    spatial_unit="Bodenrichtwertzone",
    update="annual",
    parser=parse_bodenrichtwert_zonen,
    schema=Schema(columns={**COLUMNS, "geometry": "geometry"}, key=("brw_nummer",), checks=_CHECKS,
                  min_rows=300),
    source_title="Bodenrichtwerte (BORIS Berlin), Zonen",
    reference_date=_latest,
    description=("The zone polygons of the current Stichtag from the GDI WFS brw2025 (EPSG:25833), with the "
                 "attributes of `bodenrichtwerte`. No real WFS answer was at hand: the attribute names "
                 "(brw_nr/brwid, bezirk, brw, nutzung, gfz, stichtag) follow the attributes published for the BORIS WFS."),
))

