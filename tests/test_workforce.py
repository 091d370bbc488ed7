"""The Fachkräfte indicators on small hand-made tables (expected numbers worked out by hand),
and the notebook run headless against the demo data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lichtenberg_data import workforce as wf
from lichtenberg_data._errors import DataNotAvailableError
from lichtenberg_data._provenance import provenance

ROOT = Path(__file__).resolve().parents[1]


def _src(df: pd.DataFrame, name: str) -> pd.DataFrame:
    df.attrs["provenance"] = [{"dataset": name, "publisher": "Test", "reference_date": "2025-12-31"}]
    return df


# ---------------------------------------------------------------- population
#           id          einwohner  14-15 15-18 18-25 25-55 55-65
PLR = {
    2024: {"11100101": (1000, 10, 30, 70, 400, 150), "11100102": (2000, 20, 60, 140, 900, 200),
           "11200203": (500, 5, 15, 35, 200, 100), "01100101": (4000, 40, 120, 380, 2000, 500)},
    2025: {"11100101": (1100, 10, 33, 77, 440, 150), "11100102": (2000, 20, 60, 140, 900, 200),
           "11200203": (500, 5, 15, 35, 200, 100), "01100101": (4000, 40, 120, 380, 2000, 500)},
}


@pytest.fixture()
def einwohner() -> pd.DataFrame:
    rows = []
    for year, plrs in PLR.items():
        for pid, (ew, a14, a15, a18, a25, a55) in plrs.items():
            rows.append({"year": year, "date": pd.Timestamp(f"{year}-12-31"), "lor_version": "2021",
                         "planungsraum_id": pid, "bezirk_id": pid[:2], "bezirksregion_id": pid[:6],
                         "prognoseraum_id": pid[:4], "einwohner": ew, "alter_14_15": a14, "alter_15_18": a15,
                         "alter_18_25": a18, "alter_25_55": a25, "alter_55_65": a55})
    return _src(pd.DataFrame(rows), "einwohner_lor")


def _row(df: pd.DataFrame, **where) -> pd.Series:
    for col, val in where.items():
        df = df[df[col] == val]
    assert len(df) == 1, df
    return df.iloc[0]


def test_working_age_bezirk(einwohner):
    out = wf.working_age(einwohner, level="bezirk")
    lb24 = _row(out, gebiet_id="11", year=2024)
    assert lb24["gebiet"] == "Lichtenberg"
    assert lb24["einwohner"] == 3500 and lb24["einwohner_15_65"] == 2300  # 650 + 1300 + 350
    assert lb24["anteil_15_65"] == pytest.approx(65.7142857)               # 2300 / 3500
    lb25 = _row(out, gebiet_id="11", year=2025)
    assert lb25["einwohner_15_65"] == 2350                                   # 700 + 1300 + 350
    assert lb25["veraenderung_vorjahr"] == pytest.approx(2.1739130)         # 2350 / 2300 - 1
    assert lb25["index"] == pytest.approx(102.173913)
    berlin = _row(out, gebiet_id="00", year=2025)
    assert berlin["gebiet"] == "Berlin" and berlin["einwohner_15_65"] == 5350
    assert berlin["index"] == pytest.approx(100.943396)                     # 5350 / 5300
    assert _row(out, gebiet_id="01", year=2025)["index"] == pytest.approx(100)
    assert provenance(out)[0]["dataset"] == "einwohner_lor"


def test_working_age_bezirksregion_of_the_district(einwohner):
    out = wf.working_age(einwohner, level="bezirksregion", district="Lichtenberg")
    assert set(out["gebiet_id"]) == {"111001", "112002"}
    region = _row(out, gebiet_id="111001", year=2025)
    assert region["einwohner_15_65"] == 2000                                 # 700 + 1300
    assert region["veraenderung_vorjahr"] == pytest.approx(2.5641026)       # 2000 / 1950 - 1
    assert len(wf.working_age(einwohner, level="bezirksregion", district=None)) == 6


def test_replacement_ratio(einwohner):
    out = wf.replacement_ratio(einwohner, level="bezirk")
    lb = _row(out, gebiet_id="11", year=2024)
    assert lb["einwohner_55_65"] == 450 and lb["einwohner_15_25"] == 350
    assert lb["je_100_junge"] == pytest.approx(128.5714286)                 # 450 / 350
    assert _row(out, gebiet_id="11", year=2025)["je_100_junge"] == pytest.approx(125.0)  # 450 / 360
    assert _row(out, gebiet_id="00", year=2024)["je_100_junge"] == pytest.approx(111.7647059)  # 950 / 850
    assert _row(out, gebiet_id="01", year=2024)["je_100_junge"] == pytest.approx(100.0)
    plr = wf.replacement_ratio(einwohner, level="planungsraum")
    assert _row(plr, gebiet_id="11200203", year=2025)["je_100_junge"] == pytest.approx(200.0)  # 100 / 50


def test_youth_cohorts(einwohner):
    out = wf.youth_cohorts(einwohner, level="bezirk")
    lb = _row(out, gebiet_id="11", year=2025)
    assert lb["einwohner_14_18"] == 143                                       # 43 + 80 + 20
    assert lb["einwohner_15_18"] == 108 and lb["einwohner_18_25"] == 252
    assert lb["index_15_25"] == pytest.approx(102.8571429)                   # 360 / 350


def test_age_pyramid():
    rows = []
    for ot, bez in (("1101", "11"), ("1102", "11"), ("0101", "01")):
        for age, m, w in (("95 und älter", 1, 3), ("00_05", 10, 12), ("15_20", 20, 18)):
            rows.append({"date": pd.Timestamp("2020-12-31"), "bezirk_id": bez, "ortsteil_id": ot,
                         "geschlecht": "m", "altersgruppe": age, "einwohner": m})
            rows.append({"date": pd.Timestamp("2020-12-31"), "bezirk_id": bez, "ortsteil_id": ot,
                         "geschlecht": "w", "altersgruppe": age, "einwohner": w})
    out = wf.age_pyramid(_src(pd.DataFrame(rows), "einwohner_ortsteile"), district="11")
    lb = out[out["gebiet"] == "Lichtenberg"]
    assert lb["altersgruppe"].tolist() == ["00_05", "15_20", "95 und älter"]
    assert lb["alter"].tolist() == ["0–4", "15–19", "95+"]
    assert lb["maennlich"].tolist() == [20, 40, 2] and lb["weiblich"].tolist() == [24, 36, 6]
    assert out[out["gebiet"] == "Berlin"]["maennlich"].tolist() == [30, 60, 3]
    assert lb["erwerbsalter"].tolist() == [False, True, False]


# ---------------------------------------------------------------- unemployment (MSS)

@pytest.fixture()
def mss() -> pd.DataFrame:
    plrs = {  # id: (einwohner, gueltig, Arbeitslosigkeit, Jugendarbeitslosigkeit)
        "11100101": (1000, True, 4.0, 2.0), "11100102": (2000, True, 10.0, 5.0),
        "11200203": (500, True, 6.0, 3.0), "11200204": (100, False, np.nan, np.nan),
        "01100101": (4000, True, 8.0, 4.0),
    }
    rows = []
    for pid, (ew, ok, alq, jalq) in plrs.items():
        for ind, value in (("arbeitslosigkeit", alq), ("jugendarbeitslosigkeit", jalq), ("kinderarmut", 30.0)):
            rows.append({"edition": 2025, "date": pd.Timestamp("2024-12-31"), "lor_version": "2021",
                         "planungsraum_id": pid, "planungsraum": f"PLR {pid}", "bezirk_id": pid[:2],
                         "einwohner": float(ew), "gueltig": ok, "indikator": ind, "wert": value, "einheit": "%",
                         "quelle": "x", "zuordnung_geprueft": False})
    return _src(pd.DataFrame(rows), "mss")


def test_unemployment_weighted_by_residents(mss):
    out = wf.unemployment(mss, level="bezirk")
    alq = out[out["indikator"] == "arbeitslosigkeit"]
    assert _row(alq, gebiet_id="11")["wert"] == pytest.approx(7.7142857)   # (4*1000 + 10*2000 + 6*500) / 3500
    assert _row(alq, gebiet_id="11")["n_planungsraeume"] == 3              # the invalid one is left out
    assert _row(alq, gebiet_id="00")["wert"] == pytest.approx(7.8666667)   # (27000 + 8*4000) / 7500
    assert _row(alq, gebiet_id="01")["wert"] == pytest.approx(8.0)
    assert set(alq["gewichtung"]) == {"Einwohner insgesamt (MSS)"}
    jalq = out[out["indikator"] == "jugendarbeitslosigkeit"]
    assert _row(jalq, gebiet_id="11")["wert"] == pytest.approx(3.8571429)  # (2000 + 10000 + 1500) / 3500
    assert set(out["indikator"]) == {"arbeitslosigkeit", "jugendarbeitslosigkeit"}


def test_unemployment_weighted_by_age_group(mss, einwohner):
    out = wf.unemployment(mss, level="bezirk", einwohner=einwohner)
    alq = out[out["indikator"] == "arbeitslosigkeit"]
    # weights: residents 15-<65 on 31.12.2024: 650, 1300, 350, 3000
    assert _row(alq, gebiet_id="11")["wert"] == pytest.approx(7.6956522)   # (2600 + 13000 + 2100) / 2300
    assert _row(alq, gebiet_id="00")["wert"] == pytest.approx(7.8679245)   # (17700 + 24000) / 5300
    assert _row(alq, gebiet_id="11")["gewichtung"] == "Einwohner 15 bis unter 65 Jahre (31.12.2024)"
    jalq = out[out["indikator"] == "jugendarbeitslosigkeit"]
    assert _row(jalq, gebiet_id="11")["gewichtung"] == "Einwohner 15 bis unter 25 Jahre (31.12.2024)"
    assert {p["dataset"] for p in provenance(out)} == {"mss", "einwohner_lor"}


def test_unemployment_lower_levels(mss):
    regions = wf.unemployment(mss, level="bezirksregion", indicators=("arbeitslosigkeit",))
    assert set(regions["gebiet_id"]) == {"111001", "112002"}               # district only, by default
    assert _row(regions, gebiet_id="111001")["wert"] == pytest.approx(8.0)  # (4000 + 20000) / 3000
    assert _row(regions, gebiet_id="112002")["wert"] == pytest.approx(6.0)
    plr = wf.unemployment(mss, level="planungsraum", indicators=("arbeitslosigkeit",))
    assert len(plr) == 3 and _row(plr, gebiet_id="11100102")["gebiet"] == "PLR 11100102"
    everywhere = wf.unemployment(mss, level="planungsraum", district=None, indicators=("arbeitslosigkeit",))
    assert len(everywhere) == 4


def test_unemployment_of_an_edition_without_the_indicators(mss):
    """An edition with the indices only (as the MSS 2023 workbook) falls back to the latest one with values."""
    index_only = mss[mss["indikator"] == "kinderarmut"].assign(edition=2027, indikator="statusindex", wert=2.0,
                                                                 einheit="Klasse")
    both = _src(pd.concat([mss, index_only], ignore_index=True), "mss")
    assert set(wf.unemployment(both)["edition"]) == {2025}
    out = wf.unemployment(both, edition=2027)
    assert set(out["edition"]) == {2025}
    assert _row(out[out["indikator"] == "arbeitslosigkeit"], gebiet_id="11")["wert"] == pytest.approx(7.7142857)
    assert "MSS 2027 enthält keine Werte für arbeitslosigkeit, verwendet: MSS 2025" in out.attrs["hinweis"]
    assert "hinweis" not in wf.unemployment(both, edition=2025).attrs
    with pytest.raises(DataNotAvailableError, match="edition 2023 or before"):
        wf.unemployment(both, edition=2023)


@pytest.mark.realdata
def test_unemployment_with_the_real_2023_workbook(real_data):
    from lichtenberg_data.sources.social_monitoring import parse_mss_file

    folder = real_data / "employment"
    mss = pd.concat([parse_mss_file(folder / "mss_2021_index_indikatoren.csv"),
                     parse_mss_file(folder / "lor_monitoring_soziale-stadtentwicklung_2023.xlsx")], ignore_index=True)
    out = wf.unemployment(_src(mss, "mss"), level="bezirk", edition=2023, indicators=("arbeitslosigkeit",))
    assert set(out["edition"]) == {2021} and "verwendet: MSS 2021" in out.attrs["hinweis"]
    raw = pd.read_csv(folder / "mss_2021_index_indikatoren.csv", dtype={"BEZ_ID": str})
    raw = raw[(raw["BEZ_ID"] == "11") & (raw["KOM"] == "gültig")]
    expected = (raw["S1"] * raw["EW"]).sum() / raw["EW"].sum()                # independent, from the CSV
    assert _row(out, gebiet_id="11")["wert"] == pytest.approx(expected)
    assert _row(out, gebiet_id="11")["n_planungsraeume"] == 41


# ---------------------------------------------------------------- social status (MSS)

@pytest.fixture(scope="module")
def mss_2023_real(real_data) -> pd.DataFrame:
    from lichtenberg_data.sources.social_monitoring import parse_mss_file

    path = real_data / "employment" / "lor_monitoring_soziale-stadtentwicklung_2023.xlsx"
    return _src(parse_mss_file(path), "mss")


@pytest.mark.realdata
def test_social_status_of_lichtenberg(mss_2023_real, real_data):
    out = wf.social_status(mss_2023_real, district="Lichtenberg")
    assert len(out) == 41 and set(out["edition"]) == {2023} and out["gueltig"].all()
    rows = out.set_index("gebiet_id")
    # read from sheet 1.SDI_PLR_MSS2023
    assert rows.loc["11100203", ["gebiet", "status_klasse", "status", "dynamik", "gruppe"]].tolist() == [
        "Falkenberg Ost", 4, "sehr niedrig", "stabil", "4+/-"]
    assert rows.loc["11300617", ["status", "dynamik_klasse", "dynamik", "gruppe"]].tolist() == [
        "niedrig", 5, "negativ", "3-"]
    assert rows.loc["11501340", ["status_klasse", "gruppe", "einwohner"]].tolist() == [1, "1+/-", 11192]
    raw = pd.read_excel(real_data / "employment" / "lor_monitoring_soziale-stadtentwicklung_2023.xlsx",
                        header=None, dtype=str, engine="openpyxl")
    raw = raw[raw[0].astype(str).str.match(r"11\d{6}$")]
    assert out["gruppe"].value_counts().to_dict() == raw[7].value_counts().to_dict()
    assert out["dynamik"].value_counts().to_dict() == {"stabil": 34, "negativ": 5, "positiv": 2}
    assert provenance(out)[0]["dataset"] == "mss"


@pytest.mark.realdata
def test_social_status_of_berlin(mss_2023_real):
    out = wf.social_status(mss_2023_real, district=None)
    assert len(out) == 542 and int((~out["gueltig"]).sum()) == 6
    assert out["status"].value_counts().to_dict() == {"mittel": 350, "hoch": 86, "niedrig": 52, "sehr niedrig": 48}
    assert out.loc[~out["gueltig"], "gruppe"].isna().all()
    with pytest.raises(DataNotAvailableError, match="edition 2021 has no"):
        wf.social_status(mss_2023_real, edition=2021)


# ---------------------------------------------------------------- earnings

@pytest.fixture(scope="module")
def entgelte_real(real_data) -> pd.DataFrame:
    from lichtenberg_data.sources.earnings import parse_entgelte_file

    return _src(parse_entgelte_file(real_data / "employment" / "lor_Medianeinkommen_31-12-2023.xlsx"), "entgelte_lor")


@pytest.mark.realdata
def test_earnings_of_the_district(entgelte_real):
    out = wf.earnings(entgelte_real, district="Lichtenberg")
    assert out["ebene"].value_counts().to_dict() == {"planungsraum": 41, "bezirk": 1, "berlin": 1}
    lb = _row(out, ebene="bezirk")
    assert (lb["gebiet"], lb["median_eur"], lb["anteil_unterer_entgeltbereich"]) == ("Lichtenberg", 3613, 16.9)
    plr = out[out["ebene"] == "planungsraum"].set_index("gebiet_id")
    assert plr.loc["11100308", ["gebiet", "median_eur", "anteil_unterer_entgeltbereich"]].tolist() == [
        "Zingster Straße West", 2999, 29.1]                                  # the district's lowest median
    assert plr["median_eur"].idxmax() == "11501341" and plr["median_eur"].max() == 5154  # Karlshorst Süd
    assert not out["berechnet"].iloc[:-1].any()
    assert set(out["date"]) == {pd.Timestamp("2023-12-31")} and provenance(out)[0]["dataset"] == "entgelte_lor"


@pytest.mark.realdata
def test_earnings_of_the_bezirke_with_a_computed_berlin_row(entgelte_real, real_data):
    out = wf.earnings(entgelte_real, level="bezirk")
    assert len(out) == 13 and out["gebiet_id"].tolist() == [f"{i:02d}" for i in range(13)][1:] + ["00"]
    raw = pd.read_excel(real_data / "employment" / "lor_Medianeinkommen_31-12-2023.xlsx",
                        sheet_name="Medianeinkommen Bezirke", header=6, dtype={"Bezirksnummer": str}, engine="openpyxl")
    raw = raw[raw["Bezirksnummer"].astype(str).str.fullmatch(r"\d{2}")]
    berlin = _row(out, gebiet_id="00")
    assert berlin["svb_vollzeit"] == raw["SvB in Vollzeit"].sum() == 907_898
    assert berlin["svb_unterer_entgeltbereich"] == raw["SvB im unteren Entgeltbreich"].sum() == 134_141
    assert berlin["anteil_unterer_entgeltbereich"] == pytest.approx(14.7749)   # 134,141 / 907,898
    assert np.isnan(berlin["median_eur"]) and berlin["berechnet"]           # a median cannot be summed
    assert _row(out, gebiet_id="10")["median_eur"] == 3314                  # the lowest, Marzahn-Hellersdorf


def test_earnings_keeps_a_published_berlin_row():
    rows = [("bezirk", f"{i:02d}", 1000.0, 3500.0, 100.0) for i in range(1, 13)]
    rows += [("berlin", "00", 12_500.0, 3955.0, 1250.0), ("planungsraum", "11100101", 500.0, 3000.0, 100.0)]
    df = pd.DataFrame(rows, columns=["ebene", "gebiet_id", "svb_vollzeit", "median_eur", "svb_unterer_entgeltbereich"])
    df = df.assign(date=pd.Timestamp("2024-12-31"), gebiet="x", bezirk_id=df["gebiet_id"].str[:2], quintil=3.0,
                   anteil_unterer_entgeltbereich=df["svb_unterer_entgeltbereich"] / df["svb_vollzeit"] * 100,
                   median_eur_flag=None, anteil_unterer_entgeltbereich_flag=None)
    out = wf.earnings(_src(df, "entgelte_lor"), district="11")
    assert out["ebene"].tolist() == ["planungsraum", "bezirk", "berlin"]
    berlin = _row(out, ebene="berlin")
    assert berlin["median_eur"] == 3955 and berlin["svb_vollzeit"] == 12_500 and not berlin["berechnet"]
    assert _row(out, ebene="planungsraum")["anteil_unterer_entgeltbereich"] == pytest.approx(20.0)
    with pytest.raises(ValueError, match="level must be"):
        wf.earnings(df, level="bezirksregion")


# ---------------------------------------------------------------- employees

@pytest.fixture()
def beschaeftigte() -> pd.DataFrame:
    cols = ["date", "ort", "bezirk_id", "bezirk", "insgesamt", "maennlich", "weiblich", "alter_unter_25",
            "alter_25_55", "alter_55_65", "alter_65_plus", "flags"]
    rows = [
        ("2024-06-30", "arbeitsort", "11", "Lichtenberg", 1000, 520, 480, 100, 600, 250, 50, ""),
        ("2025-06-30", "arbeitsort", "11", "Lichtenberg", 1100, 550, 550, 99, 660, 286, 55, ""),
        ("2025-06-30", "arbeitsort", "01", "Mitte", 3000, 1800, 1200, 300, 2000, 600, 100, ""),
        ("2025-06-30", "arbeitsort", "00", "Berlin", 4100, 2350, 1750, 399, 2660, 886, 155, "insgesamt:p"),
        ("2025-06-30", "wohnort", "11", "Lichtenberg", 1500, 750, 750, 150, 900, 400, 50, ""),
    ]
    df = pd.DataFrame(rows, columns=cols)
    df["date"] = pd.to_datetime(df["date"])
    return _src(df, "beschaeftigte_bezirke")


def test_employees_shares_and_trend(beschaeftigte):
    out = wf.employees(beschaeftigte)
    assert set(out["ort"]) == {"arbeitsort"}
    first, last = _row(out, gebiet_id="11", jahr=2024), _row(out, gebiet_id="11", jahr=2025)
    assert first["anteil_frauen"] == pytest.approx(48.0) and first["anteil_55_plus"] == pytest.approx(30.0)
    assert last["anteil_frauen"] == pytest.approx(50.0) and last["anteil_unter_25"] == pytest.approx(9.0)
    assert last["anteil_55_plus"] == pytest.approx(31.0)                    # (286 + 55) / 1100
    assert last["index"] == pytest.approx(110.0) and last["veraenderung_vorjahr"] == pytest.approx(10.0)
    assert _row(wf.employees(beschaeftigte, "wohnort"), gebiet_id="11")["insgesamt"] == 1500


def test_women_in_leadership_is_labelled(beschaeftigte):
    out = wf.women_in_leadership(beschaeftigte)
    bezirke = out[out["bezirksspezifisch"]]
    assert set(bezirke["gebiet"]) == {"Lichtenberg", "Mitte"}
    assert _row(bezirke, gebiet="Lichtenberg")["wert"] == pytest.approx(50.0)  # 550 / 1100
    berlin = out[~out["bezirksspezifisch"]]
    assert set(berlin["ebene"]) == {"Berlin"} and len(berlin) == 3          # employees + 2 survey figures
    assert "Führungsebene" in " ".join(berlin["kennzahl"])
    assert "keine offenen Daten auf Bezirksebene" in out.attrs["hinweis"]
    assert {p["dataset"] for p in provenance(out)} == {"beschaeftigte_bezirke", "frauen_in_fuehrung_berlin"}


# ---------------------------------------------------------------- vacancies

@pytest.fixture()
def areas():
    from lichtenberg_data.demo.city import sample_areas

    return sample_areas("bezirk")


@pytest.fixture()
def stellen() -> pd.DataFrame:
    from lichtenberg_data.demo.city import sample_points

    lb, mitte = sample_points(5, seed=1, bezirk_id="11"), sample_points(2, seed=2, bezirk_id="01")
    rows = [(lon, lat, "IT", "10365") for lon, lat in zip(lb["longitude"], lb["latitude"])]
    rows += [(lon, lat, "IT", "10115") for lon, lat in zip(mitte["longitude"], mitte["latitude"])]
    rows += [(np.nan, np.nan, "Bau", "10365"),      # no point; 5 of 5 placed offers with 10365 are in Lichtenberg
             (np.nan, np.nan, "Bau", "10115"),      # no point; only 2 placed offers with 10115: not enough
             (np.nan, np.nan, "Bau", None),         # no point, no postcode
             (11.57, 48.14, "IT", "80331")]         # Munich: outside Berlin
    df = pd.DataFrame(rows, columns=["lon", "lat", "berufsfeld", "plz"])
    df.insert(0, "date", pd.Timestamp("2026-11-02"))
    df.insert(1, "angebot", "Arbeit")
    df["refnr"] = [f"r{i}" for i in range(len(df))]
    df["abfrage_vollstaendig"] = True
    return _src(df, "stellenangebote")


@pytest.fixture()
def arbeitslose() -> pd.DataFrame:
    df = pd.DataFrame({"date": pd.to_datetime(["2024-12-31"] * 3 + ["2025-12-31"] * 3),
                       "bezirk_id": ["11", "01", "00"] * 2, "arbeitslose": [400.0, 300, 5000, 200, 100, 1000]})
    return _src(df, "arbeitslose_bezirke")


def test_locate_offers(stellen, areas):
    out = wf.locate_offers(stellen, areas)
    assert out["bezirk_id"].fillna("-").tolist() == ["11"] * 5 + ["01", "01", "11", "-", "-", "-"]
    assert out["zuordnung"].tolist()[7:] == ["plz", "nicht zuordenbar", "nicht zuordenbar", "außerhalb Berlins"]
    assert (out["zuordnung"] == "koordinaten").sum() == 7


def test_postcode_districts_need_enough_unambiguous_offers():
    located = pd.DataFrame({"plz": ["12345"] * 9 + ["12345", "13051", "13051", "13051", "13051", "13051", "10115"],
                            "bezirk_id": ["08"] * 9 + ["09", "11", "11", "11", "11", "10", None]})
    table = wf.postcode_districts(located).set_index("plz")
    assert table.loc["12345"].tolist() == ["08", 10, pytest.approx(0.9), True]   # 9 of 10 in Neukölln
    assert table.loc["13051"].tolist() == ["11", 5, pytest.approx(0.8), False]   # 4 of 5: not unambiguous
    assert "10115" not in table.index                                           # never placed
    assert wf.PLZ_MIN_OFFERS == 5 and wf.PLZ_MIN_SHARE == 0.9


def test_vacancies_per_unemployed(stellen, arbeitslose, areas):
    out = wf.vacancies(stellen, arbeitslose, areas=areas)
    lb, mitte, berlin = (_row(out, gebiet_id=g) for g in ("11", "01", "00"))
    assert (lb["angebote"], mitte["angebote"], berlin["angebote"]) == (6, 2, 8)
    assert lb["arbeitslose_stand"] == pd.Timestamp("2025-12-31")            # latest before the snapshot
    assert lb["angebote_je_100_arbeitslose"] == pytest.approx(3.0)          # 6 / 200
    assert berlin["angebote_je_100_arbeitslose"] == pytest.approx(0.8)      # 8 / 1000
    assert _row(out, gebiet_id="05")["angebote"] == 0 and len(out) == 13
    assert set(out["nicht_zuordenbar"]) == {2}                               # no point, no usable postcode


def test_vacancies_by_field(stellen, areas):
    out = wf.vacancies_by_field(stellen, "Lichtenberg", areas=areas)
    it, bau = _row(out, berufsfeld="IT"), _row(out, berufsfeld="Bau")
    assert (it["bezirk"], it["berlin"], bau["bezirk"], bau["berlin"]) == (5, 7, 1, 1)
    assert it["anteil_bezirk"] == pytest.approx(83.3333333) and it["anteil_berlin"] == pytest.approx(87.5)
    assert it["anteil_am_berliner_angebot"] == pytest.approx(71.4285714)    # 5 / 7
    assert bau["anteil_am_berliner_angebot"] == pytest.approx(100.0)


def test_latest_pair_without_history():
    t = pd.DataFrame({"year": [2025], "v": [1.5]})
    assert wf.latest_pair(t, "v", "year") == (1.5, None, 2025)
    assert wf.latest_pair(t, "v", "year", year=1999) == (None, None, None)


# ---------------------------------------------------------------- the notebook, headless on demo data

@pytest.mark.slow
def test_notebook_runs_on_demo_data(tmp_path):
    nbclient = pytest.importorskip("nbclient")
    import nbformat

    cli = shutil.which("lichtenberg-data", path=str(Path(sys.executable).parent))
    if cli is None:
        pytest.skip("the lichtenberg-data command is not installed")
    env = {**os.environ, "LICHTENBERG_DATA_DIR": str(tmp_path / "data"), "MPLBACKEND": "Agg"}
    env.pop("LICHTENBERG_BRIEFING_DIR", None)
    mirror = tmp_path / "mirror"
    subprocess.run([cli, "demo-mirror", str(mirror)], check=True, env=env, capture_output=True)
    needed = ["einwohner_lor", "einwohner_ortsteile", "bezirke", "lor_planungsraeume", "lor_bezirksregionen",
              "mss", "beschaeftigte_bezirke", "arbeitslose_bezirke", "stellenangebote"]
    refresh = subprocess.run([cli, "refresh", *needed, "--mirror", str(mirror)], env=env, capture_output=True,
                             text=True)
    assert refresh.returncode == 0, refresh.stdout + refresh.stderr
    nb = nbformat.read(ROOT / "notebooks" / "workforce.ipynb", as_version=4)
    assert "parameters" in nb.cells[0].metadata.get("tags", [])
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")  # committed without outputs
    old = dict(os.environ)
    os.environ.update({"LICHTENBERG_DATA_DIR": env["LICHTENBERG_DATA_DIR"], "MPLBACKEND": "Agg"})
    try:
        client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                         resources={"metadata": {"path": str(ROOT / "notebooks")}})
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    text = "\n".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "Traceback" not in text
    images = sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    assert images >= 5
