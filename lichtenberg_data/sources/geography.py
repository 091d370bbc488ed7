"""Berlin's areas: Bezirke and Ortsteile (ALKIS) and the LOR (Lebensweltlich orientierte Räume).

``bezirke``, ``ortsteile``
    ALKIS boundaries from the GDI Berlin WFS (``alkis_bezirke:bezirksgrenzen``,
    ``alkis_ortsteile:ortsteile``), dl-de/zero-2.0.
``lor_planungsraeume``, ``lor_bezirksregionen``, ``lor_prognoseraeume``
    LOR 2021 (542 / 143 / 58 areas) from the WFS ``lor_2021``, CC BY 3.0 DE.
``lor_planungsraeume_2006``
    The old LOR (448 Planungsräume, state 01.01.2019, valid until 2020) that population
    tables before 2021 use: geometry plus the key list (needed where the geometry file has
    names only, as the converted ``LOR_Planungsraeume_2019.geojson``).
``lor_schluessel``
    The official LOR 2021 key list (``LOR_2021.csv``): keys and names, no geometry.

Every parser accepts each variant :func:`lichtenberg_data._geoio.read_geofile` reads (WFS
GeoJSON, GML, CRS-less or CRS84 GeoJSON, zipped shapefiles) and returns the canonical columns
of :mod:`lichtenberg_data.geo` in EPSG:25833.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .. import catalog
from .._errors import FormatError
from .._readers import csv_frame, german_number, read_text
from ..catalog import LICENSES, WFS, Check, Dataset, Resource, Schema
from ..names import BEZIRKE, ORTSTEILE
from ..names import BOUNDARY_COLUMNS as COLUMNS

if TYPE_CHECKING:  # pragma: no cover - pandas and geo load only when a parser runs
    import pandas as pd

GDI = "https://gdi.berlin.de/services/wfs"
ALKIS_PUBLISHER = "Senatsverwaltung für Stadtentwicklung, Bauen und Wohnen Berlin (Geoportal Berlin)"
LOR_PUBLISHER = "Amt für Statistik Berlin-Brandenburg / SenStadt"
LOR_SOURCE = "Lebensweltlich orientierte Räume (LOR) (01.01.2021)"
LOR_2021 = date(2021, 1, 1)
LOR_2019 = date(2019, 1, 1)
#: Pinned copies of the key lists in public repositories (byte-identical to the published files per
#: shared/real-data/SOURCES.md): no official direct CSV address is known; the old
#: stadtentwicklung.berlin.de download pages are reported gone (not checked live).
KEY_LIST_2021_URL = ("https://raw.githubusercontent.com/jascha-je/Data-Visualization/"
                     "f234dd6f38d929c50338b0f07573dc3ae3e8c9ab/Sprint_2/data/LOR_2021.csv")
KEY_LIST_2019_URL = ("https://raw.githubusercontent.com/rbb-data/public-parks/"
                     "fb9c10572bc7591db7c5f298ade50d24c487a5d2/source/LOR_Planungsraeume_2019.csv")


def _capabilities(service: str) -> str:
    return f"{GDI}/{service}?SERVICE=WFS&REQUEST=GetCapabilities"


def _only_file(files: Mapping[str, Path]) -> Path:
    if len(files) != 1:
        raise FormatError(f"expected one file, got {len(files)}: {', '.join(map(str, files))}")
    return Path(next(iter(files.values())))


def _timestamp(df: pd.DataFrame) -> date | None:
    stamp = df.attrs.get("timestamp")
    return date.fromisoformat(stamp) if stamp else None


# =========================================================================== parsers

def parse_bezirke(files: Mapping[str, Path]) -> pd.DataFrame:
    """Parse the ALKIS Bezirke (WFS GeoJSON or GML, or an ODIS/FIS-Broker export).

    Examples
    --------
    >>> import tempfile
    >>> from lichtenberg_data.demo.geography import sample_bezirke
    >>> p = Path(tempfile.mkdtemp()) / "bezirke.geojson"; _ = p.write_bytes(sample_bezirke())
    >>> df = parse_bezirke({"bezirksgrenzen.geojson": p})
    >>> len(df), df.loc[df.bezirk_id == "11", "bezirk"].item()
    (12, 'Lichtenberg')
    """
    from .. import _geoio

    return _geoio.normalise_bezirke(_geoio.read_geofile(_only_file(files)))


def parse_ortsteile(files: Mapping[str, Path]) -> pd.DataFrame:
    """Parse the ALKIS Ortsteile (``nam``) or the ODIS ``lor_ortsteile`` file (``OTEIL``).

    Examples
    --------
    >>> import tempfile
    >>> from lichtenberg_data.demo.geography import sample_ortsteile
    >>> p = Path(tempfile.mkdtemp()) / "ortsteile.geojson"; _ = p.write_bytes(sample_ortsteile())
    >>> df = parse_ortsteile({"ortsteile.geojson": p})
    >>> len(df), int((df.bezirk_id == "11").sum())
    (97, 10)
    """
    from .. import _geoio

    return _geoio.normalise_ortsteile(_geoio.read_geofile(_only_file(files)))


def _lor_parser(level: str):
    def parse(files: Mapping[str, Path]) -> pd.DataFrame:
        from .. import _geoio

        return _geoio.normalise_lor(_geoio.read_geofile(_only_file(files)), level, "2021")

    parse.__name__ = f"parse_lor_{level}"
    parse.__doc__ = f"Parse a LOR 2021 {level} layer (WFS GeoJSON/GML, ODIS or FIS-Broker export)."
    return parse


parse_lor_planungsraeume = _lor_parser("planungsraum")
parse_lor_bezirksregionen = _lor_parser("bezirksregion")
parse_lor_prognoseraeume = _lor_parser("prognoseraum")

_KEY_COLUMNS = ["planungsraum_id", "planungsraum", "bezirksregion_id", "bezirksregion", "prognoseraum_id",
                "prognoseraum", "bezirk_id", "bezirk", "lor_version", "flaeche_m2"]


def read_key_list(path: Path, version: str) -> pd.DataFrame:
    """Read a LOR key list (``LOR_2021.csv`` or ``LOR_Planungsraeume_2019.csv``) to canonical columns.

    Separator (``,`` or ``;``), BOM and line endings are detected; names are repaired and
    Bezirk names checked against the official list.

    Examples
    --------
    >>> import tempfile
    >>> from lichtenberg_data.demo.geography import sample_lor_schluessel
    >>> p = Path(tempfile.mkdtemp()) / "LOR_2021.csv"; _ = p.write_bytes(sample_lor_schluessel())
    >>> keys = read_key_list(p, "2021")
    >>> len(keys), keys.planungsraum_id.iloc[0], keys.lor_version.iloc[0]
    (542, '01100101', '2021')
    """
    from .. import _geoio

    text = read_text(path)
    header = text.split("\n", 1)[0]
    table = csv_frame(text, sep=";" if header.count(";") > header.count(",") else ",")
    table.columns = [c.strip() for c in table.columns]
    table = table.apply(_geoio.repair_text)
    out = _geoio.normalise_lor(table, "planungsraum", version)
    for level in ("bezirksregion", "prognoseraum"):  # what a key list is for: the names of every level
        if out[level].isna().all():
            raise FormatError(f"{path.name} has {_geoio.no_column(level, table)}; a LOR key list names the "
                              "Bezirksregionen and Prognoseräume. Check that it is the LOR key list")
    out["lor_version"] = version
    area = _geoio._pick(table, "flaeche", fallback=("fläche in qm", "flächengröße in m²", "flaeche_m2",
                                                  "flaechengroesse_in_m2", "finhalt"))
    out["flaeche_m2"] = german_number(area) if area is not None else float("nan")
    return out[_KEY_COLUMNS].reset_index(drop=True)


def parse_lor_schluessel(files: Mapping[str, Path]) -> pd.DataFrame:
    """Parse the official LOR 2021 key list ``LOR_2021.csv``."""
    return read_key_list(_only_file(files), "2021")


def parse_lor_planungsraeume_2006(files: Mapping[str, Path]) -> pd.DataFrame:
    """Parse the old LOR Planungsräume: geometry (WFS, GeoJSON, shapefile) + optional key list.

    A geometry file with names only (``LOR_Planungsraeume_2019.geojson``) gets its keys from
    the key list (``LOR_Planungsraeume_2019.csv``) by Bezirk and LOR names; with keys in the
    geometry, the key list checks them and supplies the official names.
    """
    from .. import _geoio

    paths = [Path(p) for p in files.values()]
    csvs = [p for p in paths if _is_csv(p)]
    shapes = [p for p in paths if p not in csvs]
    if len(shapes) != 1 or len(csvs) > 1:
        raise FormatError("expected one geometry file and at most one key list (CSV), got "
                          f"{', '.join(p.name for p in paths)}")
    keys = read_key_list(csvs[0], "2006") if csvs else None
    return _geoio.normalise_lor(_geoio.read_geofile(shapes[0]), "planungsraum", "2006", keys=keys)


def _is_csv(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(512).lstrip(b"\xef\xbb\xbf \r\n\t")
    return not head.startswith((b"{", b"<", b"PK"))


# =========================================================================== checks

def _all_bezirke(df: pd.DataFrame) -> str | None:
    missing = sorted(set(BEZIRKE) - set(df["bezirk_id"]))
    return f"Bezirke missing: {', '.join(BEZIRKE[m] for m in missing)}" if missing else None


#: Ortsteile younger than some published layers: Schlachtensee (split off Nikolassee in 2020).
NEWER_ORTSTEILE = frozenset({"Schlachtensee"})


def _all_ortsteile(df: pd.DataFrame) -> str | None:
    official = {n for names in ORTSTEILE.values() for n in names}
    missing = sorted(official - set(df["ortsteil"]) - NEWER_ORTSTEILE)
    return f"official Ortsteile missing: {', '.join(missing[:5])}" if missing else None


def _one_version(version: str):
    def check(df: pd.DataFrame) -> str | None:
        found = sorted(set(df["lor_version"]))
        return None if found == [version] else f"lor_version is {found}, expected ['{version}']"
    return check


def _positive_area(df: pd.DataFrame) -> str | None:
    bad = df[~(df["flaeche_m2"] > 0)]
    return f"{len(bad)} areas without a positive area" if len(bad) else None


def _lor_checks(version: str) -> tuple[Check, ...]:
    return (Check("all 12 Bezirke", _all_bezirke), Check("one LOR version", _one_version(version)))


def _geo_schema(level: str, key: str, min_rows: int, checks: tuple[Check, ...]) -> Schema:
    kinds = {c: ("geometry" if c == "geometry" else "float" if c == "flaeche_m2" else "str")
             for c in COLUMNS[level]}
    return Schema(columns=kinds, key=(key,), checks=(*checks, Check("positive areas", _positive_area)),
                  min_rows=min_rows)


# =========================================================================== datasets

def _wfs_resource(name: str, service: str, type_name: str) -> Resource:
    return Resource(name=name, url=f"{GDI}/{service}", format="geojson",
                    wfs=WFS(f"{GDI}/{service}", type_name))


bezirke = catalog.register(Dataset(
    id="bezirke",
    title="Bezirksgrenzen Berlin (ALKIS)",
    topic="geography",
    publisher=ALKIS_PUBLISHER,
    license=LICENSES["dl-de-zero-2.0"],
    landing_page=_capabilities("alkis_bezirke"),
    resources=(_wfs_resource("bezirksgrenzen.geojson", "alkis_bezirke", "alkis_bezirke:bezirksgrenzen"),),
    spatial_unit="Bezirk",
    update="annual",
    parser=parse_bezirke,
    schema=_geo_schema("bezirk", "bezirk_id", 12, (Check("all 12 Bezirke", _all_bezirke),)),
    source_title="ALKIS Berlin Bezirke",
    reference_date=_timestamp,
    description="The 12 Bezirke as polygons in EPSG:25833 with their area.",
))

ortsteile = catalog.register(Dataset(
    id="ortsteile",
    title="Ortsteile Berlin (ALKIS)",
    topic="geography",
    publisher=ALKIS_PUBLISHER,
    license=LICENSES["dl-de-zero-2.0"],
    landing_page=_capabilities("alkis_ortsteile"),
    resources=(_wfs_resource("ortsteile.geojson", "alkis_ortsteile", "alkis_ortsteile:ortsteile"),),
    spatial_unit="Ortsteil",
    update="annual",
    parser=parse_ortsteile,
    schema=_geo_schema("ortsteil", "ortsteil", 96, (Check("all 12 Bezirke", _all_bezirke),
                                                     Check("all official Ortsteile", _all_ortsteile))),
    source_title="ALKIS Berlin Ortsteile",
    reference_date=_timestamp,
    description="96 Ortsteile (97 since Schlachtensee became one) as polygons in EPSG:25833.",
))

lor_schluessel = catalog.register(Dataset(
    id="lor_schluessel",
    title="LOR-Schlüsselverzeichnis 2021 (Planungsräume, Bezirksregionen, Prognoseräume)",
    topic="geography",
    publisher=LOR_PUBLISHER,
    license=LICENSES["cc-by-3.0-de"],
    landing_page="https://daten.berlin.de/datensaetze/lebensweltlich-orientierte-r%C3%A4ume-lor-planungsr%C3%A4ume-01012021-wfs",
    resources=(Resource(name="LOR_2021.csv", url=KEY_LIST_2021_URL, format="csv", match=r"LOR.*2021.*\.csv$"),),
    spatial_unit="LOR-Planungsraum",
    update="static",
    parser=parse_lor_schluessel,
    schema=Schema(columns={**{c: "str" for c in _KEY_COLUMNS}, "flaeche_m2": "float"}, key=("planungsraum_id",),
                  checks=_lor_checks("2021"), min_rows=500),
    source_title=LOR_SOURCE,
    reference_date=LOR_2021,
    description=("The official key list of LOR 2021 (542 Planungsräume with Bezirksregion, Prognoseraum and "
                 "Bezirk). The download is a pinned copy in a public repository; no official direct CSV address is known."),
))

_LOR_LAYERS = (
    ("lor_planungsraeume", "planungsraum", "a_lor_plr_2021", "planungsraeume.geojson", 500,
     "LOR-Planungsräume 2021", "LOR-Planungsraum"),
    ("lor_bezirksregionen", "bezirksregion", "b_lor_bzr_2021", "bezirksregionen.geojson", 130,
     "LOR-Bezirksregionen 2021", "LOR-Bezirksregion"),
    ("lor_prognoseraeume", "prognoseraum", "c_lor_pgr_2021", "prognoseraeume.geojson", 55,
     "LOR-Prognoseräume 2021", "LOR-Prognoseraum"),
)

for _id, _level, _layer, _name, _min, _title, _unit in _LOR_LAYERS:
    catalog.register(Dataset(
        id=_id,
        title=_title,
        topic="geography",
        publisher=LOR_PUBLISHER,
        license=LICENSES["cc-by-3.0-de"],
        landing_page=_capabilities("lor_2021"),
        resources=(_wfs_resource(_name, "lor_2021", f"lor_2021:{_layer}"),),
        spatial_unit=_unit,
        update="static",
        parser=_lor_parser(_level),
        schema=_geo_schema(_level, f"{_level}_id", _min, _lor_checks("2021")),
        source_title=LOR_SOURCE,
        reference_date=LOR_2021,
        description=f"{_title} as polygons in EPSG:25833 with keys, names and area (LOR scheme of 01.01.2021).",
    ))

lor_planungsraeume_2006 = catalog.register(Dataset(
    id="lor_planungsraeume_2006",
    title="LOR-Planungsräume bis 2020 (Stand 01.01.2019)",
    topic="geography",
    publisher=LOR_PUBLISHER,
    license=LICENSES["cc-by-3.0-de"],
    landing_page=_capabilities("lor_2019"),
    resources=(
        Resource(name="lor_planungsraeume_2019.geojson", url=f"{GDI}/lor_2019", format="geojson",
                 wfs=WFS(f"{GDI}/lor_2019", "lor_2019:a_lor_plr_2019"),
                 match=r"\.(geojson|json|gml|zip)$"),
        Resource(name="LOR_Planungsraeume_2019.csv", url=KEY_LIST_2019_URL, format="csv", match=r"\.csv$"),
    ),
    spatial_unit="LOR-Planungsraum (bis 2020)",
    update="static",
    parser=parse_lor_planungsraeume_2006,
    schema=_geo_schema("planungsraum", "planungsraum_id", 400, _lor_checks("2006")),
    source_title="Lebensweltlich orientierte Räume (LOR), Stand 01.01.2019",
    reference_date=LOR_2019,
    description=("The LOR valid until 2020 (448 Planungsräume since 2019), which the population tables up to "
                 "2020 use; convert them to LOR 2021 with geo.crosswalk. The key list is a pinned copy "
                 "(the SenStadt download pages are reported gone)."),
))
