"""mss (Monitoring Soziale Stadtentwicklung): real 2021 files, samples, the WFS fetcher."""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest
from portal import Portal

import lichtenberg_data as ld
from lichtenberg_data import catalog
from lichtenberg_data._errors import DownloadError, FormatError, ValidationError
from lichtenberg_data._http import Http
from lichtenberg_data._validate import validate
from lichtenberg_data.demo import social as demo_social
from lichtenberg_data.sources import social_monitoring

EMPLOYMENT = "employment"
MSS_2021 = ["mss_2021_index_indikatoren.csv", "mss_2021_kontext_indikatoren.csv", "mss_2021_indizes.csv"]



# =============================================================================== MSS, real files

@pytest.fixture()
def mss_2021(data_dir, real_data):
    """The three real MSS-2021 WFS exports imported into a fresh data folder."""
    outcome = ld.import_file("mss", [real_data / EMPLOYMENT / n for n in MSS_2021])
    assert outcome.state == "fresh"
    return ld.load("mss")


@pytest.mark.realdata
def test_mss_2021_real_files_import(mss_2021):
    df = mss_2021
    assert set(df["edition"]) == {2021}
    assert set(df["date"]) == {pd.Timestamp("2020-12-31")}
    assert set(df["lor_version"]) == {"2021"}
    assert df["planungsraum_id"].nunique() == 542
    alq = df[df["indikator"] == "arbeitslosigkeit"].set_index("planungsraum_id")
    lichtenberg = alq[alq["bezirk_id"] == "11"]
    assert len(lichtenberg) == 41 and lichtenberg["wert"].notna().all() and lichtenberg["gueltig"].all()
    # read from mss_2021_index_indikatoren.csv: 11501339 Karlshorst West, S1 = 1.94083, S3 = 4.70713
    assert alq.loc["11501339", "planungsraum"] == "Karlshorst West"
    assert alq.loc["11501339", "wert"] == pytest.approx(1.94083)
    assert alq.loc["11501339", "einwohner"] == 10346
    row = df[(df["planungsraum_id"] == "11501339") & (df["indikator"] == "transferbezug")]
    assert row["wert"].item() == pytest.approx(4.70713)
    # mss_2021_kontext_indikatoren.csv: 11100203 Falkenberg Ost, KI_01 = 4.86
    row = df[(df["planungsraum_id"] == "11100203") & (df["indikator"] == "jugendarbeitslosigkeit")]
    assert row["wert"].item() == pytest.approx(4.86)


@pytest.mark.realdata
def test_mss_2021_suppressed_values_become_missing(mss_2021):
    df = mss_2021
    # 5 Planungsräume "ungültig (EW unter 300)" and 1 "ungültig (Ausreißer)" carry -9999 everywhere
    assert (df["wert"] <= -9999).sum() == 0
    per_indicator = df[df["wert"].isna()].groupby("indikator").size()
    assert per_indicator.to_dict() == dict.fromkeys(per_indicator.index, 6)
    assert len(per_indicator) == 11  # s1, s3, s4, d1, d3, d4, k01-k03, si_n, di_n
    assert int(df["wert"].isna().sum()) == 66
    assert int((~df.drop_duplicates("planungsraum_id")["gueltig"]).sum()) == 6


@pytest.mark.realdata
def test_mss_2021_mapping_per_edition(mss_2021):
    df = mss_2021
    # 2021 has no S2 (empty column): neither long-term unemployment (<=2017) nor single parents (>=2023)
    assert "langzeitarbeitslosigkeit" not in set(df["indikator"])
    assert "kinder_alleinerziehend" not in set(df["indikator"])
    assert df["zuordnung_geprueft"].all()
    source = df.drop_duplicates("indikator").set_index("indikator")["quelle"]
    assert source["arbeitslosigkeit"] == "indexind:s1" and source["kinderarmut"] == "indexind:s4"
    assert source["jugendarbeitslosigkeit"] == "kontextind:k01"


@pytest.mark.realdata
def test_mss_xlsx_extract_agrees_with_wfs_export(real_data):
    """Two independent extracts of the 2021 context table give the same values (mapping check)."""
    wfs = social_monitoring.parse_mss_file(real_data / EMPLOYMENT / "mss_2021_kontext_indikatoren.csv")
    xlsx = social_monitoring.parse_mss_file(real_data / EMPLOYMENT / "mss_2021_kontext-indikatoren_anteile_plr.csv")
    both = wfs.merge(xlsx, on=["planungsraum_id", "indikator"], suffixes=("_wfs", "_xlsx"))
    assert len(both) == 542 * 3
    present = both.dropna(subset=["wert_wfs", "wert_xlsx"])
    assert (present["wert_wfs"] - present["wert_xlsx"]).abs().max() < 1e-9
    # the XLSX extract leaves K02 empty for two tiny Planungsräume where the WFS says 0
    assert int((both["wert_wfs"].isna() != both["wert_xlsx"].isna()).sum()) == 2


@pytest.mark.realdata
def test_mss_refuses_tables_of_another_kind(data_dir, real_data):
    with pytest.raises(FormatError, match="LOR 2006"):  # K08/K14/K15 on the 447 old Planungsräume
        ld.import_file("mss", [real_data / EMPLOYMENT / "mss_2021_kontext_indikatoren_k08_k14_k15.csv"])
    with pytest.raises(FormatError, match="index"):  # z-scores, not shares
        ld.import_file("mss", [real_data / EMPLOYMENT / "mss_2021_index-indikatoren_z-werte_plr.csv"])
    assert not (data_dir / "processed" / "mss.parquet").exists()


# =============================================================================== MSS 2023 index workbook

MSS_2023_XLSX = "lor_monitoring_soziale-stadtentwicklung_2023.xlsx"


@pytest.fixture()
def mss_2023(data_dir, real_data):
    """The real MSS-2023 index workbook imported on top of the three MSS-2021 exports."""
    ld.import_file("mss", [real_data / EMPLOYMENT / n for n in MSS_2021])
    outcome = ld.import_file("mss", real_data / EMPLOYMENT / MSS_2023_XLSX)
    assert outcome.state == "fresh"
    return ld.load("mss")


@pytest.mark.realdata
def test_mss_2023_workbook_imports_as_its_edition(mss_2023):
    df = mss_2023
    ed = df[df["edition"] == 2023]
    assert set(ed["indikator"]) == {"statusindex", "dynamikindex"}  # the workbook has the indices only
    assert set(ed["date"]) == {pd.Timestamp("2022-12-31")} and set(ed["lor_version"]) == {"2021"}
    assert ed["planungsraum_id"].nunique() == 542
    assert ed.drop_duplicates("planungsraum_id")["bezirk_id"].eq("11").sum() == 41
    assert ed["zuordnung_geprueft"].all() and set(ed["quelle"].str.split(":").str[1]) == {"1.SDI_PLR_MSS2023"}
    assert set(df.loc[df["edition"] == 2021, "indikator"]) >= {"arbeitslosigkeit", "statusindex"}  # 2021 kept
    assert ld.status().set_index("dataset").loc["mss", "reference_date"] == "2022-12-31"


def test_mss_workbook_downloads_from_its_sen_stadt_address(data_dir, real_data, monkeypatch):
    """The workbook moved from /sen/sbw/ to /sen/stadt/: a refresh fetches it there (local portal, same path)."""
    from urllib.parse import urlsplit

    ds = catalog.get("mss")
    workbook = ds.resource(MSS_2023_XLSX)
    assert workbook.url == ("https://www.berlin.de/sen/stadt/_assets/stadtdaten/stadtwissen/"
                            "monitoring-soziale-stadtentwicklung/bericht-2023/1sdi_mss2023.xlsx")
    path = urlsplit(workbook.url).path
    portal = Portal()
    try:
        portal.set(path, ("ok", (real_data / EMPLOYMENT / MSS_2023_XLSX).read_bytes()))
        monkeypatch.setitem(catalog._REGISTRY, "mss", replace(ds, resources=(replace(workbook, url=portal.url + path),)))
        [outcome] = ld.refresh(["mss"], report=False)
    finally:
        portal.close()
    assert outcome.state == "fresh" and portal.log == [("GET", path)]
    ed = ld.load("mss")
    assert ed["planungsraum_id"].nunique() == 542 and set(ed["edition"]) == {2023}
    assert ed.drop_duplicates("planungsraum_id")["bezirk_id"].eq("11").sum() == 41


def test_mss_workbook_under_its_portal_name_imports(data_dir, real_data, tmp_path):
    renamed = tmp_path / "1sdi_mss2023.xlsx"
    renamed.write_bytes((real_data / EMPLOYMENT / MSS_2023_XLSX).read_bytes())
    assert ld.import_file("mss", renamed).state == "fresh"
    assert set(ld.load("mss")["indikator"]) == {"statusindex", "dynamikindex"}


@pytest.fixture(scope="module")
def mss_2023_parsed(real_data):
    return social_monitoring.parse_mss_file(real_data / EMPLOYMENT / MSS_2023_XLSX)


@pytest.mark.realdata
def test_mss_2023_lichtenberg_classes(mss_2023_parsed):
    ed = mss_2023_parsed
    classes = ed.pivot(index="planungsraum_id", columns="indikator", values="wert")
    # read from sheet 1.SDI_PLR_MSS2023: number, name, EW, Status class/text, Dynamik symbol/text, group
    assert classes.loc["11100203"].to_dict() == {"dynamikindex": 3, "statusindex": 4}  # Falkenberg Ost 4+/-
    assert classes.loc["11300617"].to_dict() == {"dynamikindex": 5, "statusindex": 3}  # Fennpfuhlpark 3-
    assert classes.loc["11501340"].to_dict() == {"dynamikindex": 3, "statusindex": 1}  # Karlshorst Nord 1+/-
    karlshorst = ed[(ed["planungsraum_id"] == "11501339")].iloc[0]
    assert (karlshorst["planungsraum"], karlshorst["einwohner"]) == ("Karlshorst West", 10405)
    lichtenberg = classes[classes.index.str.startswith("11")]
    # Lichtenberg: 1 hoch 11100101, 11200515, 11501340; 3 niedrig 11100205, 11100307, 11300617;
    # 4 sehr niedrig 11100203, 11100206, 11100308, 11300616; the other 31 are 2 mittel
    assert lichtenberg["statusindex"].value_counts().to_dict() == {2: 31, 4: 4, 1: 3, 3: 3}


@pytest.mark.realdata
def test_mss_2023_class_distribution(mss_2023_parsed, real_data):
    """The class counts agree with an independent read of the sheet (pandas, no header)."""
    raw = pd.read_excel(real_data / EMPLOYMENT / MSS_2023_XLSX, sheet_name=0, header=None, dtype=str,
                        engine="openpyxl")
    raw = raw[raw[0].astype(str).str.fullmatch(r"\d{8}")]
    ed = mss_2023_parsed
    status = ed[ed["indikator"] == "statusindex"]["wert"].value_counts().to_dict()
    assert status == {2: 350, 1: 86, 3: 52, 4: 48}
    assert status == {int(k): v for k, v in raw[3].dropna().astype(float).value_counts().to_dict().items()}
    dynamik = ed[ed["indikator"] == "dynamikindex"]["wert"].value_counts().to_dict()
    assert dynamik == {3: 411, 1: 73, 5: 52}  # +/- stabil, + positiv, - negativ
    symbols = raw[5].dropna().value_counts().to_dict()
    assert symbols == {"+/-": 411, "+": 73, "-": 52}
    invalid = ed[~ed["gueltig"]].drop_duplicates("planungsraum_id")
    assert sorted(invalid["planungsraum_id"]) == ["03300515", "03400831", "04400725", "05300838", "06200418",
                                                  "10100205"]  # 5 under 300 EW, 1 outlier
    assert ed.loc[~ed["gueltig"], "wert"].isna().all() and ed.loc[ed["gueltig"], "wert"].notna().all()


def _mss_workbook(tmp_path, edit=None):
    from openpyxl import load_workbook

    from lichtenberg_data.demo.workforce import sample_mss_workbook

    path = tmp_path / MSS_2023_XLSX
    path.write_bytes(sample_mss_workbook(2023))
    if edit is not None:
        wb = load_workbook(path)
        edit(wb.worksheets[0])
        wb.save(path)
    return path


def test_mss_workbook_sample_parses(tmp_path):
    df = social_monitoring.parse_mss_file(_mss_workbook(tmp_path))
    validate(catalog.get("mss"), df)
    assert set(df["edition"]) == {2023} and df["planungsraum_id"].nunique() == 542
    assert int((~df.drop_duplicates("planungsraum_id")["gueltig"]).sum()) == 5
    assert catalog.get("mss").resource(MSS_2023_XLSX).matches("MSS_2025_Tabellen.xlsx")


def test_mss_workbook_classes_must_match_their_texts(tmp_path):
    path = _mss_workbook(tmp_path, lambda ws: ws.cell(7, 5, "sehr niedrig" if ws.cell(7, 4).value != 4 else "hoch"))
    with pytest.raises(FormatError, match="row 7: classes and texts disagree"):
        social_monitoring.parse_mss_file(path)


def test_mss_workbook_date_must_fit_the_edition(tmp_path):
    def edit(ws):
        ws["A3"] = ws["A3"].value.replace("(31.12.2022)", "(30.06.2022)")
    with pytest.raises(FormatError, match="title names MSS 2023 with data of 2022-06-30"):
        social_monitoring.parse_mss_file(_mss_workbook(tmp_path, edit))


def test_mss_workbook_without_index_table(tmp_path):
    path = _mss_workbook(tmp_path, lambda ws: ws.cell(4, 6, "Entwicklung"))
    with pytest.raises(FormatError, match="no sheet with the Status-/Dynamik-Index"):
        social_monitoring.parse_mss_file(path)


# =============================================================================== MSS, samples and WFS

@pytest.mark.slow  # 0.8 s on 2 cores
def test_mss_sample_bundle_editions(tmp_path):
    files = {}
    for edition in social_monitoring.MSS_DOWNLOADED:
        files[edition] = tmp_path / f"mss_{edition}.json"
        files[edition].write_bytes(demo_social.sample_mss(edition))
    df = social_monitoring.parse_mss(files)
    validate(catalog.get("mss"), df)
    indicators = df.groupby("edition")["indikator"].agg(set)
    assert "kinder_alleinerziehend" not in indicators[2021]
    assert "kinder_alleinerziehend" in indicators[2023] and "kinder_alleinerziehend" in indicators[2025]
    assert df.loc[df["edition"] == 2023, "quelle"].eq("indexind:s2").sum() == 542
    assert set(df.loc[df["edition"] == 2025, "zuordnung_geprueft"]) == {False}
    assert df.groupby("edition")["planungsraum_id"].nunique().tolist() == [542, 542, 542]


def test_mss_single_wfs_layer(tmp_path):
    """A GeoJSON layer as the WFS returns it (lower-case attributes, edition from ``zeit``)."""
    layer = json.loads(demo_social.sample_mss(2023))["layers"]["indexind"]
    path = tmp_path / "mss2023_indexind_542.geojson"
    path.write_text(json.dumps(layer), encoding="utf-8")
    df = social_monitoring.parse_mss_file(path)
    assert set(df["edition"]) == {2023} and set(df["date"]) == {pd.Timestamp("2022-12-31")}
    assert sorted(df["quelle"].unique()) == [f"indexind:{c}" for c in ("d1", "d2", "d3", "d4", "s1", "s2", "s3", "s4")]


@pytest.mark.slow  # 0.4 s on 2 cores
def test_mss_swapped_mapping_is_caught(tmp_path):
    """If an edition's s1-s4 moved, Kinderarmut would come out below Arbeitslosigkeit."""
    path = tmp_path / "mss_2025.json"
    path.write_bytes(demo_social.sample_mss(2025))
    df = social_monitoring.parse_mss({"x": path})
    swapped = df.replace({"indikator": {"kinderarmut": "arbeitslosigkeit", "arbeitslosigkeit": "kinderarmut"}})
    with pytest.raises(ValidationError, match="meaning of s1-s4 may have changed"):
        validate(catalog.get("mss"), swapped)


class WfsServer(Portal):
    """A GeoServer stand-in: GetFeature with COUNT/STARTINDEX paging; layers may be missing (404)."""

    def __init__(self, layers: dict[str, dict]) -> None:
        super().__init__()
        self.layers = layers
        self.set("/services/wfs/mss_2025", ("func", self.answer))

    def answer(self, q: dict, headers) -> tuple[int, bytes, dict]:
        layer = self.layers.get(q.get("TYPENAMES", ""))
        if layer is None:
            return 404, b'{"error": "no such layer"}', {"Content-Type": "application/json"}
        start, count = int(q["STARTINDEX"]), int(q["COUNT"])
        page = dict(layer, features=layer["features"][start:start + count], numberMatched=len(layer["features"]))
        return 200, json.dumps(page).encode(), {"Content-Type": "application/json"}

    @property
    def service(self) -> str:
        return self.url + "/services/wfs/mss_2025"


@pytest.mark.slow  # 0.4 s on 2 cores
def test_mss_fetcher_bundles_layers_and_tolerates_a_missing_one(data_dir, tmp_path):
    sample = json.loads(demo_social.sample_mss(2025))["layers"]
    names = social_monitoring.MSS_EDITIONS[2025].layers
    server = WfsServer({names["indexind"]: sample["indexind"], names["indizes"]: sample["indizes"]})
    try:
        res = replace(catalog.get("mss").resource("mss_2025.json"), url=server.service)
        dest = tmp_path / "mss_2025.json"
        social_monitoring.fetch_mss_edition(Http(), res, dest)
    finally:
        server.close()
    doc = json.loads(dest.read_bytes())
    assert sorted(doc["layers"]) == ["indexind", "indizes"] and "kontextind" in doc["missing"]
    df = social_monitoring.parse_mss({"x": dest})
    assert "jugendarbeitslosigkeit" not in set(df["indikator"]) and "statusindex" in set(df["indikator"])


def test_mss_fetcher_needs_the_index_layer(data_dir, tmp_path):
    server = WfsServer({})
    try:
        res = replace(catalog.get("mss").resource("mss_2025.json"), url=server.service)
        with pytest.raises(DownloadError, match="404"):
            social_monitoring.fetch_mss_edition(Http(), res, tmp_path / "mss_2025.json")
    finally:
        server.close()
    assert not (tmp_path / "mss_2025.json").exists()
