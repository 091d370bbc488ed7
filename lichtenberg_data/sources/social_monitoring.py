"""Monitoring Soziale Stadtentwicklung (SenStadt): the ``mss`` dataset, its WFS fetcher and parser.

Unemployment, transfer receipt, child poverty and context indicators (youth unemployment ...)
per Planungsraum, one edition every two years. Tidy long table: one row per edition,
Planungsraum and indicator. What the columns ``s1``-``s4`` of the source mean changed between
editions; :data:`MSS_EDITIONS` maps them per edition and names the evidence. ``-9999``
(uninhabited / suppressed) becomes a missing value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import catalog
from .._errors import DownloadError, FormatError
from .._readers import read_text
from .._validate import known_districts
from ..catalog import LICENSES, WFS, Check, Dataset, Probe, Resource, Schema
from ._mss_editions import MSS_DOWNLOADED, MSS_EDITIONS, MSS_INDICATORS, SUPPRESSED, MssEdition
from ._mss_xlsx import read_index_workbook
from ._social import _read_csv_text

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .._http import Http

__all__ = [
    "MSS_EDITIONS", "MSS_INDICATORS", "MSS_DOWNLOADED", "MssEdition", "parse_mss", "parse_mss_file",
    "fetch_mss_edition",
]

_MSS_COLUMNS = ("edition", "date", "lor_version", "planungsraum_id", "planungsraum", "bezirk_id",
                "einwohner", "gueltig", "indikator", "wert", "einheit", "quelle", "zuordnung_geprueft")


def _sniff(path: Path) -> str:
    """``xlsx`` (any workbook), ``csv`` (text that is no JSON) or ``json``, told from the bytes."""
    from .._sniff import sniff

    kind = sniff(path).kind
    if kind in ("xlsx", "xls"):
        return "xlsx"
    return "csv" if kind == "text" else "json"


def _feature_table(collection: Mapping[str, Any], what: str) -> pd.DataFrame:
    import pandas as pd

    if isinstance(collection, list):
        raise FormatError(f"{what} is a JSON list, not a GeoJSON FeatureCollection or an MSS bundle of this toolkit")
    if not isinstance(collection, Mapping) or not isinstance(collection.get("features"), list):
        raise FormatError(f"{what} is not a GeoJSON FeatureCollection (no 'features' list)")
    rows = [f.get("properties") or {} for f in collection["features"] if isinstance(f, Mapping)]
    return pd.DataFrame(rows)


def _mss_tables(path: Path) -> tuple[list[pd.DataFrame], int | None]:
    """The attribute tables in one MSS file and the edition named by a bundle, if any.

    Accepts a bundle written by :func:`fetch_mss_edition`, a single WFS FeatureCollection, a
    CSV export of a WFS layer (comma or semicolon separated), or the index workbook of the MSS
    tables (:func:`._mss_xlsx.read_index_workbook`, edition from its title).
    """
    kind = _sniff(path)
    if kind == "xlsx":
        table, edition = read_index_workbook(path)
        return [table], edition
    if kind == "csv":
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
        long = _long(table, base, _mappings(kind, ed), kind, ed)
        parts += _from_workbook(long, raw, bundle_edition, ed, path) if "quelle" in raw.attrs else long
    if not parts:
        raise FormatError(f"{path.name}: no known MSS indicator columns found")
    out = pd.concat(parts, ignore_index=True)
    out["planungsraum"] = out["planungsraum"].astype(object).where(out["planungsraum"].notna(), None)
    return out[list(_MSS_COLUMNS)]


def _from_workbook(parts: list[pd.DataFrame], raw: pd.DataFrame, title_edition: int | None, ed: MssEdition,
                   path: Path) -> list[pd.DataFrame]:
    """Rows read from the index workbook: its date must be the edition's Stand (both read from the
    title); the classes were checked against their texts, so the mapping counts as checked."""
    if title_edition != ed.edition or raw.attrs.get("stand") != ed.stand.isoformat():
        raise FormatError(f"{path.name}: the title names MSS {title_edition} with data of {raw.attrs.get('stand')}, "
                          f"but MSS {ed.edition} describes {ed.stand:%d.%m.%Y}")
    return [p.assign(quelle=f"{raw.attrs['quelle']}:{p['indikator'].iloc[0]}", zuordnung_geprueft=True)
            for p in parts]


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
    """Keys of 8 digits whose first two are the row's Bezirk; the message says which of the two fails."""
    malformed = ~df["planungsraum_id"].str.fullmatch(r"\d{8}")
    if malformed.any():
        keys = df.loc[malformed, "planungsraum_id"].drop_duplicates()
        return f"{int(malformed.sum())} malformed Planungsraum keys (not 8 digits), e.g. {keys.head(3).tolist()}"
    elsewhere = df["planungsraum_id"].str[:2] != df["bezirk_id"]
    if elsewhere.any():
        row = df[elsewhere].iloc[0]
        plrs = df.loc[elsewhere, "planungsraum_id"].nunique()
        bez = row["bezirk_id"]
        said = "an empty Bezirk field" if bez is None or str(bez) in ("", "nan", "<NA>") else f"Bezirk {bez!r}"
        return (f"{plrs} Planungsräume whose Bezirk field contradicts the key, e.g. {row['planungsraum_id']} "
                f"with {said}")
    return None


MSS_SCHEMA = Schema(
    columns={"edition": "int", "date": "date", "lor_version": "str", "planungsraum_id": "str",
             "planungsraum": "str", "bezirk_id": "str", "einwohner": "float", "gueltig": "bool",
             "indikator": "str", "wert": "float", "einheit": "str", "quelle": "str",
             "zuordnung_geprueft": "bool"},
    key=("edition", "planungsraum_id", "indikator"),
    checks=(Check("shares 0-100 %", _shares_in_range), Check("no -9999 left", _no_sentinels),
            Check("indicator mapping plausible", _mapping_plausible), Check("Planungsraum keys", _plr_keys),
            Check("known districts", known_districts)),
    min_rows=400,
)




def _mss_resource(edition: int) -> Resource:
    ed = MSS_EDITIONS[edition]
    return Resource(name=f"mss_{edition}.json", url=ed.service_url, format="json",
                    match=r"(?i)^(?!.*\.xlsx?$).*(mss|indexind|kontext|indizes)", fetcher=fetch_mss_edition,
                    accepts=("csv",),
                    probe=Probe(ed.service_url, expect="wfs", type_names=(ed.layers["indexind"],)))


#: The index workbook of the MSS tables (edition 2023 verified). SenSBW moved the MSS files from
#: ``/sen/sbw/`` to ``/sen/stadt/``; the address below is the one a public project verified on
#: 2026-07-13 ("all verified 200"), replacing its stale ``/sen/sbw/`` value (the old path is still
#: hard-coded in another 2026 project). The file is ``1sdi_mss2023.xlsx`` there (sheet
#: ``1.SDI_PLR_MSS2023``); the shipped snapshot holds a copy saved as
#: ``lor_monitoring_soziale-stadtentwicklung_2023.xlsx``, the name kept here. The edition and the
#: date come from its title, so the name pattern admits other editions and either name.
MSS_WORKBOOK_URL = ("https://www.berlin.de/sen/stadt/_assets/stadtdaten/stadtwissen/monitoring-soziale-stadtentwicklung/"
                    "bericht-2023/1sdi_mss2023.xlsx")
MSS_WORKBOOK = Resource(name="lor_monitoring_soziale-stadtentwicklung_2023.xlsx", url=MSS_WORKBOOK_URL, format="xlsx",
                        match=r"(?i)(monitoring.soziale.stadtentwicklung|mss).*\.xlsx$")

mss = catalog.register(Dataset(
    id="mss",
    title="Monitoring Soziale Stadtentwicklung – Index- und Kontextindikatoren je Planungsraum",
    topic="workforce",
    publisher="Senatsverwaltung für Stadtentwicklung, Bauen und Wohnen",
    license=LICENSES["dl-de-zero-2.0"],
    landing_page="https://www.berlin.de/sen/stadt/stadtdaten/stadtwissen/monitoring-soziale-stadtentwicklung/",
    landing_evidence=("cited as the MSS source in a public 2026 project (KiezKeeper README, data collected June 2026); "
                      "the workbook address under /sen/stadt/_assets/ verified 200 on 2026-07-13 by another public "
                      "project"),
    resources=(*(_mss_resource(e) for e in MSS_DOWNLOADED), MSS_WORKBOOK),
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
        "The index workbook of the MSS tables (1sdi_mss2023.xlsx at "
        f"{MSS_WORKBOOK_URL}, moved there from /sen/sbw/; fetched by refresh, or saved as "
        "lor_monitoring_soziale-stadtentwicklung_2023.xlsx; sheet "
        "1.SDI_PLR_MSS2023: residents on 31.12.2022, Status-Index class 1-4 and Dynamik-Index +, +/-, - per "
        "Planungsraum) imports as the statusindex and dynamikindex rows of its edition (Dynamik + → 1, "
        "+/- → 3, - → 5 as in the WFS; 6 Planungsräume without classes get gueltig=False). That workbook "
        "has the indices only, not the single indicators (S1 Arbeitslosigkeit ...): an edition imported "
        "only from it has no unemployment rows. The other XLSX tables on berlin.de are not parsed."
    ),
))
