"""The tourism indicators, on small tables with hand-computed results and on the sample reports."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from lichtenberg_data import catalog, source_note, tourism
from lichtenberg_data.demo.tourism import sample_bericht
from lichtenberg_data.sources import accommodation
from lichtenberg_data.sources.accommodation import report_name

PROV = [{"dataset": "beherbergung_bezirke", "publisher": "Amt für Statistik Berlin-Brandenburg",
         "reference_date": "2022-12-31", "license": "CC BY 3.0 DE"}]


def _beherbergung() -> pd.DataFrame:
    """2019 and 2021 as January-to-December tables, 2020 as twelve months, 2022 with three months."""
    rows = []
    for year, data in ((2019, {"00": (1000, 2500), "01": (600, 1500), "03": (300, 700), "11": (100, 300)}),
                       (2021, {"00": (400, 1000), "01": (200, 500), "03": (120, 260), "11": (80, 240)})):
        rows += [dict(jahr=year, monat=12, zeitraum="Januar bis Monat", bezirk_id=k, gaeste=g, uebernachtungen=u,
                      bettenauslastung=50.0) for k, (g, u) in data.items()]
    for month in range(1, 13):
        rows.append(dict(jahr=2020, monat=month, zeitraum="Monat", bezirk_id="11", gaeste=5, uebernachtungen=10 * month,
                         bettenauslastung=20.0))
        rows.append(dict(jahr=2020, monat=month, zeitraum="Monat", bezirk_id="00", gaeste=20, uebernachtungen=50,
                         bettenauslastung=30.0))
    for month in (1, 2, 3):
        rows.append(dict(jahr=2022, monat=month, zeitraum="Monat", bezirk_id="11", gaeste=5, uebernachtungen=30 * month,
                         bettenauslastung=40.0))
    df = pd.DataFrame(rows)
    df[["gaeste", "uebernachtungen"]] = df[["gaeste", "uebernachtungen"]].astype(float)
    df.attrs["provenance"] = PROV
    return df


def test_guests_share_rank_and_index():
    out = tourism.guests(_beherbergung()).set_index(["jahr", "gebiet_id"])
    lb19, lb21, lb20 = out.loc[(2019, "11")], out.loc[(2021, "11")], out.loc[(2020, "11")]
    assert lb19["anteil_uebernachtungen"] == 12.0 and lb21["anteil_uebernachtungen"] == 24.0  # 300/2500, 240/1000
    assert lb19["anteil_gaeste"] == 10.0 and lb19["aufenthaltsdauer"] == 3.0
    assert (lb19["rang_uebernachtungen"], lb21["rang_gaeste"], out.loc[(2021, "01"), "rang_gaeste"]) == (3, 3, 1)
    assert pd.isna(out.loc[(2019, "00"), "rang_gaeste"])  # Berlin has no rank
    assert lb21["index_uebernachtungen"] == 80.0 and out.loc[(2021, "00"), "index_uebernachtungen"] == 40.0
    # 2020 from twelve monthly tables: 10 + 20 + ... + 120 = 780 overnight stays, 60 guests
    assert (lb20["uebernachtungen"], lb20["gaeste"], lb20["grundlage"]) == (780.0, 60.0, "Summe der Monate")
    assert lb20["index_uebernachtungen"] == 260.0 and lb20["anteil_uebernachtungen"] == 130.0  # 780 / (12 × 50)
    assert 2022 not in out.index.get_level_values("jahr")  # three months make no year
    assert tourism.guests(_beherbergung(), "Lichtenberg")["gebiet"].unique().tolist() == ["Berlin", "Lichtenberg"]
    assert source_note(out).startswith("Quelle: Amt für Statistik Berlin-Brandenburg")


def test_seasonality_shares_of_the_year():
    out = tourism.seasonality(_beherbergung(), "11", year=2020)
    lb = out[out["gebiet_id"] == "11"].set_index("monat")
    assert lb.loc[1, "anteil_am_jahr"] == 1.28 and lb.loc[12, "anteil_am_jahr"] == 15.38  # 10/780, 120/780
    assert lb.loc[12, "index_monat"] == 184.6 and lb.loc[12, "monatsname"] == "Dezember"  # 120 / 65
    assert out[out["gebiet_id"] == "00"]["anteil_am_jahr"].eq(8.33).all()
    partial = tourism.seasonality(_beherbergung(), year=2022)
    assert partial["anteil_am_jahr"].isna().all() and partial["index_monat"].tolist() == [50.0, 100.0, 150.0]


def _listings() -> pd.DataFrame:
    now, before = pd.Timestamp("2025-09-20"), pd.Timestamp("2025-06-15")
    rows = [(now, "110101", "Entire home/apt", 200), (now, "110101", "Entire home/apt", 50),
            (now, "110101", "Entire home/apt", 0), (now, "110101", "Private room", 100),
            (now, "110102", "Hotel room", 365), (now, None, "Entire home/apt", 365),
            (now, "010101", "Entire home/apt", 300), (before, "110101", "Shared room", 10)]
    df = pd.DataFrame(rows, columns=["date", "bezirksregion_id", "room_type", "availability_365"])
    df["bezirksregion"] = df["bezirksregion_id"].map({"110101": "Nord", "110102": "Süd", "010101": "Mitte A"})
    df.attrs["provenance"] = [{"dataset": "kurzzeitvermietung", "publisher": "Inside Airbnb (Murray Cox)"}]
    return df


def test_capacity_beds_share_and_utilisation():
    """Beds at the end of the year's last reported month, utilisation from January (hand-computed)."""
    rows = []
    for key, beds in (("00", 1000.0), ("01", 600.0), ("03", 300.0), ("11", 100.0)):
        rows += [dict(jahr=2023, monat=12, zeitraum="Monat", bezirk_id=key, betriebe=beds / 50, betten=beds,
                      bettenauslastung=40.0),
                 dict(jahr=2023, monat=12, zeitraum="Januar bis Monat", bezirk_id=key, betriebe=None, betten=None,
                      bettenauslastung={"00": 55.0, "01": 60.0, "03": 50.0, "11": 45.5}[key]),
                 dict(jahr=2024, monat=5, zeitraum="Monat", bezirk_id=key, betriebe=beds / 40, betten=beds * 2,
                      bettenauslastung=30.0),
                 dict(jahr=2024, monat=6, zeitraum="Monat", bezirk_id=key, betriebe=None, betten=None,
                      bettenauslastung=None)]  # a guest table of June without the capacity table
    df = pd.DataFrame(rows)
    df.attrs["provenance"] = PROV
    out = tourism.capacity(df).set_index(["jahr", "gebiet_id"])
    lb23, lb24 = out.loc[(2023, "11")], out.loc[(2024, "11")]
    assert (lb23["betten"], lb23["betriebe"], lb23["betten_je_betrieb"]) == (100.0, 2.0, 50.0)
    assert lb23["anteil_betten"] == 10.0 and lb23["rang_betten"] == 3 and lb23["bettenauslastung"] == 45.5
    assert lb23["zeitraum"] == "Januar bis Dezember" and pd.isna(out.loc[(2023, "00"), "rang_betten"])
    # 2024: beds of May (the last month with the capacity table), no cumulative utilisation reported
    assert (lb24["monat"], lb24["betten"], lb24["zeitraum"]) == (5, 200.0, "Januar bis Mai")
    assert pd.isna(lb24["bettenauslastung"]) and lb24["anteil_betten"] == 10.0
    assert tourism.capacity(df, "Lichtenberg")["gebiet"].unique().tolist() == ["Berlin", "Lichtenberg"]


def test_listings_by_area_with_residents():
    einwohner = pd.DataFrame({
        "year": [2024] * 5 + [2023], "lor_version": "2021",
        "planungsraum_id": ["11010101", "11010102", "11010203", "11010304", "01010101", "11010101"],
        "einwohner": [1000, 500, 2000, 800, 3000, 99999]})
    einwohner.attrs["provenance"] = [{"dataset": "einwohner_lor", "publisher": "Amt für Statistik Berlin-Brandenburg"}]
    out = tourism.listings_by_area(_listings(), "bezirksregion", "Lichtenberg", einwohner=einwohner).set_index("gebiet_id")
    assert out.loc["110103", ["zimmer", "hotelzimmer", "wohnungen_ueber_90_tage"]].tolist() == [0, 0, 0]
    assert pd.isna(out.loc["110103", "verfuegbare_tage"])  # no listing, no mean
    nord = out.loc["110101"]
    assert (nord["angebote"], nord["ganze_wohnungen"], nord["zimmer"], nord["hotelzimmer"]) == (4, 3, 1, 0)
    assert (nord["anteil_ganze_wohnungen"], nord["verfuegbare_tage"], nord["wohnungen_ueber_90_tage"]) == (75.0, 87.5, 1)
    assert (nord["einwohner"], nord["angebote_je_1000_ew"], nord["ganze_wohnungen_je_1000_ew"]) == (1500, 2.67, 2.0)
    assert out.loc["110102", "angebote_je_1000_ew"] == 0.5 and out.loc["110102", "anteil_ganze_wohnungen"] == 0.0
    assert out.loc["110103", "angebote"] == 0 and out.loc["110103", "angebote_je_1000_ew"] == 0.0  # no listings
    assert list(out.index) == ["110101", "110102", "110103"] and out.loc["110101", "gebiet"] == "Nord"
    assert {p["dataset"] for p in out.attrs["provenance"]} == {"kurzzeitvermietung", "einwohner_lor"}
    older = tourism.listings_by_area(_listings(), district=None, date="2025-06-15")
    assert older[["gebiet_id", "angebote", "zimmer"]].values.tolist() == [["110101", 1, 1]]
    everywhere = tourism.listings_by_area(_listings(), district=None)
    assert everywhere["gebiet_id"].tolist() == ["010101", "110101", "110102"]


def test_listings_per_bezirk_with_a_berlin_row():
    einwohner = pd.DataFrame({"year": 2024, "planungsraum_id": ["11010101", "01010101"], "einwohner": [4000, 6000]})
    out = tourism.listings_by_area(_listings(), "bezirk", einwohner=einwohner).set_index("gebiet")
    assert out.index.tolist() == ["Berlin", "Mitte", "Lichtenberg"]  # by key: 00, 01, 11
    # Berlin: the 6 listings of 20.09.2025 with a place (one has none), 4 of them entire homes
    assert (out.loc["Berlin", "angebote"], out.loc["Berlin", "ganze_wohnungen"], out.loc["Berlin", "einwohner"]) == (6, 4, 10000)
    assert out.loc["Berlin", "angebote_je_1000_ew"] == 0.6 and out.loc["Lichtenberg", "angebote_je_1000_ew"] == 1.25
    assert out.loc["Berlin", "verfuegbare_tage"] == round((200 + 50 + 0 + 100 + 365 + 300) / 6, 1)


def test_attractions_table():
    gdf = tourism.attractions()
    assert gdf.crs.to_epsg() == 25833 and len(gdf) == 20
    tierpark = gdf[gdf["attraktion"] == "tierpark"].set_index("jahr")["besuche"]
    assert tierpark[2013] == 1_035_899 and tierpark[1969] == 1_969_685 and pd.isna(tierpark[2019])
    assert gdf.loc[gdf["attraktion"] == "gedenkstaette_hsh", "besuche"].max() == 460_000
    assert gdf.loc[gdf["besuche"].notna(), "quelle_url"].str.startswith("http").all()
    assert gdf.loc[gdf["attraktion"] == "landschaftspark_herzberge", "besuche"].isna().all()
    assert gdf.loc[gdf["lon"].isna(), "geometry"].isna().all() and gdf.loc[gdf["lon"].notna(), "geometry"].notna().all()
    entry = gdf.attrs["provenance"][0]
    assert entry["license"] == "Zusammenstellung lichtenberg_data aus den genannten Quellen"
    assert "tagesspiegel.de" in entry["publisher"] and entry["reference_date"] == "2022-12-31"
    assert "naturstadt.berlin" not in entry["publisher"]  # the page that gives no visitor number
    named = gdf.dropna(subset=["einrichtung_besucherstatistik"]).drop_duplicates("attraktion")
    assert named["attraktion"].tolist() == ["gedenkstaette_hsh", "theater_parkaue", "das_weite_theater"]


@pytest.mark.realdata
def test_attractions_lie_in_lichtenberg(real_data):
    ds = catalog.get("bezirke")
    path = real_data / "geometries" / "alkis_bezirke_bezirksgrenzen.gml"
    lichtenberg = ds.parser({path.name: path}).set_index("bezirk_id").loc["11", "geometry"]
    points = tourism.attractions().dropna(subset=["lon"]).drop_duplicates("attraktion")
    assert len(points) == 5 and points.geometry.within(lichtenberg).all()


def test_spending_estimate_is_labelled():
    stays = tourism.guests(_beherbergung(), "11")
    est = tourism.spending_estimate(stays)
    lb19 = est[(est["jahr"] == 2019) & (est["gebiet_id"] == "11")].iloc[0]
    assert lb19["ausgaben_eur"] == pytest.approx(300 * 205.80) and lb19["art"] == "Schätzung"
    assert tourism.spending_estimate(2_000_000)["ausgaben_mio_eur"].iloc[0] == 411.6  # 2 Mio × 205,80 EUR
    info = est.attrs["schaetzung"]
    assert info["tagesausgaben_eur"] == 205.80 and "205,80 EUR" in info["annahmen"][0] and len(info["annahmen"]) == 5
    assert "dwif" in source_note(est) and "Amt für Statistik" in source_note(est)
    assert tourism.spending_estimate(1_436_327)["ausgaben_eur"].iloc[0] == pytest.approx(295_596_096.6)
    with pytest.raises(ValueError, match="uebernachtungen"):
        tourism.spending_estimate(pd.DataFrame({"x": [1]}))


def test_guests_on_the_sample_reports(tmp_path):
    """Index 2020 (2019 = 100) from the parsed reports equals the one from their cells."""
    files = {}
    for year in (2019, 2020):
        path = tmp_path / report_name(year, 12)
        path.write_bytes(sample_bericht(year, 12))
        files[path.name] = path
    out = tourism.guests(accommodation.parse_beherbergung(files), "11").set_index(["jahr", "gebiet_id"])

    def stays(year):
        ws = load_workbook(files[report_name(year, 12)])["T6"]  # January to December
        return next(r[3] for r in ws.iter_rows(values_only=True) if r[0] == "Lichtenberg")

    assert out.loc[(2020, "11"), "index_uebernachtungen"] == round(stays(2020) / stays(2019) * 100, 1)
    assert out.loc[(2020, "11"), "index_uebernachtungen"] < 50 < out.loc[(2019, "11"), "index_uebernachtungen"]


# ----------------------------------------------------------------------------- listings over time
def _scrapes() -> pd.DataFrame:
    """Three scrapes: 2019 (Stand from the newest review), 2022 and 2024 (from the file name)."""
    rows = [("2019-03-08", "11", "Entire home/apt"), ("2019-03-08", "11", "Private room"), ("2019-03-08", "11", "Private room"),
            ("2019-03-08", "01", "Entire home/apt"),
            ("2022-09-21", "11", "Entire home/apt"), ("2022-09-21", "11", "Hotel room"), ("2022-09-21", "01", "Shared room"),
            ("2024-06-22", "11", "Entire home/apt"), ("2024-06-22", "11", "Entire home/apt"), ("2024-06-22", None, "Private room")]
    df = pd.DataFrame(rows, columns=["date", "bezirk_id", "room_type"])
    df["date"] = pd.to_datetime(df["date"])
    df["availability_365"] = 100
    df["stand_art"] = df["date"].map(lambda d: "Stand: jüngste Bewertung in der Datei; das Abrufdatum nennt die Datei "
                                               "nicht" if d.year == 2019 else "Stand: Abrufdatum laut Dateiname")
    df.attrs["provenance"] = [{"dataset": "kurzzeitvermietung", "publisher": "Inside Airbnb (Murray Cox)"}]
    return df


def _register() -> pd.DataFrame:
    """Residents on 31.12.2018/2019/2020 in the old LOR and on 31.12.2025 in the LOR 2021."""
    rows = []
    for year, version, lichtenberg, mitte in ((2018, "2006", 2000, 8000), (2019, "2006", 2500, 7500),
                                              (2020, "2006", 3000, 7000), (2025, "2021", 4000, 6000)):
        rows += [dict(date=pd.Timestamp(f"{year}-12-31"), lor_version=version, planungsraum_id=f"1101010{i}",
                      bezirk_id="11", einwohner=lichtenberg / 2) for i in (1, 2)]
        rows.append(dict(date=pd.Timestamp(f"{year}-12-31"), lor_version=version, planungsraum_id="01010101",
                         bezirk_id="01", einwohner=mitte))
    df = pd.DataFrame(rows)
    df.attrs["provenance"] = [{"dataset": "einwohner_lor", "publisher": "Amt für Statistik Berlin-Brandenburg"}]
    return df


def test_listings_over_time_per_bezirk_with_the_residents_of_the_nearest_year():
    out = tourism.listings_over_time(_scrapes(), "bezirk", einwohner=_register())
    lb = out[out["gebiet"] == "Lichtenberg"].set_index("date")
    assert lb["angebote"].tolist() == [3, 2, 2] and lb["ganze_wohnungen"].tolist() == [1, 1, 2]
    assert lb["zimmer"].tolist() == [2, 0, 0] and lb["hotelzimmer"].tolist() == [0, 1, 0]
    # 2019 → 31.12.2019; 2022 → 31.12.2020 (2 years away, 2025 is 3); 2024 → 31.12.2025
    assert lb["einwohner_stand"].dt.year.tolist() == [2019, 2020, 2025]
    assert lb["einwohner"].tolist() == [2500, 3000, 4000]
    assert lb["angebote_je_1000_ew"].tolist() == [1.2, 0.67, 0.5]
    berlin = out[out["gebiet"] == "Berlin"].set_index("date")
    assert berlin["angebote"].tolist() == [4, 3, 2]  # the listing of 2024 without a place is left out
    assert berlin["einwohner"].tolist() == [10000, 10000, 10000]
    assert lb["stand_art"].tolist()[0].startswith("Stand: jüngste Bewertung")
    assert tourism.residents_note(out) == (
        "Einwohner/innen am 31.12.2019 (Abruf 08.03.2019), 31.12.2020 (Abruf 21.09.2022), 31.12.2025 "
        "(Abruf 22.06.2024); je das dem Abruf nächste verfügbare Jahr")
    assert tourism.scrapes_note(out) == (
        "Abrufe vom 08.03.2019, 21.09.2022 und 22.06.2024 (08.03.2019: Stand: jüngste Bewertung in der Datei; das "
        "Abrufdatum nennt die Datei nicht; 21.09.2022: Stand: Abrufdatum laut Dateiname; 22.06.2024: Stand: "
        "Abrufdatum laut Dateiname)")
    assert {p["dataset"] for p in out.attrs["provenance"]} == {"kurzzeitvermietung", "einwohner_lor"}


def test_listings_over_time_below_the_bezirk_uses_the_lor_2021_only():
    scrapes = _scrapes().assign(bezirksregion_id=lambda d: d["bezirk_id"].map({"11": "110101", "01": "010101"}))
    out = tourism.listings_over_time(scrapes, "bezirksregion", "Lichtenberg", einwohner=_register())
    assert out["einwohner_stand"].dt.year.unique().tolist() == [2025]  # the only LOR 2021 year
    assert out.groupby("date")["angebote"].sum().tolist() == [3, 2, 2]
    assert out.set_index("date")["angebote_je_1000_ew"].tolist() == [0.75, 0.5, 0.5]


def test_room_mix_of_one_area():
    mix = tourism.room_mix(tourism.listings_over_time(_scrapes(), "bezirk"), "Lichtenberg")
    assert mix[["angebote", "ganze_wohnungen", "zimmer", "hotelzimmer"]].values.tolist() == [[3, 1, 2, 0], [2, 1, 0, 1],
                                                                                             [2, 2, 0, 0]]
    assert mix["anteil_ganze_wohnungen"].tolist() == [33.3, 50.0, 100.0]
    with pytest.raises(ValueError, match="'Pankow' is no gebiet of the table"):
        tourism.room_mix(tourism.listings_over_time(_scrapes(), "bezirk"), "Pankow")
