"""Gigabit and fibre coverage of residential and business units per LOR Planungsraum.

``gigabit_versorgung``
    From the workbook ``Berlin_LOR_Versorgungsdaten_Stand_<YYMM>.xlsx`` (one sheet ``LOR``):
    per Planungsraum the number and share of residential and business units (Wohn- und
    Gewerbeeinheiten) that can get a gigabit-capable connection (``gigabit``: fibre or
    upgraded cable, HFC) and a fibre connection (``glasfaser``, FTTB/H), for the current state
    (``stufe = "ist"``) and for the operators' forecast of the year named in the header
    (``"prognose"``, "Ausbauprognose 2024"). ``veraenderung_pp`` is the header's "Veränderung zum
    Vorjahr (%)": in this file 0 throughout for the current state and, for the forecast, the
    forecast share minus the current share, i.e. percentage points.

Publisher. The workbook names none: no title rows, no imprint sheet, no author in its document
properties (created 05.04.2023, last saved 23.02.2024); its only trace is the saved path of a
shared drive of the project "2112_GKT_Berlin … 240223_Übergabe_oeGMv2", i.e. a hand-over of the
Gigabit-Kompetenz-Team Berlin, which works for the Senatsverwaltung für Wirtschaft, Energie und
Betriebe (Gigabit-Monitor). The publisher below is therefore an attribution, not a statement of the
file; no licence is stated either. The Stand (02/2024) is the month the workbook was last saved,
checked against the forecast year in the header and the Stand in the file name.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .. import catalog
from .._errors import FormatError
from .._readers import open_workbook
from ..catalog import Check, Dataset, License, Resource, Schema
from ..names import BEZIRKE

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["parse_versorgungsdaten", "workbook_saved"]

NO_LICENSE = License("keine Lizenz angegeben", "In der Datei ist keine Lizenz angegeben", "")
#: A public copy of the file (byte-identical per shared/real-data/SOURCES.md); no official download is known.
PINNED_COPY = ("https://raw.githubusercontent.com/tesch-ch/berlin_PLR_data/f5550dd05f8451a5e4e1863749c2d274b3e93d79/"
               "data/do_not_use_preprocess_first/gigabit_versorgungsdaten/Berlin_LOR_Versorgungsdaten_Stand_2402.xlsx")
_TECH = {"gigabit": r"Gigabit-Versorgung", "glasfaser": r"Glasfaser-Versorgung"}
_MEASURES = {"einheiten": r"^Anzahl$", "anteil_prozent": r"^Anteil \(%\)$", "veraenderung_pp": r"^Veränderung"}


def workbook_saved(path: Path) -> date | None:
    """The date an xlsx was last saved, from its document properties (``dcterms:modified``)."""
    try:
        with zipfile.ZipFile(path) as zf:
            core = zf.read("docProps/core.xml").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return None
    m = re.search(r"<dcterms:modified[^>]*>(\d{4})-(\d{2})-(\d{2})", core)
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def _rows(path: Path) -> list[list]:
    book = open_workbook(path)
    try:
        return book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine's own errors for broken files
        raise FormatError(f"{path.name}: the first sheet of the workbook is damaged and cannot be read "
                          f"({type(exc).__name__})") from None


def _text(cell: object) -> str:
    return " ".join(str(cell or "").split())


def _header(rows: list[list], path: Path) -> tuple[int, list[tuple[str, str, str] | None], int]:
    """Header row, (stufe, technologie, measure) per column, forecast year."""
    at = next((i for i, r in enumerate(rows[:12]) if any(_text(c) == "LOR Planungsräume Nummer" for c in r)), None)
    if at is None or at < 2:
        raise FormatError(f"{path.name} is no LOR coverage table: no column 'LOR Planungsräume Nummer' "
                          "under two header rows")
    stages, techs = _filled(rows[at - 2]), _filled(rows[at - 1])
    year = None
    columns: list[tuple[str, str, str] | None] = []
    for c, cell in enumerate(rows[at]):
        stage_text, tech_text, measure_text = stages[c], techs[c], _text(cell)
        stage = "ist" if stage_text.startswith("Ist") else "prognose" if "prognose" in stage_text.lower() else None
        if stage == "prognose" and (m := re.search(r"(20\d{2})", stage_text)):
            year = int(m.group(1))
        tech = next((k for k, p in _TECH.items() if re.search(p, tech_text)), None)
        measure = next((k for k, p in _MEASURES.items() if re.search(p, measure_text)), None)
        columns.append((stage, tech, measure) if stage and tech and measure else None)
    found = {col for col in columns if col}
    if len(found) != 12 or year is None:
        raise FormatError(f"{path.name}: expected current state and forecast, gigabit and fibre, each with "
                          f"Anzahl, Anteil and Veränderung (12 columns) under a header 'Ausbauprognose <year>'; "
                          f"found {len(found)} such columns")
    return at, columns, year


def _filled(row: list) -> list[str]:
    """Merged header cells repeated to the right."""
    out, last = [], ""
    for cell in row:
        last = _text(cell) or last
        out.append(last)
    return out


def _stand(path: Path, forecast_year: int) -> date:
    saved = workbook_saved(path)
    if saved is not None and saved.year == forecast_year:
        return saved.replace(day=1)
    if m := re.search(r"Stand_(\d{2})(\d{2})", path.name):
        named = date(2000 + int(m.group(1)), int(m.group(2)), 1)
        if named.year == forecast_year:
            return named
    raise FormatError(f"{path.name}: cannot tell the Stand: the workbook was last saved {saved or 'at an unknown date'} "
                      f"and the forecast is for {forecast_year}; keep the portal's file name "
                      "Berlin_LOR_Versorgungsdaten_Stand_<YYMM>.xlsx")


def parse_versorgungsdaten(path: Path) -> pd.DataFrame:
    """Parse one ``Berlin_LOR_Versorgungsdaten_Stand_<YYMM>.xlsx`` into the long table.

    The "Land Berlin" row is checked against the sum of the Planungsräume and then dropped.

    Examples
    --------
    >>> df = parse_versorgungsdaten(Path("Berlin_LOR_Versorgungsdaten_Stand_2402.xlsx"))  # doctest: +SKIP
    >>> len(df), df["planungsraum_id"].nunique()                                           # doctest: +SKIP
    (2168, 542)
    """
    import pandas as pd

    rows = _rows(path)
    at, columns, year = _header(rows, path)
    names = [_text(c) for c in rows[at]]
    pick = {n: names.index(n) for n in ("Bezirk Nummer", "Bezirk Name", "LOR Planungsräume Nummer",
                                        "LOR Planungsräume Name") if n in names}
    if len(pick) != 4:
        raise FormatError(f"{path.name} lacks the key columns Bezirk Nummer/Name, LOR Planungsräume Nummer/Name")
    body = [r for r in rows[at + 1:] if any(_text(c) for c in r)]
    keys = pd.DataFrame({"bezirk_id": [_key(r[pick["Bezirk Nummer"]], 2) for r in body],
                         "planungsraum_id": [_key(r[pick["LOR Planungsräume Nummer"]], 8) for r in body],
                         "planungsraum": [_text(r[pick["LOR Planungsräume Name"]]) for r in body]})
    parts = []
    for (stage, tech) in [(s, t) for s in ("ist", "prognose") for t in _TECH]:
        part = keys.assign(stufe=stage, technologie=tech)
        for measure in _MEASURES:
            c = columns.index((stage, tech, measure))
            part[measure] = pd.to_numeric(pd.Series([r[c] for r in body]), errors="raise").astype(float)
        parts.append(part)
    table = pd.concat(parts, ignore_index=True)
    _check_total(table, path)
    table = table[table["bezirk_id"] != "00"].copy()
    table["einheiten"] = table["einheiten"].round().astype("int64")
    table["bezirk"] = table["bezirk_id"].map(BEZIRKE)
    table.insert(0, "prognose_jahr", year)
    table.insert(0, "date", pd.Timestamp(_stand(path, year)))
    return table.reset_index(drop=True)


def _key(cell: object, width: int) -> str:
    text = _text(cell)
    return str(int(float(text))).zfill(width) if re.fullmatch(r"\d+(\.0)?", text) else text


def _check_total(table: pd.DataFrame, path: Path) -> None:
    berlin = table[table["bezirk_id"] == "00"]
    if len(berlin) != 4:
        raise FormatError(f"{path.name}: no 'Land Berlin' row (Bezirk Nummer 00) to check the sums against")
    for _, row in berlin.iterrows():
        part = table[(table["bezirk_id"] != "00") & (table["stufe"] == row["stufe"])
                     & (table["technologie"] == row["technologie"])]
        if abs(part["einheiten"].sum() - row["einheiten"]) > 0.5:
            raise FormatError(f"{path.name}: the Planungsräume add up to {part['einheiten'].sum():,.0f} "
                              f"{row['technologie']} units ({row['stufe']}), the Berlin row says {row['einheiten']:,.0f}")


def _parse(files: Mapping[str, Path]) -> pd.DataFrame:
    if len(files) != 1:
        raise FormatError(f"expected one workbook, got {len(files)}")
    return parse_versorgungsdaten(Path(next(iter(files.values()))))


def _keys_ok(df: pd.DataFrame) -> str | None:
    bad = df[~df["planungsraum_id"].str.fullmatch(r"\d{8}") | (df["planungsraum_id"].str[:2] != df["bezirk_id"])]
    return f"{len(bad)} rows with a malformed Planungsraum key, e.g. {bad['planungsraum_id'].iloc[0]!r}" if len(bad) \
        else None


def _shares_ok(df: pd.DataFrame) -> str | None:
    bad = df[~df["anteil_prozent"].between(0, 100)]
    return f"{len(bad)} shares outside 0–100 %" if len(bad) else None


def _fibre_within_gigabit(df: pd.DataFrame) -> str | None:
    wide = df.pivot_table(index=["planungsraum_id", "stufe"], columns="technologie", values="einheiten")
    bad = wide[wide["glasfaser"] > wide["gigabit"]]
    return f"{len(bad)} Planungsräume with more fibre than gigabit units (columns swapped?)" if len(bad) else None


gigabit_versorgung = catalog.register(Dataset(
    id="gigabit_versorgung",
    title="Gigabit- und Glasfaserversorgung der Wohn- und Gewerbeeinheiten nach LOR-Planungsräumen",
    topic="land",
    publisher="Senatsverwaltung für Wirtschaft, Energie und Betriebe Berlin (Gigabit-Kompetenz-Team; "
              "in der Datei nicht genannt)",
    license=NO_LICENSE,
    landing_page="https://www.berlin.de/gigabitstrategie/breitband/breitbandausbau",
    resources=(Resource(name="Berlin_LOR_Versorgungsdaten_Stand_2402.xlsx", url=PINNED_COPY, format="xlsx",
                        match=r"(?i)Versorgungsdaten.*\.xlsx$"),),
    spatial_unit="LOR-Planungsraum",
    update="annual",
    parser=_parse,
    schema=Schema(
        columns={"date": "date", "prognose_jahr": "int", "planungsraum_id": "str", "planungsraum": "str",
                 "bezirk_id": "str", "bezirk": "str", "stufe": "str", "technologie": "str", "einheiten": "int",
                 "anteil_prozent": "float", "veraenderung_pp": "float"},
        key=("date", "planungsraum_id", "stufe", "technologie"),
        checks=(Check("Planungsraum keys", _keys_ok), Check("shares 0-100 %", _shares_ok),
                Check("fibre within gigabit", _fibre_within_gigabit)),
        min_rows=2000,
    ),
    source_title="Gigabit-Versorgung der Wohn- und Gewerbeeinheiten nach LOR-Planungsräumen (Ist und Ausbauprognose)",
    history=True,
    description=("542 Planungsräume (LOR 2021). The workbook names neither publisher nor licence (see the module "
                 "docstring): treat the attribution as unverified. The download is a pinned copy in a public "
                 "repository (tesch-ch/berlin_PLR_data); no official download address is known. "
                 "`lichtenberg-data import gigabit_versorgung Berlin_LOR_Versorgungsdaten_Stand_<YYMM>.xlsx`."),
))
