"""Population datasets of the Amt für Statistik Berlin-Brandenburg (Einwohnerregisterstatistik).

``einwohner_lor``
    Residents per LOR Planungsraum on 31 December, one ``EWR…E_Matrix.csv`` per year. The
    editions differ: age-group columns renamed over the years (``E_U1`` → ``E_EU1``), decimal
    commas and quoted fields in some years (2012, 2015), keys without leading zeros (2014),
    ``BEZPGR`` instead of ``STADTRAUM`` and ``NA`` rows in the LOR-2021 files. The parser
    normalises all of these to one row per year and Planungsraum.
``einwohner_ortsteile``
    Residents per Ortsteil by sex, citizenship and age group (long format, zero cells omitted).
    **Import only.** Its former address ``statistik-berlin-brandenburg.de/opendata/EWR_Ortsteile_<date>.csv``
    answers with an HTML page since the AfS site relaunch, so a refresh skips it instead of failing
    every week. The CSV was published per year on daten.berlin.de (pages of the pattern
    ``einwohnerinnen-und-einwohner-den-ortsteilen-berlins-am-3112YYYY`` are cited in public code for
    31.12.2015 and 31.12.2019; the real file of 31.12.2020 in ``snapshot/`` comes from
    tarankawiz/various-berlin-data); a page of a later edition was not found.

    Later years are **not derived** from the Planungsräume: LOR-2021 Planungsräume do not nest in
    the Ortsteile. Intersected with the Ortsteil polygons of ODIS (``ortsteile_berlin.geojson``,
    96 Ortsteile), 48 of the 542 Planungsräume (kiez-finder's simplified LOR-2021 polygons) have
    less than 95 % of their area in one Ortsteil, the worst 44 %; in Lichtenberg 5 of 41, the
    worst 72 % (11401032). A sum of Planungsräume would put thousands of residents into the wrong
    Ortsteil. The AfS report A I 5 (https://www.statistik-berlin-brandenburg.de/a-i-5-hj, table
    T11) gives Ortsteil totals of later years; this dataset does not read it.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .. import catalog
from .._errors import FormatError
from .._readers import csv_frame, german_number, german_numbers, read_text
from .._validate import known_districts
from ..catalog import LICENSES, Check, Dataset, Resource, Schema
from ..names import BEZIRKE

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

PUBLISHER = "Amt für Statistik Berlin-Brandenburg"
_DOWNLOAD = "https://download.statistik-berlin-brandenburg.de"

#: The fine age bands of the matrix, in order (``E_E00_01`` → ``alter_00_01``).
AGE_BANDS = ("00_01", "01_02", "02_03", "03_05", "05_06", "06_07", "07_08", "08_10", "10_12", "12_14",
             "14_15", "15_18", "18_21", "21_25", "25_27", "27_30", "30_35", "35_40", "40_45", "45_50",
             "50_55", "55_60", "60_63", "63_65", "65_67", "67_70", "70_75", "75_80", "80_85", "85_90",
             "90_95", "95_110")
#: The coarse age groups: source suffix (``E_EU1`` / older ``E_U1``) → canonical column.
AGE_GROUPS = {"U1": "alter_unter_1", "1U6": "alter_1_6", "6U15": "alter_6_15", "15U18": "alter_15_18",
              "18U25": "alter_18_25", "25U55": "alter_25_55", "55U65": "alter_55_65", "65U80": "alter_65_80",
              "80U110": "alter_80_110"}
COUNT_COLUMNS = ("einwohner", "maennlich", "weiblich", *(f"alter_{b}" for b in AGE_BANDS), *AGE_GROUPS.values())


def _rename_map(columns: list[str]) -> dict[str, str]:
    mapping = {"E_E": "einwohner", "E_EM": "maennlich", "E_EW": "weiblich"}
    for band in AGE_BANDS:
        mapping[f"E_E{band}"] = f"alter_{band}"
    for suffix, name in AGE_GROUPS.items():
        mapping[f"E_E{suffix}"] = name
        mapping[f"E_{suffix}"] = name
    return {c: mapping[c] for c in columns if c in mapping}


def _month_end(zeit: str) -> date:
    year, month = int(zeit[:4]), int(zeit[4:6])
    return date(year, month, calendar.monthrange(year, month)[1])


def _check_field_counts(text: str, path: Path) -> None:
    """Refuse data rows with fewer or more fields than the header (a truncated file)."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    width = lines[0].count(";")
    bad = [i for i, ln in enumerate(lines[1:], start=2)
           if re.match(r'"?\d{6}', ln) and ln.count(";") != width]
    if bad:
        raise FormatError(f"{path.name}: {len(bad)} rows (first: line {bad[0]}) have fewer or more fields "
                          "than the header (truncated download?)")


def parse_ewr_matrix(path: Path) -> pd.DataFrame:
    """Parse one ``EWR…E_Matrix.csv`` edition into the canonical table.

    Examples
    --------
    >>> df = parse_ewr_matrix(Path("EWR202012E_Matrix.csv"))       # doctest: +SKIP
    >>> int(df.loc[df.bezirk_id == "11", "einwohner"].sum())       # doctest: +SKIP
    296837
    """
    import pandas as pd

    text = read_text(path)
    _check_field_counts(text, path)
    raw = csv_frame(text)
    raw.columns = [c.strip().strip('"') for c in raw.columns]
    needed = {"ZEIT", "RAUMID", "BEZ", "E_E", "E_EM", "E_EW"}
    if not needed <= set(raw.columns):
        raise FormatError(f"{path.name} lacks the columns {', '.join(sorted(needed - set(raw.columns)))} "
                          "of an EWR population matrix")
    raw = raw[raw["ZEIT"].str.fullmatch(r"\d{6}")]  # drops stray footer lines
    if raw.empty:
        raise FormatError(f"{path.name} has no data rows")
    names = _rename_map(list(raw.columns))
    missing = [c for c in COUNT_COLUMNS if c not in names.values()]
    if missing:
        raise FormatError(f"{path.name} lacks the count columns for {', '.join(missing[:5])}")
    out = pd.DataFrame({"planungsraum_id": raw["RAUMID"].str.zfill(8)})
    zeit = raw["ZEIT"].iloc[0]
    if (raw["ZEIT"] != zeit).any():
        raise FormatError(f"{path.name} mixes several reference dates (ZEIT)")
    stand = _month_end(zeit)
    out.insert(0, "date", pd.Timestamp(stand))
    out.insert(0, "year", stand.year)
    out["lor_version"] = "2021" if stand >= date(2021, 1, 1) else "2006"
    out["bezirk_id"] = raw["BEZ"].str.zfill(2)
    out["bezirk"] = out["bezirk_id"].map(BEZIRKE)
    out["prognoseraum_id"] = out["planungsraum_id"].str[:4]
    out["bezirksregion_id"] = out["planungsraum_id"].str[:6]
    counts = german_numbers(raw[list(names)])
    fractional = ((counts % 1 != 0) & counts.notna()).any()
    if fractional.any():
        raise FormatError(f"{path.name}: column {fractional.idxmax()} holds fractional counts")
    counts = counts.round().astype("Int64").rename(columns=names)
    counts = counts.loc[:, ~counts.columns.duplicated(keep="last")]  # E_E<group> and E_<group>: the later wins
    return pd.concat([out, counts], axis=1).reset_index(drop=True)


def _parse_einwohner_lor(files: Mapping[str, Path]):
    import pandas as pd

    parts = [parse_ewr_matrix(p) for p in files.values()]
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _sums_match(df, total: str, parts: list[str]) -> str | None:
    ok = df[[total, *parts]].dropna()
    bad = ok[ok[parts].sum(axis=1) != ok[total]]
    if len(bad):
        return f"{len(bad)} rows where {' + '.join(parts[:3])}{' + …' if len(parts) > 3 else ''} ≠ {total}"
    return None


def _keys_in_district(df) -> str | None:
    bad = df[df["planungsraum_id"].str[:2] != df["bezirk_id"]]
    return f"{len(bad)} Planungsraum keys do not start with their bezirk_id" if len(bad) else None


EWR_SCHEMA = Schema(
    columns={"year": "int", "date": "date", "lor_version": "str", "planungsraum_id": "str",
             "prognoseraum_id": "str", "bezirksregion_id": "str", "bezirk_id": "str", "bezirk": "str",
             **{c: "int" for c in COUNT_COLUMNS}},
    key=("date", "planungsraum_id"),
    checks=(
        Check("known districts", known_districts),
        Check("keys within district", _keys_in_district),
        Check("men + women = total", lambda df: _sums_match(df, "einwohner", ["maennlich", "weiblich"])),
        Check("age groups add up", lambda df: _sums_match(df, "einwohner", list(AGE_GROUPS.values()))),
        Check("age bands add up", lambda df: _sums_match(df, "einwohner", [f"alter_{b}" for b in AGE_BANDS])),
    ),
    min_rows=400,
)


def _edition(year: int, url: str | None) -> Resource:
    name = f"EWR_L21_{year}12E_Matrix.csv"
    return Resource(name=name, url=url, format="csv", match=r"EWR.*\d{6}E_Matrix\.csv$")


einwohner_lor = catalog.register(Dataset(
    id="einwohner_lor",
    title="Einwohnerinnen und Einwohner in den LOR-Planungsräumen",
    topic="population",
    publisher=PUBLISHER,
    license=LICENSES["cc-by-3.0-de"],
    landing_page="https://daten.berlin.de/datensaetze/einwohnerinnen-und-einwohner-in-berlin-in-lor-planungsraumen-am-31-12-2025",
    resources=(
        _edition(2021, None),
        _edition(2022, None),
        _edition(2023, None),
        _edition(2024, f"{_DOWNLOAD}/bf57f8f2d002dca0/cf0bcd27e257/EWR_L21_202412E_Matrix.csv"),
        _edition(2025, f"{_DOWNLOAD}/c9771e49e9b212b3/f6a9c1df6163/EWR_L21_202512E_Matrix.csv"),
    ),
    spatial_unit="LOR-Planungsraum",
    update="annual",
    parser=_parse_einwohner_lor,
    schema=EWR_SCHEMA,
    source_title="Einwohnerregisterstatistik",
    history=True,
    landing_evidence=("named as the dataset page of the 31.12.2025 edition (published 2026-04-02) in public 2026 code; "
                      "the page of 31.12.2024 likewise; the pages of 2021-2023 (editions without a download address) "
                      "follow the same pattern, not verified one by one"),
    description=("One CSV per year (31.12.). The AfS links carry hash paths that change per edition; "
                 "editions without a known link (and all before 2021, on the old LOR) are imported by hand: "
                 "`lichtenberg-data import einwohner_lor EWR*.csv`."),
))


# ---------------------------------------------------------------------------- Ortsteile

_ORTSTEIL_COLUMNS = {"Bezirk": "bezirk_id", "Bez-Name": "bezirk", "Ortsteil": "ortsteil_id",
                     "Ortst-Name": "ortsteil", "Geschl": "geschlecht", "Staatsangeh": "staatsangehoerigkeit",
                     "Altersgr": "altersgruppe", "Häufigkeit": "einwohner"}


def parse_ewr_ortsteile(path: Path) -> pd.DataFrame:
    """Parse ``EWR_Ortsteile_<YYYY-MM-DD>.csv`` (long format, zero cells omitted).

    The reference date is read from the file name, the only place it is given.
    """
    import pandas as pd

    match = re.search(r"(\d{4})-(\d{2})-(\d{2})", path.name)
    if not match:
        raise FormatError(f"cannot read the reference date from the file name {path.name}; "
                          "keep the portal's name EWR_Ortsteile_YYYY-MM-DD.csv")
    raw = csv_frame(read_text(path))
    missing = [c for c in _ORTSTEIL_COLUMNS if c not in raw.columns]
    if missing:
        raise FormatError(f"{path.name} lacks the columns {', '.join(missing)}")
    out = raw[list(_ORTSTEIL_COLUMNS)].rename(columns=_ORTSTEIL_COLUMNS)
    out["bezirk_id"] = out["bezirk_id"].str.zfill(2)
    out["ortsteil_id"] = out["ortsteil_id"].str.zfill(4)
    out["geschlecht"] = out["geschlecht"].map({"1": "m", "2": "w"})
    out["einwohner"] = german_number(out["einwohner"]).astype("Int64")
    out.insert(0, "date", pd.Timestamp(date(*map(int, match.groups()))))
    return out


def _names_official(df) -> str | None:
    bad = df[df["bezirk"] != df["bezirk_id"].map(BEZIRKE)]
    return f"district names differ from the official list: {sorted(set(bad['bezirk']))[:3]}" if len(bad) else None


einwohner_ortsteile = catalog.register(Dataset(
    id="einwohner_ortsteile",
    title="Einwohnerinnen und Einwohner in den Ortsteilen Berlins",
    topic="population",
    publisher=PUBLISHER,
    license=LICENSES["cc-by-3.0-de"],
    landing_page="https://daten.berlin.de/datensaetze/einwohnerinnen-und-einwohner-den-ortsteilen-berlins-am-31122020",
    resources=(Resource(name="EWR_Ortsteile_2020-12-31.csv", url=None,
                        format="csv", match=r"EWR_Ortsteile_\d{4}-\d{2}-\d{2}\.csv$"),),
    spatial_unit="Ortsteil",
    update="annual",
    parser=lambda files: __import__("pandas").concat([parse_ewr_ortsteile(p) for p in files.values()],
                                                      ignore_index=True),
    schema=Schema(
        columns={"date": "date", "bezirk_id": "str", "bezirk": "str", "ortsteil_id": "str", "ortsteil": "str",
                 "geschlecht": "str", "staatsangehoerigkeit": "str", "altersgruppe": "str", "einwohner": "int"},
        key=("date", "ortsteil_id", "geschlecht", "staatsangehoerigkeit", "altersgruppe"),
        checks=(Check("known districts", known_districts), Check("official district names", _names_official)),
        min_rows=100,
    ),
    source_title="Einwohnerregisterstatistik, Ortsteile",
    history=True,
    landing_evidence=("the same daten.berlin.de page pattern for 31.12.2015 and 31.12.2019 is cited in public code "
                      "(a course README, a Streamlit COVID-19 app); the page of 31.12.2020 itself and any later "
                      "edition: address not verified"),
    description=("Import only: the former AfS address statistik-berlin-brandenburg.de/opendata/EWR_Ortsteile_"
                 "<YYYY-12-31>.csv answers with an HTML page since the site relaunch, so `refresh` skips this dataset. "
                 "Keep the file name EWR_Ortsteile_YYYY-MM-DD.csv (it carries the Stand). Later years are not derived "
                 "from the LOR Planungsräume, which do not nest in the Ortsteile (48 of 542 have less than 95 % of "
                 "their area in one Ortsteil); Ortsteil totals of later years are in the AfS report A I 5, table T11 "
                 "(https://www.statistik-berlin-brandenburg.de/a-i-5-hj), which this dataset does not read."),
))


