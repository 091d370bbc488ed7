"""Schools of Berlin (dataset ``schulen``): where they are, of which type, public or private.

One table, one row per school (key: the Berliner Schulnummer ``bsn``, e.g. ``11K01``), from
three forms of the Senate's school list:

**The GDI WFS** ``https://gdi.berlin.de/services/wfs/schulen``. Public code spells its layer two
ways: ``schulen:schulen`` (HierBautBerlin/website ``lib/hierbautberlin/geo_import/places.ex``,
commit 5992cca, WFS 2.0.0, ``TYPENAMES``) and ``fis:schulen`` (Datenschule/jedeschule-scraper
``jedeschule/spiders/berlin.py``, commit 1f4fbc5, WFS 1.1.0 ``typename``). A GeoServer answers
feature ids ``schulen.<BSN>`` (the answer quoted in jedeschule-scraper ``test/test_berlin.py``,
commit a39d999, ``timeStamp`` 2025-06-13, 925 features), which speaks for ``schulen:schulen``;
whether ``fis:schulen`` is still accepted is not known here. The dataset therefore declares
both (:attr:`lichtenberg_data.catalog.WFS.alternatives`): a refresh reads GetCapabilities and
takes the name it lists, ``doctor`` says which. Attributes of that answer: ``bsn, schulname,
schulart, traeger, schultyp, bezirk, ortsteil, plz, strasse, hausnr, telefon, fax, email,
internet, schuljahr``. No answer of the service was at hand when this was written.

**The FIS-Broker export** ``s_schulen`` (GeoJSON in EPSG:4326, e.g. patperu/fisbroker_data
``Schulen/Schulen.geojson`` of July 2020, 688 public schools): upper-case attributes ``NAME,
SCHULART, ESB, TRAEGER, SCHULZWEIG, SCHULTYP, BEZIRK, OT, PLZ, ADRESSE, FILIALE, X, Y`` and the
BSN in ``gml_id`` (``s_schulen.03G20``). Its Stand comes from the file name (``…_2020-07``).

**The school directory** (CSV, ``;``: ``BSN;Name;PLZ;Adresse;Telefon;Fax;eMail;Internet``, e.g.
tursics/school-student-development ``data/schulen.csv``, 1,036 schools incl. private ones): no
coordinates and no type. The type is the letter after the two Bezirk digits of the BSN
(:data:`BSN_LETTERS`), read off the real files: in the export of 2020 each letter goes with
exactly one ``SCHULTYP`` (G 361 Grundschule, K 122 Integrierte Sekundarschule, Y 91 Gymnasium,
B 45 Berufliche Schule, S 54 Schule mit sonderpädagogischem Förderschwerpunkt, A 15 Andere
Schule: Kollegs, Abendgymnasien, Volkshochschulen, Sportschulen). P (202) and E (144) occur
only in the directory, never among the 688 public schools of the export, and name free, church
and company schools (gGmbH, e.V., Evangelische …, Akademie …; two E call themselves
Ergänzungsschule): both are private schools whose type the letter does not tell ("sonstige").
The two Bezirk digits are the ``bezirk_id``.

Where both a located form and the directory are given, the directory adds the schools the
located form lacks (the private schools, in 2020), without coordinates; only when both are of
the same year (±1; the directory's year from its file name), else its extra schools are left
out and reported (:mod:`lichtenberg_data._kept`). ``planungsraum_id`` (LOR 2021) is set from the
coordinates where the Planungsräume are loaded (else empty: :func:`lichtenberg_data.workforce.orientation_schools`
places the points itself).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .. import _kept, catalog
from .._errors import DataNotAvailableError, FormatError, UnknownDistrictError
from .._validate import known_districts, unknown_values
from ..catalog import LICENSES, WFS, Check, Dataset, Resource, Schema
from ..names import BEZIRKE
from ..names import bezirk_id as _bezirk_id

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

__all__ = ["SERVICE", "LAYER", "LAYER_ALTERNATIVES", "SCHULARTEN", "SECONDARY", "BSN_LETTERS", "parse_schulen"]

SERVICE = "https://gdi.berlin.de/services/wfs/schulen"
LAYER = "schulen:schulen"
LAYER_ALTERNATIVES = ("fis:schulen",)

#: The canonical school types (``schulart``).
SCHULARTEN = ("Grundschule", "Integrierte Sekundarschule", "Gymnasium", "Berufliche Schule", "Förderschule",
              "sonstige")
#: The types vocational and study orientation works with (secondary level I and II, vocational).
SECONDARY = ("Integrierte Sekundarschule", "Gymnasium", "Berufliche Schule")
#: The letter after the Bezirk digits of the BSN → (schulart, traeger); see the module docstring.
BSN_LETTERS: dict[str, tuple[str, str]] = {
    "G": ("Grundschule", "öffentlich"),
    "K": ("Integrierte Sekundarschule", "öffentlich"),
    "Y": ("Gymnasium", "öffentlich"),
    "B": ("Berufliche Schule", "öffentlich"),
    "S": ("Förderschule", "öffentlich"),
    "A": ("sonstige", "öffentlich"),
    "P": ("sonstige", "privat"),
    "E": ("sonstige", "privat"),
}
#: ``SCHULTYP`` / ``schultyp`` of the located forms → schulart.
_SCHULTYP = {
    "grundschule": "Grundschule",
    "integrierte sekundarschule": "Integrierte Sekundarschule",
    "gemeinschaftsschule": "Integrierte Sekundarschule",
    "gymnasium": "Gymnasium",
    "berufliche schule": "Berufliche Schule",
    "schule mit sonderpädagogischem förderschwerpunkt": "Förderschule",
    "andere schule": "sonstige",
}
_BSN = re.compile(r"^(\d{2})([A-Z])(\d{2,3})$")
_COLUMNS = ["bsn", "name", "schulart", "schulart_detail", "traeger", "bezirk_id", "ortsteil", "planungsraum_id",
            "plz", "adresse", "quelle", "geometry"]
QUELLE_STANDORTE = "Schulstandorte"
QUELLE_VERZEICHNIS = "Schulverzeichnis"


# ----------------------------------------------------------------------------- attributes
def _col(df: pd.DataFrame, *names: str) -> str | None:
    lower = {str(c).lower(): c for c in df.columns if c != "geometry"}
    return next((lower[n] for n in names if n in lower), None)


def _text(df: pd.DataFrame, *names: str) -> pd.Series:
    import pandas as pd

    col = _col(df, *names)
    if col is None:
        return pd.Series([None] * len(df), index=df.index, dtype=object)
    values = df[col].map(lambda v: None if v is None or (isinstance(v, float) and v != v) else str(v).strip())
    return values.where(values.astype(bool), None).astype(object)


def _bsn(df: pd.DataFrame, path: Path) -> pd.Series:
    """The BSN of each feature: ``bsn``, else the end of ``gml_id``/``id`` (``s_schulen.03G20``)."""
    bsn = _text(df, "bsn", "schulnummer")
    ids = _text(df, "gml_id", "id", "fid")
    bsn = bsn.where(bsn.notna(), ids.map(lambda v: v.rsplit(".", 1)[-1] if isinstance(v, str) else None))
    if bsn.isna().all():
        found = ", ".join(str(c) for c in df.columns if c != "geometry")[:200]
        raise FormatError(f"{path.name}: no school number (attribute bsn, or gml_id 's_schulen.<BSN>'; found: "
                          f"{found}). Is it the school layer of the WFS schulen?")
    return bsn.str.upper()


def _schulart(schultyp: pd.Series, detail: pd.Series, letters: pd.Series) -> pd.Series:
    """The canonical type: from ``schultyp``, else from the BSN letter, else ``sonstige``."""
    by_type = schultyp.map(lambda v: _SCHULTYP.get(v.casefold()) if isinstance(v, str) else None)
    by_letter = letters.map(lambda v: BSN_LETTERS.get(v, (None, None))[0])
    return by_type.where(by_type.notna(), by_letter).fillna("sonstige").astype(object)


def _traeger(values: pd.Series, letters: pd.Series) -> pd.Series:
    def one(v: object) -> str | None:
        if not isinstance(v, str):
            return None
        v = v.casefold()
        if v.startswith("öffentlich") or v in {"staatlich", "oeffentlich"}:
            return "öffentlich"
        if any(w in v for w in ("privat", "frei", "ersatz", "ergänzung", "nicht öffentlich")):
            return "privat"
        return None

    given = values.map(one)
    by_letter = letters.map(lambda v: BSN_LETTERS.get(v, (None, None))[1])
    return given.where(given.notna(), by_letter).astype(object)


def _bezirke(names: pd.Series, prefixes: pd.Series, path: Path) -> pd.Series:
    """``bezirk_id`` from the Bezirk name where given, else from the BSN's digits."""
    def one(name: object, prefix: str) -> str | None:
        if isinstance(name, str):
            try:
                return _bezirk_id(name)
            except UnknownDistrictError:
                raise FormatError(f"{path.name}: unknown Bezirk {name!r}") from None
        return prefix if prefix in BEZIRKE else None

    return names.combine(prefixes, one).astype(object)


# ----------------------------------------------------------------------------- Stand
def _own_name(path: Path) -> str:
    from .rentals import own_name

    return own_name(path)


def _name_date(path: Path) -> date | None:
    """A date or month in the file name (``…_2020-07.geojson`` → 01.07.2020)."""
    for year, month, day in re.findall(r"(20\d\d)-(\d\d)(?:-(\d\d))?", _own_name(path)):
        try:
            return date(int(year), int(month), int(day or 1))
        except ValueError:
            continue
    return None


def _name_year(path: Path) -> int | None:
    years = re.findall(r"(?<!\d)(20\d\d)(?!\d)", _own_name(path))
    return int(years[-1]) if years else None


def _layer_stand(gdf: gpd.GeoDataFrame, schuljahr: pd.Series, path: Path) -> tuple[date | None, str]:
    """The Stand of a located form and where it comes from (German, for the source note)."""
    from .. import _filefacts

    stamp = gdf.attrs.get("timestamp")
    if stamp:
        return date.fromisoformat(stamp[:10]), "Abrufdatum laut WFS-Antwort (timeStamp)"
    named = _name_date(path)
    if named is not None:
        return named, "Monat laut Dateiname"
    obtained = _filefacts.current().obtained
    if obtained:
        return date.fromisoformat(obtained), "Tag des Downloads"
    years = schuljahr.dropna().str.extract(r"^(20\d\d)")[0].dropna()
    if len(years):
        return date(int(years.astype(int).max()), 8, 1), "Beginn des Schuljahrs laut Datei"
    return None, ""


# ----------------------------------------------------------------------------- the forms
def _located(path: Path) -> tuple[gpd.GeoDataFrame, date | None, str]:
    """A WFS answer (GeoJSON or GML) or a FIS-Broker export: one row per school, with points."""
    import geopandas as gpd

    from .._geoio import read_geofile

    gdf = read_geofile(path)
    kinds = set(gdf.geom_type.dropna())
    if kinds - {"Point", "MultiPoint"}:
        raise FormatError(f"{path.name} holds {', '.join(sorted(kinds))} geometries; the school layer holds points. "
                          "Is it the layer schulen (not the catchment areas schulen_esb)?")
    bsn = _bsn(gdf, path)
    ok = bsn.str.fullmatch(_BSN.pattern).fillna(False).astype(bool)
    if not ok.any():
        raise FormatError(f"{path.name}: no valid school number (BSN like 11K01; e.g. {bsn.iloc[0]!r}). "
                          "Is it the school layer?")
    if (~ok).any():
        _kept.drop(path, "without a valid school number (BSN)", int((~ok).sum()),
                   examples=[str(v) for v in bsn[~ok].head(5)])
    gdf, bsn = gdf[ok.to_numpy()], bsn[ok]
    letters, prefixes = bsn.str[2], bsn.str[:2]
    name = _text(gdf, "schulname", "name")
    if name.isna().all():
        raise FormatError(f"{path.name}: no school names (attribute schulname or NAME). Is it the school layer?")
    detail = _text(gdf, "schulart")
    adresse = _text(gdf, "adresse")
    street = (_text(gdf, "strasse").fillna("") + " " + _text(gdf, "hausnr").fillna("")).str.strip()
    adresse = adresse.where(adresse.notna(), street.where(street.astype(bool), None))
    plz = _text(gdf, "plz").map(lambda v: v.split(".")[0].zfill(5) if isinstance(v, str) else None)
    out = gpd.GeoDataFrame({
        "bsn": bsn.to_numpy(), "name": name.to_numpy(),
        "schulart": _schulart(_text(gdf, "schultyp"), detail, letters).to_numpy(),
        "schulart_detail": detail.to_numpy(),
        "traeger": _traeger(_text(gdf, "traeger"), letters).to_numpy(),
        "bezirk_id": _bezirke(_text(gdf, "bezirk", "bezirksname"), prefixes, path).to_numpy(),
        "ortsteil": _text(gdf, "ortsteil", "ot").to_numpy(),
        "planungsraum_id": None, "plz": plz.to_numpy(), "adresse": adresse.to_numpy(),
        "quelle": QUELLE_STANDORTE,
    }, geometry=gdf.geometry.to_numpy(), crs=gdf.crs)
    stand, art = _layer_stand(gdf, _text(gdf, "schuljahr"), path)
    _kept.kept(path, len(out))
    return out, stand, art


def _directory(path: Path) -> pd.DataFrame:
    """The school directory CSV: one row per school, type and Bezirk from the BSN, no coordinates."""
    import pandas as pd

    from .._readers import csv_frame, read_text

    text = read_text(path)
    try:
        raw = csv_frame(text)
    except Exception as exc:  # noqa: BLE001 - pandas' parser errors: a broken or other file
        raise FormatError(f"{path.name} is not a ';'-separated school directory ({str(exc).splitlines()[0][:100]})") \
            from None
    raw.columns = [str(c).strip().lstrip("\ufeff") for c in raw.columns]
    cols = {c.lower(): c for c in raw.columns}
    if "bsn" not in cols or "name" not in cols:
        raise FormatError(f"{path.name} lacks the columns BSN and Name of the school directory "
                          f"(found: {', '.join(raw.columns[:8])})")
    bsn = raw[cols["bsn"]].str.strip().str.upper()
    ok = bsn.str.fullmatch(_BSN.pattern) & bsn.str[:2].isin(list(BEZIRKE))
    if not ok.any():
        raise FormatError(f"{path.name}: no valid school number (BSN like 11K01) in column BSN "
                          f"(e.g. {bsn.iloc[0] if len(bsn) else 'none'!r})")
    if (~ok).any():
        _kept.drop(path, "without a valid school number (BSN)", int((~ok).sum()),
                   examples=[str(v) for v in bsn[~ok].head(5)])
    raw, bsn = raw[ok], bsn[ok]
    letters = bsn.str[2]
    out = pd.DataFrame({
        "bsn": bsn, "name": raw[cols["name"]].str.strip(),
        "schulart": letters.map(lambda v: BSN_LETTERS.get(v, ("sonstige", None))[0]),
        "schulart_detail": None,
        "traeger": letters.map(lambda v: BSN_LETTERS.get(v, (None, None))[1]),
        "bezirk_id": bsn.str[:2], "ortsteil": None, "planungsraum_id": None,
        "plz": raw[cols["plz"]].str.strip() if "plz" in cols else None,
        "adresse": raw[cols["adresse"]].str.strip() if "adresse" in cols else None,
        "quelle": QUELLE_VERZEICHNIS,
    }).reset_index(drop=True)
    if out["traeger"].isna().any():  # a letter the files of 2020 do not have: say which, refuse the file
        unknown = sorted(set(letters[out["traeger"].isna().to_numpy()]))
        raise FormatError(f"{path.name}: school numbers with the unknown type letter(s) {', '.join(unknown)} "
                          f"(known: {', '.join(BSN_LETTERS)}); see lichtenberg_data.sources.schools.BSN_LETTERS")
    return out


def _planungsraeume(gdf: gpd.GeoDataFrame) -> pd.Series:
    """The LOR-2021 Planungsraum of each located school (empty where the Planungsräume are not loaded)."""
    import pandas as pd

    from .. import geo

    empty = pd.Series([None] * len(gdf), index=gdf.index, dtype=object)
    has = gdf.geometry.notna() & ~gdf.geometry.is_empty
    if not has.any():
        return empty
    try:
        areas = geo.boundaries("planungsraum", district=None)
    except DataNotAvailableError:
        return empty
    placed = geo.assign(gdf[has], "planungsraum", areas=areas)
    empty.loc[has] = placed["planungsraum_id"].astype(object).where(placed["planungsraum_id"].notna(), None)
    return empty


def parse_schulen(files: Mapping[str, Path]) -> gpd.GeoDataFrame:
    """Parse a WFS answer or FIS-Broker export of the schools and/or the school directory CSV.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per school: ``bsn, name, schulart`` (:data:`SCHULARTEN`), ``schulart_detail`` (the
        publisher's own type, e.g. "Oberstufenzentrum"; empty for the directory), ``traeger``
        (öffentlich/privat), ``bezirk_id, ortsteil, planungsraum_id`` (LOR 2021, from the point),
        ``plz, adresse, quelle`` ("Schulstandorte" or "Schulverzeichnis") and the point in
        EPSG:25833 (empty for schools only the directory has). ``attrs["stand"]``: the Stand.
    """
    import geopandas as gpd
    import pandas as pd

    located = [p for n, p in files.items() if not str(n).lower().endswith(".csv")]
    listed = [p for n, p in files.items() if str(n).lower().endswith(".csv")]
    parts: list[pd.DataFrame] = []
    stand, art = None, ""
    for path in located:
        gdf, stand, art = _located(path)
        parts.append(gdf)
    for path in listed:
        table = _directory(path)
        if parts:
            known = set(pd.concat(parts)["bsn"])
            extra = table[~table["bsn"].isin(known)]
            year = _name_year(path)
            if stand is None or year is None or abs(year - stand.year) > 1:
                said = f"of {year}" if year else "without a year in its name"
                _kept.drop(path, f"directory {said}, school layer of {stand.year if stand else 'unknown date'}: "
                           "not added", len(extra), examples=extra["bsn"].head(5).tolist())
                _kept.kept(path, 0)
                continue
            table = extra
        else:
            stand, art = _directory_stand(path)
        _kept.kept(path, len(table))
        parts.append(gpd.GeoDataFrame(table, geometry=gpd.GeoSeries([None] * len(table), crs="EPSG:25833")))
    out = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs="EPSG:25833")
    if out["bsn"].duplicated().any():
        dupes = out.loc[out["bsn"].duplicated(), "bsn"].head(3).tolist()
        raise FormatError(f"{', '.join(p.name for p in located + listed)}: a school number occurs twice "
                          f"(e.g. {', '.join(dupes)}); give one file of each form")
    out["planungsraum_id"] = _planungsraeume(out).to_numpy()
    out = out[_COLUMNS].sort_values("bsn", ignore_index=True)
    out.attrs["stand"] = stand.isoformat() if stand else None
    out.attrs["stand_art"] = art
    return out


def _directory_stand(path: Path) -> tuple[date | None, str]:
    from .. import _filefacts

    obtained = _filefacts.current().obtained
    return (date.fromisoformat(obtained), "Tag des Downloads") if obtained else (None, "")


def _stand(df: pd.DataFrame) -> date | None:
    stand = df.attrs.get("stand")
    return date.fromisoformat(stand) if stand else None


def _known_types(df: pd.DataFrame) -> str | None:
    bad = unknown_values(df["schulart"], SCHULARTEN)
    return f"unknown schulart {bad}" if bad else None


def _known_traeger(df: pd.DataFrame) -> str | None:
    bad = unknown_values(df["traeger"], {"öffentlich", "privat"})
    return f"unknown traeger {bad}" if bad else None


schulen = catalog.register(Dataset(
    id="schulen",
    title="Schulen in Berlin (Standorte, Schulart, Träger)",
    topic="workforce",
    publisher="Senatsverwaltung für Bildung, Jugend und Familie Berlin",
    license=LICENSES["dl-de-by-2.0"],
    landing_page=f"{SERVICE}?SERVICE=WFS&REQUEST=GetCapabilities",
    landing_evidence=("the service is read by HierBautBerlin/website (lib/hierbautberlin/geo_import/places.ex, "
                      "5992cca) and Datenschule/jedeschule-scraper (jedeschule/spiders/berlin.py, 1f4fbc5); the "
                      "directory CSV was published on daten.berlin.de (tursics/school-student-development README)"),
    resources=(
        Resource(name="schulen.geojson", url=None, format="geojson",
                 wfs=WFS(SERVICE, LAYER, srs="EPSG:25833", page_size=1000, alternatives=LAYER_ALTERNATIVES),
                 match=r"\.(geo)?json$|\.gml$|\.xml$", accepts=("gml", "json")),
        Resource(name="schulverzeichnis.csv", url=None, format="csv", match=r"\.csv$", optional=True),
    ),
    spatial_unit="Punkt (Schule), Berlin",
    update="annual",
    parser=parse_schulen,
    schema=Schema(
        columns={"bsn": "str", "name": "str", "schulart": "str", "schulart_detail": "str", "traeger": "str",
                 "bezirk_id": "str", "ortsteil": "str", "planungsraum_id": "str", "plz": "str", "adresse": "str",
                 "quelle": "str", "geometry": "geometry"},
        key=("bsn",),
        checks=(Check("known Bezirke", known_districts), Check("known school types", _known_types),
                Check("public or private", _known_traeger)),
        min_rows=10,
    ),
    source_title="Schulen (WFS schulen / FIS-Broker s_schulen; Schulverzeichnis)",
    reference_date=_stand,
    description=(
        "Schools as points with their type (Grundschule, Integrierte Sekundarschule, Gymnasium, Berufliche Schule, "
        "Förderschule, sonstige) and Träger; from the GDI WFS (layer schulen:schulen or fis:schulen, whichever "
        "GetCapabilities lists), a FIS-Broker export (GeoJSON) or the school directory CSV (BSN;Name;PLZ;Adresse;…, "
        "type and Bezirk from the BSN, no coordinates). The files carry no school places or pupils. "
        "Licence: dl-de/by-2.0 as stated for the FIS-Broker layer; the directory CSV was published under CC BY 3.0."
    ),
))
