"""The population datasets on the real AfS files: every edition, real totals."""

from __future__ import annotations

import pytest

import lichtenberg_data as ld
from lichtenberg_data import FormatError
from lichtenberg_data.sources.population import parse_ewr_matrix, parse_ewr_ortsteile


@pytest.fixture(scope="module")
def ewr_files(real_data):
    files = sorted(p for p in (real_data / "population").glob("EWR*E_Matrix.csv") if "MIGRA" not in p.name)
    assert len(files) == 19
    return files


@pytest.fixture(scope="module")
def population_dir(tmp_path_factory, ewr_files):
    """One data folder for the module, holding the 19 real EWR editions (imported once)."""
    folder = tmp_path_factory.mktemp("population") / "data"
    old = ld.settings.settings.data_dir
    ld.settings.set(data_dir=folder)
    try:
        ld.import_file("einwohner_lor", ewr_files)
    finally:
        ld.settings.set(data_dir=old)
    return folder


@pytest.fixture()
def data_dir(population_dir, monkeypatch):
    """The module's data folder (the tests here only add what is already there, or nothing)."""
    monkeypatch.setenv("LICHTENBERG_DATA_DIR", str(population_dir))
    old = ld.settings.settings.data_dir
    ld.settings.set(data_dir=population_dir)
    yield population_dir
    ld.settings.set(data_dir=old)


@pytest.fixture()
def imported(data_dir):
    return ld.load("einwohner_lor")


@pytest.mark.slow  # 0.6 s on 2 cores
def test_every_edition_gets_its_year(imported, ewr_files):
    years = sorted(imported["year"].unique().tolist())
    assert years == [2001, 2002, 2003, 2004, 2005, 2006, 2007, 2008, 2010, 2011, 2012, 2014, 2015, 2016,
                     2017, 2018, 2019, 2020, 2025]
    assert imported.groupby("year")["planungsraum_id"].size().to_dict()[2018] == 447
    assert imported.groupby("year")["planungsraum_id"].size().to_dict()[2020] == 448
    assert imported.groupby("year")["planungsraum_id"].size().to_dict()[2025] == 542


def test_real_totals(imported):
    by = imported.groupby(["year", "bezirk_id"])["einwohner"].sum()
    assert by.loc[2020, "11"] == 296_837
    assert imported.loc[imported.year == 2018, "einwohner"].sum() == 3_748_148
    assert imported.loc[imported.year == 2020, "einwohner"].sum() == 3_769_962
    assert by.loc[2025, "11"] == 318_261
    assert imported.loc[imported.year == 2025, "einwohner"].sum() == 3_913_644
    lb25 = imported[(imported.year == 2025) & (imported.bezirk_id == "11")]
    assert len(lb25) == 41 and lb25["lor_version"].eq("2021").all()
    assert imported.loc[imported.year == 2020, "lor_version"].eq("2006").all()


def test_keys_are_strings_with_leading_zeros(imported):
    y2014 = imported[imported.year == 2014]  # the 2014 file lost its leading zeros
    assert y2014["planungsraum_id"].str.len().eq(8).all()
    assert "01011101" in set(y2014["planungsraum_id"])
    assert sorted(y2014["bezirk_id"].unique()) == [f"{i:02d}" for i in range(1, 13)]
    assert imported["bezirk"].notna().all()


def test_decimal_comma_years_are_integers(imported):
    y2012 = imported[(imported.year == 2012) & (imported.planungsraum_id == "01011101")]
    assert y2012["einwohner"].item() == 2930 and y2012["maennlich"].item() == 1493


def test_old_age_group_names_are_mapped(imported):
    y2001 = imported[(imported.year == 2001) & (imported.planungsraum_id == "01011101")].iloc[0]
    assert (y2001["alter_unter_1"], y2001["alter_1_6"], y2001["alter_80_110"]) == (19, 84, 120)


def test_na_rows_of_2025_stay_missing(imported):
    y2025 = imported[imported.year == 2025]
    assert y2025["einwohner"].isna().sum() == 2
    assert set(y2025.loc[y2025.einwohner.isna(), "planungsraum_id"]) == {"03400831", "06200418"}


def test_provenance_and_source_note(imported):
    prov = imported.attrs["provenance"][0]
    assert prov["publisher"] == "Amt für Statistik Berlin-Brandenburg"
    assert prov["license"] == "CC BY 3.0 DE" and prov["reference_date"] == "2025-12-31"
    assert prov["sample"] is False and prov["source_url"].startswith("file:")
    note = ld.source_note(imported)
    today = __import__("datetime").date.today().strftime("%d.%m.%Y")
    assert note == ("Quelle: Amt für Statistik Berlin-Brandenburg, Einwohnerregisterstatistik, Stand 31.12.2025; "
                    f"Lizenz: CC BY 3.0 DE; importiert am {today}")
    editions = {e["file"]: e["reference_date"] for e in prov["editions"]}
    assert len(editions) == 19 and {e["arrived"] for e in prov["editions"]} == {"import"}
    assert editions["EWR_L21_202512E_Matrix.csv"] == "2025-12-31"
    assert editions["EWR202012E_Matrix.csv"] == "2020-12-31"


def test_importing_again_keeps_history(data_dir, ewr_files, imported):
    ld.import_file("einwohner_lor", ewr_files[-1:])  # the 2025 edition once more
    again = ld.load("einwohner_lor")
    assert len(again) == len(imported)
    assert sorted(again["year"].unique()) == sorted(imported["year"].unique())


def test_ortsteile_lichtenberg_total(data_dir, real_data):
    ld.import_file("einwohner_ortsteile", real_data / "population" / "EWR_Ortsteile_2020-12-31.csv")
    df = ld.load("einwohner_ortsteile")
    lb = df[df.bezirk_id == "11"]
    assert lb["einwohner"].sum() == 296_837
    assert sorted(lb["ortsteil"].unique()) == sorted([
        "Alt-Hohenschönhausen", "Falkenberg", "Fennpfuhl", "Friedrichsfelde", "Karlshorst", "Lichtenberg",
        "Malchow", "Neu-Hohenschönhausen", "Rummelsburg", "Wartenberg"])
    assert df["date"].max().date().isoformat() == "2020-12-31"


def test_a_file_that_does_not_fit_changes_nothing(data_dir, imported, real_data, tmp_path):
    before = (data_dir / "processed" / "einwohner_lor.parquet").read_bytes()
    manifest = (data_dir / "manifest.json").read_bytes()
    wrong = real_data / "population" / "EWR_Ortsteile_2020-12-31.csv"
    with pytest.raises(FormatError) as err:
        ld.import_file("einwohner_lor", wrong)
    assert str(err.value) == ("einwohner_lor: EWR_Ortsteile_2020-12-31.csv lacks the columns BEZ, E_E, E_EM, E_EW, "
                              "RAUMID, ZEIT of an EWR population matrix. Nothing was changed; "
                              "`lichtenberg-data info einwohner_lor` says which files it takes")
    assert (data_dir / "processed" / "einwohner_lor.parquet").read_bytes() == before
    assert (data_dir / "manifest.json").read_bytes() == manifest


def test_parse_single_edition(ewr_files):
    df = parse_ewr_matrix(ewr_files[0])
    assert df["year"].unique().tolist() == [2001] and len(df) == 447


def test_ortsteile_needs_date_in_name(tmp_path, real_data):
    copy = tmp_path / "ortsteile.csv"
    copy.write_bytes((real_data / "population" / "EWR_Ortsteile_2020-12-31.csv").read_bytes())
    with pytest.raises(FormatError, match="reference date"):
        parse_ewr_ortsteile(copy)


@pytest.mark.slow  # 1.3 s on 2 cores
def test_cli_import_of_every_edition(data_dir, ewr_files, capsys):
    from lichtenberg_data import cli

    assert cli.main(["import", "einwohner_lor", *map(str, ewr_files)]) == 0
    assert "einwohner_lor: imported 19 file(s); 8590 rows" in capsys.readouterr().out
    df = ld.load("einwohner_lor")
    lichtenberg = df[df.bezirk_id == "11"].groupby("year")["einwohner"].sum()
    assert (lichtenberg[2020], lichtenberg[2025]) == (296_837, 318_261)
    assert df.loc[df.year == 2018, "einwohner"].sum() == 3_748_148


def test_ortsteile_refresh_is_skipped_not_failed(data_dir, real_data):
    """The former AfS address answers with an HTML page: the dataset is import-only, a refresh skips it."""
    ld.import_file("einwohner_ortsteile", real_data / "population" / "EWR_Ortsteile_2020-12-31.csv")
    before = (data_dir / "processed" / "einwohner_ortsteile.parquet").read_bytes()
    [outcome] = ld.refresh(["einwohner_ortsteile"], report=False)
    assert outcome.state == "skipped" and not outcome.failed
    assert outcome.reason == ("no download address; import it: lichtenberg-data import einwohner_ortsteile FILE")
    assert (data_dir / "processed" / "einwohner_ortsteile.parquet").read_bytes() == before
    info = ld.catalog.get("einwohner_ortsteile").how_to_import()
    assert "(no download address)" in info and "address not verified" in info and "a-i-5-hj" in info


def test_lor_planungsraeume_do_not_nest_in_ortsteile(real_data):
    """Why later Ortsteil populations are not summed from Planungsräume: in Lichtenberg 5 of the
    41 LOR-2021 Planungsräume have less than 95 % of their area in one Ortsteil."""
    import geopandas as gpd

    geometries = real_data / "geometries"
    plr = gpd.read_file(geometries / "kieze.geojson").set_crs(4326, allow_override=True).to_crs(25833)
    plr = plr[plr["plr_id"].str.startswith("11")]
    ortsteile = gpd.read_file(geometries / "ortsteile_berlin.geojson").to_crs(25833)
    ortsteile = ortsteile[ortsteile["BEZIRK"] == "Lichtenberg"]
    parts = gpd.overlay(plr[["plr_id", "geometry"]], ortsteile[["OTEIL", "geometry"]], keep_geom_type=True)
    largest = parts.assign(area=parts.area).groupby("plr_id")["area"].max()
    share = largest / plr.set_index("plr_id").area
    assert len(share) == 41
    assert (share < 0.95).sum() == 5
    assert round(share.min(), 2) == 0.72 and share.idxmin() == "11401032"
