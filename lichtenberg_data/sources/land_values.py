"""Bodenrichtwerte (standard land values) of the Gutachterausschuss für Grundstückswerte in Berlin.

``bodenrichtwerte`` – the history of values per zone
    One row per Bodenrichtwert zone and Stichtag (01.01.): number, Bezirk, type of use as
    published ("G - Gewerbe") and its short code (``G``, ``Gp``, ``GB``, ``W``, ``M2`` …), GFZ
    and value in EUR/m², without geometry. One edition per Stichtag, from either form:

    - the FIS-Broker downloads ``broker_<YYYY>.xls`` 2012–2024 (sheet ``Download``; the FIS-Broker
      is retired, so they are imported by hand; the shipped snapshot holds them);
    - the GDI Berlin WFS, one service per Stichtag, refreshed by ``lichtenberg-data refresh``:
      ``https://gdi.berlin.de/services/wfs/brw<YYYY>`` with the layer ``brw<YYYY>:brw_<YYYY>_vector``
      for 2002–2025 and, for the current Stichtag, ``brw2026`` with ``brw2026:brw2026_vector``
      (no underscores: the GDI names the newest layer differently). The attributes are asked for
      without the geometry (``PROPERTYNAME``), a small answer per year;
    - a GDAL SQLite file of a FIS-Broker layer (as for ``bodenrichtwert_zonen``), its attributes.

    An xls download and a WFS answer of the same Stichtag hold the same zones under the same
    numbers (``Bodenrichtwert-Nummer`` = ``brwid``, see the evidence below); the later arrival replaces the earlier one
    (key Stichtag and zone number).
``bodenrichtwert_zonen`` – the polygons of one Stichtag
    The zones with the columns of ``bodenrichtwerte`` and their polygons (EPSG:25833), for the
    map and the site exposé. Refreshed from the current WFS layer ``brw2026:brw2026_vector``;
    imported from any Stichtag as a WFS answer (GeoJSON/GML) or as the GDAL SQLite file of a
    FIS-Broker layer ``s_brw_<YYYY>`` (the shipped snapshot holds ``Bodenrichtwerte_2020.sqlite``,
    Stichtag 01.01.2020, saved from the WFS by a third party; read with the checks of
    :mod:`lichtenberg_data._geoio._sqlite`). Its Stand is the Stichtag of the zones it holds,
    whatever their age: no title calls it "aktuell".

Why the WFS years feed the history and not the polygons: the value of a zone over time is what
the analyses compare (:func:`lichtenberg_data.land.land_values`, the exposé's trend per zone),
and it joins to the polygons by zone number; the map and the exposé need one zone set. Keeping
24 polygon sets (tens of MB each) would cost much and show nothing more.

Commercial zones. ``gewerbe`` is True for the short codes ``G`` ("G - Gewerbe", and from 2022
"G - Gewerbliche Baufläche") and ``Gp`` ("Gewerbe produzierend"); ``GB`` is Gemeinbedarf, and
the subtypes ``G-FZT``, ``G-GD``, ``G-MES`` and ``GE`` of the 2022 coding are not counted.

Zusatzzonen. From the 2022 edition on, the Gutachterausschuss publishes a second set of zones
with five-digit numbers 40000–41099 (1,070 in 2022, 451 in 2024), coded with the use types of
the Bodenrichtwertrichtlinie (``SF-KGA`` Kleingärten, ``S-WO`` Wochenendhäuser, ``LF-F`` Forst,
but also ``G - Gewerbliche Baufläche`` and ``W - Wohnbaufläche``). They are kept and flagged
``zusatzzone``, so that a count can show them separately: they raise Lichtenberg's commercial
zones from 16 to 28 in 2022 and from 17 to 19 in 2024.

Evidence for the WFS addresses (public code calling these services in 2026, found with the
project's code search; no request to the live service was made from here):
``peer-cmd/Berlin-Map`` (README "verified 2026-10-01", ``config/sources.json``) names the service
``brw2026``, the layer ``brw2026:brw2026_vector``, 1,623 MultiPolygon features in EPSG:25833 and
the attributes ``bezirk, brw, nutzung, stichtag, anwert, verfahrensart, gfz, beitragszustand,
lumnum, brwid`` (``brwid`` the zone number, ``anwert`` the Sanierungs-/Entwicklungszusatz);
``pepperonas/kiez-finder`` (``tools/build-heat-prices.mjs``) reads the same layer (Stichtag
01.01.2026, 1,623 zones). An archive script whose repository the index does not name asks every
year 2002–2026 with ``brw<YYYY>:brw_<YYYY>_vector`` (``brw2026:brw2026_vector`` for 2026),
``propertyName`` ``bezirk,brw,nutzung,stichtag,gfz,brwid,anwert,verfahrensart,beitragszustand``
and GeoJSON output; further adapters name ``brw2023``–``brw2025`` the same way. Zone numbers: the
2020 SQLite's ``gml_id`` suffixes are exactly the 1,133 numbers of ``broker_2020.xls`` (tested); that
``brwid`` is the same number rests on its label "Bodenrichtwertnummer" in ``peer-cmd/Berlin-Map`` and
on equal counts (1,621 zones in ``brw2024`` per a public valuation tool's notes, 1,621 rows in
``broker_2024.xls``). Not verified:
that every one of the 24 older layers still answers today, and the exact form of ``stichtag``
(ISO dates with or without time are both read). ``lichtenberg-data doctor`` checks that each
service's GetCapabilities lists its layer.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import catalog
from .._errors import FormatError
from .._validate import known_districts
from ..catalog import LICENSES, WFS, Check, Dataset, Resource, Schema
from ..names import BEZIRKE, bezirk_id
from ._brw_read import read_broker_xls, read_edition

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["COMMERCIAL_CODES", "ZUSATZZONEN", "WFS_YEARS", "CURRENT_YEAR", "nutzung_kurz", "is_commercial",
           "read_broker_xls", "wfs_layer", "parse_bodenrichtwerte", "parse_bodenrichtwert_zonen"]

PUBLISHER = "Gutachterausschuss für Grundstückswerte in Berlin"
LANDING_PAGE = "https://www.berlin.de/gutachterausschuss/"
GDI_WFS = "https://gdi.berlin.de/services/wfs"
#: The Stichtage the GDI WFS serves (one service ``brw<YYYY>`` each), and the current one.
WFS_YEARS = tuple(range(2002, 2027))
CURRENT_YEAR = 2026
#: Layers whose name departs from ``brw<YYYY>:brw_<YYYY>_vector``.
_TYPE_NAMES = {2026: "brw2026:brw2026_vector"}
#: The attributes the history asks for (no geometry); all listed by the 2002–2026 layers.
PROPERTIES = ("brwid", "bezirk", "brw", "nutzung", "gfz", "stichtag", "beitragszustand", "anwert")
#: Short codes of the types of use that count as commercial zones.
COMMERCIAL_CODES = frozenset({"G", "Gp"})
#: Zone numbers of the second set of zones published since 2022.
ZUSATZZONEN = (40000, 41099)

COLUMNS = {"stichtag": "date", "year": "int", "brw_nummer": "str", "bezirk": "str", "bezirk_id": "str",
           "nutzung": "str", "nutzung_kurz": "str", "gfz": "float", "brw_eur_m2": "float", "gewerbe": "bool",
           "zusatzzone": "bool", "beitragszustand": "str", "zusatz": "str"}


def wfs_layer(year: int, properties: tuple[str, ...] = ()) -> WFS:
    """The GDI WFS layer of the Stichtag 01.01.``year``.

    Examples
    --------
    >>> wfs_layer(2025).type_name, wfs_layer(2026).type_name
    ('brw2025:brw_2025_vector', 'brw2026:brw2026_vector')
    >>> wfs_layer(2026).service_url
    'https://gdi.berlin.de/services/wfs/brw2026'
    """
    return WFS(f"{GDI_WFS}/brw{year}", _TYPE_NAMES.get(year, f"brw{year}:brw_{year}_vector"),
               properties=properties)


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


# =========================================================================== canonical columns

def _numbers(values: pd.Series, what: str, path: Path) -> pd.Series:
    """Numbers as floats: cells that are numbers, "1700.0", German "1.234,5"; "-" and "" are missing."""
    import pandas as pd

    def one(v: Any) -> float:
        if v is None or isinstance(v, bool):
            return float("nan")
        if isinstance(v, (int, float)):
            return float(v)
        text = str(v).strip()
        if text in {"", "-", "–", "None", "nan"}:
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


def _canonical(raw: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Typed canonical columns from the cells of any form (:mod:`._brw_read`)."""
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


def _read(path: Path, keep_geometry: bool) -> Any:
    raw, geometry = read_edition(path, keep_geometry)
    table = _canonical(raw, path)
    if not keep_geometry:
        return table
    import geopandas as gpd

    return gpd.GeoDataFrame(table, geometry=geometry.values, crs=geometry.crs)


def parse_bodenrichtwerte(files: Mapping[str, Path]) -> pd.DataFrame:
    """Parse Bodenrichtwert editions (FIS-Broker xls downloads, WFS answers, GDAL SQLite) without geometry.

    Examples
    --------
    >>> df = parse_bodenrichtwerte({"broker_2012.xls": Path("broker_2012.xls")})  # doctest: +SKIP
    >>> int(df[(df.bezirk_id == "11") & df.gewerbe].shape[0])                     # doctest: +SKIP
    17
    """
    import pandas as pd

    parts = [_read(Path(p), keep_geometry=False) for p in files.values()]
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def parse_bodenrichtwert_zonen(files: Mapping[str, Path]) -> Any:
    """Parse the zone polygons of one Stichtag: a WFS answer (GeoJSON/GML) or a GDAL SQLite file.

    Returns a GeoDataFrame in EPSG:25833 with the columns of ``bodenrichtwerte`` and ``geometry``,
    whichever form arrived.

    Examples
    --------
    >>> zones = parse_bodenrichtwert_zonen({"z": Path("Bodenrichtwerte_2020.sqlite")})  # doctest: +SKIP
    >>> len(zones), f"{zones['stichtag'].max():%d.%m.%Y}"                                 # doctest: +SKIP
    (1133, '01.01.2020')
    """
    if len(files) != 1:
        raise FormatError(f"expected one file with the zones of one Stichtag, got {len(files)} files")
    return _read(Path(next(iter(files.values()))), keep_geometry=True)


# =========================================================================== checks

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


def _one_stichtag(df: pd.DataFrame) -> str | None:
    days = sorted(df["stichtag"].dt.strftime("%d.%m.%Y").unique())
    return f"zones of {len(days)} Stichtage ({', '.join(days[:3])}) in one file; one Stichtag expected" \
        if len(days) > 1 else None


_CHECKS = (Check("known districts", known_districts), Check("all 12 Bezirke", _all_districts),
           Check("positive values", _positive_values), Check("plausible GFZ", _plausible_gfz),
           Check("short code of the type of use", _use_codes))


def _latest(df: pd.DataFrame):
    return df["stichtag"].max().date() if len(df) else None


# =========================================================================== datasets

def _broker_edition(year: int) -> Resource:
    return Resource(name=f"broker_{year}.xls", url=None, format="xls", match=r"broker_\d{4}\.xlsx?$")


def _wfs_edition(year: int) -> Resource:
    layer = wfs_layer(year, PROPERTIES)
    return Resource(name=f"brw_{year}.geojson", url=layer.service_url, format="geojson", accepts=("sqlite",),
                    match=r"\.(geo)?json$|\.gml$|\.sqlite$", wfs=layer)


bodenrichtwerte = catalog.register(Dataset(
    id="bodenrichtwerte",
    title="Bodenrichtwerte in Berlin",
    topic="land",
    publisher=PUBLISHER,
    license=LICENSES["dl-de-zero-2.0"],
    landing_page=LANDING_PAGE,
    resources=(*(_broker_edition(y) for y in range(2012, 2025)), *(_wfs_edition(y) for y in WFS_YEARS)),
    spatial_unit="Bodenrichtwertzone",
    update="annual",
    parser=parse_bodenrichtwerte,
    schema=Schema(columns=COLUMNS, key=("stichtag", "brw_nummer"), checks=_CHECKS, min_rows=300),
    source_title="Bodenrichtwerte (BORIS Berlin)",
    reference_date=_latest,
    history=True,
    parser_version="2",
    description=("The history of values per zone, one edition per Stichtag (01.01.), without geometry. "
                 "`refresh` asks the GDI WFS for every Stichtag 2002–2026 (services brw<YYYY>, layers "
                 "brw<YYYY>:brw_<YYYY>_vector, for 2026 brw2026:brw2026_vector; attributes only). The FIS-Broker "
                 "downloads broker_<YYYY>.xls (2012–2024) are imported by hand (`lichtenberg-data import "
                 "bodenrichtwerte broker_*.xls`), as is a GDAL SQLite file of a FIS-Broker layer s_brw_<YYYY> "
                 "(its attributes); an xls and a WFS answer of one Stichtag hold the same zones, "
                 "the later replaces the earlier. Older downloads were licensed dl-de/by-2.0, dl-de/zero-2.0 since "
                 "01.03.2025. Zones 40000–41099 (since 2022) are flagged `zusatzzone`."),
))

bodenrichtwert_zonen = catalog.register(Dataset(
    id="bodenrichtwert_zonen",
    title="Bodenrichtwertzonen Berlin (Polygone eines Stichtags)",
    topic="land",
    publisher=PUBLISHER,
    license=LICENSES["dl-de-zero-2.0"],
    landing_page=LANDING_PAGE,
    resources=(Resource(name=f"brw_zonen_{CURRENT_YEAR}.geojson", url=wfs_layer(CURRENT_YEAR).service_url,
                        format="geojson", accepts=("sqlite",), match=r"\.(geo)?json$|\.gml$|\.sqlite$",
                        wfs=wfs_layer(CURRENT_YEAR)),),
    spatial_unit="Bodenrichtwertzone",
    update="annual",
    parser=parse_bodenrichtwert_zonen,
    schema=Schema(columns={**COLUMNS, "geometry": "geometry"}, key=("brw_nummer",),
                  checks=(*_CHECKS, Check("one Stichtag", _one_stichtag)), min_rows=300),
    source_title="Bodenrichtwerte (BORIS Berlin), Zonen",
    reference_date=_latest,
    parser_version="2",
    description=(f"The zone polygons of one Stichtag (EPSG:25833) with the columns of `bodenrichtwerte`; its Stand "
                 f"is that Stichtag. `refresh` pages the current layer brw{CURRENT_YEAR}:brw{CURRENT_YEAR}_vector of "
                 "the GDI WFS; `import` takes a WFS answer (GeoJSON/GML) of any Stichtag or the GDAL SQLite file of "
                 "a FIS-Broker layer s_brw_<YYYY> (one layer of polygons, opened read-only and checked before it "
                 "is read). The shipped snapshot holds the zones of 01.01.2020 in that form, saved from the WFS by "
                 "a third party (patperu/fisbroker_data)."),
))
