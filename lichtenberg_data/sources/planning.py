"""Urban planning: Bebauungspläne and the areas of urban development programmes (GDI Berlin WFS).

``bebauungsplaene``
    The development plans of the WFS ``https://gdi.berlin.de/services/wfs/bplan`` (title
    "Bebauungsplanverfahren in Berlin", dl-de/zero-2.0, EPSG:25833): ``bplan:a_bp_iv`` (plans
    in procedure), ``bplan:b_bp_fs`` (festgesetzt) and ``bplan:c_bp_ak`` (außer Kraft). One row
    per plan area with its status (``layer``), number, name, kind, procedure, Bezirk, legal
    state, dates, responsible office, links, the use as free text (``inhalt``) and its area
    computed from the polygon (the layers carry none).
``foerdergebiete``
    Areas of urban development programmes: the Sanierungsgebiete of the WFS
    ``https://gdi.berlin.de/services/wfs/sanier`` (``sanier:a_sanier_umfassend``,
    ``sanier:b_sanier_einfach``, ``sanier:c_sanier_aufgehoben``), and, as files imported by hand,
    the areas of "Sozialer Zusammenhalt" (Quartiersmanagement) and "Lebendige Zentren und
    Quartiere": name, programme, dates, area in ha.

**Never seen as a real file.** No answer of these services was at hand when this parser was
written and ``doctor`` could not reach gdi.berlin.de; the parser rests on names seen in public
code (found with the tool library's code search, quoted from files that did not always name
their repository):

* the three ``bplan`` type names with ``outputFormat=application/json`` (a Berlin B-Plan
  provider notes that ``application/geo+json`` is refused), and ``c_bp_ak`` next to them in a
  GDI endpoint table and a download script; the attributes ``planid, planname, planartname,
  verfahrensart, bezirk, bp_rechtsstand, festsg_am, afs_behoer, url_www, scan_www, grund_www,
  ausleg_www, inhalt`` (a schema note lists 31 fields, adding ``bereich``, ``afs_beschl``,
  ``aul_anfang`` …; ``a_bp_iv`` has no document fields); the service's GetCapabilities and
  metadata record are linked in Digitale-Waermewende/Digitale-Waermewende
  (``stakeholder/laender/Berlin/xplanung_BE_deep_research.md``);
* the ``sanier`` type names in a GDI endpoint table of a Berlin open-data MCP server; their
  attributes are assumed to be those of the FIS-Broker predecessor ``sach_sanier``
  (``schluessel, gebietsname, bezirk, verordnung, f_gvbl_dat, f_in_kraft, ae_gvbldat,
  ae_inkraft, verfahren, au_gvbldat, au_inkraft, fl_in_ha``), listed with the predecessors
  ``s_quartier`` (``schluessel, bezirk, gebietsname, sen1_nr, sen1_datum, sen_aen_nr,
  sen_aen_datum, fl_ha``) and ``s_foerder_leb_zentren`` (``gisid1, gebietsname, fl_in_ha``) in
  technologiestiftung/odis-geoexplorer-data (``scraper/data/ckan_data_filtered_attr.json``).
  No GDI layer name of the Quartiersmanagement and Lebendige-Zentren areas was found (the
  FIS-Broker was shut down on 01.12.2025): those two are optional files imported by hand.

The parser therefore looks attributes up among several spellings, ignores extra ones and leaves
missing optional ones empty; only a plan number (or name) and the polygons are required. Check
the first real download against this.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import _kept, catalog
from .._errors import FormatError
from .._validate import unknown_values
from ..catalog import LICENSES, WFS, Check, Dataset, Resource, Schema
from ..names import BEZIRKE
from ._gdi_areas import bezirk_ids, dates, number, pick, read_areas, require, text

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

__all__ = ["BPLAN_SERVICE", "BPLAN_LAYERS", "SANIER_SERVICE", "PROGRAMMES", "UNVERIFIED",
           "parse_bebauungsplaene", "parse_foerdergebiete"]

BPLAN_SERVICE = "https://gdi.berlin.de/services/wfs/bplan"
SANIER_SERVICE = "https://gdi.berlin.de/services/wfs/sanier"
#: Status of a plan -> (WFS type name, German status).
BPLAN_LAYERS: dict[str, tuple[str, str]] = {
    "im_verfahren": ("bplan:a_bp_iv", "im Verfahren"),
    "festgesetzt": ("bplan:b_bp_fs", "festgesetzt"),
    "ausser_kraft": ("bplan:c_bp_ak", "außer Kraft"),
}
#: Programme layer -> (WFS type name or None for a file imported by hand, German programme name).
PROGRAMMES: dict[str, tuple[str | None, str]] = {
    "sanierung_umfassend": ("sanier:a_sanier_umfassend", "Sanierungsgebiet (umfassendes Verfahren)"),
    "sanierung_vereinfacht": ("sanier:b_sanier_einfach", "Sanierungsgebiet (vereinfachtes Verfahren)"),
    "sanierung_aufgehoben": ("sanier:c_sanier_aufgehoben", "Sanierungsgebiet (aufgehoben)"),
    "quartiersmanagement": (None, "Sozialer Zusammenhalt / Quartiersmanagement"),
    "lebendige_zentren": (None, "Lebendige Zentren und Quartiere"),
}
#: What ``info`` must say until a real answer of these services has been read (see the docstring).
UNVERIFIED = ("parser never saw a real file of these layers: built on layer and attribute names seen in public "
              "code; check the first real download against the module docstring")

_PLAN_ID = ("planid", "plan_id", "planname", "gisid")
_ATTRS = {  # canonical column -> spellings, first hit wins
    "name": ("planname", "name", "bezeichnung"), "planart": ("planartname", "planart"),
    "verfahrensart": ("verfahrensart", "verfahren"), "rechtsstand": ("bp_rechtsstand", "rechtsstand"),
    "behoerde": ("afs_behoer", "behoerde", "zustaendig"), "bereich": ("bereich", "lage"), "inhalt": ("inhalt",),
    "url": ("url_www",), "scan_url": ("scan_www",), "begruendung_url": ("grund_www",),
    "auslegung_url": ("ausleg_www",),
}
_AREA_ID = ("schluessel", "gebiet_id", "gisid1", "gisid", "sen1_nr", "id")
_AREA_NAME = ("gebietsname", "name", "gebiet", "bezeichnung", "bez_gebiet")


def _stamp(parts: list[Any]) -> str | None:
    stamps = [p.attrs.get("timestamp") for p in parts if p.attrs.get("timestamp")]
    return min(stamps) if stamps else None


def _layer_of(name: str, layers: Mapping[str, tuple[str | None, str]]) -> str:
    """The layer a file name stands for: its key (``im_verfahren``) or its type name (``a_bp_iv``)."""
    for layer, (type_name, _) in layers.items():
        if layer in name or (type_name and type_name.split(":")[-1] in name):
            return layer
    raise FormatError(f"{name}: not a file of this dataset")


# =========================================================================== Bebauungspläne

def _plans(path: Path, layer: str) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import pandas as pd

    type_name, status = BPLAN_LAYERS[layer]
    gdf = read_areas(path, "Bebauungspläne")
    what = f"the GDI layer {type_name}"
    ids = text(gdf, (require(gdf, _PLAN_ID, path, what),))
    if ids.isna().any():
        raise FormatError(f"{path.name}: {int(ids.isna().sum())} plans without a plan number ('planid')")
    out = pd.DataFrame({"layer": layer, "status": status, "plan_id": ids,
                        "feature_id": [f"{layer}.{i}" for i in range(1, len(gdf) + 1)]})
    for column, names in _ATTRS.items():
        out[column] = text(gdf, names)
    out["name"] = out["name"].where(out["name"].notna(), out["plan_id"])
    out["bezirk_id"] = bezirk_ids(gdf).to_numpy()
    out["bezirk"] = out["bezirk_id"].map(BEZIRKE)
    out["festgesetzt_am"] = dates(gdf, ("festsg_am", "festsetzung", "festgesetzt_am")).to_numpy()
    out["aufstellung_am"] = dates(gdf, ("afs_beschl", "aufstellung")).to_numpy()
    result = gpd.GeoDataFrame(out, geometry=gdf.geometry.to_numpy(), crs=gdf.crs)
    result["flaeche_m2"] = result.geometry.area.round(1)
    result["flaeche_ha"] = (result["flaeche_m2"] / 10_000).round(2)
    result.attrs["timestamp"] = gdf.attrs.get("timestamp")
    return result


def parse_bebauungsplaene(files: Mapping[str, Path]) -> gpd.GeoDataFrame:
    """Parse the WFS answers (GeoJSON or GML) of the ``bplan`` layers into one row per plan area.

    ``files`` maps resource names (``bplan_a_bp_iv.geojson`` …) to files; any of the layers may
    be missing (the catalogue says which are required).

    Examples
    --------
    >>> import tempfile
    >>> from lichtenberg_data.demo.planning import sample_bplan
    >>> p = Path(tempfile.mkdtemp()) / "a_bp_iv.geojson"; _ = p.write_bytes(sample_bplan("im_verfahren"))
    >>> gdf = parse_bebauungsplaene({"bplan_im_verfahren.geojson": p})
    >>> gdf["status"].unique().tolist(), str(gdf.crs), bool((gdf["flaeche_ha"] > 0).all())
    (['im Verfahren'], 'EPSG:25833', True)
    """
    import geopandas as gpd
    import pandas as pd

    parts = [_counted(_plans(Path(p), _layer_of(name, BPLAN_LAYERS)), p) for name, p in files.items()]
    out = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=parts[0].crs)
    out.attrs["timestamp"] = _stamp(parts)
    return out


def _counted(part: gpd.GeoDataFrame, path: Path) -> gpd.GeoDataFrame:
    """``part``, after telling the import how many rows its file gave (so that a cut copy of one
    layer is compared with its own stored copy, not with the whole table)."""
    _kept.kept(path, len(part))
    return part


# =========================================================================== Fördergebiete

def _areas(path: Path, layer: str) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import pandas as pd

    type_name, programme = PROGRAMMES[layer]
    gdf = read_areas(path, "Fördergebiete")
    what = f"the GDI layer {type_name}" if type_name else f"the areas of {programme}"
    names = text(gdf, (require(gdf, _AREA_NAME, path, what),))
    if names.isna().any():
        raise FormatError(f"{path.name}: {int(names.isna().sum())} areas without a name ('gebietsname')")
    keys = text(gdf, _AREA_ID) if pick(gdf, _AREA_ID) else pd.Series([None] * len(gdf), index=gdf.index)
    out = pd.DataFrame({"layer": layer, "programm": programme,
                        "gebiet_id": [k or f"{layer}.{i}" for i, k in enumerate(keys, start=1)],
                        "name": names})
    out["feature_id"] = [f"{layer}.{i}" for i in range(1, len(gdf) + 1)]
    out["bezirk_id"] = bezirk_ids(gdf).to_numpy()
    out["bezirk"] = out["bezirk_id"].map(BEZIRKE)
    out["verfahren"] = text(gdf, ("verfahren", "verfahrensart")).to_numpy()
    out["festgelegt_am"] = dates(gdf, ("f_in_kraft", "f_gvbl_dat", "sen1_datum", "festgelegt_am")).to_numpy()
    out["geaendert_am"] = dates(gdf, ("ae_inkraft", "ae_gvbldat", "sen_aen_datum")).to_numpy()
    out["aufgehoben_am"] = dates(gdf, ("au_inkraft", "au_gvbldat", "aufgehoben_am")).to_numpy()
    result = gpd.GeoDataFrame(out, geometry=gdf.geometry.to_numpy(), crs=gdf.crs)
    published = number(gdf, ("fl_in_ha", "fl_ha", "flaeche_ha")).to_numpy()
    result["flaeche_ha"] = pd.Series(published, index=result.index).fillna(result.geometry.area / 10_000).round(2)
    result.attrs["timestamp"] = gdf.attrs.get("timestamp")
    return result


def parse_foerdergebiete(files: Mapping[str, Path]) -> gpd.GeoDataFrame:
    """Parse the programme layers (GeoJSON or GML) into one row per area: ``programm``, ``name``,
    ``bezirk_id``, dates and ``flaeche_ha`` (the published hectares where given, else the polygon's).

    Examples
    --------
    >>> import tempfile
    >>> from lichtenberg_data.demo.planning import sample_programme
    >>> p = Path(tempfile.mkdtemp()) / "sanierung_umfassend.geojson"
    >>> _ = p.write_bytes(sample_programme("sanierung_umfassend"))
    >>> parse_foerdergebiete({"sanierung_umfassend.geojson": p})["programm"].iloc[0]
    'Sanierungsgebiet (umfassendes Verfahren)'
    """
    import geopandas as gpd
    import pandas as pd

    parts = [_counted(_areas(Path(p), _layer_of(name, PROGRAMMES)), p) for name, p in files.items()]
    out = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=parts[0].crs)
    out.attrs["timestamp"] = _stamp(parts)
    return out


# =========================================================================== checks and catalogue

def _stand(df: pd.DataFrame) -> date | None:
    stamp = df.attrs.get("timestamp")
    return date.fromisoformat(stamp[:10]) if stamp else None


def _known_bezirke(df: pd.DataFrame) -> str | None:
    bad = unknown_values(df["bezirk_id"].dropna(), BEZIRKE)
    return f"unknown bezirk_id {bad}" if bad else None


def _plausible_areas(df: pd.DataFrame) -> str | None:
    ha = df.geometry.area / 10_000
    tiny, huge = int((ha < 0.01).sum()), int((ha > 5_000).sum())
    if tiny or huge:
        return f"{tiny} areas under 100 m² and {huge} over 5,000 ha (wrong CRS or not areas?)"
    return None


def _bplan_resource(layer: str, optional: bool = False) -> Resource:
    type_name = BPLAN_LAYERS[layer][0]
    short = type_name.split(":")[1]
    return Resource(name=f"bplan_{layer}.geojson", url=None, format="geojson", optional=optional,
                    wfs=WFS(BPLAN_SERVICE, type_name),
                    match="|".join(dict.fromkeys((short, layer, layer.replace("_", "")))))


bebauungsplaene = catalog.register(Dataset(
    id="bebauungsplaene",
    title="Bebauungspläne (im Verfahren, festgesetzt, außer Kraft)",
    topic="land",
    publisher="Senatsverwaltung für Stadtentwicklung, Bauen und Wohnen Berlin und Bezirksämter (GDI Berlin)",
    license=LICENSES["dl-de-zero-2.0"],
    landing_page=f"{BPLAN_SERVICE}?SERVICE=WFS&REQUEST=GetCapabilities",
    resources=(_bplan_resource("im_verfahren"), _bplan_resource("festgesetzt"),
               _bplan_resource("ausser_kraft", optional=True)),
    spatial_unit="Fläche (Geltungsbereich), Berlin",
    update="monthly",
    parser=parse_bebauungsplaene,
    schema=Schema(
        columns={"layer": "str", "status": "str", "plan_id": "str", "feature_id": "str", "name": "str",
                 "bezirk_id": "str", "festgesetzt_am": "date", "flaeche_m2": "float", "flaeche_ha": "float",
                 "geometry": "geometry"},
        key=("feature_id",),
        checks=(Check("known districts", _known_bezirke), Check("areas of plausible size", _plausible_areas)),
    ),
    source_title="Bebauungsplanverfahren in Berlin (WFS bplan)",
    reference_date=_stand,
    description=("Plans in procedure (bplan:a_bp_iv) and set plans (bplan:b_bp_fs) are required: the investment "
                 "fair shows both, so a refresh that cannot get one of them fails naming the layer; repealed plans "
                 "(bplan:c_bp_ak) are optional. Area in m² and ha computed from the polygons; the use is free text "
                 "in `inhalt`."),
    unverified=UNVERIFIED,
))


def _programme_resource(layer: str, optional: bool = False) -> Resource:
    type_name, programme = PROGRAMMES[layer]
    if type_name is None:  # no GDI layer name known: a file saved by hand
        pattern = r"quartiersmanagement|s_quartier|zusammenhalt" if layer == "quartiersmanagement" \
            else r"lebendige|leb_zentren"
        return Resource(name=f"{layer}.geojson", url=None, format="geojson", optional=True, match=pattern)
    short = type_name.split(":")[1]
    return Resource(name=f"{layer}.geojson", url=None, format="geojson", optional=optional,
                    wfs=WFS(SANIER_SERVICE, type_name), match=rf"{short}|{layer}")


foerdergebiete = catalog.register(Dataset(
    id="foerdergebiete",
    title="Fördergebiete der Stadterneuerung (Sanierungsgebiete, Quartiersmanagement, Lebendige Zentren)",
    topic="land",
    publisher="Senatsverwaltung für Stadtentwicklung, Bauen und Wohnen Berlin (GDI Berlin)",
    license=LICENSES["dl-de-zero-2.0"],
    landing_page=f"{SANIER_SERVICE}?SERVICE=WFS&REQUEST=GetCapabilities",
    resources=(_programme_resource("sanierung_umfassend"), _programme_resource("sanierung_vereinfacht"),
               _programme_resource("sanierung_aufgehoben", optional=True),
               _programme_resource("quartiersmanagement"), _programme_resource("lebendige_zentren")),
    spatial_unit="Fläche (Fördergebiet), Berlin",
    update="annual",
    parser=parse_foerdergebiete,
    schema=Schema(
        columns={"layer": "str", "programm": "str", "gebiet_id": "str", "feature_id": "str", "name": "str",
                 "bezirk_id": "str", "festgelegt_am": "date", "flaeche_ha": "float", "geometry": "geometry"},
        key=("feature_id",),
        checks=(Check("known districts", _known_bezirke), Check("areas of plausible size", _plausible_areas)),
    ),
    source_title="Sanierungsgebiete (WFS sanier) und Fördergebiete der Städtebauförderung",
    reference_date=_stand,
    description=("Sanierungsgebiete from the WFS sanier (umfassend and vereinfacht required, aufgehoben optional). "
                 "The areas of Sozialer Zusammenhalt/Quartiersmanagement and Lebendige Zentren und Quartiere have "
                 "no known GDI layer name (their FIS-Broker services s_quartier and s_foerder_leb_zentren were shut "
                 "down on 01.12.2025): find the current WFS through the daten.berlin.de datasets "
                 "'sozialer-zusammenhalt-und-quartiersmanagement-wfs-2173f67d' and "
                 "'forderkulisse-lebendige-zentren-und-quartiere-wfs-fb99529a', save the GeoJSON as "
                 "quartiersmanagement.geojson / lebendige_zentren.geojson and import it."),
    unverified=UNVERIFIED,
))
