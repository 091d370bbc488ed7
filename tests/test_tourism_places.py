"""Accommodation in OSM, attractions with their visitor numbers and what lies around them:
hand-computed tables, the real visitor statistics and the real Inside Airbnb excerpt."""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import lichtenberg_data as ld
from lichtenberg_data import catalog, charts, source_note, tourism
from lichtenberg_data._errors import DataNotAvailableError
from lichtenberg_data.demo import SNAPSHOT, sample_bytes

EXCERPT = Path(__file__).parent / "fixtures" / "insideairbnb_berlin_listings_2022-12_excerpt.csv"
OSM = [{"dataset": "osm_pois", "publisher": "© OpenStreetMap-Mitwirkende", "license": "ODbL 1.0"}]


def _pois() -> pd.DataFrame:
    rows = [("hotel", None, "11300722"), ("hotel", None, "11300722"), ("hostel", None, "11300723"),
            ("guest_house", None, "11401034"), ("apartment", None, "11401034"), ("camp_site", None, "11401034"),
            ("museum", None, "11300722"), (None, "restaurant", "11300722"), ("hotel", None, "01100101"),
            ("hotel", None, None)]
    df = pd.DataFrame(rows, columns=["tourism", "amenity", "planungsraum_id"])
    df["osm_stand"] = pd.Timestamp("2025-11-02")
    df.attrs["provenance"] = OSM
    return df


def test_accommodation_per_area_and_per_resident():
    einwohner = pd.DataFrame({"year": 2025, "lor_version": "2021", "einwohner": [2000, 1000, 4000, 500, 10_000],
                              "planungsraum_id": ["11300722", "11300723", "11401034", "11501339", "01100101"]})
    out = tourism.accommodation(_pois(), "bezirksregion", "Lichtenberg", einwohner=einwohner).set_index("gebiet_id")
    assert out.index.tolist() == ["113007", "114010", "115013"]
    assert out.loc["113007", ["unterkuenfte", "hotels", "hostels", "pensionen", "sonstige"]].tolist() == [3, 2, 1, 0, 0]
    assert out.loc["114010", ["unterkuenfte", "pensionen", "ferienwohnungen", "sonstige"]].tolist() == [3, 1, 1, 1]
    assert out.loc["113007", "unterkuenfte_je_1000_ew"] == 1.0  # 3 / 3,000 residents × 1,000
    assert out.loc["114010", "unterkuenfte_je_1000_ew"] == 0.75 and out.loc["115013", "unterkuenfte"] == 0
    assert out["date"].iloc[0] == pd.Timestamp("2025-11-02") and "OpenStreetMap" in source_note(out)
    bezirke = tourism.accommodation(_pois(), "bezirk", einwohner=einwohner).set_index("gebiet")
    # Berlin counts the 8 placed accommodations (the object without a Planungsraum is left out)
    assert bezirke.loc[["Berlin", "Mitte", "Lichtenberg"], "unterkuenfte"].tolist() == [7, 1, 6]
    assert bezirke.loc["Berlin", "unterkuenfte_je_1000_ew"] == round(7 / 17_500 * 1000, 2)


def test_accommodation_needs_the_tourism_group():
    malls = pd.DataFrame({"tourism": [None], "amenity": [None], "planungsraum_id": ["11300722"]})
    with pytest.raises(DataNotAvailableError, match="no accommodation") as err:
        tourism.accommodation(malls)
    assert err.value.dataset == "osm_pois"


def test_around_counts_within_the_radius():
    place = gpd.GeoDataFrame({"name": ["A", "B"]}, geometry=[shapely.Point(0, 0), shapely.Point(5000, 0)],
                             crs="EPSG:25833")
    pts = gpd.GeoDataFrame({"art": ["x", "x", "y", "y", "x"]},
                           geometry=[shapely.Point(600, 800), shapely.Point(600, 801), shapely.Point(-1000, 0),
                                     shapely.Point(4000, 0.5), shapely.Point(5000, 0)], crs="EPSG:25833")
    out = tourism.around(place, pts, 1000, by="art")
    # (600, 800) is exactly 1,000 m away and counts; (600, 801) does not
    assert out.loc[0].tolist() == [1, 1] and out.loc[1].tolist() == [1, 0]
    assert tourism.around(place, pts, 1000)["anzahl"].tolist() == [2, 1]
    assert tourism.around(place, pts.iloc[:0], 1000)["anzahl"].tolist() == [0, 0]


def test_around_attractions_counts_gastronomy_and_accommodation():
    places = gpd.GeoDataFrame({"attraktion": ["t"], "name": ["Tierpark"]}, geometry=[shapely.Point(400385, 5817695)],
                              crs="EPSG:25833")
    near = gpd.points_from_xy([400385 + 300, 400385 - 900, 400385, 400385 + 1200], [5817695] * 4, crs="EPSG:25833")
    pois = gpd.GeoDataFrame({"amenity": ["restaurant", "cafe", "restaurant", "cafe"],
                             "tourism": [None, None, "hotel", None]}, geometry=near)
    pois.attrs["provenance"] = OSM
    out = tourism.around_attractions(pois, places=places)
    # the hotel with a restaurant counts as accommodation; the café 1.2 km away is outside
    assert out[["name", "radius_m", "gastronomie", "unterkunft"]].values.tolist() == [["Tierpark", 1000, 2, 1]]
    with pytest.raises(DataNotAvailableError, match="no gastronomy or accommodation"):
        tourism.around_attractions(pois.assign(amenity="bank", tourism=None), places=places)


def test_accommodation_found_only_incidentally_is_no_accommodation():
    """Restaurants that also carry tourism=hotel (six in the real gastronomy answers) are no survey
    of hotels: no count, and the box says so in German."""
    pois = _pois().assign(datei_gruppe="gastronomie")
    with pytest.raises(DataNotAvailableError, match="came incidentally with files of other groups") as err:
        tourism.accommodation(pois)
    assert err.value.lacks.startswith("keine Unterkünfte: die geladenen OpenStreetMap-Auszüge erfassen keine Hotels")
    assert "nur 8 Einträge anderer Auszüge" in err.value.lacks  # the eight accommodation rows of _pois()
    asked = pois.assign(datei_gruppe=["tourismus_kultur"] + ["gastronomie"] * 9)  # one file of hotels
    assert tourism.accommodation(asked, "bezirk").set_index("gebiet").loc["Berlin", "unterkuenfte"] == 7


def test_kinds_not_loaded_are_empty_not_zero():
    places = gpd.GeoDataFrame({"attraktion": ["t"], "name": ["Tierpark Berlin"]},
                              geometry=[shapely.Point(400385, 5817695)], crs="EPSG:25833")
    pois = gpd.GeoDataFrame({"amenity": ["restaurant", "bar", "restaurant"], "tourism": [None, None, "hotel"],
                             "datei_gruppe": "gastronomie"},
                            geometry=gpd.points_from_xy([400385, 400585, 400385], [5817695] * 3), crs="EPSG:25833")
    pois.attrs["provenance"] = OSM
    out = tourism.around_attractions(pois, places=places, kinds=("gastronomie", "unterkunft", "museum"))
    assert out.loc[0, "gastronomie"] == 2 and out["unterkunft"].isna().all() and out["museum"].isna().all()
    assert out.attrs["fehlt"] == ["unterkunft", "museum"]
    assert tourism.coverage_note(pois, kinds=("gastronomie", "unterkunft", "museum")) == (
        "Restaurants und Bars in OpenStreetMap im Umkreis von 1.000 m; ohne Unterkünfte: die geladenen "
        "OpenStreetMap-Auszüge erfassen keine Hotels, Hostels oder Pensionen; ohne Museen: die geladenen "
        "OpenStreetMap-Auszüge erfassen keine Museen")


# ----------------------------------------------------------------------------- real OSM answers
REAL_OSM = ("restaurants", "bars", "museums")


@pytest.fixture()
def real_pois(data_dir, real_data):
    """The real restaurants, bars and museums of 20.08.2025 imported as a user would."""
    ld.import_file("bezirke", SNAPSHOT / "bezirke" / "alkis_bezirke_bezirksgrenzen.gml")
    ld.import_file("lor_planungsraeume", SNAPSHOT / "lor_planungsraeume" / "kieze.geojson")
    names = [f"berlin-points-of-interest-{k}-2025-08-details.json" for k in REAL_OSM]
    paths = [real_data / "tourism" / "osm" / n if (real_data / "tourism" / "osm" / n).exists()
             else real_data / "tourism" / n for n in names]
    ld.import_file("osm_pois", paths)
    return paths


@pytest.mark.slow  # 0.6 s on 2 cores
def test_gastronomy_around_the_attractions_on_the_real_answers(real_pois):
    import json

    from pyproj import Transformer

    pois = ld.load("osm_pois")
    out = tourism.around_attractions(pois, kinds=("gastronomie", "unterkunft", "museum")).set_index("attraktion")
    assert out["gastronomie"].to_dict() == {"tierpark": 4, "gedenkstaette_hsh": 9, "stasimuseum": 28,
                                            "theater_parkaue": 58, "das_weite_theater": 59}
    assert out["museum"].to_dict() == {"tierpark": 1, "gedenkstaette_hsh": 0, "stasimuseum": 1,
                                       "theater_parkaue": 2, "das_weite_theater": 2}
    assert out["unterkunft"].isna().all() and out.attrs["fehlt"] == ["unterkunft"]
    # counted again from the raw answers, with pyproj and shapely alone
    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True)
    elements = [e for path in real_pois[:2] for e in json.loads(path.read_text(encoding="utf-8"))["elements"]]
    xy = [to_utm.transform(e["lon"], e["lat"]) for e in elements if "tourism" not in e["tags"]]
    places = tourism.attraction_places().set_index("attraktion")
    for key in ("tierpark", "gedenkstaette_hsh", "stasimuseum"):
        centre = places.loc[key, "geometry"]
        assert sum(shapely.Point(x, y).distance(centre) <= 1000 for x, y in xy) == out.loc[key, "gastronomie"]
    assert tourism.coverage_note(pois) == ("Restaurants und Bars in OpenStreetMap im Umkreis von 1.000 m; ohne "
                                           "Unterkünfte: die geladenen OpenStreetMap-Auszüge erfassen keine Hotels, "
                                           "Hostels oder Pensionen")
    near = tourism.nearby(pois)
    assert near["art"].value_counts().to_dict() == {"gastronomie": 86, "museum": 3}
    assert sorted(near.loc[near["art"] == "museum", "name"]) == [
        "Museum Lichtenberg im Stadthaus", "Museum Schloß Friedrichsfelde", "Stasimuseum"]
    assert "© OpenStreetMap-Mitwirkende" in source_note(near) and "Stand 20.08.2025" in source_note(near)
    # the six restaurants tagged as hotels or guest houses are no survey of accommodation: a box, not a map
    with pytest.raises(DataNotAvailableError) as err:
        tourism.accommodation(pois)
    assert err.value.dataset == "osm_pois" and "nur 6 Einträge anderer Auszüge" in err.value.lacks


@pytest.mark.slow
def test_around_attractions_on_the_sample_overpass_answers(data_dir):
    """The sample answers of the groups, imported as OSM data, counted around the real attractions."""
    ld.import_file("bezirke", SNAPSHOT / "bezirke" / "alkis_bezirke_bezirksgrenzen.gml")
    ld.import_file("lor_planungsraeume", SNAPSHOT / "lor_planungsraeume" / "kieze.geojson")
    for group in ("gastronomie", "tourismus_kultur"):
        path = data_dir.parent / f"osm_{group}.json"
        path.write_bytes(sample_bytes("osm_pois", path.name))
        ld.import_file("osm_pois", path)
    pois = ld.load("osm_pois")
    out = tourism.around_attractions(pois).set_index("attraktion")
    attractions = tourism.attractions().dropna(subset=["lon"]).drop_duplicates("attraktion").set_index("attraktion")
    kind = pois["amenity"].isin(["restaurant", "cafe", "fast_food", "bar", "pub", "ice_cream"])
    for key in ("tierpark", "stasimuseum"):  # counted again with geopandas' own distance
        dist = pois.geometry.distance(attractions.loc[key, "geometry"])
        assert out.loc[key, "gastronomie"] == int((kind & ~pois["tourism"].isin(list(tourism.ACCOMMODATION))
                                                   & (dist <= 1000)).sum())
        assert out.loc[key, "unterkunft"] == int((pois["tourism"].isin(list(tourism.ACCOMMODATION)) & (dist <= 1000)).sum())
    assert out["gastronomie"].sum() > 0 and ld.is_sample(out)


# ----------------------------------------------------------------------------- visitor numbers
def _table() -> pd.DataFrame:
    tab = pd.DataFrame({"attraktion": ["a", "a", "b", "c"], "name": ["Alpha (Haus)", "Alpha (Haus)", "Beta", "Gamma"],
                        "ortsteil": "X", "jahr": pd.array([2011, 2015, None, 2020], dtype="Int64"),
                        "besuche": pd.array([340, 400, 90, None], dtype="Int64"), "angabe": ["circa", "circa", "circa", None],
                        "quelle_url": ["https://www.x.de/1", "https://x.de/2", "https://y.de", None],
                        "einrichtung_besucherstatistik": ["A e.V.", "A e.V.", None, None], "lon": [13.5, 13.5, 13.4, None]})
    tab["lat"] = 52.5
    gdf = gpd.GeoDataFrame(tab, geometry=gpd.points_from_xy(tab["lon"], tab["lat"], crs="EPSG:4326")).to_crs("EPSG:25833")
    gdf.attrs["provenance"] = [{"dataset": "attraktionen", "publisher": "x.de, y.de"}]
    return gdf


def test_visits_prefer_the_official_statistics():
    stats = pd.DataFrame({"jahr": [2011, 2012, 2011], "einrichtung": ["A e.V.", "A e.V.", "Andere"],
                          "merkmal": "besuche_insgesamt", "wert": [331.4, 350.0, 5.0]})
    stats.attrs["provenance"] = [{"dataset": "besucherstatistik", "publisher": "Senatsverwaltung für Kultur Berlin"}]
    out = tourism.visits(stats, table=_table())
    assert out[["attraktion", "jahr", "besuche", "quelle", "andere_angabe"]].astype(object).where(out.notna(), None) \
        .values.tolist() == [["a", 2011, 331, "Besucherstatistik der Senatsverwaltung für Kultur", 340],
                             ["a", 2012, 350, "Besucherstatistik der Senatsverwaltung für Kultur", None],
                             ["a", 2015, 400, "x.de", None], ["b", None, 90, "y.de", None]]
    assert {p["dataset"] for p in out.attrs["provenance"]} == {"attraktionen", "besucherstatistik"}
    points = tourism.attraction_points(out, table=_table()).set_index("attraktion")
    # the latest dated number; an undated one where there is none; short names
    assert points.loc["a", "label"] == "Alpha\nca. 400 (2015)" and points.loc["b", "label"] == "Beta\nca. 90 (ohne Jahr)"
    assert "c" not in points.index and points.crs.to_epsg() == 25833


def test_attractions_of_another_district_are_none():
    """The curated table lists Lichtenberg's attractions: another district's briefing gets none."""
    stats = pd.DataFrame({"jahr": [2011], "einrichtung": ["x"], "merkmal": "besuche_insgesamt", "wert": [1.0]})
    assert tourism.attraction_points(tourism.visits(stats, None), "Marzahn-Hellersdorf").empty
    assert len(tourism.attraction_points(tourism.visits(stats, None), "Lichtenberg")) == 5
    assert tourism.visits(stats, "Marzahn-Hellersdorf").empty


@pytest.mark.realdata
def test_visits_from_the_real_visitor_statistics():
    ds = catalog.get("besucherstatistik")
    files = {p.name: p for p in sorted((SNAPSHOT / "besucherstatistik").glob("*.xls"))}
    stats = ds.parser(files)
    stats.attrs["provenance"] = [{"dataset": "besucherstatistik", "publisher": ds.publisher}]
    out = tourism.visits(stats).set_index(["attraktion", "jahr"])
    hsh = out.loc["gedenkstaette_hsh"]
    # 2011-2014 from the Senate's workbooks; the press figures of 2011 and 2014 are kept beside them
    assert hsh.loc[2011, ["besuche", "andere_angabe"]].tolist() == [331_580, 342_000]
    assert hsh.loc[2014, ["besuche", "andere_angabe"]].tolist() == [436_482, 436_000]
    assert (hsh.loc[2012, "besuche"], hsh.loc[2013, "besuche"]) == (353_828, 378_314)
    assert hsh.loc[2022, ["besuche", "quelle"]].tolist() == [308_474, "tagesspiegel.de"]
    assert out.loc[("theater_parkaue", 2013), "besuche"] == 96_268
    assert out.loc[("das_weite_theater", 2014), "besuche"] == 8_638
    # any institution of the workbooks can be matched: the Deutsches Theater's published 189.135 visits of 2013
    dt = pd.DataFrame({"attraktion": ["dt"], "name": ["Deutsches Theater"], "jahr": pd.array([None], dtype="Int64"),
                       "besuche": pd.array([None], dtype="Int64"), "angabe": [None], "quelle_url": [None],
                       "einrichtung_besucherstatistik": ["Deutsches Theater / Kammerspiele"]})
    dt_visits = tourism.visits(stats, table=dt).set_index("jahr")["besuche"]
    assert dt_visits[2013] == 189_135 and dt_visits[2011] == 165_405


@pytest.mark.realdata
def test_attraction_map_on_the_real_statistics(tmp_path):
    ds = catalog.get("besucherstatistik")
    stats = ds.parser({p.name: p for p in (SNAPSHOT / "besucherstatistik").glob("*.xls")})
    points = tourism.attraction_points(tourism.visits(stats)).set_index("attraktion")
    assert points.loc["gedenkstaette_hsh", ["jahr", "besuche"]].tolist() == [2022, 308_474]
    assert points.loc["tierpark", "label"] == "Tierpark Berlin\nca. 1.600.000 (2022)"
    assert points.loc["theater_parkaue", "label"] == "Theater an der Parkaue\n85.587 (2014)"
    fig, ax = charts.point_map(points, "besuche", "label", legend_title="Besuche", title="Sehenswürdigkeiten")
    texts = [t.get_text() for t in ax.texts]
    assert "Stasimuseum\nca. 100.000 (ohne Jahr)" in texts and len(texts) == 4
    # the two theaters of the Parkaue stand a few metres apart: one label for the place
    assert "Das Weite Theater\n8.638 (2014)\nTheater an der Parkaue\n85.587 (2014)" in texts
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["1.600.000", "800.000", "200.000"]


# ----------------------------------------------------------------------------- Inside Airbnb excerpt
@pytest.fixture()
def excerpt(data_dir):
    ld.import_file("lor_planungsraeume", SNAPSHOT / "lor_planungsraeume" / "kieze.geojson")
    ld.import_file("kurzzeitvermietung", EXCERPT)
    return ld.load("kurzzeitvermietung")


def _bezirk_polygons() -> dict[str, shapely.Geometry]:
    path = SNAPSHOT / "bezirke" / "alkis_bezirke_bezirksgrenzen.gml"
    table = catalog.get("bezirke").parser({path.name: path})
    return dict(zip(table["bezirk_id"], table.to_crs("EPSG:4326").geometry))


@pytest.mark.realdata
def test_real_listings_per_bezirk_by_coordinates(excerpt):
    """Counts per Bezirk equal a point-in-polygon count on the ALKIS district borders, done apart."""
    with EXCERPT.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    polygons = _bezirk_polygons()
    expected = {k: 0 for k in polygons}
    for r in rows:
        point = shapely.Point(float(r["longitude"]), float(r["latitude"]))
        expected[next(k for k, poly in polygons.items() if poly.contains(point))] += 1
    out = tourism.listings_by_area(excerpt, "bezirk").set_index("gebiet_id")
    assert out.loc[list(expected), "angebote"].to_dict() == expected
    assert expected["11"] == 7 and out.loc["00", "angebote"] == 41
    entire = sum(1 for r in rows if r["room_type"] == "Entire home/apt")
    assert out.loc["00", "ganze_wohnungen"] == entire
    assert out.loc["00", "verfuegbare_tage"] == round(sum(int(r["availability_365"]) for r in rows) / 41, 1)


@pytest.mark.slow  # 0.4 s on 2 cores
@pytest.mark.realdata
def test_real_listings_per_resident_in_lichtenberg(excerpt):
    ewr = SNAPSHOT / "einwohner_lor" / "EWR_L21_202512E_Matrix.csv"
    einwohner = catalog.get("einwohner_lor").parser({ewr.name: ewr})
    out = tourism.listings_by_area(excerpt, "bezirksregion", "Lichtenberg", einwohner=einwohner).set_index("gebiet")
    assert len(out) == 13 and out["angebote"].sum() == 7  # all 13 Bezirksregionen, 7 listings
    assert out["einwohner"].sum() == 318_261  # Lichtenberg on 31.12.2025
    fennpfuhl = out.loc["Fennpfuhl"]
    assert fennpfuhl["angebote_je_1000_ew"] == round(fennpfuhl["angebote"] / fennpfuhl["einwohner"] * 1000, 2)
    bezirke = tourism.listings_by_area(excerpt, "bezirk", einwohner=einwohner).set_index("gebiet")
    assert bezirke.loc["Lichtenberg", "angebote_je_1000_ew"] == round(7 / 318_261 * 1000, 2)


@pytest.mark.slow
@pytest.mark.realdata
def test_real_scrapes_of_2019_and_2025_per_1000_residents(data_dir, real_data):
    """The real scrapes of March 2019 (16 columns) and September 2025 in one table: Lichtenberg
    against Berlin with the residents of 31.12.2019 and 31.12.2025."""
    ld.import_file("lor_planungsraeume", SNAPSHOT / "lor_planungsraeume" / "kieze.geojson")
    ds = catalog.get("kurzzeitvermietung")
    scrapes = pd.concat([ds.parser({"listings.csv": real_data / "tourism" / "insideairbnb" / m / "listings.csv"})
                         for m in ("2019-03", "2025-09")], ignore_index=True)
    files = [SNAPSHOT / "einwohner_lor" / n for n in ("EWR201912E_Matrix.csv", "EWR_L21_202512E_Matrix.csv")]
    einwohner = pd.concat([catalog.get("einwohner_lor").parser({f.name: f}) for f in files], ignore_index=True)
    out = tourism.listings_over_time(scrapes, "bezirk", einwohner=einwohner)
    lb = out[out["gebiet"] == "Lichtenberg"].set_index("date")
    assert lb["angebote"].tolist() == [747, 413] and lb["ganze_wohnungen"].tolist() == [310, 253]
    assert lb["einwohner_stand"].dt.year.tolist() == [2019, 2025]
    assert lb["einwohner"].tolist()[1] == 318_261
    assert lb["einwohner"].tolist()[0] == einwohner.loc[(einwohner["bezirk_id"] == "11")
                                                        & (einwohner["date"].dt.year == 2019), "einwohner"].sum()
    assert lb["angebote_je_1000_ew"].tolist() == [round(747 / lb["einwohner"].iloc[0] * 1000, 2),
                                                  round(413 / 318_261 * 1000, 2)]
    berlin = out[out["gebiet"] == "Berlin"].set_index("date")
    assert berlin["angebote"].tolist() == [23614 - 3, 14274]  # three points of 2019 lie outside Berlin
    mix = tourism.room_mix(out, "Lichtenberg")
    assert mix["anteil_ganze_wohnungen"].tolist() == [round(310 / 747 * 100, 1), round(253 / 413 * 100, 1)]
    regions = tourism.listings_over_time(scrapes, "bezirksregion", einwohner=einwohner)
    assert regions.groupby("date")["angebote"].sum().tolist() == [747, 413]  # the 2019 scrape in the LOR 2021 too
    assert len(regions) == 2 * 13
