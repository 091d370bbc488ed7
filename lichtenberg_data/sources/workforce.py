"""Labour-market datasets for the Fachkräfte topic: declarations, parsers, samples, the Jobsuche fetcher.

``mss``
    Monitoring Soziale Stadtentwicklung (SenStadt): unemployment, transfer receipt, child
    poverty and context indicators (youth unemployment ...) per Planungsraum, one edition every
    two years. Tidy long table: one row per edition, Planungsraum and indicator. What the
    columns ``s1``-``s4`` of the source mean changed between editions; :data:`MSS_EDITIONS`
    maps them per edition and names the evidence. ``-9999`` (uninhabited / suppressed) becomes
    a missing value.
``gssa``
    Gesundheits- und Sozialstrukturatlas 2022 (SenWGPG): health and social index (GESIx),
    employment and social index (ESIx) and their three dimensions, for 2013 and 2022, on the
    old LOR (448 Planungsräume, 138 Bezirksregionen, 60 Prognoseräume) and the 12 Bezirke.
``beschaeftigte_bezirke`` / ``arbeitslose_bezirke``
    Employees subject to social insurance (by place of work and of residence, sex, age) and
    registered unemployed per Bezirk from the Amt für Statistik Berlin-Brandenburg. No real file
    of these reports was available while writing this module: the report series, table titles
    and file names below are **not verified**; the sample files follow the general AfS report
    layout so the demo and the tests run the same parser path as a real file would.
``stellenangebote``
    Job and apprenticeship offers in Berlin from the BA Jobsuche API (unofficial, no licence
    stated), one dated JSON snapshot per refresh, so a time series builds up.
"""

from __future__ import annotations

import base64
import io
import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import catalog
from .._errors import DownloadError, FormatError
from .._readers import read_text
from ..catalog import LICENSES, WFS, Check, Dataset, Resource, Schema
from ..names import BEZIRKE

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .._http import Http

__all__ = [
    "MSS_EDITIONS", "MSS_INDICATORS", "MssEdition", "parse_mss", "parse_mss_file", "fetch_mss_edition",
    "sample_mss", "parse_gssa", "sample_gssa", "JOBSUCHE_SEARCH_URL", "JOBSUCHE_DETAILS_URL",
    "JOBSUCHE_HEADERS", "RESULT_CEILING", "PAGE_SIZE", "fetch_jobsuche", "parse_jobsuche",
    "sample_jobsuche", "job_details",
]

SUPPRESSED = -9999


# =============================================================================== MSS

@dataclass(frozen=True)
class MssEdition:
    """One edition of the Monitoring Soziale Stadtentwicklung and what its columns mean.

    Attributes
    ----------
    edition
        Year of the report (2021 = data of 31.12.2020).
    lor_version
        ``"2021"`` (542 Planungsräume) or ``"2006"`` (old LOR, 447/448 Planungsräume).
    index
        Source column (``s1`` ... ``s4``) → canonical indicator. Dynamics ``d1`` ... ``d4``
        follow the same numbering (``<indicator>_veraenderung``).
    kontext
        Context indicator number (``k01`` ...) → canonical indicator.
    verified
        Whether the mapping was checked against a real file of this edition in this project.
    evidence
        Where the mapping comes from.
    """

    edition: int
    lor_version: str
    index: Mapping[str, str]
    kontext: Mapping[str, str]
    verified: bool
    evidence: str
    layers: Mapping[str, str] = field(default_factory=dict)

    @property
    def stand(self) -> date:
        """Reference date of the data: 31 December of the year before the report."""
        return date(self.edition - 1, 12, 31)

    @property
    def service_url(self) -> str:
        """The GDI Berlin WFS of this edition."""
        return f"https://gdi.berlin.de/services/wfs/mss_{self.edition}"


_INDEX_2013 = {"s1": "arbeitslosigkeit", "s2": "langzeitarbeitslosigkeit", "s3": "transferbezug",
               "s4": "kinderarmut"}
_INDEX_2019 = {"s1": "arbeitslosigkeit", "s3": "transferbezug", "s4": "kinderarmut"}
_INDEX_2023 = {"s1": "arbeitslosigkeit", "s2": "kinder_alleinerziehend", "s3": "transferbezug",
               "s4": "kinderarmut"}
_KONTEXT = {"k01": "jugendarbeitslosigkeit", "k02": "alleinerziehende_haushalte", "k03": "altersarmut"}


def _layers(edition: int, suffix: str = "542") -> dict[str, str]:
    return {kind: f"mss_{edition}:mss{edition}_{kind}_{suffix}" for kind in ("indexind", "kontextind", "indizes")}


#: The editions and their per-edition column meaning, with the evidence for each mapping.
MSS_EDITIONS: dict[int, MssEdition] = {
    2019: MssEdition(
        2019, "2006", _INDEX_2019, _KONTEXT, verified=False, layers=_layers(2019, "447"),
        evidence=("open-lifeworlds MSS converter reads 2019 and 2021 with the same column list (S2/D2 empty); "
                  "layer names with suffix _447 are inferred from data-sources.md §2 row 4, not seen live"),
    ),
    2021: MssEdition(
        2021, "2021", _INDEX_2019, _KONTEXT, verified=True, layers=_layers(2021),
        evidence=("checked on the real WFS exports of MSS 2021 (shared/real-data/employment: S2/D2 empty, "
                  "S1 0.7-9 %, S4 up to 49 %), the MSS-2021 Indikatorenheft as summarised in "
                  "tesch-ch/berlin_PLR_data data/monitoring_soziale_stadtentwicklung_2021/README.md "
                  "(S1 Arbeitslosigkeit, S3 Transferbezug, S4 Kinderarmut; KI_01 Jugendarbeitslosigkeit, "
                  "KI_02 Alleinerziehende, KI_03 Altersarmut)"),
    ),
    2023: MssEdition(
        2023, "2021", _INDEX_2023, _KONTEXT, verified=False, layers=_layers(2023),
        evidence=("two independent code bases read the 'Erläuterungen' sheets of the 2023 XLSX tables "
                  "(S1 Arbeitslosigkeit, S2 Kinder und Jugendliche in Alleinerziehenden-Haushalten, "
                  "S3 Transferbezug, S4 Kinderarmut; a third note that claimed S2 = Kinderarmut was "
                  "withdrawn as a misreading); context numbering assumed unchanged from 2021"),
    ),
    2025: MssEdition(
        2025, "2021", _INDEX_2023, _KONTEXT, verified=False, layers=_layers(2025),
        evidence=("assumed as 2023: a 2026 project lists the MSS-2025 index indicators as Arbeitslosigkeit, "
                  "Transferbezug, Kinderarmut, Alleinerziehende; column order and context numbering not checked"),
    ),
}

#: Canonical indicators: German label, unit and definition (abbreviated from the MSS Indikatorenblätter).
MSS_INDICATORS: dict[str, tuple[str, str, str]] = {
    "arbeitslosigkeit": ("Arbeitslosigkeit", "%",
                         "Arbeitslose (SGB II und III) je 100 Einwohner/innen von 15 bis unter 65 Jahren"),
    "langzeitarbeitslosigkeit": ("Langzeitarbeitslosigkeit", "%",
                                 "Langzeitarbeitslose je 100 Einwohner/innen von 15 bis unter 65 Jahren"),
    "transferbezug": ("Transferbezug", "%",
                      "Nicht arbeitslose Empfänger/innen von Leistungen nach SGB II und XII je 100 Einwohner/innen"),
    "kinderarmut": ("Kinderarmut", "%",
                    "Kinder unter 15 Jahren in Bedarfsgemeinschaften nach SGB II je 100 Kinder unter 15 Jahren"),
    "kinder_alleinerziehend": ("Kinder in Alleinerziehenden-Haushalten", "%",
                               "Kinder und Jugendliche in Haushalten Alleinerziehender je 100 unter 18-Jährige"),
    "jugendarbeitslosigkeit": ("Jugendarbeitslosigkeit", "%",
                               "Arbeitslose unter 25 Jahren (SGB II und III) je 100 Einwohner/innen "
                               "von 15 bis unter 25 Jahren"),
    "alleinerziehende_haushalte": ("Alleinerziehende Haushalte", "%",
                                   "Haushalte Alleinerziehender je 100 Haushalte mit Kindern"),
    "altersarmut": ("Altersarmut", "%",
                    "Empfänger/innen von Grundsicherung im Alter je 100 Einwohner/innen ab 65 Jahren"),
    "statusindex": ("Status-Index", "Klasse", "1 hoch, 2 mittel, 3 niedrig, 4 sehr niedrig"),
    "dynamikindex": ("Dynamik-Index", "Klasse", "1 positiv, 3 stabil, 5 negativ"),
}
for _name in list(MSS_INDICATORS):
    if MSS_INDICATORS[_name][1] == "%":
        _label = MSS_INDICATORS[_name][0]
        MSS_INDICATORS[f"{_name}_veraenderung"] = (f"{_label}, Veränderung in zwei Jahren", "Prozentpunkte",
                                                   f"Veränderung des Anteils {_label} gegenüber der Vorausgabe")

#: The editions the catalogue downloads (each a bundle of its three WFS layers).
MSS_DOWNLOADED = (2021, 2023, 2025)

_MSS_COLUMNS = ("edition", "date", "lor_version", "planungsraum_id", "planungsraum", "bezirk_id",
                "einwohner", "gueltig", "indikator", "wert", "einheit", "quelle", "zuordnung_geprueft")


def _sniff(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    return "json" if head.startswith(b"{") else "csv"


def _read_csv_text(path: Path) -> pd.DataFrame:
    import pandas as pd

    text = read_text(path)
    first = text.split("\n", 1)[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_values=[""])


def _feature_table(collection: Mapping[str, Any], what: str) -> pd.DataFrame:
    import pandas as pd

    if not isinstance(collection, Mapping) or not isinstance(collection.get("features"), list):
        raise FormatError(f"{what} is not a GeoJSON FeatureCollection (no 'features' list)")
    rows = [f.get("properties") or {} for f in collection["features"] if isinstance(f, Mapping)]
    return pd.DataFrame(rows)


def _mss_tables(path: Path) -> tuple[list[pd.DataFrame], int | None]:
    """The attribute tables in one MSS file and the edition named by a bundle, if any.

    Accepts a bundle written by :func:`fetch_mss_edition`, a single WFS FeatureCollection, or a
    CSV export of a WFS layer (comma or semicolon separated).
    """
    if _sniff(path) == "csv":
        return [_read_csv_text(path)], None
    try:
        doc = json.loads(read_text(path))
    except ValueError:
        raise FormatError(f"{path.name} is neither CSV nor valid JSON") from None
    if isinstance(doc, Mapping) and isinstance(doc.get("layers"), Mapping):
        tables = [_feature_table(fc, f"{path.name} layer {kind}") for kind, fc in doc["layers"].items()]
        return tables, int(doc["edition"]) if doc.get("edition") else None
    return [_feature_table(doc, path.name)], None


def _normalise(table: pd.DataFrame) -> pd.DataFrame:
    """Lower-case column names, ``ki_01``/``k1`` → ``k01``; drop class columns."""
    out = table.copy()
    names = {}
    for col in out.columns:
        low = str(col).strip().lower().replace("-", "_")
        m = re.fullmatch(r"k(?:i)?_?(\d{1,2})", low)
        names[col] = f"k{int(m.group(1)):02d}" if m else "ew" if re.fullmatch(r"ew \d.*", low) else low
    out = out.rename(columns=names)
    return out.loc[:, ~out.columns.duplicated()]


def _numeric(series: pd.Series) -> pd.Series:
    import pandas as pd

    values = pd.to_numeric(series.astype("string").str.strip().replace({"": None}), errors="coerce")
    return values.mask(values == SUPPRESSED).astype(float)


def _kind(table: pd.DataFrame) -> str:
    cols = set(table.columns)
    if "s1" in cols:
        return "indexind"
    if any(re.fullmatch(r"k\d\d", c) for c in cols):
        return "kontextind"
    if "si_n" in cols:
        return "indizes"
    raise FormatError("an MSS table without index (s1), context (k01) or status-index (si_n) columns; "
                      f"found {', '.join(list(cols)[:10])}")


def _edition_of(table: pd.DataFrame, bundle_edition: int | None, path: Path) -> int:
    if "zeit" in table.columns:
        zeit = table["zeit"].dropna().astype(str).str.strip()
        zeit = zeit[zeit.str.fullmatch(r"\d{6}")]
        if len(zeit):
            return int(zeit.iloc[0][:4]) + 1
    if bundle_edition:
        return bundle_edition
    m = re.search(r"(?:mss|MSS)[_-]?(20\d\d)", path.name)
    if m:
        return int(m.group(1))
    raise FormatError(f"cannot tell the MSS edition of {path.name}: no ZEIT column and no year in the name")


def _base(table: pd.DataFrame, ed: MssEdition) -> pd.DataFrame:
    import pandas as pd

    if "plr_id" not in table.columns:
        raise FormatError(f"MSS table lacks the column plr_id (found {', '.join(map(str, table.columns[:8]))})")
    if "bez_id" not in table.columns:  # the semicolon tables extracted from the XLSX have no BEZ_ID
        table = table.assign(bez_id=table["plr_id"].astype(str).str.strip().str.zfill(8).str[:2])
    base = pd.DataFrame({
        "edition": ed.edition,
        "date": pd.Timestamp(ed.stand),
        "lor_version": ed.lor_version,
        "planungsraum_id": table["plr_id"].astype(str).str.strip().str.zfill(8),
        "planungsraum": table.get("plr_name", pd.Series(pd.NA, index=table.index)).astype("string"),
        "bezirk_id": table["bez_id"].astype(str).str.strip().str.zfill(2),
        "einwohner": _numeric(table["ew"]) if "ew" in table.columns else float("nan"),
    })
    kom = table.get("kom")
    base["gueltig"] = (kom.astype(str).str.strip().str.lower().str.startswith("gültig") if kom is not None
                       else True)
    return base


def _long(table: pd.DataFrame, base: pd.DataFrame, mapping: Mapping[str, str], kind: str,
          ed: MssEdition) -> list[pd.DataFrame]:
    parts = []
    for col, name in mapping.items():
        values = _numeric(table[col]) if col in table.columns else None
        if values is None or (values.isna().all() and not (table[col].astype(str).str.strip() == str(SUPPRESSED)).any()):
            continue  # a column the edition leaves empty (S2 in 2019/2021) carries no indicator
        part = base.copy()
        part["indikator"] = name
        part["wert"] = values
        part["einheit"] = MSS_INDICATORS[name][1]
        part["quelle"] = f"{kind}:{col}"
        part["zuordnung_geprueft"] = ed.verified
        parts.append(part)
    return parts


def _mappings(kind: str, ed: MssEdition) -> dict[str, str]:
    if kind == "indexind":
        dyn = {f"d{c[1:]}": f"{name}_veraenderung" for c, name in ed.index.items()}
        return {**ed.index, **dyn}
    if kind == "kontextind":
        return dict(ed.kontext)
    return {"si_n": "statusindex", "di_n": "dynamikindex"}


def parse_mss_file(path: Path) -> pd.DataFrame:
    """Parse one MSS file (bundle, WFS GeoJSON layer or CSV export) into the long table.

    Parameters
    ----------
    path
        The file. Its edition is read from the ``ZEIT`` field (``202012`` → edition 2021),
        else from the bundle or the file name.

    Returns
    -------
    pandas.DataFrame
        One row per edition, Planungsraum and indicator; see :data:`MSS_INDICATORS`.

    Examples
    --------
    >>> df = parse_mss_file(Path("mss_2021_index_indikatoren.csv"))        # doctest: +SKIP
    >>> df.query("planungsraum_id == '11501339' and indikator == 'arbeitslosigkeit'").wert.item()  # doctest: +SKIP
    1.94083
    """
    import pandas as pd

    tables, bundle_edition = _mss_tables(path)
    parts: list[pd.DataFrame] = []
    for raw in tables:
        table = _normalise(raw)
        kind = _kind(table)
        edition = _edition_of(table, bundle_edition, path)
        if edition not in MSS_EDITIONS:
            raise FormatError(f"{path.name}: MSS edition {edition} has no column mapping yet; add it to "
                              "MSS_EDITIONS after checking the edition's 'Erläuterungen'")
        ed = MSS_EDITIONS[edition]
        base = _base(table, ed)
        _check_lor(base, ed, path)
        parts += _long(table, base, _mappings(kind, ed), kind, ed)
    if not parts:
        raise FormatError(f"{path.name}: no known MSS indicator columns found")
    out = pd.concat(parts, ignore_index=True)
    out["planungsraum"] = out["planungsraum"].astype(object).where(out["planungsraum"].notna(), None)
    return out[list(_MSS_COLUMNS)]


def _check_lor(base: pd.DataFrame, ed: MssEdition, path: Path) -> None:
    """Refuse a table whose keys are of another LOR version than its edition (e.g. the MSS-2021
    table of K08/K14/K15 on the 447 old Planungsräume)."""
    from ..geo import lor_version

    found = lor_version(base[["planungsraum_id"]])
    if found != ed.lor_version:
        raise FormatError(f"{path.name}: the Planungsraum keys are of LOR {found}, but MSS {ed.edition} is on "
                          f"LOR {ed.lor_version} (the MSS-2021 context table K08/K14/K15 on the old 447 "
                          "Planungsräume is not supported)")


def parse_mss(files: Mapping[str, Path]) -> pd.DataFrame:
    """Parser of the ``mss`` dataset: all files into one long table.

    When several files describe the same Planungsraum, edition and indicator, the last wins.
    """
    import pandas as pd

    parts = [parse_mss_file(p) for p in files.values()]
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    out = out.drop_duplicates(["edition", "planungsraum_id", "indikator"], keep="last")
    out = _fill_names(out)
    return out.reset_index(drop=True)


def _fill_names(df: pd.DataFrame) -> pd.DataFrame:
    """Give every row the Planungsraum name and population found in any layer of its edition."""
    key = ["edition", "planungsraum_id"]
    names = df.dropna(subset=["planungsraum"]).drop_duplicates(key).set_index(key)["planungsraum"]
    ew = df.dropna(subset=["einwohner"]).drop_duplicates(key).set_index(key)["einwohner"]
    idx = df.set_index(key).index
    df = df.copy()
    df["planungsraum"] = names.reindex(idx).to_numpy()
    df["einwohner"] = ew.reindex(idx).to_numpy()
    return df


def fetch_mss_edition(http: Http, resource: Resource, dest: Path) -> None:
    """Fetch the three WFS layers of one MSS edition into one JSON bundle at ``dest``.

    The edition is read from the resource name (``mss_2025.json``), the service from its URL.
    The index-indicator layer is required; a missing context or status-index layer is recorded
    under ``"missing"`` and does not fail the refresh.
    """
    from .._http import fetch_wfs

    edition = int(re.search(r"(20\d\d)", resource.name).group(1))
    ed = MSS_EDITIONS[edition]
    service = resource.url or ed.service_url
    layers: dict[str, Any] = {}
    missing: dict[str, str] = {}
    for kind, type_name in ed.layers.items():
        tmp = dest.with_name(f"{dest.name}.{kind}")
        try:
            fetch_wfs(http, WFS(service, type_name, sort_by="plr_id"), tmp)
            layers[kind] = json.loads(tmp.read_bytes())
        except (DownloadError, FormatError) as exc:
            if kind == "indexind":
                raise
            missing[kind] = str(exc)
        finally:
            tmp.unlink(missing_ok=True)
    doc = {"edition": edition, "service": service, "layers": layers, "missing": missing}
    dest.write_bytes(json.dumps(doc, ensure_ascii=False).encode("utf-8"))


# ---------------------------------------------------------------------------- MSS checks

def _shares_in_range(df: pd.DataFrame) -> str | None:
    shares = df[(df["einheit"] == "%") & df["wert"].notna()]
    bad = shares[(shares["wert"] < 0) | (shares["wert"] > 100)]
    return f"{len(bad)} shares outside 0-100 %, e.g. {bad.iloc[0][['indikator', 'wert']].tolist()}" if len(bad) else None


def _no_sentinels(df: pd.DataFrame) -> str | None:
    n = int((df["wert"] <= SUPPRESSED + 0.5).sum() + (df["einwohner"] <= SUPPRESSED + 0.5).sum())
    return f"{n} values still hold the -9999 sentinel" if n else None


def _mapping_plausible(df: pd.DataFrame) -> str | None:
    """Child poverty is far above unemployment in every real edition; if not, s1-s4 moved."""
    for edition, part in df.groupby("edition"):
        med = part.groupby("indikator")["wert"].median()
        if {"arbeitslosigkeit", "kinderarmut"} <= set(med.index) and med["kinderarmut"] <= med["arbeitslosigkeit"]:
            return (f"edition {edition}: median Kinderarmut ({med['kinderarmut']:.1f}) is not above median "
                    f"Arbeitslosigkeit ({med['arbeitslosigkeit']:.1f}); the meaning of s1-s4 may have changed")
    return None


def _plr_keys(df: pd.DataFrame) -> str | None:
    bad = df[~df["planungsraum_id"].str.fullmatch(r"\d{8}") | (df["planungsraum_id"].str[:2] != df["bezirk_id"])]
    return f"{len(bad)} malformed Planungsraum keys, e.g. {bad['planungsraum_id'].iloc[0]}" if len(bad) else None


def _known_districts(df: pd.DataFrame) -> str | None:
    unknown = sorted(set(df["bezirk_id"]) - set(BEZIRKE))
    return f"unknown bezirk_id {unknown}" if unknown else None


MSS_SCHEMA = Schema(
    columns={"edition": "int", "date": "date", "lor_version": "str", "planungsraum_id": "str",
             "planungsraum": "str", "bezirk_id": "str", "einwohner": "float", "gueltig": "bool",
             "indikator": "str", "wert": "float", "einheit": "str", "quelle": "str",
             "zuordnung_geprueft": "bool"},
    key=("edition", "planungsraum_id", "indikator"),
    checks=(Check("shares 0-100 %", _shares_in_range), Check("no -9999 left", _no_sentinels),
            Check("indicator mapping plausible", _mapping_plausible), Check("Planungsraum keys", _plr_keys),
            Check("known districts", _known_districts)),
    min_rows=400,
)


# ---------------------------------------------------------------------------- MSS sample

#: Sample level of unemployment (%) per Bezirk, roughly the real ordering.
_SAMPLE_ALQ = {"01": 7.5, "02": 6.5, "03": 3.6, "04": 4.4, "05": 7.4, "06": 3.4, "07": 5.4, "08": 8.6,
               "09": 4.6, "10": 6.6, "11": 5.6, "12": 6.4}
#: Positions of the sample Planungsräume that are uninhabited (as in the real 2021 file).
_SAMPLE_EMPTY = (99, 115, 169, 235, 260)
_SI_LABELS = {1: "hoch", 2: "mittel", 3: "niedrig", 4: "sehr niedrig"}
_DI_LABELS = {1: "positiv", 3: "stabil", 5: "negativ"}


def _sample_mss_values(edition: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Deterministic synthetic MSS values for one edition (base table and value columns)."""
    import numpy as np

    from .._sample import sample_lor

    lor = sample_lor()
    rng = np.random.default_rng(edition)
    n = len(lor)
    trend = 1 - 0.03 * (edition - 2021) / 2
    level = lor["bezirk_id"].map(_SAMPLE_ALQ).to_numpy() * trend
    s1 = np.clip(level * rng.lognormal(0, 0.35, n), 0.3, 25)
    values = {
        "s1": s1, "s3": np.clip(s1 * rng.uniform(1.6, 2.4, n), 0.5, 60),
        "s4": np.clip(s1 * rng.uniform(3.5, 6.0, n), 1, 90), "k01": np.clip(s1 * rng.uniform(0.5, 0.9, n), 0, 40),
        "k02": rng.uniform(15, 45, n), "k03": np.clip(s1 * rng.uniform(0.4, 1.2, n), 0, 30),
    }
    if edition >= 2023:
        values["s2"] = rng.uniform(12, 32, n)
        values["d2"] = rng.normal(0.2, 0.8, n)
    previous = np.clip(s1 / trend * (1 - 0.03 * (edition - 2023) / 2) + rng.normal(0, 0.4, n), 0.3, 25)
    values["d1"] = s1 - previous
    values["d3"] = rng.normal(-0.3, 0.6, n)
    values["d4"] = rng.normal(-0.8, 1.2, n)
    ew = rng.integers(900, 14000, n)
    empty = list(_SAMPLE_EMPTY)
    ew[empty] = [38, 0, 110, 21, 0]
    base = lor[["planungsraum_id", "planungsraum", "bezirk_id"]].copy()
    base["ew"] = ew
    base["kom"] = "gültig"
    base.loc[base.index[empty], "kom"] = "ungültig (EW unter 300)"
    for key in values:
        values[key] = np.round(values[key], 5)
        values[key][empty] = SUPPRESSED
    return base, values


def _mss_layer(base: pd.DataFrame, columns: dict[str, Any], edition: int, kind: str) -> dict[str, Any]:
    from .._sample import feature_collection, sample_geometry, sample_lor

    gdf = sample_geometry(sample_lor())[["geometry"]].copy()
    gdf["zeit"] = f"{edition - 1}12"
    gdf["plr_id"] = base["planungsraum_id"].to_numpy()
    gdf["plr_name"] = base["planungsraum"].to_numpy()
    gdf["ew"] = base["ew"].to_numpy()
    gdf["bez_id"] = base["bezirk_id"].to_numpy()
    for name, values in columns.items():
        gdf[name] = values
    gdf["kom"] = base["kom"].to_numpy()
    return json.loads(feature_collection(gdf, MSS_EDITIONS[edition].layers[kind]))


def _status_classes(s1: Any, empty: list[int]) -> tuple[Any, Any]:
    import numpy as np

    valid = np.delete(s1, empty)
    cuts = np.quantile(valid, [0.1, 0.8, 0.95])
    si = 1 + np.searchsorted(cuts, s1)
    si[empty] = SUPPRESSED
    return si, [_SI_LABELS.get(int(v)) for v in si]


def sample_mss(edition: int) -> bytes:
    """A sample MSS bundle (``mss_<edition>.json``) as :func:`fetch_mss_edition` writes it.

    The three layers carry the lower-case attributes of the GDI Berlin WFS (``plr_id``,
    ``bez_id``, ``ew``, ``zeit``, ``s1`` ..., ``ki_01`` ..., ``si_n`` ...), ``-9999`` for five
    uninhabited Planungsräume, and an empty ``s2`` before 2023 as in the real 2021 layer.

    Examples
    --------
    >>> doc = json.loads(sample_mss(2025))
    >>> sorted(doc["layers"]), len(doc["layers"]["indexind"]["features"])
    (['indexind', 'indizes', 'kontextind'], 542)
    """
    import numpy as np

    base, v = _sample_mss_values(edition)
    empty = [None] * len(base)
    index_cols = {"s1": v["s1"], "s2": v.get("s2", empty), "s3": v["s3"], "s4": v["s4"],
                  "d1": v["d1"], "d2": v.get("d2", empty), "d3": v["d3"], "d4": v["d4"]}
    kontext_cols = {"ki_01": v["k01"], "ki_02": v["k02"], "ki_03": v["k03"]}
    empty = list(_SAMPLE_EMPTY)
    si, si_v = _status_classes(v["s1"], empty)
    di = np.where(v["d1"] < -0.3, 1, np.where(v["d1"] > 0.3, 5, 3))
    di[empty] = SUPPRESSED
    index_state = {"si_n": si, "si_v": si_v, "di_n": di, "di_v": [_DI_LABELS.get(int(x)) for x in di]}
    layers = {
        "indexind": _mss_layer(base, index_cols, edition, "indexind"),
        "kontextind": _mss_layer(base, kontext_cols, edition, "kontextind"),
        "indizes": _mss_layer(base, index_state, edition, "indizes"),
    }
    doc = {"edition": edition, "service": MSS_EDITIONS[edition].service_url, "layers": layers, "missing": {}}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _mss_resource(edition: int) -> Resource:
    ed = MSS_EDITIONS[edition]
    return Resource(name=f"mss_{edition}.json", url=ed.service_url, format="json",
                    match=r"(?i)mss|indexind|kontext|indizes", fetcher=fetch_mss_edition,
                    sample=lambda: sample_mss(edition))


mss = catalog.register(Dataset(
    id="mss",
    title="Monitoring Soziale Stadtentwicklung – Index- und Kontextindikatoren je Planungsraum",
    topic="workforce",
    publisher="Senatsverwaltung für Stadtentwicklung, Bauen und Wohnen",
    license=LICENSES["dl-de-zero-2.0"],
    landing_page="https://www.berlin.de/sen/stadt/stadtdaten/stadtwissen/monitoring-soziale-stadtentwicklung/",
    resources=tuple(_mss_resource(e) for e in MSS_DOWNLOADED),
    spatial_unit="LOR-Planungsraum",
    update="biennial",
    parser=parse_mss,
    schema=MSS_SCHEMA,
    source_title="Monitoring Soziale Stadtentwicklung",
    history=True,
    parser_version="1",
    description=(
        "Each edition is fetched from its GDI Berlin WFS (layers indexind, kontextind, indizes) into one "
        "JSON bundle. Older or other exports (the CSV attribute tables of MSS 2021, a single WFS GeoJSON "
        "layer, the 2019 edition on the old LOR) are imported with `lichtenberg-data import mss FILES`; "
        "import all files of one edition together. The meaning of s1-s4 differs by edition (MSS_EDITIONS); "
        "rows carry zuordnung_geprueft=False where the mapping was not checked against a real file. "
        "The XLSX tables on berlin.de are not parsed."
    ),
))


# =============================================================================== GSSA

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


def _stata(value: float) -> str:
    """Format like the GSSA files: 8 significant digits, no leading zero (``.707``, ``-.937``)."""
    if value != value:
        return ""
    text = f"{value:.8g}"
    if "e" in text:
        text = f"{value:.8f}".rstrip("0")
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def sample_gssa(level: str) -> bytes:
    """A sample ``gssa_2022_<level>.csv`` on the old LOR of the sample city (Stata decimals)."""
    import numpy as np

    from .._sample import LEVEL_COLUMNS, sample_lor_2006

    singular, short, _ = _GSSA_LEVELS[level]
    lor = sample_lor_2006()
    key, name = LEVEL_COLUMNS[singular][:2]
    areas = lor[[key, name]].drop_duplicates(key).sort_values(key).reset_index(drop=True)
    if singular == "bezirk":
        areas[key] = areas[key].str.zfill(2)
    rng = np.random.default_rng(len(areas))
    tilt = areas[key].str[:2].map({k: (6.0 - v) / 2.5 for k, v in _SAMPLE_ALQ.items()}).to_numpy()
    header = [f"{short}ID", f"{short}NAME"] + [f"{src}_{y}" for src in _GSSA_VALUES for y in (2013, 2022)]
    lines = [",".join(header)]
    for i, row in areas.iterrows():
        vals = [tilt[i] + rng.normal(0, 0.6) for _ in range(len(header) - 2)]
        if singular == "planungsraum" and i in (1, 200):
            vals = [float("nan")] * len(vals)
        lines.append(",".join([row[key], row[name], *(_stata(v) for v in vals)]))
    return ("\n".join(lines) + "\n").encode("utf-8")


gssa = catalog.register(Dataset(
    id="gssa",
    title="Gesundheits- und Sozialstrukturatlas Berlin 2022 – Indexwerte",
    topic="workforce",
    publisher="Senatsverwaltung für Wissenschaft, Gesundheit, Pflege und Gleichstellung",
    license=LICENSES["cc-by-3.0-de"],
    landing_page="https://www.berlin.de/sen/gesundheit/service/gesundheitsberichterstattung/",
    resources=tuple(
        Resource(name=f"gssa_2022_{lvl}.csv", url=f"{_GSSA_BASE}/gssa_2022_{lvl}.csv", format="csv",
                 match=rf"gssa_2022_{lvl}", sample=lambda lvl=lvl: sample_gssa(lvl))
        for lvl in _GSSA_LEVELS
    ),
    spatial_unit="LOR-Planungsraum (LOR 2006), Bezirksregion, Prognoseraum, Bezirk",
    update="static",
    parser=parse_gssa,
    schema=Schema(
        columns={"ebene": "str", "gebiet_id": "str", "gebiet": "str", "bezirk_id": "str", "lor_version": "str",
                 "jahr": "int", **{c: "float" for c in _GSSA_VALUES.values()}},
        key=("ebene", "gebiet_id", "jahr"),
        checks=(Check("known districts", _known_districts), Check("area counts", _gssa_counts),
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


# =============================================================================== BA Jobsuche

JOBSUCHE_BASE = "https://rest.arbeitsagentur.de/jobboerse/jobsuche-service"
#: The search endpoint; ``/pc/v4/jobs`` has answered 404 since August 2026.
JOBSUCHE_SEARCH_URL = f"{JOBSUCHE_BASE}/pc/v6/jobs"
#: Details of one offer: ``{}`` is the base64 of its reference number.
JOBSUCHE_DETAILS_URL = f"{JOBSUCHE_BASE}/pc/v4/jobdetails/{{}}"
#: The API key the Jobsuche web app sends (documented publicly by bundesAPI/jobsuche-api).
JOBSUCHE_HEADERS = {"X-API-Key": "jobboerse-jobsuche"}
#: Largest page the API serves, and the ceiling on page*size it accepts.
PAGE_SIZE = 100
RESULT_CEILING = 10_000
#: Offer types fetched: 1 Arbeit, 4 Ausbildung/Duales Studium.
ANGEBOTSARTEN = {1: "Arbeit", 4: "Ausbildung/Duales Studium"}
#: Working-time values used to split a query that is still above the ceiling.
ARBEITSZEITEN = ("vz", "tz", "snw", "ho", "mj")
#: The place queried; points are assigned to Bezirke later (``workforce.locate_offers``).
JOBSUCHE_QUERY = {"wo": "Berlin", "umkreis": "0"}
#: Result lists seen: ``stellenangebote`` (v4, schema baseline 2026-03) and ``ergebnisliste``
#: (v6, seen only in one third-party scraper's test fixtures).
_LIST_KEYS = ("stellenangebote", "ergebnisliste")


def _changed(what: str) -> FormatError:
    return FormatError(f"the BA job search API changed its answer: {what}")


def _total(page: Mapping[str, Any], url: str) -> int:
    value = page.get("maxErgebnisse")
    if isinstance(value, bool) or value is None:
        raise _changed(f"no number 'maxErgebnisse' in the answer of {url}")
    try:
        return int(str(value).strip())
    except ValueError:
        raise _changed(f"'maxErgebnisse' is {value!r}, not a number ({url})") from None


def _items(page: Mapping[str, Any], url: str) -> list[dict]:
    key = next((k for k in _LIST_KEYS if k in page), None)
    if key is None:
        if _total(page, url) == 0:
            return []
        raise _changed(f"no 'stellenangebote' list in the answer of {url} (keys: {', '.join(sorted(page))})")
    items = page[key]
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise _changed(f"'{key}' is a {type(items).__name__}, not a list of offers ({url})")
    for item in items:
        if not (item.get("refnr") or item.get("referenznummer")):
            raise _changed(f"an offer without 'refnr' in the answer of {url}")
    return items


def _get_page(http: Http, url: str, headers: Mapping[str, str], params: Mapping[str, Any]) -> dict:
    try:
        page = http.get_json(url, params=dict(params), headers=dict(headers))
    except DownloadError as exc:
        if "404" in str(exc):
            raise DownloadError(f"the BA job search API answered 404 at {url}: the endpoint version was "
                                "probably retired (as /pc/v4/jobs in August 2026); check the current version "
                                "of the Jobsuche web app and update JOBSUCHE_SEARCH_URL") from None
        raise
    if not isinstance(page, Mapping):
        raise _changed(f"the answer of {url} is a {type(page).__name__}, not an object")
    _items(page, url)
    return dict(page)


def _facet_values(page: Mapping[str, Any], name: str) -> list[str]:
    facets = page.get("facetten")
    if isinstance(facets, Mapping) and isinstance(facets.get(name), Mapping):
        counts = facets[name].get("counts")
        if isinstance(counts, Mapping):
            return [str(k) for k, v in counts.items() if isinstance(v, (int, float)) and v > 0]
    return []


@dataclass
class _Query:
    """One query of the job search: fixed parameters, the slice label and its pages."""

    params: dict[str, str]
    total: int = 0
    pages: list[dict] = field(default_factory=list)
    truncated: bool = False

    def record(self) -> dict[str, Any]:
        items = [it for p in self.pages for it in next((p[k] for k in _LIST_KEYS if k in p), [])]
        return {"params": self.params, "max_ergebnisse": self.total, "truncated": self.truncated,
                "pages": len(self.pages), "stellenangebote": items}


class _Searcher:
    """Pages through the job search within the API's limits (size ≤ 100, page*size ≤ 10 000)."""

    def __init__(self, http: Http, url: str, headers: Mapping[str, str]) -> None:
        self.http, self.url, self.headers = http, url, headers
        self.requests = 0

    def page(self, params: Mapping[str, str], number: int) -> dict:
        self.requests += 1
        return _get_page(self.http, self.url, self.headers, {**params, "page": str(number), "size": str(PAGE_SIZE)})

    def exhaust(self, params: dict[str, str], first: dict | None = None) -> _Query:
        """All pages of one query, up to the ceiling."""
        q = _Query(params)
        first = first if first is not None else self.page(params, 1)
        q.total, q.pages = _total(first, self.url), [first]
        last = min(math.ceil(q.total / PAGE_SIZE), RESULT_CEILING // PAGE_SIZE)
        for number in range(2, last + 1):
            got = self.page(params, number)
            q.pages.append(got)
            if len(_items(got, self.url)) < PAGE_SIZE:
                break
        q.truncated = q.total > RESULT_CEILING
        return q

    def sliced(self, params: dict[str, str], first: dict | None = None) -> list[_Query]:
        """A query, split by working time where it is above the ceiling."""
        first = first if first is not None else self.page(params, 1)
        if _total(first, self.url) <= RESULT_CEILING or "arbeitszeit" in params:
            return [self.exhaust(params, first)]
        return [q for az in ARBEITSZEITEN for q in self.sliced({**params, "arbeitszeit": az})]


def _collect_offer_type(searcher: _Searcher, angebotsart: int) -> dict[str, Any]:
    """All offers of one type: sliced by occupation field (for attribution), completed unsliced."""
    base = {"angebotsart": str(angebotsart), **JOBSUCHE_QUERY}
    first = searcher.page(base, 1)
    total = _total(first, searcher.url)
    fields = _facet_values(first, "berufsfeld")
    queries = [q for f in fields for q in searcher.sliced({**base, "berufsfeld": f})]
    seen = {_refnr(it) for q in queries for p in q.pages for it in _items(p, searcher.url)}
    if len(seen) < total and total <= RESULT_CEILING:
        queries.append(searcher.exhaust(base, first))  # offers without (or beyond) the field facets
    elif not queries:
        queries = searcher.sliced(base, first)
    records = [q.record() for q in queries]
    unique = {_refnr(it) for r in records for it in r["stellenangebote"]}
    return {"angebotsart": angebotsart, "max_ergebnisse": total, "gesammelt": len(unique),
            "vollstaendig": len(unique) >= total, "facetten": first.get("facetten"), "abfragen": records}


def _refnr(item: Mapping[str, Any]) -> str:
    return str(item.get("refnr") or item.get("referenznummer"))


def fetch_jobsuche(http: Http, resource: Resource, dest: Path) -> None:
    """Fetch all job and apprenticeship offers in Berlin into one JSON snapshot at ``dest``.

    For each offer type (1 Arbeit, 4 Ausbildung) the search is sliced by occupation field
    (``berufsfeld``, from the facets of the first page) so each offer is attributed to a field;
    a slice above the API's ceiling of 10 000 results (``page*size``) is split further by
    working time, and what is still above is cut at the ceiling and flagged ``truncated``.
    When the slices miss offers of a query within the ceiling, the unsliced query is paged too.

    The snapshot holds every page's offers, the query parameters, the reported totals, the
    facets of the first page and ``fetched_at``. Nothing is written unless all pages arrived.

    Raises
    ------
    DownloadError
        On HTTP errors; a 404 names the likely cause (a retired API version).
    FormatError
        When the answer's shape changed ("the BA job search API changed its answer: ...").
    """
    url = resource.url or JOBSUCHE_SEARCH_URL
    headers = {**JOBSUCHE_HEADERS, **dict(resource.headers)}
    searcher = _Searcher(http, url, headers)
    types = [_collect_offer_type(searcher, a) for a in ANGEBOTSARTEN]
    doc = {
        "source": "BA Jobsuche API", "api": url, "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "query": {**JOBSUCHE_QUERY, "page_size": PAGE_SIZE, "ceiling": RESULT_CEILING,
                  "angebotsarten": list(ANGEBOTSARTEN)},
        "requests": searcher.requests, "angebotsarten": types,
    }
    dest.write_bytes(json.dumps(doc, ensure_ascii=False).encode("utf-8"))


def job_details(refnr: str, http: Http | None = None) -> dict:
    """Details of one offer (``/pc/v4/jobdetails/{base64(refnr)}``), e.g. for spot checks.

    Examples
    --------
    >>> base64.b64encode("10000-1234567890-S".encode()).decode()
    'MTAwMDAtMTIzNDU2Nzg5MC1T'
    """
    from .._http import Http

    client = http or Http()
    code = base64.b64encode(refnr.encode("utf-8")).decode("ascii")
    try:
        return client.get_json(JOBSUCHE_DETAILS_URL.format(code), headers=dict(JOBSUCHE_HEADERS))
    finally:
        if http is None:
            client.close()


# ---------------------------------------------------------------------------- Jobsuche parser

def _first(item: Mapping[str, Any], *paths: str) -> Any:
    for path in paths:
        value: Any = item
        for part in path.split("."):
            if isinstance(value, list):
                value = value[0] if value else None
            value = value.get(part) if isinstance(value, Mapping) else None
        if value not in (None, ""):
            return value
    return None


def _offer_row(item: Mapping[str, Any], angebotsart: int, feld: str | None) -> dict[str, Any]:
    return {
        "angebotsart": angebotsart, "angebot": ANGEBOTSARTEN.get(angebotsart, str(angebotsart)),
        "refnr": _refnr(item),
        "titel": _first(item, "titel", "stellenangebotsTitel"),
        "beruf": _first(item, "beruf", "hauptberuf"),
        "berufsfeld": feld,
        "arbeitgeber": _first(item, "arbeitgeber", "firma"),
        "plz": _first(item, "arbeitsort.plz", "stellenlokationen.adresse.plz"),
        "ort": _first(item, "arbeitsort.ort", "stellenlokationen.adresse.ort"),
        "lat": _first(item, "arbeitsort.koordinaten.lat", "stellenlokationen.breite"),
        "lon": _first(item, "arbeitsort.koordinaten.lon", "stellenlokationen.laenge"),
        "veroeffentlicht": _first(item, "aktuelleVeroeffentlichungsdatum", "datumErsteVeroeffentlichung"),
        "eintritt": _first(item, "eintrittsdatum", "eintrittszeitraum.von"),
    }


def _snapshot_rows(doc: Mapping[str, Any], path: Path) -> Iterator[dict[str, Any]]:
    types = doc.get("angebotsarten")
    if not isinstance(types, list):
        raise FormatError(f"{path.name} is not a Jobsuche snapshot (no 'angebotsarten' list)")
    for block in types:
        art = int(block["angebotsart"])
        for query in block.get("abfragen", []):
            feld = query.get("params", {}).get("berufsfeld")
            for item in query.get("stellenangebote", []):
                yield {**_offer_row(item, art, feld), "abfrage_vollstaendig": bool(block.get("vollstaendig"))}


def parse_jobsuche(files: Mapping[str, Path]) -> pd.DataFrame:
    """Parse Jobsuche snapshots into one row per snapshot date, offer type and offer.

    An offer found in several slices is kept once (the first occupation field wins). Points
    are not yet assigned to Bezirke: :func:`lichtenberg_data.workforce.locate_offers` does that.
    """
    import pandas as pd

    parts = []
    for path in files.values():
        try:
            doc = json.loads(read_text(path))
        except ValueError:
            raise FormatError(f"{path.name} is not valid JSON") from None
        if not isinstance(doc, Mapping) or "fetched_at" not in doc:
            raise FormatError(f"{path.name} is not a Jobsuche snapshot (no 'fetched_at')")
        fetched = pd.Timestamp(doc["fetched_at"])
        part = pd.DataFrame(list(_snapshot_rows(doc, path)), columns=_JOB_COLUMNS[2:])
        part.insert(0, "abgerufen_am", fetched.tz_convert("Europe/Berlin").strftime("%Y-%m-%d %H:%M") if fetched.tzinfo
                    else fetched.strftime("%Y-%m-%d %H:%M"))
        part.insert(0, "date", pd.Timestamp(fetched.date()))
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out = out.drop_duplicates(["date", "angebotsart", "refnr"], keep="first")
    for col in ("lat", "lon"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    for col in ("veroeffentlicht", "eintritt"):
        out[col] = pd.to_datetime(out[col].astype("string").str[:10], errors="coerce", format="%Y-%m-%d")
    out["angebotsart"] = out["angebotsart"].astype("int64")
    out["abfrage_vollstaendig"] = out["abfrage_vollstaendig"].astype(bool)
    for col in ("refnr", "angebot", "titel", "beruf", "berufsfeld", "arbeitgeber", "plz", "ort"):
        out[col] = out[col].astype("str").where(out[col].notna(), None)
    return out.reset_index(drop=True)


_JOB_COLUMNS = ("date", "abgerufen_am", "angebotsart", "angebot", "refnr", "titel", "beruf", "berufsfeld",
                "arbeitgeber", "plz", "ort", "lat", "lon", "veroeffentlicht", "eintritt", "abfrage_vollstaendig")


def _coordinates_plausible(df: pd.DataFrame) -> str | None:
    pts = df.dropna(subset=["lat", "lon"])
    bad = pts[~pts["lat"].between(47, 56) | ~pts["lon"].between(5, 16)]
    return f"{len(bad)} offers with coordinates outside Germany (lat/lon swapped?)" if len(bad) else None


# ---------------------------------------------------------------------------- Jobsuche sample

#: Occupation fields of the sample (BA Berufsfelder, abbreviated) and their weight.
_SAMPLE_FIELDS = {"Gesundheit": 9, "Verkauf": 7, "Verkehr, Logistik": 6, "IT, Computer": 6,
                  "Büro, Verwaltung": 8, "Bau, Architektur, Vermessung": 4, "Elektro": 3,
                  "Metall, Maschinenbau": 3, "Soziales, Pädagogik": 6, "Hotel, Gaststätten": 4,
                  "Produktion, Fertigung": 2, "Wirtschaft, Finanzen": 3}
#: Postcodes mostly inside Lichtenberg (they cross Bezirk borders in places).
LICHTENBERG_PLZ = ("10315", "10317", "10318", "10319", "10365", "10367", "10369", "13051", "13053",
                   "13055", "13057", "13059")
_OTHER_PLZ = ("10115", "10178", "10243", "10405", "10585", "10713", "10825", "12043", "12101", "12459",
              "12555", "12619", "12679", "13347", "13403", "13585")
#: Sample offers per Bezirk (jobs); apprenticeships are about a sixth of it.
_SAMPLE_JOBS = {"01": 520, "02": 380, "03": 300, "04": 410, "05": 150, "06": 220, "07": 260, "08": 190,
                "09": 200, "10": 120, "11": 210, "12": 160}


def _sample_offer(rng: Any, art: int, n: int, bez: str, lon: float, lat: float, with_coords: bool) -> dict:
    fields = list(_SAMPLE_FIELDS)
    feld = fields[int(rng.choice(len(fields), p=_field_weights()))]
    plz = str(rng.choice(LICHTENBERG_PLZ if bez == "11" else _OTHER_PLZ))
    day = date(2026, 10, 1).toordinal() + int(rng.integers(0, 31))
    item = {
        "beruf": f"{feld} (Beispielberuf)", "titel": f"{'Ausbildung' if art == 4 else 'Fachkraft'} {feld} ({n})",
        "refnr": f"10000-{art}{bez}{n:07d}-S", "arbeitgeber": f"Beispiel-Arbeitgeber {int(rng.integers(1, 400))}",
        "aktuelleVeroeffentlichungsdatum": date.fromordinal(day).isoformat(),
        "eintrittsdatum": "2027-08-01" if art == 4 else date.fromordinal(day + 30).isoformat(),
        "modifikationsTimestamp": f"{date.fromordinal(day).isoformat()}T08:00:00.000",
        "arbeitsort": {"plz": plz, "ort": "Berlin", "strasse": "Beispielstraße", "region": "Berlin",
                       "land": "Deutschland",
                       "koordinaten": {"lat": lat, "lon": lon} if with_coords else {}},
    }
    return {"feld": feld, "item": item}


def _field_weights() -> list[float]:
    total = sum(_SAMPLE_FIELDS.values())
    return [w / total for w in _SAMPLE_FIELDS.values()]


def sample_jobsuche() -> bytes:
    """A sample Jobsuche snapshot (``jobsuche_berlin.json``) as :func:`fetch_jobsuche` writes it.

    Offers carry the field names of the schema baseline (``refnr``, ``titel``, ``arbeitsort``
    with ``koordinaten``); points lie in the sample Bezirke; 2 % of the Lichtenberg offers come
    without coordinates (only the postcode), to exercise the postcode fallback.
    """
    import numpy as np

    from .._sample import sample_points

    rng = np.random.default_rng(11)
    types = []
    for art in ANGEBOTSARTEN:
        by_field: dict[str, list[dict]] = {f: [] for f in _SAMPLE_FIELDS}
        for bez, n_jobs in _SAMPLE_JOBS.items():
            n = n_jobs if art == 1 else max(n_jobs // 6, 5)
            pts = sample_points(n, seed=int(bez) * 10 + art, bezirk_id=bez)
            for i, (lon, lat) in enumerate(zip(pts["longitude"], pts["latitude"])):
                offer = _sample_offer(rng, art, i, bez, float(lon), float(lat), not (bez == "11" and i % 50 == 7))
                by_field[offer["feld"]].append(offer["item"])
        queries = [{"params": {"angebotsart": str(art), **JOBSUCHE_QUERY, "berufsfeld": f}, "max_ergebnisse": len(v),
                    "truncated": False, "pages": max(1, math.ceil(len(v) / PAGE_SIZE)), "stellenangebote": v}
                   for f, v in by_field.items()]
        total = sum(len(v) for v in by_field.values())
        facets = {"berufsfeld": {"counts": {f: len(v) for f, v in by_field.items()}, "maxCount": total}}
        types.append({"angebotsart": art, "max_ergebnisse": total, "gesammelt": total, "vollstaendig": True,
                      "facetten": facets, "abfragen": queries})
    doc = {"source": "BA Jobsuche API", "api": JOBSUCHE_SEARCH_URL, "fetched_at": "2026-11-02T05:00:00+00:00",
           "query": {**JOBSUCHE_QUERY, "page_size": PAGE_SIZE, "ceiling": RESULT_CEILING,
                     "angebotsarten": list(ANGEBOTSARTEN)},
           "requests": 0, "angebotsarten": types}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


stellenangebote = catalog.register(Dataset(
    id="stellenangebote",
    title="Stellen- und Ausbildungsangebote in Berlin (BA-Jobsuche)",
    topic="workforce",
    publisher="Bundesagentur für Arbeit",
    license=LICENSES["none-stated"],
    landing_page="https://www.arbeitsagentur.de/jobsuche/",
    resources=(Resource(name="jobsuche_berlin.json", url=JOBSUCHE_SEARCH_URL, format="json",
                        match=r"(?i)jobsuche.*\.json$", fetcher=fetch_jobsuche, headers=JOBSUCHE_HEADERS,
                        sample=sample_jobsuche),),
    spatial_unit="Punkt (Arbeitsort), Berlin",
    update="monthly",
    parser=parse_jobsuche,
    schema=Schema(
        columns={"date": "date", "abgerufen_am": "str", "angebotsart": "int", "angebot": "str", "refnr": "str",
                 "titel": "str", "berufsfeld": "str", "plz": "str", "lat": "float", "lon": "float",
                 "veroeffentlicht": "date", "abfrage_vollstaendig": "bool"},
        key=("date", "angebotsart", "refnr"),
        checks=(Check("coordinates in Germany", _coordinates_plausible),),
        min_rows=1,
    ),
    source_title="Jobsuche-API (inoffizielle Schnittstelle der Jobbörse)",
    history=True,
    description=(
        "Unofficial API of the BA job board (header X-API-Key: jobboerse-jobsuche; no licence stated, so reuse "
        "of single offers is not covered: only counts are shown). Each refresh stores a dated snapshot of all "
        "offers queried with wo=Berlin (angebotsart 1 Arbeit, 4 Ausbildung), sliced by occupation field. "
        "Offers are published by employers and the BA; they are not the BA statistics of registered vacancies. "
        "The v6 answer format is known only from the v4 schema baseline (2026-03) and one third-party scraper; "
        "the parser accepts both 'stellenangebote' (v4) and 'ergebnisliste' (v6) field names."
    ),
))


# =============================================================================== AfS reports

_AFS_SITE = "https://www.statistik-berlin-brandenburg.de"
_MONTHS = {"januar": 1, "februar": 2, "märz": 3, "april": 4, "mai": 5, "juni": 6, "juli": 7, "august": 8,
           "september": 9, "oktober": 10, "november": 11, "dezember": 12}
#: Column of an AfS table (regular expression on the joined header) → canonical column.
_EMPLOYEE_COLUMNS = {"insgesamt": r"^insgesamt$", "maennlich": r"männ|männer", "weiblich": r"weibl|frauen",
                     "alter_unter_25": r"unter 25", "alter_25_55": r"25\D+55", "alter_55_65": r"55\D+65",
                     "alter_65_plus": r"65 und"}
_UNEMPLOYED_COLUMNS = {"arbeitslose": r"^insgesamt$", "maennlich": r"männ|männer", "weiblich": r"weibl|frauen",
                       "unter_25": r"unter 25", "sgb_iii": r"sgb iii", "sgb_ii": r"sgb ii(?!i)",
                       "quote": r"quote"}


def _title_date(title: str, path: Path) -> date:
    """The reference date in a report title: "am 30. Juni 2025" or "Jahresdurchschnitt 2025" (31.12.)."""
    m = re.search(r"(\d{1,2})\.\s*([A-Za-zäöü]+)\s+(\d{4})", title)
    if m and m.group(2).lower() in _MONTHS:
        return date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
    m = re.search(r"Jahresdurchschnitt\s+(\d{4})", title)
    if m:
        return date(int(m.group(1)), 12, 31)
    raise FormatError(f"{path.name}: no reference date in the table title {title!r}")


def _pick_columns(df: pd.DataFrame, patterns: Mapping[str, str], path: Path) -> dict[str, str]:
    found = {}
    for target, pattern in patterns.items():
        hits = [c for c in df.columns if not str(c).endswith("_flag") and c not in ("bezirk_id", "bezirk")
                and re.search(pattern, str(c).strip().lower())]
        if len(hits) != 1:
            raise FormatError(f"{path.name}, table {df.attrs.get('title', '')[:60]!r}: "
                              f"{'no' if not hits else len(hits)} columns for {target} (columns: "
                              f"{', '.join(map(str, df.columns))})")
        found[target] = hits[0]
    return found


def _afs_rows(df: pd.DataFrame, patterns: Mapping[str, str], path: Path) -> pd.DataFrame:
    """Bezirk and Berlin rows of one AfS table, columns renamed, flags joined into ``flags``."""
    import pandas as pd

    if "bezirk_id" not in df.columns:
        raise FormatError(f"{path.name}: table {df.attrs.get('title', '')[:60]!r} has no Bezirk rows")
    cols = _pick_columns(df, patterns, path)
    rows = df[df["bezirk_id"].notna()]
    out = pd.DataFrame({"bezirk_id": rows["bezirk_id"].astype(str),
                        "bezirk": rows["bezirk"].astype(str)})
    flags = pd.Series("", index=rows.index)
    for target, col in cols.items():
        out[target] = rows[col].astype(float)
        if f"{col}_flag" in rows.columns:
            flag = rows[f"{col}_flag"].fillna("")
            flags = flags.where(flag.isin(["", "0", "–"]), flags + f"{target}:" + flag + " ")
    out["flags"] = flags.str.strip()
    if len(set(out["bezirk_id"]) - {"00"}) != 12:
        raise FormatError(f"{path.name}: expected the 12 Bezirke in {df.attrs.get('title', '')[:60]!r}, "
                          f"found {sorted(set(out['bezirk_id']))}")
    return out


def parse_beschaeftigte_file(path: Path) -> pd.DataFrame:
    """Parse the Bezirk tables (place of work and of residence) of one SvB report.

    The tables are found by title ("Beschäftigte ... am Arbeitsort/Wohnort ... nach Bezirken");
    their columns by header text (total, sex, age groups); the date from the title.
    """
    import pandas as pd

    from .. import afs

    parts = []
    for title, df in afs.read_tables(path).items():
        low = title.lower()
        ort = "arbeitsort" if "arbeitsort" in low else "wohnort" if "wohnort" in low else None
        if ort is None or "beschäftigte" not in low or "bezirk" not in low:
            continue
        part = _afs_rows(df, _EMPLOYEE_COLUMNS, path)
        part.insert(0, "ort", ort)
        part.insert(0, "date", pd.Timestamp(_title_date(title, path)))
        parts.append(part)
    if not parts:
        raise FormatError(f"{path.name}: no table of employees by Bezirk at place of work or residence")
    return pd.concat(parts, ignore_index=True)


def parse_arbeitslose_file(path: Path) -> pd.DataFrame:
    """Parse the table of registered unemployed by Bezirk of one AfS report."""
    import pandas as pd

    from .. import afs

    parts = []
    for title, df in afs.read_tables(path).items():
        low = title.lower()
        if "arbeitslose" not in low or "bezirk" not in low:
            continue
        part = _afs_rows(df, _UNEMPLOYED_COLUMNS, path)
        part.insert(0, "date", pd.Timestamp(_title_date(title, path)))
        parts.append(part)
    if not parts:
        raise FormatError(f"{path.name}: no table of unemployed by Bezirk")
    return pd.concat(parts, ignore_index=True)


def _concat_files(parse: Any) -> Any:
    def parser(files: Mapping[str, Path]) -> pd.DataFrame:
        import pandas as pd

        return pd.concat([parse(p) for p in files.values()], ignore_index=True)

    return parser


def _parts_add_up(total: str, parts: list[str]) -> Any:
    def check(df: pd.DataFrame) -> str | None:
        ok = df.dropna(subset=[total, *parts])
        bad = ok[(ok[parts].sum(axis=1) - ok[total]).abs() > 0.5]
        return f"{len(bad)} rows where {' + '.join(parts)} ≠ {total}" if len(bad) else None

    return check


def _berlin_is_sum(column: str) -> Any:
    def check(df: pd.DataFrame) -> str | None:
        keys = [c for c in ("date", "ort") if c in df.columns]
        for key, part in df.groupby(keys):
            berlin = part.loc[part["bezirk_id"] == "00", column]
            bezirke = part.loc[part["bezirk_id"] != "00", column]
            if len(berlin) == 1 and bezirke.notna().all() and abs(bezirke.sum() - berlin.iloc[0]) > 12:
                return f"{key}: the Bezirke add up to {bezirke.sum():.0f}, Berlin says {berlin.iloc[0]:.0f}"
        return None

    return check


# ---------------------------------------------------------------------------- AfS samples

_SAMPLE_SVB = {"01": (330, 160), "02": (200, 130), "03": (110, 190), "04": (230, 135), "05": (75, 85),
               "06": (105, 110), "07": (140, 135), "08": (95, 115), "09": (100, 110), "10": (60, 100),
               "11": (100, 125), "12": (85, 95)}  # thousands at place of work, of residence (2025)


def _afs_workbook(title: str, header: tuple[list, list], rows: list[list], notes: list[str]) -> bytes:
    """A workbook in the AfS report layout: Titel, Impressum, one table sheet ``T1``."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Titel"
    wb["Titel"]["A1"] = "Statistischer Bericht"
    wb["Titel"]["A3"] = "BEISPIELDATEN – synthetisch erzeugt, keine amtlichen Zahlen"
    imp = wb.create_sheet("Impressum")
    imp["A1"] = "Herausgeber: Amt für Statistik Berlin-Brandenburg (Beispiel)"
    imp["A3"] = "Lizenz: CC BY 3.0 DE"
    ws = wb.create_sheet("T1")
    ws["A1"] = title
    top, sub = header
    for c, text in enumerate(top, start=1):
        ws.cell(3, c, text)
    for c, text in enumerate(sub, start=1):
        ws.cell(4, c, text)
    ws.merge_cells(start_row=3, start_column=1, end_row=5, end_column=1)
    ws.merge_cells(start_row=3, start_column=2, end_row=4, end_column=2)
    spans = [(c, len(list(g))) for c, g in _runs(top)]
    for c, width in spans:
        if width > 1:
            ws.merge_cells(start_row=3, start_column=c, end_row=3, end_column=c + width - 1)
    for c in range(2, len(sub) + 1):
        ws.cell(5, c, "%" if "quote" in str(sub[c - 1]).lower() else "Anzahl")
    for r, row in enumerate(rows, start=7):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value)
    r = 7 + len(rows) + 1
    ws.cell(r, 1, "_____")
    for k, note in enumerate(notes, start=1):
        ws.cell(r + k, 1, note)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _runs(cells: list) -> Iterator[tuple[int, Iterator]]:
    """Start column (1-based) and members of each run of a header cell followed by empty cells."""
    start = 1
    group: list = []
    for c, text in enumerate(cells, start=1):
        if text and group:
            yield start, iter(group)
            start, group = c, []
        group.append(text)
    if group:
        yield start, iter(group)


def _bezirk_label(key: str) -> str:
    name = BEZIRKE[key]
    return name.replace("-", "-\n", 1) if len(name) > 16 else name


def _sample_employees(year: int, ort: str, rng: Any) -> list[list]:
    rows = []
    totals = [0] * 7
    for key in sorted(BEZIRKE):
        base = _SAMPLE_SVB[key][0 if ort == "arbeitsort" else 1] * 1000 * (1 - 0.012 * (2025 - year))
        total = int(base * rng.uniform(0.98, 1.02))
        women = int(total * rng.uniform(0.46, 0.52))
        ages = [int(total * s) for s in (rng.uniform(0.07, 0.1), rng.uniform(0.6, 0.66), rng.uniform(0.17, 0.21))]
        ages.append(total - sum(ages))
        values = [total, total - women, women, *ages]
        totals = [a + b for a, b in zip(totals, values)]
        cells: list[Any] = list(values)
        if key == "05" and ort == "wohnort" and year == 2021:
            cells[6] = "•"  # a secret cell, as AfS prints it
        rows.append([_bezirk_label(key), *cells])
    latest = year == 2025
    rows.append(["Berlin", *(f"{v} p" if latest else v for v in totals)])
    return rows


def sample_beschaeftigte(year: int) -> bytes:
    """A sample AfS report with employees by Bezirk at place of work (T1) and of residence.

    Layout as in AfS "Statistische Berichte": title and imprint sheets, numbered title row,
    merged multi-row header with a unit row, 12 Bezirke and a Berlin row, a "•" (secret) cell
    in 2021, "p" (provisional) on the 2025 Berlin row, footnotes under a ``_____`` line.
    Both tables sit on one sheet ``T1`` here (AfS often puts two tables on a sheet).
    """
    import numpy as np
    from openpyxl import load_workbook

    rng = np.random.default_rng(year)
    header = (["Bezirk", "Insgesamt", "Geschlecht", None, "Alter von ... bis unter ... Jahren", None, None, None],
              [None, None, "männlich", "weiblich", "unter 25", "25 – 55", "55 – 65", "65 und mehr"])
    notes = ["1 Beschäftigte ohne Angabe zum Wohnort bzw. Arbeitsort sind nur in Berlin insgesamt enthalten.",
             "Datenquelle: Statistik der Bundesagentur für Arbeit"]
    first = _afs_workbook(f"1 Sozialversicherungspflichtig Beschäftigte am Arbeitsort in Berlin am 30. Juni {year} "
                          "nach Bezirken, Geschlecht und Altersgruppen", header,
                          _sample_employees(year, "arbeitsort", rng), notes)
    wb = load_workbook(io.BytesIO(first))
    ws = wb["T1"]
    start = ws.max_row + 3
    ws.cell(start, 1, f"2 Sozialversicherungspflichtig Beschäftigte am Wohnort in Berlin am 30. Juni {year} "
                      "nach Bezirken, Geschlecht und Altersgruppen")
    for c, text in enumerate(header[0], start=1):
        ws.cell(start + 2, c, text)
    for c, text in enumerate(header[1], start=1):
        ws.cell(start + 3, c, text)
    ws.merge_cells(start_row=start + 2, start_column=1, end_row=start + 4, end_column=1)
    ws.merge_cells(start_row=start + 2, start_column=2, end_row=start + 3, end_column=2)
    ws.merge_cells(start_row=start + 2, start_column=3, end_row=start + 2, end_column=4)
    ws.merge_cells(start_row=start + 2, start_column=5, end_row=start + 2, end_column=8)
    for c in range(2, 9):
        ws.cell(start + 4, c, "Anzahl")
    for r, row in enumerate(_sample_employees(year, "wohnort", rng), start=start + 6):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_SAMPLE_ALO = {"01": 24.0, "02": 17.0, "03": 13.5, "04": 13.0, "05": 14.5, "06": 8.0, "07": 14.0, "08": 23.5,
               "09": 9.5, "10": 12.5, "11": 13.8, "12": 13.2}  # thousands, Jahresdurchschnitt 2025


def sample_arbeitslose(year: int) -> bytes:
    """A sample AfS table of registered unemployed by Bezirk (Jahresdurchschnitt), AfS layout."""
    import numpy as np

    rng = np.random.default_rng(100 + year)
    rows, totals = [], [0.0] * 6
    for key in sorted(BEZIRKE):
        total = int(_SAMPLE_ALO[key] * 1000 * (1 - 0.02 * (2025 - year)) * rng.uniform(0.97, 1.03))
        men = int(total * rng.uniform(0.53, 0.57))
        young = int(total * rng.uniform(0.07, 0.1))
        sgb3 = int(total * rng.uniform(0.25, 0.32))
        quote = round(total / (_SAMPLE_SVB[key][1] * 1250 + total) * 100, 1)
        values = [total, men, total - men, young, sgb3, total - sgb3]
        totals = [a + b for a, b in zip(totals, values)]
        rows.append([_bezirk_label(key), *values, quote])
    labour = sum(v[1] for v in _SAMPLE_SVB.values()) * 1250 + totals[0]
    rows.append(["Berlin", *totals, round(totals[0] / labour * 100, 1)])
    header = (["Bezirk", "Insgesamt", "Geschlecht", None, "Unter 25 Jahre", "Rechtskreis", None, "Arbeitslosenquote"],
              [None, None, "männlich", "weiblich", None, "SGB III", "SGB II", None])
    notes = ["1 bezogen auf alle zivilen Erwerbspersonen", "Datenquelle: Statistik der Bundesagentur für Arbeit"]
    return _afs_workbook(f"1 Arbeitslose in Berlin im Jahresdurchschnitt {year} nach Bezirken, Geschlecht und "
                         "Rechtskreisen", header, rows, notes)


def _known_areas(df: pd.DataFrame) -> str | None:
    unknown = sorted(set(df["bezirk_id"]) - set(BEZIRKE) - {"00"})
    return f"unknown bezirk_id {unknown}" if unknown else None


_EMPLOYEE_VALUES = tuple(_EMPLOYEE_COLUMNS)
_AFS_NOTE = ("NOT VERIFIED against a real report: the series, table titles and column headers are assumed from "
             "the usual AfS layout; the parser finds the tables by title words and the columns by header text, "
             "so a real report with other wording fails with a clear FormatError instead of misreading. ")

beschaeftigte_bezirke = catalog.register(Dataset(
    id="beschaeftigte_bezirke",
    title="Sozialversicherungspflichtig Beschäftigte nach Bezirken (Arbeitsort und Wohnort)",
    topic="workforce",
    publisher="Amt für Statistik Berlin-Brandenburg",
    license=LICENSES["cc-by-3.0-de"],
    landing_page=f"{_AFS_SITE}/a-vi-5-vj",
    resources=tuple(
        Resource(name=f"SB_A06-05-00_{year}q02_BE.xlsx", url=None, format="xlsx",
                 match=r"(?i)SB_A06-05-00_.*\.xlsx$|beschaeftigte|beschäftigte",
                 sample=lambda year=year: sample_beschaeftigte(year))
        for year in range(2021, 2026)
    ),
    spatial_unit="Bezirk",
    update="annual",
    parser=_concat_files(parse_beschaeftigte_file),
    schema=Schema(
        columns={"date": "date", "ort": "str", "bezirk_id": "str", "bezirk": "str",
                 **{c: "float" for c in _EMPLOYEE_VALUES}, "flags": "str"},
        key=("date", "ort", "bezirk_id"),
        checks=(Check("known districts", _known_areas),
                Check("men + women = total", _parts_add_up("insgesamt", ["maennlich", "weiblich"])),
                Check("age groups add up", _parts_add_up("insgesamt", list(_EMPLOYEE_VALUES[3:]))),
                Check("Bezirke add up to Berlin", _berlin_is_sum("insgesamt"))),
        min_rows=26,
    ),
    source_title="Statistischer Bericht A VI 5 – Sozialversicherungspflichtig Beschäftigte "
                 "(Datenquelle: Statistik der Bundesagentur für Arbeit)",
    history=True,
    description=(_AFS_NOTE + "Expected: AfS report 'A VI 5 – vj' (series slug a-vi-5-vj and file stem "
                 "SB_A06-05-00_<YYYY>q02_BE.xlsx are guesses after the A I 16 pattern), with tables of employees "
                 "subject to social insurance on 30 June by Bezirk at place of work and of residence, by sex and "
                 "age group. The download links carry hash paths: import the reports by hand "
                 "(`lichtenberg-data import beschaeftigte_bezirke SB_*.xlsx`); each report adds one date."),
))

arbeitslose_bezirke = catalog.register(Dataset(
    id="arbeitslose_bezirke",
    title="Arbeitslose nach Bezirken (Jahresdurchschnitt)",
    topic="workforce",
    publisher="Amt für Statistik Berlin-Brandenburg",
    license=LICENSES["cc-by-3.0-de"],
    landing_page=_AFS_SITE,
    resources=tuple(
        Resource(name=f"arbeitslose_bezirke_{year}.xlsx", url=None, format="xlsx",
                 match=r"(?i)arbeitslos.*\.xlsx$|SB_.*\.xlsx$",
                 sample=lambda year=year: sample_arbeitslose(year))
        for year in range(2021, 2026)
    ),
    spatial_unit="Bezirk",
    update="annual",
    parser=_concat_files(parse_arbeitslose_file),
    schema=Schema(
        columns={"date": "date", "bezirk_id": "str", "bezirk": "str", **{c: "float" for c in _UNEMPLOYED_COLUMNS},
                 "flags": "str"},
        key=("date", "bezirk_id"),
        checks=(Check("known districts", _known_areas),
                Check("men + women = total", _parts_add_up("arbeitslose", ["maennlich", "weiblich"])),
                Check("SGB II + III = total", _parts_add_up("arbeitslose", ["sgb_ii", "sgb_iii"])),
                Check("Bezirke add up to Berlin", _berlin_is_sum("arbeitslose"))),
        min_rows=13,
    ),
    source_title="Arbeitslose nach Bezirken, Jahresdurchschnitt (Datenquelle: Statistik der Bundesagentur für Arbeit)",
    history=True,
    description=(_AFS_NOTE + "Expected: a table 'Arbeitslose ... im Jahresdurchschnitt <YYYY> nach Bezirken' as in the "
                 "Statistisches Jahrbuch Berlin, chapter Erwerbstätigkeit (data-sources.md §3.6; the file and its "
                 "link were not found). The BA itself publishes Berlin only as one Kreis (11000); Bezirk figures "
                 "come from the Jobcenter regions (one per Bezirk), whose BA region ids were not found either. "
                 "Import a table by hand: `lichtenberg-data import arbeitslose_bezirke FILE.xlsx`; the date is "
                 "31.12. of the year (annual average)."),
))
