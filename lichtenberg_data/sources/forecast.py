"""The Senate's population forecast for Berlin, the Bezirke and the Prognoseräume
(dataset ``bevoelkerungsprognose``).

The forecast 2024–2040 (Senatsverwaltung für Stadtentwicklung, Bauen und Wohnen with the Amt
für Statistik, published 04.11.2025; base: the Einwohnerregister on 31.12.2024) gives the
residents of Berlin, the 12 Bezirke and the 58 Prognoseräume (LOR 2021) in three variants
(untere, mittlere, obere). Its tables are offered on the landing page
https://www.berlin.de/sen/sbw/stadtdaten/stadtwissen/bevoelkerungsprognose-2024-2040/ and are
imported by hand.

**This parser has never read a real file.** No table of this forecast, nor of the earlier ones
(2021–2040, 2018–2030, 2015–2030), was at hand, and the tool library's public code, pages and
documentation hold none of their file names, sheets or columns (searched: the forecast's names,
``Prognoseraum`` with years and variants, the Senate's download pages of 2011–2030 to
2021–2040). What is known is the content: areas Berlin / Bezirke / 58 Prognoseräume, years to
2040, three variants, age groups. The parser is therefore built on that content, not on a
layout, and tolerant of how it is laid out:

* an xlsx workbook (any sheets) or a CSV (``;`` or ``,``); in each sheet a table whose header
  row holds the years as columns (at least two of 2000–2060);
* the area in a text column: ``Berlin``, a Bezirk by name or key (``11``, ``11 Lichtenberg``),
  a Prognoseraum by its 4-digit LOR key (``1101``, ``1101 Lichtenberg Nord``; by name only where
  the LOR Prognoseräume are loaded);
* the variant in a column (``Variante``) or in the sheet name or a title row above the header
  (``untere``/``mittlere``/``obere``, also ``niedrig``/``mittel``/``hoch``); one unnamed variant
  is taken for the ``mittlere``, and said so in the column ``variante_quelle``;
* age groups in an optional column (``Altersgruppe``: ``insgesamt``, ``unter 6``,
  ``6 bis unter 15``, ``15 - 18``, ``80 und älter`` …), else the totals;
* numbers in persons, or in thousands where a title or header cell says ``1.000``/``Tsd.``.

Checks: the Bezirke add up to Berlin and the Prognoseräume to their Bezirk (±0.5 %, rounding),
Berlin has between 3 and 5 million residents; and, for the forecast with base year 2024, the
published figures (Senate press release of 04.11.2025): Berlin 2040 in the medium variant
4.006 Mio (±1,000), Lichtenberg +8 % (7.5–8.5 %) and about +25,000 (±1,000) from 2024 to 2040.
A file that fails them is refused with the figure it gives and the published one.

The sample writer (:func:`lichtenberg_data.demo.forecast.sample_prognose`) writes a workbook
of the assumed form with the published totals; ``info`` says the parser is unverified.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .. import catalog
from .._afs_cells import parse_value
from .._errors import DataNotAvailableError, FormatError
from .._validate import unknown_values
from ..catalog import LICENSES, Check, Dataset, Resource, Schema
from ..names import BERLIN_ID, BEZIRKE, fold

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["VARIANTEN", "PUBLISHED", "parse_prognose", "age_group"]

LANDING = "https://www.berlin.de/sen/sbw/stadtdaten/stadtwissen/bevoelkerungsprognose-2024-2040/"
VARIANTEN = ("untere", "mittlere", "obere")
_VARIANT_WORDS = {"untere": ("untere", "niedrig", "unteren", "low"), "mittlere": ("mittlere", "mittel", "mittleren",
                  "basis", "medium"), "obere": ("obere", "hoch", "oberen", "high")}
#: Figures of the forecast 2024–2040 published by the Senate (press release 04.11.2025), by base year.
PUBLISHED = {2024: {"berlin_2040_mittlere": 4_006_000, "tolerance": 1_000, "lichtenberg_pct": (7.5, 8.5),
                    "lichtenberg_abs": 25_000, "abs_tolerance": 1_000}}
_YEAR = re.compile(r"^(20[0-6]\d)(?:\.0)?$")


# ----------------------------------------------------------------------------- cells and tables
def _cell(v: object) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _grids(path: Path) -> list[tuple[str, list[list[object]]]]:
    """Every sheet of a workbook (or the one table of a CSV) as rows of cells."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - a damaged workbook: one line
            raise FormatError(f"{path.name} is not a readable xlsx workbook ({type(exc).__name__}); download it "
                              "again") from None
        try:
            return [(ws.title, [list(r) for r in ws.iter_rows(values_only=True)]) for ws in book.worksheets]
        finally:
            book.close()
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FormatError(f"{path.name} is an old .xls workbook; open it and save it as .xlsx, then import that")
    from .._readers import read_text

    text = read_text(path)
    sep = ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
    import csv

    return [(path.stem, [list(r) for r in csv.reader(io.StringIO(text), delimiter=sep)])]


def _header_row(rows: list[list[object]]) -> int | None:
    for i, row in enumerate(rows[:40]):
        if sum(bool(_YEAR.match(_cell(c))) for c in row) >= 2:
            return i
    return None


def _variant_in(text: str) -> str | None:
    words = set(re.findall(r"[a-zäöü]+", text.casefold()))
    hits = [v for v, spell in _VARIANT_WORDS.items() if words & set(spell)]
    return hits[0] if len(hits) == 1 else None


def age_group(text: str) -> str | None:
    """The canonical age group of a label: ``"insgesamt"`` or ``"LL_HH"`` (from LL to under HH).

    >>> age_group("6 bis unter 15"), age_group("unter 6 Jahre"), age_group("80 und älter"), age_group("Insgesamt")
    ('06_15', '00_06', '80_110', 'insgesamt')
    >>> age_group("15 - 18"), age_group("18–25")
    ('15_18', '18_25')
    """
    t = fold(text)
    if not t or t in {"insgesamt", "zusammen", "gesamt", "summe", "alle", "total"}:
        return "insgesamt"
    if m := re.fullmatch(r"(?:unter|bis unter|0 bis unter)\s*(\d+)(?:\s*jahre?n?)?", t):
        return f"00_{int(m.group(1)):02d}"
    if m := re.fullmatch(r"(\d+)\s*(?:jahre?n?\s*)?(?:und (?:älter|mehr)|\+|und darüber)", t):
        return f"{int(m.group(1)):02d}_110"
    if m := re.fullmatch(r"(\d+)\s*(?:bis unter|-|–|bis)\s*(\d+)(?:\s*jahre?n?)?", t):
        return f"{int(m.group(1)):02d}_{int(m.group(2)):02d}"
    return None


# ----------------------------------------------------------------------------- areas
def _prognoseraum_names() -> dict[str, str]:
    from .. import geo

    try:
        pgr = geo.boundaries("prognoseraum", district=None)
    except DataNotAvailableError:
        return {}
    return {fold(n): str(k) for k, n in zip(pgr["prognoseraum_id"], pgr["prognoseraum"])}


def _area(text: str, pgr_names: dict[str, str]) -> tuple[str, str, str] | None:
    """``(ebene, gebiet_id, gebiet)`` of an area label, or ``None`` for a row that names no area."""
    t = text.strip()
    if fold(t) in {"berlin", "berlin insgesamt", "land berlin", "berlin gesamt"}:
        return "berlin", BERLIN_ID, "Berlin"
    m = re.match(r"^(\d{1,4})\b\s*[-–:]?\s*(.*)$", t)
    if m:
        key, rest = m.groups()
        if len(key) == 4 and key[:2] in BEZIRKE:
            return "prognoseraum", key, rest.strip() or key
        if len(key) <= 2 and key.zfill(2) in BEZIRKE and (not rest or fold(rest) == fold(BEZIRKE[key.zfill(2)])):
            return "bezirk", key.zfill(2), BEZIRKE[key.zfill(2)]
        return None
    by_name = {fold(n): k for k, n in BEZIRKE.items()}
    if fold(t) in by_name:
        return "bezirk", by_name[fold(t)], t
    if fold(t) in pgr_names:
        return "prognoseraum", pgr_names[fold(t)], t
    return None


def _row_area(cells: list[str], pgr_names: dict[str, str]) -> tuple[str, str, str] | None:
    """The area of a row from its leading text cells: a cell with a name first; a bare number
    (a key) next, as a Bezirk only where no other cell has a name (a running number ``5`` beside
    ``Lichtenberg Nord`` is no Bezirk 05).

    >>> _row_area(["1", "Berlin"], {}), _row_area(["11", "Lichtenberg"], {})
    (('berlin', '00', 'Berlin'), ('bezirk', '11', 'Lichtenberg'))
    >>> _row_area(["1101", "Lichtenberg Nord"], {}), _row_area(["5", "Lichtenberg Nord"], {})
    (('prognoseraum', '1101', 'Lichtenberg Nord'), None)
    """
    named = [c for c in cells if re.search(r"[^\W\d_]", c)]
    bare = [c for c in cells if c not in named]
    for c in named:
        if area := _area(c, pgr_names):
            return area
    for c in bare:
        area = _area(c, pgr_names)
        if area and (area[0] == "prognoseraum" or not named):
            return (area[0], area[1], named[0]) if named and area[0] == "prognoseraum" else area
    return None


# ----------------------------------------------------------------------------- one sheet
def _sheet(path: Path, name: str, rows: list[list[object]], pgr_names: dict[str, str]) -> pd.DataFrame | None:
    import pandas as pd

    h = _header_row(rows)
    if h is None:
        return None
    header = [_cell(c) for c in rows[h]]
    above = " ".join(_cell(c) for r in rows[:h] for c in r)
    thousands = bool(re.search(r"1\.000|tsd|tausend", (above + " " + " ".join(header)).casefold()))
    years = {j: int(_YEAR.match(c).group(1)) for j, c in enumerate(header) if _YEAR.match(c)}
    lower = [c.casefold() for c in header]
    var_col = next((j for j, c in enumerate(lower) if c.startswith("variante")), None)
    age_col = next((j for j, c in enumerate(lower) if c.startswith("alter")), None)
    sheet_variant = _variant_in(name) or _variant_in(above)
    records, unknown = [], []
    for r in rows[h + 1:]:
        cells = [_cell(c) for c in r]
        texts = [(j, c) for j, c in enumerate(cells) if j not in years and j not in (var_col, age_col) and c]
        area = _row_area([c for _, c in texts[:3]], pgr_names)
        if area is None:
            if any(cells[j] for j in years if j < len(cells)) and texts:
                unknown.append(texts[0][1])
            continue
        variant = _variant_in(cells[var_col]) if var_col is not None and var_col < len(cells) else sheet_variant
        age = age_group(cells[age_col]) if age_col is not None and age_col < len(cells) else "insgesamt"
        if age is None:
            raise FormatError(f"{path.name}, sheet {name!r}: unknown age group {cells[age_col]!r}")
        for j, year in years.items():
            raw = r[j] if j < len(r) else None
            if _cell(raw) in {"", "-", "–", "."}:
                continue
            parsed = parse_value(raw)  # German or plain notation, as in the AfS reports
            value = None if parsed is None or parsed[1] not in (None, "0") else parsed[0]
            if value is None:
                raise FormatError(f"{path.name}, sheet {name!r}: {raw!r} for {area[2]} {year} is not a number")
            records.append({"variante": variant, "ebene": area[0], "gebiet_id": area[1], "gebiet": area[2],
                            "altersgruppe": age, "jahr": year, "einwohner": value * (1000 if thousands else 1)})
    if unknown and len(unknown) > max(3, len(records) // 20):
        raise FormatError(f"{path.name}, sheet {name!r}: {len(unknown)} rows name no known area (e.g. "
                          f"{unknown[0]!r}); Prognoseräume need their 4-digit LOR key (or the LOR Prognoseräume loaded)")
    return pd.DataFrame.from_records(records) if records else None


# ----------------------------------------------------------------------------- checks
def _de(value: float) -> str:
    """A whole number with German thousands dots (``4.006.000``)."""
    return f"{value:,.0f}".replace(",", ".")


def _sums(df: pd.DataFrame, path: Path) -> None:
    """Bezirke add up to Berlin, Prognoseräume to their Bezirk (±0.5 %)."""
    tot = df[df["altersgruppe"] == "insgesamt"]
    keys = ["variante", "jahr"]
    berlin = tot[tot["ebene"] == "berlin"].set_index(keys)["einwohner"]
    bez = tot[tot["ebene"] == "bezirk"]
    if len(berlin) and bez["gebiet_id"].nunique() == 12:
        total = bez.groupby(keys)["einwohner"].sum()
        off = (total / berlin.reindex(total.index) - 1).abs()
        if (off > 0.005).any():
            k = off.idxmax()
            raise FormatError(f"{path.name}: the Bezirke add up to {_de(total[k])} in {k[1]} ({k[0]}), Berlin is "
                              f"{_de(berlin[k])}; rows missing or read twice?")
    pgr = tot[tot["ebene"] == "prognoseraum"]
    if len(pgr) and len(bez):
        s = pgr.assign(bezirk_id=pgr["gebiet_id"].str[:2]).groupby([*keys, "bezirk_id"])["einwohner"].sum()
        b = bez.set_index([*keys, "gebiet_id"])["einwohner"]
        b.index = b.index.set_names([*keys, "bezirk_id"])
        common = s.index.intersection(b.index)
        off = (s[common] / b[common] - 1).abs()
        if len(off) and (off > 0.005).any():
            k = off.idxmax()
            raise FormatError(f"{path.name}: the Prognoseräume of Bezirk {k[2]} add up to {_de(s[k])} in {k[1]}, "
                              f"the Bezirk row says {_de(b[k])}")
    if len(berlin):
        low, high = berlin.min(), berlin.max()
        if not (low >= 3_000_000 and high <= 5_000_000):
            unit = " (thousands? say '1.000' in the title)" if high < 10_000 else ""
            raise FormatError(f"{path.name}: Berlin has {_de(low)} to {_de(high)} residents in the file, not 3 to 5 "
                              f"million{unit}")


def _published(df: pd.DataFrame, path: Path, base: int) -> None:
    """The published figures of the forecast with this base year (:data:`PUBLISHED`)."""
    facts = PUBLISHED.get(base)
    if not facts:
        return
    tot = df[(df["altersgruppe"] == "insgesamt") & (df["variante"] == "mittlere")]
    b40 = tot[(tot["gebiet_id"] == BERLIN_ID) & (tot["jahr"] == 2040)]["einwohner"]
    if len(b40) and abs(b40.iloc[0] - facts["berlin_2040_mittlere"]) > facts["tolerance"]:
        raise FormatError(f"{path.name}: Berlin 2040 (mittlere Variante) is {_de(b40.iloc[0])}, the Senate published "
                          f"{_de(facts['berlin_2040_mittlere'])} (04.11.2025); another variant or forecast, or misread?")
    li = tot[tot["gebiet_id"] == "11"].set_index("jahr")["einwohner"]
    if base in li.index and 2040 in li.index:
        gain = li[2040] - li[base]
        pct = gain / li[base] * 100
        lo, hi = facts["lichtenberg_pct"]
        if not (lo <= pct <= hi) or abs(gain - facts["lichtenberg_abs"]) > facts["abs_tolerance"]:
            raise FormatError(f"{path.name}: Lichtenberg grows by {_de(gain)} ({pct:.1f} %) from {base} to 2040 in the "
                              "file; the Senate published +8 % and about +25.000 (mittlere Variante); another "
                              "variant or forecast, or misread?")


# ----------------------------------------------------------------------------- the parser
def parse_prognose(files: Mapping[str, Path]) -> pd.DataFrame:
    """Parse a table of the Senate's population forecast (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        One row per variant, area, age group and year: ``prognose`` ("2024–2040"), ``basisjahr``,
        ``variante`` (untere/mittlere/obere), ``variante_quelle``, ``ebene`` (berlin/bezirk/
        prognoseraum), ``gebiet_id`` ("00", "11", "1101"), ``gebiet``, ``bezirk_id``,
        ``altersgruppe`` ("insgesamt" or "15_18" …), ``jahr``, ``einwohner`` (persons, 31.12.).
    """
    import pandas as pd

    [path] = files.values()
    pgr_names = _prognoseraum_names()
    parts = [p for name, rows in _grids(path) if (p := _sheet(path, name, rows, pgr_names)) is not None]
    if not parts:
        raise FormatError(f"{path.name}: no table with years as columns (2024, 2025, … 2040) and areas (Berlin, "
                          "Bezirke, Prognoseräume) as rows; is it a table of the population forecast?")
    df = pd.concat(parts, ignore_index=True)
    named = df["variante"].notna()
    if not named.all():
        if named.any() or df.groupby(["gebiet_id", "altersgruppe", "jahr"]).size().max() > 1:
            raise FormatError(f"{path.name}: some tables name no variant (untere/mittlere/obere) in their sheet name, "
                              "title or a column Variante; rename the sheets after their variant")
        df["variante_quelle"] = "keine Variante genannt: als mittlere gelesen"
        df["variante"] = "mittlere"
    else:
        df["variante_quelle"] = "laut Datei"
    dupes = df.duplicated(["variante", "gebiet_id", "altersgruppe", "jahr"])
    if dupes.any():
        d = df[dupes].iloc[0]
        raise FormatError(f"{path.name}: {d['gebiet']} {d['jahr']} ({d['variante']}, {d['altersgruppe']}) occurs twice")
    base = int(df["jahr"].min())
    if df["jahr"].max() - base < 5:
        raise FormatError(f"{path.name}: the years run only from {base} to {df['jahr'].max()}; a forecast to 2040 "
                          "was expected")
    _sums(df, path)
    _published(df, path, base)
    df.insert(0, "prognose", f"{base}–{int(df['jahr'].max())}")
    df.insert(1, "basisjahr", base)
    df["bezirk_id"] = df["gebiet_id"].where(df["ebene"] != "berlin", BERLIN_ID).str[:2]
    df["jahr"] = df["jahr"].astype("int64")
    cols = ["prognose", "basisjahr", "variante", "variante_quelle", "ebene", "gebiet_id", "gebiet", "bezirk_id",
            "altersgruppe", "jahr", "einwohner"]
    return df[cols].sort_values(["variante", "gebiet_id", "altersgruppe", "jahr"], ignore_index=True)


def _stand(df: pd.DataFrame) -> date | None:
    return date(int(df["basisjahr"].iloc[0]), 12, 31) if len(df) else None


def _variants_known(df: pd.DataFrame) -> str | None:
    bad = unknown_values(df["variante"], VARIANTEN)
    return f"unknown variants {bad}" if bad else None


def _has_berlin_or_bezirke(df: pd.DataFrame) -> str | None:
    return None if df["ebene"].isin(["berlin", "bezirk"]).any() else "neither Berlin nor a Bezirk in the file"


bevoelkerungsprognose = catalog.register(Dataset(
    id="bevoelkerungsprognose",
    title="Bevölkerungsprognose für Berlin und die Bezirke 2024–2040",
    topic="workforce",
    publisher="Senatsverwaltung für Stadtentwicklung, Bauen und Wohnen Berlin",
    license=LICENSES["cc-by-3.0-de"],
    landing_page=LANDING,
    landing_evidence=("the Senate's page of the forecast 2024–2040 (its text names Berlin, Bezirke and Prognoseräume "
                      "and three variants); which files it offers was not seen"),
    resources=(Resource(name="bevoelkerungsprognose.xlsx", url=None, format="xlsx", accepts=("csv",)),),
    spatial_unit="Berlin, Bezirk, Prognoseraum (LOR 2021)",
    update="static",
    parser=parse_prognose,
    schema=Schema(
        columns={"prognose": "str", "basisjahr": "int", "variante": "str", "ebene": "str", "gebiet_id": "str",
                 "gebiet": "str", "bezirk_id": "str", "altersgruppe": "str", "jahr": "int", "einwohner": "float"},
        key=("variante", "gebiet_id", "altersgruppe", "jahr"),
        checks=(Check("known variants", _variants_known), Check("Berlin or Bezirke", _has_berlin_or_bezirke)),
    ),
    source_title="Bevölkerungsprognose für Berlin und die Bezirke 2024–2040",
    reference_date=_stand,
    unverified=("no file of the forecast (2024–2040 or earlier) was ever seen: the layout (sheets, header, area and "
                "variant labels) is assumed and read tolerantly; the published totals (Berlin 2040 4.006 Mio, "
                "Lichtenberg +8 %) are checked"),
    description=(
        "Residents on 31.12. of each year 2024–2040 for Berlin, the Bezirke and the 58 Prognoseräume in three variants "
        "(untere, mittlere, obere), as the Senate's tables give them; Stand: the base date 31.12.2024. Licence "
        "assumed CC BY 3.0 DE as for the Senate's statistics pages: check it on the landing page."
    ),
))
