"""Visitor numbers of the publicly funded cultural institutions of Berlin: ``besucherstatistik``.

The Senatsverwaltung für Kultur publishes one workbook per two years
(``besucherstatistik-2011_2012.xls``, ``besucherstatistik-2013-2014.xls``): one sheet, a two-row
header (measures over merged cells, the years below), category sub-heading rows ("Große
Sprechbühnen", "Gedenkstätten"), "Gesamt:" rows closing groups, line breaks inside header
cells and names, ``-`` for "Angaben werden nicht erhoben", notes such as "Freier Eintritt"
merged over value cells, and footnote markers glued to names ("SheShePop1)").

The parser turns a workbook into a long table: institution × year × measure, with the
category (sub-heading) as a column. Each file adds its years (history by file).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import catalog
from .._errors import FormatError
from ..catalog import LICENSES, Check, Dataset, Resource, Schema

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["parse_besucherstatistik_file", "parse_besucherstatistik", "MEASURES"]

LANDING_PAGE = ("https://daten.berlin.de/datensaetze/"
                "besuchszahlen-%C3%B6ffentlich-gef%C3%B6rderten-berliner-kultureinrichtungen")

#: Header text (regular expression on the cleaned, lower-case text) → measure name. Headers
#: not listed become a German snake_case name of their own text.
MEASURES: dict[str, str] = {
    r"^besuche insgesamt": "besuche_insgesamt",
    r"^zahlende besucher": "zahlende_besucher",
    r"^nicht zahlende besucher": "nicht_zahlende_besucher",
    r"^besucherinnen$": "besucherinnen",
    r"^besucher$": "besucher",
    r"^kinder und jugendliche": "kinder_und_jugendliche",
    r"^besuche außerhalb berlins": "besuche_ausserhalb_berlins",
}
_REMARKS = re.compile(r"^bemerkung")
_NOT_COLLECTED = {"-", "–", "—", ""}
_GERMAN_INT = re.compile(r"\d{1,3}(?:\.\s?\d{3})+")
_FOOTNOTE = re.compile(r"\s*\d\)$")
_TODO = "Download the workbook again from daten.berlin.de (Besuchszahlen der öffentlich geförderten Kultureinrichtungen)"


# ----------------------------------------------------------------------------- text helpers
def _clean(text: Any) -> str:
    """One line: hyphenated line breaks joined ("Wanderaus-\\nstellungen"), spaces collapsed."""
    text = str(text or "").replace("\xa0", " ")
    text = re.sub(r"(?<=[a-zäöüß])-\s*\n\s*(?=[a-zäöüß])", "", text)
    return " ".join(text.split())


def _slug(text: str) -> str:
    """German snake_case: ``"Kinder und Jugendliche"`` → ``"kinder_und_jugendliche"``.

    >>> _slug("Besuche außerhalb Berlins"), _slug("Öffnungstage (gesamt)")
    ('besuche_ausserhalb_berlins', 'oeffnungstage_gesamt')
    """
    text = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _measure(header: str) -> str:
    low = header.lower()
    for pattern, name in MEASURES.items():
        if re.search(pattern, low):
            return name
    return _slug(header)


# ----------------------------------------------------------------------------- the workbook
def _rows(path: Path) -> tuple[list[list], list]:
    """Cells of the first sheet and its merged ranges; the format is told by content (xls/xlsx)."""
    from .._readers import open_workbook

    book = open_workbook(path, _TODO)
    try:
        sheet = book.get_sheet_by_name(book.sheet_names[0])
        return sheet.to_python(skip_empty_area=False), sheet.merged_cell_ranges or []
    except Exception as exc:  # calamine raises its own errors for damaged files
        cause = " ".join(str(exc).split())[:120]
        raise FormatError(f"{path.name}: the first sheet of the workbook is damaged and cannot be read ({cause}). "
                          f"{_TODO}") from None


def _header(rows: list[list], path: Path) -> int:
    for i, row in enumerate(rows[:20]):
        if row and _clean(row[0]).casefold() == "institution":
            return i
    raise FormatError(f"{path.name}: no header row starting with 'Institution' in the first 20 rows; this is not "
                      "a visitor statistics workbook of the Senatsverwaltung für Kultur")


def _columns(rows: list[list], top: int, path: Path) -> tuple[dict[int, tuple[str, int]], int | None]:
    """Value columns (index → (measure, year)) and the remarks column, from the two header rows."""
    measures, remarks, current = {}, None, ""
    for c in range(1, len(rows[top])):
        text = _clean(rows[top][c])
        current = text or current
        year = _year(rows[top + 1][c] if c < len(rows[top + 1]) else None)
        if _REMARKS.search(current.lower()):
            remarks = c if remarks is None else remarks
        elif year is not None and current:
            measures[c] = (_measure(current), year)
    if "besuche_insgesamt" not in {m for m, _ in measures.values()}:
        found = ", ".join(sorted({m for m, _ in measures.values()})) or "none"
        raise FormatError(f"{path.name}: no column 'Besuche insgesamt' with years below it (measures found: {found}); "
                          "the layout of the workbook changed")
    return measures, remarks


def _year(cell: Any) -> int | None:
    text = str(cell).strip().removesuffix(".0") if cell not in (None, "") else ""
    return int(text) if re.fullmatch(r"(19|20)\d\d", text) else None


def _spread_notes(rows: list[list], merges: list, first: int, last_value_col: int) -> None:
    """Copy the text of merged value cells ("Freier Eintritt" over six rows) into every covered cell."""
    for (r0, c0), (r1, c1) in merges:
        anchor = rows[r0][c0] if r0 < len(rows) else None
        if r0 < first or c0 == 0 or c0 > last_value_col or not isinstance(anchor, str) or not anchor.strip():
            continue
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            for c in range(c0, min(c1, last_value_col) + 1):
                if rows[r][c] in (None, ""):
                    rows[r][c] = anchor


def _value(cell: Any) -> tuple[float | None, str]:
    """(number, note): numbers rounded to 2 decimals (the files carry 1e-5 formula residues)."""
    if isinstance(cell, bool):
        return None, ""
    if isinstance(cell, (int, float)):
        return round(float(cell), 2), ""
    text = _clean(cell)
    if text in _NOT_COLLECTED:
        return None, ""
    if _GERMAN_INT.fullmatch(text) or text.isdigit():  # "12. 286" is 12286
        return float(re.sub(r"[.\s]", "", text)), ""
    return None, text


def _is_heading(row: list) -> bool:
    label = _clean(row[0]) if row else ""
    return bool(label) and not label.lower().startswith("gesamt") and all(
        c in (None, "") or (isinstance(c, str) and not c.strip()) for c in row[1:])


def parse_besucherstatistik_file(path: Path) -> pd.DataFrame:
    """Parse one ``besucherstatistik-<years>.xls`` into the long table of the dataset.

    Returns
    -------
    pandas.DataFrame
        ``jahr``, ``kategorie`` (the sub-heading above the institution; missing for institutions
        listed after a blank row without a heading), ``einrichtung``, ``merkmal``, ``wert``
        (persons or visits; missing where the file has a note instead), ``hinweis`` (the note
        in the value cell, e.g. "Freier Eintritt"), ``bemerkung`` (the row's remark). Cells with
        ``-`` (not collected) are left out; "Gesamt:" rows are left out.
    """
    import pandas as pd

    rows, merges = _rows(path)
    top = _header(rows, path)
    measures, remarks = _columns(rows, top, path)
    width = max(measures) + 1
    rows = [list(r) + [""] * (width + 1 - len(r)) for r in rows]
    _spread_notes(rows, merges, top + 2, max(measures))
    records, category = [], None
    for row in rows[top + 2:]:
        label = _clean(row[0])
        if not label:
            if all(c in (None, "") for c in row[1:width]):
                category = None  # a blank row ends the group
            continue
        if _is_heading(row):
            category = label
            continue
        if label.lower().startswith("gesamt"):
            continue
        name = _FOOTNOTE.sub("", label)
        remark = _clean(row[remarks]) if remarks is not None else ""
        for c, (measure, year) in measures.items():
            value, note = _value(row[c])
            if value is not None or note:
                records.append((year, category, name, measure, value, note, remark))
    if not records:
        raise FormatError(f"{path.name}: the header was found but no institution rows below it")
    df = pd.DataFrame(records, columns=["jahr", "kategorie", "einrichtung", "merkmal", "wert", "hinweis", "bemerkung"])
    df["jahr"] = df["jahr"].astype("int64")
    df["wert"] = df["wert"].astype("float64")
    return df


def parse_besucherstatistik(files: Mapping[str, Path]) -> pd.DataFrame:
    """Parser of the ``besucherstatistik`` dataset: each workbook adds its years."""
    import pandas as pd

    return pd.concat([parse_besucherstatistik_file(p) for p in files.values()], ignore_index=True)


# ----------------------------------------------------------------------------- checks
def _years_plausible(df: pd.DataFrame) -> str | None:
    bad = sorted(set(df.loc[~df["jahr"].between(1990, date.today().year + 1), "jahr"]))
    return f"implausible years {bad}" if bad else None


def _no_negative(df: pd.DataFrame) -> str | None:
    bad = df[df["wert"] < 0]
    return f"{len(bad)} negative values, e.g. {bad.iloc[0]['einrichtung']!r}" if len(bad) else None


def _parts_fit(df: pd.DataFrame) -> str | None:
    """Paying + non-paying visitors never exceed the total by more than rounding (a shifted column would)."""
    wide = df.pivot_table(index=["jahr", "einrichtung"], columns="merkmal", values="wert", aggfunc="first")
    parts = [c for c in ("zahlende_besucher", "nicht_zahlende_besucher") if c in wide]
    if len(parts) < 2 or "besuche_insgesamt" not in wide:
        return None
    both = wide.dropna(subset=[*parts, "besuche_insgesamt"])
    over = both[both[parts].sum(axis=1) > both["besuche_insgesamt"] * 1.5 + 10]
    return f"{len(over)} institutions with paying + non-paying far above the total" if len(over) > 3 else None


def _stand(df: pd.DataFrame) -> date | None:
    return date(int(df["jahr"].max()), 12, 31) if len(df) else None


besucherstatistik = catalog.register(Dataset(
    id="besucherstatistik",
    title="Besuchszahlen der öffentlich geförderten Berliner Kultureinrichtungen",
    topic="tourism",
    publisher="Senatsverwaltung für Kultur Berlin",
    license=LICENSES["cc-by-3.0-de"],
    landing_page=LANDING_PAGE,
    landing_evidence=("cited in 2022 by jascha-je/Data-Visualization, where the snapshot's two files come from "
                      "(per ../shared/real-data/SOURCES.md); not seen in 2026 code"),
    resources=tuple(
        Resource(name=name, url=None, format="xls", match=r"(?i)besucherstatistik.*\.xlsx?$")
        for name in ("besucherstatistik-2011_2012.xls", "besucherstatistik-2013-2014.xls")
    ),
    spatial_unit="Einrichtung (ohne Lageangabe), Berlin",
    update="biennial",
    parser=parse_besucherstatistik,
    schema=Schema(
        columns={"jahr": "int", "kategorie": "str", "einrichtung": "str", "merkmal": "str", "wert": "float",
                 "hinweis": "str", "bemerkung": "str"},
        key=("jahr", "einrichtung", "merkmal"),
        checks=(Check("plausible years", _years_plausible), Check("no negative values", _no_negative),
                Check("paying + non-paying fit the total", _parts_fit)),
        min_rows=50,
    ),
    source_title="Besuchszahlen der öffentlich geförderten Berliner Kultureinrichtungen (Besucherstatistik)",
    reference_date=_stand,
    history=True,
    description=(
        "One workbook per two years, published on daten.berlin.de (licence there: CC BY 3.0 DE; the copies "
        "tested here come from a third-party repository, so check the licence on the landing page). No stable "
        "download address was found: import the workbooks by hand (`lichtenberg-data import besucherstatistik "
        "besucherstatistik-2013-2014.xls`); each adds its years. Measures (merkmal): besuche_insgesamt, "
        "zahlende_besucher, nicht_zahlende_besucher, besucherinnen, besucher, kinder_und_jugendliche, "
        "besuche_ausserhalb_berlins (visits at guest performances outside Berlin); other headers become their "
        "own snake_case name. Gender splits are partly estimated by the institutions (halves such as 38150.5). "
        "The workbooks give no address: Lichtenberg's institutions (Theater an der Parkaue, Gedenkstätte "
        "Berlin-Hohenschönhausen, Das Weite Theater; Theater Strahl has one of its venues at Ostkreuz) must be "
        "picked by name. Publisher as named on the landing page's source notes; the department's name changed "
        "over the years (Kulturelle Angelegenheiten, Kultur und Europa, Kultur und Gesellschaftlichen Zusammenhalt)."
    ),
))
