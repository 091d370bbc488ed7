"""Gesundheits- und Sozialstrukturatlas 2022 (SenWGPG): the ``gssa`` dataset and its parser.

Health and social index (GESIx), employment and social index (ESIx) and their three dimensions,
for 2013 and 2022, on the old LOR (448 Planungsräume, 138 Bezirksregionen, 60 Prognoseräume)
and the 12 Bezirke.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .. import catalog
from .._errors import FormatError
from .._validate import known_districts
from ..catalog import LICENSES, Check, Dataset, Resource, Schema
from ._social import _read_csv_text

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["parse_gssa", "parse_gssa_file"]


_GSSA_BASE = "https://www.berlin.de/sen/gesundheit/_assets/daten/gesundheits-und-sozialstrukturatlas"
#: File level → (id column, name column, id width).
_GSSA_LEVELS = {"planungsraeume": ("planungsraum", "plr", 8), "bezirksregionen": ("bezirksregion", "bzr", 6),
                "prognoseraeume": ("prognoseraum", "pgr", 4), "bezirke": ("bezirk", "bez", 2)}
#: Source column prefix → canonical column (sub-index names per the open-data-product silver layer).
_GSSA_VALUES = {"GESIx": "gesix", "ESIx": "esix", "DI": "erwerbsleben", "DII": "soziale_lage",
                "DIII": "gesundheit"}


def _gssa_level(path: Path, header: list[str]) -> tuple[str, str, int]:
    prefix = header[0].lower().removesuffix("id")
    for level, short, width in _GSSA_LEVELS.values():
        if prefix == short:
            return level, short, width
    raise FormatError(f"{path.name}: first column {header[0]!r} is none of plrID, bzrID, pgrID, bezID")


def parse_gssa_file(path: Path) -> pd.DataFrame:
    """Parse one ``gssa_2022_<level>.csv`` into rows per area and index year.

    Decimals are written Stata-style without a leading zero (``.707``, ``-.937``); empty cells
    (uninhabited areas) become missing values.
    """
    import pandas as pd

    raw = _read_csv_text(path)
    level, short, width = _gssa_level(path, list(raw.columns))
    id_col, name_col = f"{short}ID", f"{short}NAME"
    lookup = {c.lower(): c for c in raw.columns}
    if id_col.lower() not in lookup or name_col.lower() not in lookup:
        raise FormatError(f"{path.name} lacks {id_col}/{name_col}")
    parts = []
    for year in (2013, 2022):
        cols = {f"{src}_{year}".lower(): dst for src, dst in _GSSA_VALUES.items()}
        missing = [c for c in cols if c not in lookup]
        if missing:
            raise FormatError(f"{path.name} lacks the columns {', '.join(missing)}")
        part = pd.DataFrame({
            "ebene": level,
            "gebiet_id": raw[lookup[id_col.lower()]].str.strip().str.zfill(width),
            "gebiet": raw[lookup[name_col.lower()]].str.strip(),
            "jahr": year,
        })
        for src, dst in cols.items():
            part[dst] = pd.to_numeric(raw[lookup[src]].str.strip(), errors="raise")
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out.insert(3, "bezirk_id", out["gebiet_id"].str[:2])
    out.insert(4, "lor_version", "2006")
    return out


def parse_gssa(files: Mapping[str, Path]) -> pd.DataFrame:
    """Parser of the ``gssa`` dataset: the four level files into one table."""
    import pandas as pd

    return pd.concat([parse_gssa_file(p) for p in files.values()], ignore_index=True)


def _gssa_counts(df: pd.DataFrame) -> str | None:
    counts = df[df["jahr"] == 2022]["ebene"].value_counts()
    if counts.get("bezirk", 12) != 12:
        return f"{counts.get('bezirk')} Bezirke instead of 12"
    if counts.get("planungsraum", 448) < 400:
        return f"only {counts.get('planungsraum')} Planungsräume"
    return None


def _gssa_range(df: pd.DataFrame) -> str | None:
    values = df[list(_GSSA_VALUES.values())].stack()
    bad = values[(values < -10) | (values > 10)]
    return f"{len(bad)} index values outside ±10 (not standardised?)" if len(bad) else None


gssa = catalog.register(Dataset(
    id="gssa",
    title="Gesundheits- und Sozialstrukturatlas Berlin 2022 – Indexwerte",
    topic="workforce",
    publisher="Senatsverwaltung für Wissenschaft, Gesundheit, Pflege und Gleichstellung",
    license=LICENSES["cc-by-3.0-de"],
    landing_page="https://www.berlin.de/sen/gesundheit/service/gesundheitsberichterstattung/",
    resources=tuple(
        Resource(name=f"gssa_2022_{lvl}.csv", url=f"{_GSSA_BASE}/gssa_2022_{lvl}.csv", format="csv",
                 match=rf"gssa_2022_{lvl}")
        for lvl in _GSSA_LEVELS
    ),
    spatial_unit="LOR-Planungsraum (LOR 2006), Bezirksregion, Prognoseraum, Bezirk",
    update="static",
    parser=parse_gssa,
    schema=Schema(
        columns={"ebene": "str", "gebiet_id": "str", "gebiet": "str", "bezirk_id": "str", "lor_version": "str",
                 "jahr": "int", **{c: "float" for c in _GSSA_VALUES.values()}},
        key=("ebene", "gebiet_id", "jahr"),
        checks=(Check("known districts", known_districts), Check("area counts", _gssa_counts),
                Check("index range", _gssa_range)),
        min_rows=100,
    ),
    source_title="Gesundheits- und Sozialstrukturatlas Berlin 2022",
    reference_date=date(2022, 3, 1),
    description=("Index values (higher = better) for 2013 and 2022 on the old LOR (Stand 2019: 448 Planungsräume). "
                 "Dimensions: erwerbsleben (DI), soziale_lage (DII), gesundheit (DIII); names per the "
                 "open-data-product silver layer. The CSV URLs are those the source repository cites (berlin.de); "
                 "published March 2022. A new edition comes every few years: add it here."),
))
