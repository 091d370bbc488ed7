"""The retail analyses: Huff model and local supply by hand, then the figures of Lichtenberg on the
real snapshot (centres, residents within 1,000 m, local-supply share)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import lichtenberg_data as ld
from lichtenberg_data import retail
from lichtenberg_data.demo import SNAPSHOT

# ============================================================================ Huff by hand


def test_huff_hand_computed():
    # origin 1 at 1 km from A (10,000 m²) and 2 km from B (20,000 m²): 10000/1 : 20000/4 = 2 : 1
    # origin 2 at 3 km from A and 1 km from B: 10000/9 : 20000/1 = 1 : 18
    d = np.array([[1000.0, 2000.0], [3000.0, 1000.0]])
    p = retail.huff(d, [10_000, 20_000])
    assert p[0].tolist() == pytest.approx([2 / 3, 1 / 3])
    assert p[1].tolist() == pytest.approx([1 / 19, 18 / 19])
    # alpha = 2: 10000²/1 : 20000²/4 = 1 : 1
    assert retail.huff(d, [10_000, 20_000], alpha=2)[0].tolist() == pytest.approx([0.5, 0.5])
    # beta = 1: 10000/1 : 20000/2 = 1 : 1
    assert retail.huff(d, [10_000, 20_000], beta=1)[0].tolist() == pytest.approx([0.5, 0.5])
    # a distance below the floor counts as the floor: 100 m → 250 m; 1000/250² : 1000/500²  = 4 : 1
    assert retail.huff(np.array([[100.0, 500.0]]), [1000, 1000])[0].tolist() == pytest.approx([0.8, 0.2])
    with pytest.raises(ValueError):
        retail.huff(d, [10_000, 0])


def test_distance_matrix_and_origin_points():
    d = retail.distance_matrix(np.array([[0, 0], [300, 400]]), np.array([[0, 0], [600, 800]]))
    assert d.tolist() == [[0.0, 1000.0], [500.0, 500.0]]
    areas = gpd.GeoDataFrame({"planungsraum_id": ["a"]}, geometry=[shapely.box(0, 0, 100, 100)], crs="EPSG:25833")
    assert retail.origin_points(areas).tolist() == [[50.0, 50.0]]
    # all residents in the left quarter: the weighted point moves to its centre
    blocks = gpd.GeoDataFrame({"einwohner": [100, 0]}, geometry=[shapely.box(0, 0, 25, 100), shapely.box(25, 0, 100, 100)],
                              crs="EPSG:25833")
    assert retail.origin_points(areas, blocks).tolist() == [[12.5, 50.0]]


def _centres(**columns) -> gpd.GeoDataFrame:
    n = len(next(iter(columns.values())))
    base = {"zentrum_id": [f"way/{i}" for i in range(n)], "zentrum": [f"Z{i}" for i in range(n)],
            "rolle": ["Zentrum im Bezirk"] * n, "verkaufsflaeche_m2": [pd.NA] * n, "geschaefte": [pd.NA] * n}
    base.update(columns)
    geometry = base.pop("geometry", [shapely.Point(1000 * i, 0) for i in range(n)])
    return gpd.GeoDataFrame(base, geometry=geometry, crs="EPSG:25833")


def test_lead_centre_by_sales_area_then_shops():
    c = _centres(verkaufsflaeche_m2=[pd.NA, 12_000, pd.NA], geschaefte=[200, 30, pd.NA])
    assert retail.lead_centre(c) == "Z1"  # a published sales area beats a shop count
    assert retail.lead_centre(_centres(geschaefte=[10, 80, pd.NA])) == "Z1"
    assert retail.lead_centre(_centres(rolle=["Wettbewerber"] * 2)) is None


def test_attractiveness_sources():
    c = _centres(verkaufsflaeche_m2=[25_000, pd.NA, pd.NA], geschaefte=[100, 40, pd.NA])
    a = retail.attractiveness(c).set_index("zentrum_id")
    assert a.attrs["m2_je_geschaeft"] == 250  # 25,000 m² / 100 shops
    assert a["attraktivitaet_m2"].tolist()[:2] == [25_000, 40 * 250] and np.isnan(a["attraktivitaet_m2"].iloc[2])
    assert a["attraktivitaet_quelle"].tolist() == [
        "Verkaufsfläche (veröffentlicht)", "Zahl der Geschäfte (veröffentlicht) × 250 m² je Geschäft",
        "keine Verkaufsfläche oder Geschäftszahl bekannt: nicht im Modell"]
    # OSM shops within 150 m count where the shop groups are loaded
    pois = gpd.GeoDataFrame({"shop": ["clothes", "shoes", "mall", "books"], "gruppe": ["einzelhandel"] * 4},
                            geometry=[shapely.Point(2000, 100), shapely.Point(2100, 0), shapely.Point(2000, 0),
                                      shapely.Point(2000, 400)], crs="EPSG:25833")
    a = retail.attractiveness(c, pois).set_index("zentrum_id")
    assert a.loc["way/2", "geschaefte_gezaehlt"] == 2 and a.loc["way/2", "attraktivitaet_m2"] == 500
    assert a.loc["way/2", "attraktivitaet_quelle"] == "OSM-Geschäfte im Umkreis von 150 m × 250 m² je Geschäft"


def test_market_areas_hand_computed():
    """Two Planungsräume (1 km squares) and two centres; shares and catchments computed by hand."""
    areas = gpd.GeoDataFrame({"planungsraum_id": ["11000001", "11000002"], "planungsraum": ["West", "Ost"]},
                             geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(3000, 0, 4000, 1000)],
                             crs="EPSG:25833")
    ew = pd.DataFrame({"year": 2025, "lor_version": "2021", "planungsraum_id": ["11000001", "11000002"],
                       "einwohner": [1000, 3000]})
    centres = _centres(verkaufsflaeche_m2=[10_000, 20_000],
                       geometry=[shapely.Point(1500, 500), shapely.Point(2500, 500)])
    m = retail.market_areas(centres=centres, einwohner=ew, areas=areas, pois=None)
    # West centroid (500, 500): 1 km to Z0, 2 km to Z1 → 2/3 : 1/3; Ost (3500, 500): 2 km, 1 km → 1/9 : 8/9
    shares = m.shares.set_index(["planungsraum_id", "zentrum"])["anteil"]
    assert shares[("11000001", "Z0")] == pytest.approx(2 / 3) and shares[("11000002", "Z1")] == pytest.approx(8 / 9)
    table = m.centres.set_index("zentrum")
    assert table.loc["Z0", "einwohner_erwartet"] == pytest.approx(1000 * 2 / 3 + 3000 / 9)
    assert table.loc["Z1", "einwohner_erwartet"] == pytest.approx(1000 / 3 + 3000 * 8 / 9)
    assert table["marktanteil_pct"].sum() == pytest.approx(100)
    assert m.dominant()["hauptzentrum"].tolist() == ["Z0", "Z1"]


# ============================================================================ local supply by hand


def test_local_supply_hand_computed():
    """A market at a corner of a 1 km square: a quarter circle of 500 m covers π·500²/4 of 1 km².

    The circles are 64-gons (16 segments a quarter), of area 32·sin(π/32)·r² instead of π·r².
    """
    areas = gpd.GeoDataFrame({"planungsraum_id": ["11000001", "11000002"], "planungsraum": ["A", "B"],
                              "bezirk_id": "11"},
                             geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(5000, 0, 6000, 1000)],
                             crs="EPSG:25833")
    ew = pd.DataFrame({"year": 2025, "lor_version": "2021", "planungsraum_id": ["11000001", "11000002"],
                       "einwohner": [4000, 500]})
    stores = gpd.GeoDataFrame({"shop": "supermarket", "brand": ["Lidl", "Go Asia"], "name": ["Lidl", "Go Asia"]},
                              geometry=[shapely.Point(0, 0), shapely.Point(5500, 500)], crs="EPSG:25833")
    typed = retail.food_stores(stores)
    assert typed["betriebstyp"].tolist() == ["Discounter", "sonstiger Lebensmittelmarkt"]
    t = retail.local_supply(None, stores=typed, einwohner=ew, areas=areas).set_index("planungsraum_id")
    gon = 32 * np.sin(np.pi / 32)  # 3.1365 for π
    quarter = gon * 500**2 / 4 / 1e6
    assert t.loc["11000001", "anteil_500m"] == pytest.approx(quarter * 100)  # 19.6 %
    assert t.loc["11000001", "einwohner_500m"] == pytest.approx(4000 * quarter)
    assert t.loc["11000001", "anteil_1000m"] == pytest.approx(gon / 4 * 100)
    assert t.loc["11000002", "anteil_500m"] == 0 and t.loc["11000002", "ohne_markt"]  # only a non-full-range market
    assert (t["maerkte"].tolist(), t["supermaerkte"].tolist()) == ([0, 0], [0, 1])  # the corner is no interior point
    berlin = retail.supply_by_bezirk(t.reset_index()).set_index("gebiet_id").loc["00"]
    assert berlin["anteil_500m"] == pytest.approx(4000 * quarter / 4500 * 100)
    assert berlin["supermaerkte_je_1000_ew"] == pytest.approx(1 / 4500 * 1000)


# ============================================================================ Lichtenberg on the real snapshot


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    folder = tmp_path_factory.mktemp("retail-real")
    old = ld.settings.settings.data_dir
    ld.settings.set(data_dir=folder)
    try:
        ld.refresh(["einwohner_lor", "bezirke", "lor_planungsraeume", "lor_schluessel", "osm_pois", "mss", "entgelte_lor",
                    "baufertigstellungen"], mirror=SNAPSHOT)
        yield folder
    finally:
        ld.settings.set(data_dir=old)


@pytest.mark.realdata
@pytest.mark.slow
def test_lichtenberg_centres_and_residents(real):
    c = retail.study_centres("Lichtenberg")
    own = c[c["rolle"] == "Zentrum im Bezirk"]
    assert len(own) == 18 and set(own["bezirk_id"]) == {"11"}
    rivals = c.set_index("zentrum")
    assert rivals.loc["Ring-Center I", "rolle"] == "Wettbewerber" and rivals.loc["Ring-Center I", "bezirk_id"] == "02"
    assert rivals.loc["Ring-Center I", "abstand_m"] == pytest.approx(158, abs=1)  # across the Ringbahn from RC II
    assert (c["abstand_m"] <= 3000).all() and len(c) == 37
    p = retail.centre_profiles(c).set_index("zentrum")
    # independent check of the Linden-Center's 1,000 m: areal shares of the real Planungsräume with geopandas
    plr = gpd.read_file(SNAPSHOT / "lor_planungsraeume" / "kieze.geojson").to_crs(25833)
    ew = pd.read_csv(SNAPSHOT / "einwohner_lor" / "EWR_L21_202512E_Matrix.csv", sep=";", dtype={"RAUMID": str})
    plr["einwohner"] = plr["plr_id"].astype(str).str.zfill(8).map(ew.set_index(ew["RAUMID"].str.zfill(8))["E_E"])
    circle = rivals.loc["Linden-Center", "geometry"].buffer(1000, quad_segs=16)
    share = plr.geometry.intersection(circle).area / plr.geometry.area
    assert p.loc["Linden-Center", "einwohner_1000m"] == pytest.approx((share * plr["einwohner"]).sum(), rel=1e-6)
    assert round(p.loc["Linden-Center", "einwohner_1000m"]) == 31_739
    assert round(p.loc["Ring-Center II", "einwohner_1000m"]) == 52_292
    assert (p["veraenderung_ebene"] == "Bezirk").all() and (p["vergleichsjahr"] == 2020).all()
    assert p.loc["Linden-Center", "veraenderung_pct"] == pytest.approx((318_261 / 296_837 - 1) * 100)
    ages = p[["anteil_unter_18", "anteil_18_65", "anteil_65_plus"]].sum(axis=1)
    assert np.allclose(ages, 100)
    assert p.loc["Linden-Center", "status_klasse"] == 3 and not ld.is_sample(p)
    assert retail.lead_centre(c) == "Linden-Center"  # 25,000 m², the largest published sales area in the district


@pytest.mark.realdata
@pytest.mark.slow
def test_a_district_without_known_centres_is_missing_data(real):
    pois = ld.load("osm_pois")
    spandau = retail.study_centres("Spandau", pois=pois)  # the snapshot's OSM malls cover Berlin
    assert retail.lead_centre(spandau) in set(spandau["zentrum"]) and (spandau["datenquelle"] == "OpenStreetMap").all()
    # without OSM malls only the curated table is left, and it covers Lichtenberg
    with pytest.raises(ld.DataNotAvailableError, match="no shopping centre of Spandau") as caught:
        retail.study_centres("Spandau", pois=pois.iloc[0:0])
    assert caught.value.dataset == "osm_pois"


def test_local_supply_does_not_trust_a_cut_geos_left_invalid(monkeypatch):
    """The reach is cut to each Planungsraum's box first (fast, but GEOS may leave an invalid
    piece): an invalid piece is replaced by the whole reach, the share stays the true one."""
    from lichtenberg_data.retail import _supply

    bowtie = shapely.Polygon([(0, 0), (1000, 1000), (1000, 0), (0, 1000)])  # crosses itself: invalid
    monkeypatch.setattr(shapely, "clip_by_rect", lambda geometry, *box: bowtie)
    polys = np.array([shapely.box(0, 0, 1000, 1000), shapely.box(5000, 0, 6000, 1000)], dtype=object)
    reach = shapely.box(500, 0, 5500, 1000)
    assert _supply._covered(polys, reach).tolist() == [500_000.0, 500_000.0]


@pytest.mark.realdata
@pytest.mark.slow
def test_lichtenberg_local_supply(real):
    berlin = retail.local_supply(None)
    by = retail.supply_by_bezirk(berlin).set_index("gebiet_id")
    li = by.loc["11"]
    assert li["einwohner"] == 318_261 and li["supermaerkte"] == 92
    assert round(li["anteil_500m"], 1) == 79.7 and round(li["anteil_1000m"], 1) == 97.2
    assert li["planungsraeume_ohne_markt"] == 7
    assert by.loc["00", "supermaerkte"] == 1358 and round(by.loc["00", "anteil_500m"], 1) == 75.7
    table = retail.local_supply()
    assert len(table) == 41 and table.loc[table["ohne_markt"], "planungsraum"].tolist() == [
        "Mühlengrund", "Weiße Taube", "Hohenschönhauser Straße", "Roedeliusplatz", "Nibelungenviertel",
        "Zachertstraße", "Tierpark"]


@pytest.mark.realdata
@pytest.mark.slow
def test_lichtenberg_market_areas_and_nuz(real):
    m = retail.market_areas()
    model = m.centres[m.centres["attraktivitaet_m2"].notna()].set_index("zentrum")
    assert set(model.index) == {"Linden-Center", "Ring-Center I", "Ring-Center II", "Ring-Center III"}
    assert model["einwohner_erwartet"].sum() == pytest.approx(318_261)
    sens = retail.beta_sensitivity()
    assert np.allclose(sens[["beta_1.5", "beta_2", "beta_2.5", "beta_3"]].sum(), 318_261)
    nuz = retail.nuz_profile(markets=m)
    assert nuz.raeume["planungsraum_id"].tolist() == list(retail.NUZ_PLANUNGSRAEUME)
    assert nuz.raeume["einwohner"].sum() == nuz.gebiet.loc[0, "einwohner"] == 42_770
    assert nuz.raeume.set_index("planungsraum_id").loc["11100307", "status"] == "niedrig"
    bau = nuz.bau[nuz.bau["gebiet_id"] == "11"].set_index("year")["wohnungen"]
    assert bau[2022] == 1522  # one row per report year: the snapshot holds the F II 2 reports 2020-2022
    assert sorted(bau.index) == [2020, 2021, 2022]


@pytest.mark.realdata
@pytest.mark.slow
def test_market_areas_supply_and_nuz_from_the_loaded_data_are_computed_once(real, monkeypatch):
    """A notebook and its key figures ask for them again and again: once per data state, each
    caller with its own copy; frames handed in are computed with every time."""
    from lichtenberg_data.retail import _huff, _nuz, _supply

    counted = {"markt": 0, "versorgung": 0, "nuz": 0}
    for module, name, key in ((_huff, "_market_areas", "markt"), (_supply, "_local_supply", "versorgung"),
                              (_nuz, "_nuz_profile", "nuz")):
        real_work = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _w=real_work, _k=key, **k: counted.__setitem__(
            _k, counted[_k] + 1) or _w(*a, **k))
    first = retail.market_areas()
    first.centres.loc[:, "einwohner_erwartet"] = 0.0  # changes the caller's copy only
    again = retail.market_areas()
    assert again.centres["einwohner_erwartet"].sum() == pytest.approx(318_261)
    assert retail.market_areas(beta=3.0).beta == 3.0  # other parameters: computed for them
    berlin = retail.local_supply(None)
    berlin.loc[:, "einwohner"] = 0
    assert retail.supply_by_bezirk(retail.local_supply(None)).set_index("gebiet_id").loc["11", "einwohner"] == 318_261
    assert retail.nuz_profile().gebiet.loc[0, "einwohner"] == retail.nuz_profile().gebiet.loc[0, "einwohner"] == 42_770
    assert counted == {"markt": 2, "versorgung": 1, "nuz": 1}  # the NUZ's market areas: the default ones, kept
    monkeypatch.setattr(ld.settings.settings, "district", "Pankow")  # the NUZ is a fixed area in Lichtenberg
    assert retail.nuz_profile().gebiet.loc[0, "einwohner"] == 42_770 and counted["nuz"] == 1
    retail.local_supply(None, stores=retail.food_stores(ld.load("osm_pois")))
    assert counted["versorgung"] == 2
