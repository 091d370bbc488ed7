"""Building completions and construction backlog per Bezirk (Amt für Statistik Berlin-Brandenburg).

``baufertigstellungen``
    From the annual Statistischer Bericht F II 2 "Baufertigstellungen, Bauüberhang und Bauabgang
    in Berlin" (``SB_F02-02-00_<YYYY>j01_BE.xlsx``), its tables by Bezirk: completions of all
    construction including work on existing buildings, of new residential and of new
    non-residential buildings (Tab. 12-15), and the backlog (Bauüberhang: approved, not yet
    completed) at 31 December of residential projects (Tab. 16), of the dwellings in them
    (Tab. 17) and of non-residential projects (Tab. 18). Long format: one row per year, Bezirk
    (and Berlin, ``"00"``), kind of building (``gebaeudeart``) and measure (``massnahme``), with
    values in base units (the report counts in 100 m², 1 000 m³ and 1 000 EUR). Each report adds
    its year; reports of several years make a series. The AfS download links carry hash paths
    that change per edition, so the reports are imported by hand.

Measures: ``fertigstellung`` (completions including work on existing buildings),
``fertigstellung_neubau`` (new buildings), ``ueberhang`` (backlog including work on existing
buildings), ``ueberhang_neubau`` and its parts ``ueberhang_neubau_unter_dach``,
``ueberhang_neubau_nicht_unter_dach``, ``ueberhang_neubau_nicht_begonnen``, and
``erloschen_neubau`` (expired permits). Backlog rows count projects (``gebaeude``: for
``wohngebaeude`` the Wohnbauvorhaben of Tab. 16, for ``nichtwohngebaeude`` the
Nichtwohnbauvorhaben of Tab. 18) and, for ``wohngebaeude``, the dwellings in them
(``wohnungen``, Tab. 17); the report gives the backlog per Bezirk only, not per Ortsteil.

Why the backlog is part of this dataset and not a dataset ``bauueberhang`` of its own: it comes
from the same report, so one parser reads each F II 2 workbook once and one import of a report
brings both; a second dataset would parse the same file a second time or make the user import
it twice. Tables are found by the words of their titles (``afs.read_tables``), never by sheet
name (the sheets are named ``'BAUÜB Tab.  17 '`` with double and trailing spaces). Each report
is checked against its own totals: its Bezirke must add up to its Berlin row, else the file is
refused with one line.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .. import catalog
from .._errors import FormatError
from .._validate import known_districts_or_berlin
from ..catalog import LICENSES, Check, Dataset, Resource, Schema
from ..names import BERLIN_ID, BEZIRKE

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["VALUES", "parse_fii2_file", "report_series"]

AFS_SITE = "https://www.statistik-berlin-brandenburg.de"
#: Value columns in base units.
VALUES = ("gebaeude", "wohnungen", "nutzflaeche_m2", "wohnflaeche_m2", "rauminhalt_m3", "kosten_eur")
#: Report tables by Bezirk: words of the title -> (gebaeudeart, massnahme, or for a backlog table
#: None and the value column its counts go to).
_TABLES = (
    (("Baufertigstellungen", "Wohn- und Nichtwohnbau", "bestehenden Gebäuden"), "wohn_und_nichtwohnbau",
     "fertigstellung"),
    (("Baufertigstellungen neuer Wohngebäude",), "wohngebaeude", "fertigstellung_neubau"),
    (("Baufertigstellungen neuer Nichtwohngebäude",), "nichtwohngebaeude", "fertigstellung_neubau"),
    (("Bauüberhang an Wohnbauvorhaben",), "wohngebaeude", None, "gebaeude"),
    (("Bauüberhang an Wohnungen",), "wohngebaeude", None, "wohnungen"),
    (("Bauüberhang", "Nichtwohnbau"), "nichtwohngebaeude", None, "gebaeude"),
)
#: Value column (pattern on the end of the joined header) -> (canonical column, kind of unit).
_COLUMNS = {"gebaeude": (r"(?<!\w)Gebäude( / Baumaßnahmen)?$", "count"),
            "wohnungen": (r"Wohnungen insgesamt$", "count"),
            "nutzflaeche_m2": (r"Nutzfläche$", "m²"), "wohnflaeche_m2": (r"Wohnfläche$", "m²"),
            "rauminhalt_m3": (r"Rauminhalt$", "m³"), "kosten_eur": (r"Kosten$", "EUR")}
_REQUIRED = ("gebaeude", "wohnungen", "nutzflaeche_m2", "kosten_eur")
#: Backlog columns (pattern) -> measure.
_BACKLOG = {r"^Bauüberhang insgesamt$": "ueberhang", r"neu zu errichtende.*Bauüberhang$": "ueberhang_neubau",
            r"davon unter Dach$": "ueberhang_neubau_unter_dach",
            r"noch nicht unter Dach$": "ueberhang_neubau_nicht_unter_dach",
            r"noch nicht begonnen$": "ueberhang_neubau_nicht_begonnen",
            r"erloschene Baugenehmigungen$": "erloschen_neubau"}
_UNITS = {"Anzahl": (1, "count"), "100 m²": (100, "m²"), "1 000 m²": (1000, "m²"), "m²": (1, "m²"),
          "1 000 m³": (1000, "m³"), "m³": (1, "m³"), "1 000 EUR": (1000, "EUR"), "EUR": (1, "EUR"),
          "Mill. EUR": (1_000_000, "EUR"), "Mio. EUR": (1_000_000, "EUR")}
_SERIES = re.compile(r"\b([A-Z] [IVX]+ \d+)\s*[-–]\s*[a-z]{1,2}\s*(?:\d{1,2}\s*)?/\s*\d{2}\b")


def report_series(path: Path) -> str | None:
    """The series code an AfS report names on its title or imprint sheet ("F II 2"), if any.

    Examples
    --------
    >>> report_series(Path("SB_F02-02-00_2022j01_BE.xlsx"))   # doctest: +SKIP
    'F II 2'
    """
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))  # by content, not by name
    except Exception:  # noqa: BLE001 - unreadable files are reported by the table reader
        return None
    for name in book.sheet_names:
        if name.strip().casefold() not in {"titel", "impressum"}:
            continue
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=True, nrows=40)
        text = " ".join(str(c) for row in rows for c in row if isinstance(c, str))
        if m := _SERIES.search(" ".join(text.split())):
            return m.group(1)
    return None


def check_series(path: Path, expected: str) -> None:
    """Refuse an AfS report whose title sheet names another series than ``expected``."""
    found = report_series(path)
    if found is not None and found != expected:
        raise FormatError(f"{path.name} is a report of the series {found}, not {expected}")


def _year(title: str, path: Path) -> int:
    years = re.findall(r"(?<!\d)(?:19|20)\d{2}(?!\d)", title)
    if not years:
        raise FormatError(f"{path.name}: no year in the table title {title[:80]!r}")
    return int(years[-1])


def _pick(df: pd.DataFrame, pattern: str) -> list[str]:
    return [c for c in df.columns if not str(c).endswith("_flag") and c not in ("bezirk_id", "bezirk", "abschnitt")
            and re.search(pattern, str(c))]


def _factor(df: pd.DataFrame, col: str, kind: str, path: Path) -> int:
    unit = df.attrs.get("units", {}).get(col)
    if unit is None and kind == "count":
        return 1
    known = _UNITS.get(" ".join(str(unit).split()))
    if known is None or known[1] != kind:
        raise FormatError(f"{path.name}: column {col!r} of {df.attrs.get('title', '')[:50]!r} is in "
                          f"{unit!r}, expected a unit of {kind}")
    return known[0]


def _area_rows(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    """The Bezirk rows and the Berlin row (the table's total row when it has no "Berlin")."""
    if "bezirk_id" not in df.columns:
        raise FormatError(f"{path.name}: table {df.attrs.get('title', '')[:60]!r} has no Bezirk rows")
    rows = df[df["bezirk_id"].notna()]
    if BERLIN_ID not in set(rows["bezirk_id"]):
        label = df.columns[1] if df.columns[0] == "abschnitt" else df.columns[0]
        total = df[df[label].astype(str).str.match(r"(?i)\s*(nichtwohngebäude|wohngebäude|insgesamt)\s*$")].head(1)
        rows = _with_total(rows, total)
    found = set(rows["bezirk_id"]) - {BERLIN_ID}
    if found != set(BEZIRKE):
        raise FormatError(f"{path.name}: expected the 12 Bezirke in {df.attrs.get('title', '')[:60]!r}, "
                          f"found {len(found)}")
    return rows


def _with_total(rows: pd.DataFrame, total: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    if total.empty:
        return rows
    total = total.assign(bezirk_id=BERLIN_ID, bezirk="Berlin")
    return pd.concat([rows, total])


def _completions(df: pd.DataFrame, year: int, art: str, massnahme: str, path: Path) -> pd.DataFrame:
    import pandas as pd

    rows = _area_rows(df, path)
    out = pd.DataFrame({"bezirk_id": rows["bezirk_id"].astype(str)})
    for target, (pattern, kind) in _COLUMNS.items():
        hits = _pick(df, pattern)
        if len(hits) > 1 or (not hits and target in _REQUIRED):
            raise FormatError(f"{path.name}: {'no' if not hits else len(hits)} columns for {target} in "
                              f"{df.attrs.get('title', '')[:60]!r} (columns: {', '.join(map(str, df.columns))})")
        out[target] = (rows[hits[0]].astype(float) * _factor(df, hits[0], kind, path)).round(3) if hits \
            else float("nan")
    return out.assign(year=year, gebaeudeart=art, massnahme=massnahme)


def _backlog(df: pd.DataFrame, year: int, art: str, column: str, path: Path) -> pd.DataFrame:
    """One backlog table (counts of projects or of dwellings) as rows of ``column`` per measure."""
    import pandas as pd

    rows = _area_rows(df, path)
    parts = []
    for pattern, massnahme in _BACKLOG.items():
        hits = _pick(df, pattern)
        if len(hits) != 1:
            raise FormatError(f"{path.name}: {'no' if not hits else len(hits)} columns for {massnahme} in "
                              f"{df.attrs.get('title', '')[:60]!r} (columns: {', '.join(map(str, df.columns))})")
        part = pd.DataFrame({"bezirk_id": rows["bezirk_id"].astype(str),
                             column: rows[hits[0]].astype(float) * _factor(df, hits[0], "count", path)})
        parts.append(part.assign(year=year, gebaeudeart=art, massnahme=massnahme))
    return pd.concat(parts)


def _merge_backlogs(parts: list[pd.DataFrame]) -> list[pd.DataFrame]:
    """Backlog tables of one kind of building (projects in Tab. 16, dwellings in Tab. 17) as one row
    per year, Bezirk and measure; a value given twice (two tables of the same content) is refused."""
    import pandas as pd

    key = ["year", "bezirk_id", "gebaeudeart", "massnahme"]
    if not parts:
        return []
    both = pd.concat(parts, ignore_index=True)
    merged = both.groupby(key, sort=False).agg(lambda s: s.dropna().iloc[0] if s.notna().any() else float("nan"))
    twice = both.groupby(key, sort=False).count()
    if (twice > 1).to_numpy().any():
        raise FormatError("two Bauüberhang tables of the same content in one report")
    return [merged.reset_index()]


def parse_fii2_file(path: Path) -> pd.DataFrame:
    """Parse the Bezirk tables of one F II 2 report into the long table of ``baufertigstellungen``.

    Examples
    --------
    >>> df = parse_fii2_file(Path("SB_F02-02-00_2022j01_BE.xlsx"))               # doctest: +SKIP
    >>> df.query("bezirk_id == '11' and gebaeudeart == 'nichtwohngebaeude' "
    ...          "and massnahme == 'fertigstellung_neubau'")["nutzflaeche_m2"].item()  # doctest: +SKIP
    60390.0
    """
    import pandas as pd

    from .. import afs

    check_series(path, "F II 2")
    parts, backlogs = [], []
    for title, df in afs.read_tables(path).items():
        text = re.sub(r"^\d+[a-z]?\s+", "", title)
        if "Bezirk" not in text or "1 oder 2" in text:
            continue
        for words, art, massnahme, *column in _TABLES:
            if all(w in text for w in words):
                year = _year(text, path)
                if massnahme is None:
                    backlogs.append(_backlog(df, year, art, column[0], path))
                else:
                    parts.append(_completions(df, year, art, massnahme, path))
                break
    try:
        parts += _merge_backlogs(backlogs)
    except FormatError as exc:
        raise FormatError(f"{path.name}: {exc}") from None
    if not parts:
        raise FormatError(f"{path.name}: no table of building completions by Bezirk (is it a report F II 2?)")
    out = pd.concat(parts, ignore_index=True)
    found = {(a, m) for a, m in zip(out["gebaeudeart"], out["massnahme"])}
    if not {("nichtwohngebaeude", "fertigstellung_neubau"), ("wohngebaeude", "fertigstellung_neubau")} <= found:
        raise FormatError(f"{path.name}: the tables of new residential and non-residential buildings by Bezirk "
                          "are missing")
    out["bezirk"] = out["bezirk_id"].map(lambda k: "Berlin" if k == BERLIN_ID else BEZIRKE[k])
    out["date"] = pd.to_datetime(out["year"].astype(str) + "-12-31")
    cols = ["year", "date", "bezirk_id", "bezirk", "gebaeudeart", "massnahme", *VALUES]
    out = out.reindex(columns=cols).reset_index(drop=True)
    if reason := _berlin_is_sum(out):  # the report's own totals: the Bezirke add up to Berlin
        raise FormatError(f"{path.name}: the report's totals do not add up ({reason}); the file may be damaged "
                          "or edited, download it again")
    return out


def _parse(files: Mapping[str, Path]) -> pd.DataFrame:
    import pandas as pd

    return pd.concat([parse_fii2_file(Path(p)) for p in files.values()], ignore_index=True)


# =========================================================================== checks

def _berlin_is_sum(df: pd.DataFrame) -> str | None:
    """The 12 Bezirke add up to Berlin; rounded report values allow half a unit per Bezirk."""
    tolerance = {"gebaeude": 0, "wohnungen": 0, "nutzflaeche_m2": 60, "wohnflaeche_m2": 60,
                 "rauminhalt_m3": 6000, "kosten_eur": 6000}
    for key, part in df.groupby(["year", "gebaeudeart", "massnahme"]):
        berlin = part[part["bezirk_id"] == BERLIN_ID]
        if len(berlin) != 1:
            return f"{key}: {len(berlin)} Berlin rows"
        for col, tol in tolerance.items():
            total, parts = berlin[col].iloc[0], part.loc[part["bezirk_id"] != BERLIN_ID, col]
            if parts.notna().all() and abs(parts.sum() - total) > tol + 1e-6:
                return f"{key}: the Bezirke add up to {parts.sum():,.0f} {col}, Berlin says {total:,.0f}"
    return None


def _non_negative(df: pd.DataFrame) -> str | None:
    values = df[list(VALUES)]
    bad = (values < 0).any(axis=1)
    return f"{int(bad.sum())} rows with negative values" if bad.any() else None


baufertigstellungen = catalog.register(Dataset(
    id="baufertigstellungen",
    title="Baufertigstellungen und Bauüberhang nach Bezirken",
    topic="land",
    publisher="Amt für Statistik Berlin-Brandenburg",
    license=LICENSES["cc-by-3.0-de"],
    landing_page=f"{AFS_SITE}/f-ii-2-j",
    landing_evidence=("listed as the page of the F II 2 reports, with the download links of the xlsx files, by "
                      "open-data-product/open-data-product-berlin-building-completions-source-aligned (2025), the "
                      "source of the snapshot's files; also cited by a 2026 project"),
    resources=tuple(Resource(name=f"SB_F02-02-00_{year}j01_BE.xlsx", url=None, format="xlsx",
                             match=r"(?i)SB_F02-02-00_\d{4}j01_BE\.xlsx$") for year in range(2020, 2025)),
    spatial_unit="Bezirk",
    update="annual",
    parser=_parse,
    schema=Schema(
        columns={"year": "int", "date": "date", "bezirk_id": "str", "bezirk": "str", "gebaeudeart": "str",
                 "massnahme": "str", **{c: "float" for c in VALUES}},
        key=("year", "bezirk_id", "gebaeudeart", "massnahme"),
        checks=(Check("known districts", known_districts_or_berlin), Check("Bezirke add up to Berlin", _berlin_is_sum),
                Check("no negative values", _non_negative)),
        min_rows=39,
    ),
    source_title="Statistischer Bericht F II 2 – Baufertigstellungen, Bauüberhang und Bauabgang in Berlin",
    history=True,
    parser_version="2",
    description=("One report per year; its Bezirk tables give completions of all construction (including work on "
                 "existing buildings), of new residential and new non-residential buildings, and the backlog "
                 "(Bauüberhang) at 31.12.: residential projects, their dwellings and non-residential projects, by "
                 "state (unter Dach, noch nicht unter Dach, noch nicht begonnen, erloschene Genehmigungen). Per "
                 "Bezirk only. The AfS download URLs carry hash paths that change per "
                 "edition: download the report from the landing page and import it "
                 "(`lichtenberg-data import baufertigstellungen SB_F02-02-00_*.xlsx`)."),
))

