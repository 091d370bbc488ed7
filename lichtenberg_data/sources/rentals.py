"""Short-term rental listings in Berlin from Inside Airbnb: the ``kurzzeitvermietung`` dataset.

Inside Airbnb (http://insideairbnb.com/get-the-data/, CC BY 4.0) publishes a quarterly scrape of
the listings of each city: ``listings.csv`` (summary, 16 columns until 2022, 18 since) and
``listings.csv.gz`` (detailed, ~75 columns). Both are read, as published and as copies re-saved by
a spreadsheet program (see :mod:`._listings_csv`); broken records are left out and reported
(:mod:`lichtenberg_data._kept`), more than 1 % of them refuse the file.

Every file is one edition (scrape) of the history. Its Stand (``date``) is the scrape date where
the file or its name gives it: the ``last_scraped`` column of the detailed file, else a date
``YYYY-MM-DD`` (or a month ``YYYY-MM``) in the file name, as in ``listings_2025-09-23.csv`` or the
name a refresh gives the download from Inside Airbnb's ``…/2025-09-23/visualisations/listings.csv``;
else the newest ``last_review`` in the file (the scrape is a few days later). The column
``stand_art`` says which, in German, for the notes under charts. Two Stands in one month are the
same edition (``edition_period="month"``).

Each listing is placed in its LOR 2021 Planungsraum, Bezirksregion and Bezirk by its
coordinates (:func:`lichtenberg_data.geo.assign`), which needs the stored LOR boundaries; so all
scrapes, the one of 2019 too, are counted in the same areas. Inside Airbnb moves coordinates by
up to ~150 m for privacy, so listings near a border can land in the neighbouring area;
``bezirk_id_airbnb`` keeps Inside Airbnb's own district.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .. import _kept, catalog
from .._errors import DataNotAvailableError, FormatError
from .._validate import unknown_values
from ..catalog import Check, Dataset, License, Resource, Schema
from ..names import BEZIRKE, bezirk_id
from ._listings_csv import GET_THE_DATA, dates, number, read_text, records

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .._http import Http

__all__ = ["parse_listings_file", "parse_listings", "fetch_insideairbnb", "ROOM_TYPES", "CC_BY_4", "STAND_ART"]

log = logging.getLogger("lichtenberg_data")

CC_BY_4 = License("CC BY 4.0", "Creative Commons Namensnennung 4.0 International",
                  "https://creativecommons.org/licenses/by/4.0/")
ROOM_TYPES = ("Entire home/apt", "Private room", "Shared room", "Hotel room")
#: Where the Stand of a scrape comes from → the German note for charts (column ``stand_art``).
STAND_ART = {
    "last_scraped": "Stand: Abrufdatum laut Datei (last_scraped)",
    "name": "Stand: Abrufdatum laut Dateiname",
    "name_month": "Stand: Abrufmonat laut Dateiname, Tag der jüngsten Bewertung darin",
    "last_review": "Stand: jüngste Bewertung in der Datei; das Abrufdatum nennt die Datei nicht",
}
#: Inside Airbnb's district spellings that names.bezirk_id does not know.
_SPELLINGS = {"charlottenburg-wilm.": "04"}
#: Canonical column → accepted header names (the detailed file's ``_cleansed`` columns first).
_COLUMNS = {
    "id": ("id",), "room_type": ("room_type",), "price": ("price",), "minimum_nights": ("minimum_nights",),
    "availability_365": ("availability_365",), "number_of_reviews": ("number_of_reviews",),
    "last_review": ("last_review",), "latitude": ("latitude",), "longitude": ("longitude",),
    "neighbourhood_group": ("neighbourhood_group_cleansed", "neighbourhood_group"),
    "neighbourhood": ("neighbourhood_cleansed", "neighbourhood"),
}
_OPTIONAL = {"last_scraped": ("last_scraped",)}
_INTEGERS = ("minimum_nights", "availability_365", "number_of_reviews")
#: The import date a raw snapshot of the data folder carries in front of the file's own name.
_RAW_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T\d{6}(?:-\d+)?)?_")
_NAME_DATE = re.compile(r"(?<!\d)(20\d\d)-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?(?!\d)")
#: Days a last review may lie after the scrape date a name gives (time zones, a late scrape day).
_REVIEW_SLACK_DAYS = 2


# ----------------------------------------------------------------------------- values
def _airbnb_bezirk(name: str, path: Path) -> str:
    """``bezirk_id`` of Inside Airbnb's ``neighbourhood_group`` ("Charlottenburg-Wilm.",
    "Marzahn - Hellersdorf", "Treptow - Köpenick" ...)."""
    text = re.sub(r"\s*[-–—‐]\s*", "-", str(name).strip())
    if text.casefold() in _SPELLINGS:
        return _SPELLINGS[text.casefold()]
    try:
        return bezirk_id(text)
    except KeyError:
        raise FormatError(f"{path.name}: neighbourhood_group {name!r} is no Berlin district; is this a file of "
                          "another city?") from None


def _pick(header: list[str], path: Path) -> dict[str, int]:
    found, missing = {}, []
    for target, names in {**_COLUMNS, **_OPTIONAL}.items():
        hits = [header.index(n) for n in names if n in header]
        if hits:
            found[target] = hits[0]
        elif target not in _OPTIONAL:
            missing.append(target)
    if missing:
        raise FormatError(f"{path.name}: columns missing: {', '.join(missing)} (found: {', '.join(header[:12])}"
                          f"{' ...' if len(header) > 12 else ''}); the header changed or this is another file")
    return found


# ----------------------------------------------------------------------------- Stand
def own_name(path: Path) -> str:
    """The file's own name: a raw snapshot in the data folder carries its import date in front
    (``2026-05-12_listings_2025-09-23.csv``), which is no date of the scrape."""
    from ..settings import settings

    try:
        stored = path.resolve().parent.parent == settings.raw_dir.resolve()
    except OSError:  # pragma: no cover - an unreadable path is refused later
        stored = False
    return _RAW_PREFIX.sub("", path.name, count=1) if stored else path.name


def _name_date(path: Path) -> tuple[date, bool] | None:
    """The date (or month: ``False``) a file name gives, e.g. ``listings_2025-09-23.csv``."""
    for match in _NAME_DATE.finditer(own_name(path)):
        year, month, day = match.groups()
        try:
            return date(int(year), int(month), int(day or 1)), day is not None
        except ValueError:  # 2025-02-30: no date
            continue
    return None


def _stand(path: Path, scraped: pd.Series | None, reviews: pd.Series) -> tuple[pd.Timestamp, str]:
    """The Stand of a scrape and where it comes from (a key of :data:`STAND_ART`)."""
    import pandas as pd

    newest = reviews.max()
    if scraped is not None and scraped.notna().any():  # the detailed file: the day most listings were read
        return pd.Timestamp(scraped.dropna().mode().min()).normalize(), "last_scraped"
    named = _name_date(path)
    if named is not None:
        when, full = named
        start = pd.Timestamp(when)
        end = start if full else start + pd.offsets.MonthEnd(0)
        if pd.notna(newest) and newest > end + pd.Timedelta(days=_REVIEW_SLACK_DAYS):
            said = f"{when:%d.%m.%Y}" if full else f"{when:%m/%Y}"
            raise FormatError(f"{path.name}: the name says {said}, but the file holds reviews up to "
                              f"{newest:%d.%m.%Y}, so that is not its scrape date; rename the file after its "
                              "scrape date (listings_YYYY-MM-DD.csv) or drop the date from its name")
        if full:
            return start, "name"
        in_month = pd.notna(newest) and newest >= start
        return (pd.Timestamp(newest).normalize() if in_month else start), "name_month"
    if pd.isna(newest):
        raise FormatError(f"{path.name}: no listing has a last_review date and neither the file nor its name gives "
                          "the scrape date, so the file has no Stand; name it listings_YYYY-MM-DD.csv after its "
                          "scrape date")
    return pd.Timestamp(newest).normalize(), "last_review"


# ----------------------------------------------------------------------------- the table
def _frame(path: Path) -> pd.DataFrame:
    import pandas as pd

    found = records(read_text(path), path)
    cols = _pick(found.header, path)
    raw = pd.DataFrame({k: [r[i] for r in found.rows] for k, i in cols.items()}, dtype="str")
    ids = raw["id"].str.strip()
    df = pd.DataFrame({"id": ids.where(ids.str.fullmatch(r"\d+"))})
    df["room_type"] = raw["room_type"].str.strip()
    df["price"] = number(raw["price"], "price", path)
    for col in _INTEGERS:
        df[col] = number(raw[col], col, path).round().astype("Int64")
    df["last_review"] = dates(raw["last_review"], "last_review", path)
    for col in ("latitude", "longitude"):
        df[col] = number(raw[col], col, path)
    df["neighbourhood_group"] = raw["neighbourhood_group"].str.strip()
    df["neighbourhood"] = raw["neighbourhood"].str.strip()
    groups = {g: _airbnb_bezirk(g, path) for g in df["neighbourhood_group"].unique()}
    df["bezirk_id_airbnb"] = df["neighbourhood_group"].map(groups).astype("str")
    df["bezirk_airbnb"] = df["bezirk_id_airbnb"].map(BEZIRKE).astype("str")
    scraped = dates(raw["last_scraped"], "last_scraped", path) if "last_scraped" in raw else None
    stand, art = _stand(path, scraped, df["last_review"])
    df.insert(0, "date", stand)
    df["stand_art"] = STAND_ART[art]
    lost = int(df["id"].isna().sum())
    if lost:
        log.info("kurzzeitvermietung: %s: %d ids lost to a spreadsheet's number format (e.g. 6,23785E+17); "
                 "the listings are kept without id", path.name, lost)
    return df


def _place(df: pd.DataFrame) -> pd.DataFrame:
    """Planungsraum, Bezirksregion, Prognoseraum and Bezirk of each listing from its coordinates."""
    from .. import geo

    try:
        areas = geo.boundaries("planungsraum", None)
    except DataNotAvailableError:
        raise DataNotAvailableError(
            "kurzzeitvermietung: placing the listings in Bezirk and Planungsraum needs the stored LOR 2021 "
            "Planungsräume; run `lichtenberg-data refresh lor_planungsraeume` (or import them) first") from None
    out = geo.assign(df, "planungsraum", areas=areas)
    plr = out["planungsraum_id"]
    bzr_names = dict(zip(areas["bezirksregion_id"], areas["bezirksregion"])) if "bezirksregion" in areas else {}
    out["bezirksregion_id"] = plr.str[:6]
    out["bezirksregion"] = out["bezirksregion_id"].map(bzr_names)
    out["prognoseraum_id"] = plr.str[:4]
    out["bezirk_id"] = plr.str[:2]
    out["bezirk"] = out["bezirk_id"].map(BEZIRKE)
    for col in ("planungsraum_id", "planungsraum", "bezirksregion_id", "bezirksregion", "prognoseraum_id",
                "bezirk_id", "bezirk", "lor_version"):
        out[col] = out[col].astype("str")
    out.attrs = {}
    return out


def parse_listings_file(path: Path) -> pd.DataFrame:
    """Parse one Inside Airbnb ``listings.csv`` (or ``listings.csv.gz``), placed in the LOR 2021.

    Returns
    -------
    pandas.DataFrame
        One row per listing: ``date`` (Stand: the scrape date from ``last_scraped`` or the file
        name, else the newest ``last_review``; see the module docstring), ``stand_art`` (which of
        them, as a German note), ``id`` (missing where a spreadsheet destroyed it), ``room_type``,
        ``price`` (EUR per night), ``minimum_nights``, ``availability_365``, ``number_of_reviews``,
        ``last_review``, ``latitude``/``longitude`` (WGS84), Inside Airbnb's ``neighbourhood_group``
        and ``neighbourhood`` with ``bezirk_id_airbnb``/``bezirk_airbnb`` (official name), and by
        coordinates ``planungsraum_id``, ``planungsraum``, ``bezirksregion_id``, ``bezirksregion``,
        ``prognoseraum_id``, ``bezirk_id``, ``bezirk``, ``lor_version``. Records broken by a line
        break are left out and reported (:func:`lichtenberg_data._kept.drop`).

    Raises
    ------
    FormatError
        An HTML page, a workbook, a cut-off file, more than 1 % broken records, missing columns,
        values that are no numbers or dates, a district that is not Berlin's, a date in the file
        name that cannot be the scrape date.
    DataNotAvailableError
        When the LOR 2021 Planungsräume were never loaded.
    """
    return _place(_frame(path))


def parse_listings(files: Mapping[str, Path]) -> pd.DataFrame:
    """Parser of the ``kurzzeitvermietung`` dataset (one scrape per file)."""
    import pandas as pd

    parts = []
    for path in files.values():
        parts.append(parse_listings_file(path))
        _kept.kept(path, len(parts[-1]))
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


# ----------------------------------------------------------------------------- download
def fetch_insideairbnb(http: Http, resource: Resource, dest: Path) -> Path:
    """Find the newest Berlin ``listings.csv`` on the get-the-data page and download it beside ``dest``.

    The page lists one link per scrape, ``.../germany/be/berlin/<YYYY-MM-DD>/visualisations/listings.csv``;
    the newest date wins. The file is saved as ``listings_<YYYY-MM-DD>.csv`` in ``dest``'s folder,
    so that its name, also in the raw snapshot, gives the scrape date (the summary file itself
    carries none). Returns the path written. Raises :class:`FormatError` when the page has no
    such link.
    """
    page = dest.with_name(dest.name + ".page.html")
    try:
        http.download(resource.url or GET_THE_DATA, page, expect="html")
        html = page.read_text(encoding="utf-8", errors="replace")
    finally:
        page.unlink(missing_ok=True)
    links = re.findall(r"""href=["']([^"']*/germany/be/berlin/(\d{4}-\d{2}-\d{2})/visualisations/listings\.csv)["']""",
                       html)
    if not links:
        raise FormatError(f"{resource.url or GET_THE_DATA} lists no Berlin listings.csv; the page changed. "
                          f"Download the file by hand and import it")
    url, scraped = max(links, key=lambda link: link[1])
    target = dest.with_name(f"listings_{scraped}.csv")
    http.download(url, target, expect="csv")
    return target


# ----------------------------------------------------------------------------- checks
def _in_berlin(df: pd.DataFrame) -> str | None:
    out = ~(df["latitude"].between(52.3, 52.7) & df["longitude"].between(13.05, 13.8))
    return f"{int(out.sum())} listings outside Berlin's extent (lat/lon swapped or shifted?)" if out.mean() > 0.01 else None


def _room_types(df: pd.DataFrame) -> str | None:
    unknown = unknown_values(df["room_type"], ROOM_TYPES)
    return f"unknown room types {unknown[:5]} (columns shifted?)" if unknown else None


def _districts_agree(df: pd.DataFrame) -> str | None:
    placed = df[df["bezirk_id"].notna() & (df["bezirk_id"] != "nan")]
    share = (placed["bezirk_id"] == placed["bezirk_id_airbnb"]).mean() if len(placed) else 0.0
    return (f"only {share:.0%} of the listings lie in the district Inside Airbnb names (coordinates wrong?)"
            if share < 0.9 else None)


def _ids_unique(df: pd.DataFrame) -> str | None:
    dup = df[df["id"].notna()].duplicated(["date", "id"])
    return f"{int(dup.sum())} listing ids twice in one scrape" if dup.any() else None


def _reference_date(df: pd.DataFrame) -> date | None:
    return df["date"].max().date() if len(df) else None


kurzzeitvermietung = catalog.register(Dataset(
    id="kurzzeitvermietung",
    title="Kurzzeitvermietung: Angebote von Airbnb in Berlin (Inside Airbnb)",
    topic="tourism",
    publisher="Inside Airbnb (Murray Cox)",
    license=CC_BY_4,
    landing_page=GET_THE_DATA,
    resources=(Resource(name="listings.csv", url=GET_THE_DATA, format="csv", match=r"(?i)listings.*\.csv(\.gz)?$",
                        fetcher=fetch_insideairbnb),),
    spatial_unit="Punkt (Angebot, um bis zu 150 m verschoben) → LOR-Planungsraum 2021",
    update="quarterly",
    parser=parse_listings,
    schema=Schema(
        columns={"date": "date", "id": "str", "room_type": "str", "price": "float", "minimum_nights": "int",
                 "availability_365": "int", "number_of_reviews": "int", "last_review": "date", "latitude": "float",
                 "longitude": "float", "neighbourhood_group": "str", "neighbourhood": "str",
                 "bezirk_id_airbnb": "str", "bezirk_airbnb": "str", "planungsraum_id": "str", "planungsraum": "str",
                 "bezirksregion_id": "str", "bezirksregion": "str", "prognoseraum_id": "str", "bezirk_id": "str",
                 "bezirk": "str", "lor_version": "str", "stand_art": "str"},
        checks=(Check("coordinates in Berlin", _in_berlin), Check("known room types", _room_types),
                Check("coordinates fit the districts", _districts_agree), Check("ids unique per scrape", _ids_unique)),
        min_rows=20,
    ),
    source_title="Inside Airbnb, Berlin: listings.csv",
    reference_date=_reference_date,
    history=True,
    edition_period="month",
    parser_version="2",
    description=(
        "Listings scraped from airbnb.com by Inside Airbnb (not an official statistic; no other platforms). "
        "The refresh reads the get-the-data page and downloads the newest Berlin listings.csv (saved as "
        "listings_<scrape date>.csv); older scrapes (summary files of 16 or 18 columns) and the detailed "
        "listings.csv.gz can be imported by hand, one edition per scrape; two files of the same month are the "
        "same edition. The Stand is the scrape date where the file or its name gives it (column last_scraped "
        "of the detailed file; a date YYYY-MM-DD or month YYYY-MM in the file name, e.g. "
        "listings_2025-09-23.csv), else the newest last_review in the file (the scrape is usually a few days "
        "later); the column stand_art says which. Copies re-saved by spreadsheet programs are read too; records "
        "broken by line breaks in names are left out and named in the import report, and a file with more than "
        "1 % of them is refused. Prices are asking prices per night in EUR (missing for about a third of the "
        "listings since 2023). Placing listings by coordinates needs the LOR 2021 Planungsräume "
        "(`lichtenberg-data refresh lor_planungsraeume`)."
    ),
))
