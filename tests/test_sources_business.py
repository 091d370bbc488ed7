"""The IHK business register on the real files (both dialects)."""

from __future__ import annotations

import pandas as pd
import pytest

import lichtenberg_data as ld
from conftest import need
from lichtenberg_data.sources.business import parse_ihk


def test_semicolon_sample_with_decimal_commas(data_dir, real_data):
    ld.import_file("ihk_gewerbedaten", real_data / "business" / "IHK_OD_03-2023.csv")
    df = ld.load("ihk_gewerbedaten")
    assert len(df) == 30
    first = df.iloc[0]
    assert first["opendata_id"] == "6063606" and first["planungsraum_id"] == "04500939"
    assert first["latitude"] == pytest.approx(52.48873738) and first["longitude"] == pytest.approx(13.30283351)
    assert first["bezirk_id"] == "04" and first["nace_id"] == "5629"
    assert int(df["id_mangled"].sum()) == 13  # '9,43032E+11' cannot be repaired, only flagged
    assert df["date"].iloc[0].date().isoformat() == "2023-03-01"
    assert df.attrs["provenance"][0]["license"] == "CC0 1.0"


def test_monthly_diff_with_cr_line_endings(real_data):
    df = parse_ihk(real_data / "business" / "ihk-monthly-diffs-2023" / "07_july_added.csv")
    assert len(df) == 5417
    assert int((df["bezirk_id"] == "11").sum()) == 242      # SOURCES.md: Lichtenberg rows 242
    assert int(df["bezirk"].isna().sum()) == 12              # literal NULL district
    assert df["planungsraum_id"].dropna().str.len().eq(8).all()
    assert df.loc[0, "employees_range"] == "0 Beschäftigte"


def test_all_monthly_diffs_parse(real_data):
    folder = need(real_data / "business" / "ihk-monthly-diffs-2023")
    counts = {p.name: len(parse_ihk(p)) for p in sorted(folder.glob("*.csv"))}
    assert counts["05_may_deleted.csv"] == 3711 and counts["06_june_added.csv"] == 360
    assert len(counts) == 8


# ------------------------------------------------------------------ archive names and the business_type swap
KG, HR = "Kleingewerbetreibender", "im Handelsregister eingetragen"


def _copy(real_data, folder, name):
    """The real 2023 sample (19 small traders, 11 registered firms as published) under another name."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    target.write_bytes((real_data / "business" / "IHK_OD_03-2023.csv").read_bytes())
    return target


def _types(month: str | None = None) -> dict[str, int]:
    df = ld.load("ihk_gewerbedaten", stand=month) if month else ld.load("ihk_gewerbedaten")
    return df["business_type"].value_counts().to_dict()


def test_cloud_archive_name_gives_the_month_and_a_file_after_the_fix_stays(data_dir, real_data, tmp_path):
    from lichtenberg_data import _partitions

    path = _copy(real_data, tmp_path, "2026_05__IHK_Berlin_Gewerbedaten.csv")
    ld.import_file("ihk_gewerbedaten", path)
    assert _partitions.months("ihk_gewerbedaten") == ["2026-05"]
    df = ld.load("ihk_gewerbedaten")
    assert df["date"].iloc[0] == pd.Timestamp("2026-05-01")
    assert _types() == {KG: 19, HR: 11}  # as published: IHK's correction of 24.04.2026 is in it
    assert set(df["business_type_basis"]) == {"month"} and not df["business_type_swapped_back"].any()


def test_a_month_before_the_fix_is_swapped_back(data_dir, real_data, tmp_path):
    from lichtenberg_data import business

    ld.import_file("ihk_gewerbedaten", _copy(real_data, tmp_path, "2026_03__IHK_Berlin_Gewerbedaten.csv"))
    ld.import_file("ihk_gewerbedaten", _copy(real_data, tmp_path, "2026_04_IHK_Berlin_Gewerbedaten.csv"))
    assert _types("2026-03") == {KG: 11, HR: 19}  # the 19 "small traders" were registered firms
    assert _types("2026-04") == {KG: 19, HR: 11}
    split = business.stock("bezirk", by="register", stand="2026-03")
    berlin = split[split["gebiet_id"] == "00"].set_index("register")["betriebe"]
    assert berlin.to_dict() == {"HR": 19, "KG": 11}
    assert split.attrs["note"] == ("Registerart: die IHK hatte die beiden Werte bis zu ihrer Korrektur vom 24.04.2026 "
                                   "vertauscht; für diesen Monat (Archivdatei vor 04/2026) zurückgetauscht")
    assert business.register_note("2026-04", short=True) == "Registerart nach IHK-Korrektur vom 24.04.2026"


def test_the_live_file_takes_the_import_option(data_dir, real_data, tmp_path, capsys):
    from lichtenberg_data import business, cli

    live = _copy(real_data, tmp_path, "IHKBerlin_Gewerbedaten.csv")
    assert cli.main(["import", "ihk_gewerbedaten", str(live), "--stand", "2026-06"]) == 0
    assert _types("2026-06") == {KG: 19, HR: 11}  # month 2026-06: after the fix
    assert cli.main(["import", "ihk_gewerbedaten", str(live), "--stand", "2026-01",
                     "--business-type-swapped", "no"]) == 0
    assert _types("2026-01") == {KG: 19, HR: 11}  # the option wins over the month
    ld.import_file("ihk_gewerbedaten", live, options={"business_type_swapped": "yes"})
    today = pd.Timestamp.today().strftime("%Y-%m")
    assert _types(today) == {KG: 11, HR: 19}
    assert set(ld.load("ihk_gewerbedaten", stand=today)["business_type_basis"]) == {"option"}
    assert business.register_note(today, short=True) == "Registerart zurückgetauscht laut Importangabe"
    snaps = ld._store.read_manifest()["datasets"]["ihk_gewerbedaten"]["snapshots"]
    assert snaps[-1]["facts"] == {"options": {"business_type_swapped": "yes"}}


def test_without_a_date_the_file_is_taken_as_published_and_said_so(data_dir, real_data, tmp_path):
    from lichtenberg_data import business

    ld.import_file("ihk_gewerbedaten", _copy(real_data, tmp_path, "IHKBerlin_Gewerbedaten.csv"))
    assert _types() == {KG: 19, HR: 11}
    assert set(ld.load("ihk_gewerbedaten")["business_type_basis"]) == {"unknown"}
    assert "ist unbekannt" in business.register_note()


@pytest.mark.parametrize(("obtained", "swapped"), [("2026-04-23", True), ("2026-04-24", False)])
def test_a_download_before_the_fix_is_swapped_back(real_data, tmp_path, obtained, swapped):
    from lichtenberg_data._filefacts import given

    with given({"obtained": obtained}):
        df = parse_ihk(_copy(real_data, tmp_path, "IHKBerlin_Gewerbedaten.csv"))
    assert df["business_type"].value_counts()[HR] == (19 if swapped else 11)
    assert set(df["business_type_basis"]) == {"download"}


def test_a_rebuild_keeps_the_import_option(data_dir, real_data, tmp_path):
    import dataclasses
    import shutil

    from lichtenberg_data import catalog

    live = _copy(real_data, tmp_path / "in", "IHKBerlin_Gewerbedaten.csv")
    ld.import_file("ihk_gewerbedaten", live, stand="2026-06", options={"business_type_swapped": "yes"})
    mirror = tmp_path / "mirror"
    (mirror / "ihk_gewerbedaten").mkdir(parents=True)
    shutil.copy(live, mirror / "ihk_gewerbedaten" / live.name)  # the same file: nothing new, a rebuild
    ds = catalog.get("ihk_gewerbedaten")
    catalog._REGISTRY[ds.id] = dataclasses.replace(ds, parser_version=ds.parser_version + "-test")
    try:
        [outcome] = ld.refresh([ds.id], mirror=mirror, report=False)
    finally:
        catalog._REGISTRY[ds.id] = ds
    assert outcome.state == "fresh"
    assert _types("2026-06") == {KG: 11, HR: 19}  # still swapped back: the option is kept with the raw file
    [outcome] = ld.rebuild([ds.id], report=False)  # `lichtenberg-data rebuild`: month by month
    assert outcome.state == "rebuilt" and _types("2026-06") == {KG: 11, HR: 19}


def test_an_option_of_another_dataset_is_refused(data_dir, real_data):
    with pytest.raises(ld.FormatError, match="--business-type-swapped is an option of ihk_gewerbedaten"):
        ld.import_file("einwohner_ortsteile", real_data / "population" / "EWR_Ortsteile_2020-12-31.csv",
                       options={"business_type_swapped": "yes"})
    with pytest.raises(ld.FormatError, match="takes yes or no, not 'maybe'"):
        ld.import_file("ihk_gewerbedaten", real_data / "business" / "IHK_OD_03-2023.csv",
                       options={"business_type_swapped": "maybe"})


def test_info_names_the_cloud_archive():
    info = ld.catalog.get("ihk_gewerbedaten").how_to_import()
    assert "https://cloud.ihk.berlin/d/62fad06b540745098ab7/" in info
    assert "YYYY_MM__IHK_Berlin_Gewerbedaten.csv" in info and "deleted in December 2023" in info


# ------------------------------------------------------------------ the Arrow parser equals the pandas one
# tests/ihk_reference.py keeps the pandas parser and the monthly writer of commit 197a6c9; the Arrow
# parser (sources/_ihk_csv.py) must give the same table, and an import the same stored months.

def _real_files(real_data):
    folder = need(real_data / "business" / "ihk-monthly-diffs-2023")
    return [real_data / "business" / "IHK_OD_03-2023.csv", *sorted(folder.glob("*.csv"))]


@pytest.mark.slow  # 0.4 s on 2 cores
def test_the_parser_gives_the_reference_table_on_every_real_file(real_data):
    import ihk_reference

    files = _real_files(real_data)
    for path in files:
        pd.testing.assert_frame_equal(parse_ihk(path), ihk_reference.parse_ihk(path), check_exact=True, obj=path.name)
    assert len(files) == 9


@pytest.mark.slow  # 0.3 s on 2 cores
@pytest.mark.parametrize("facts", [{}, {"obtained": "2026-04-01"}, {"options": {"business_type_swapped": "no"}}])
def test_the_parser_gives_the_reference_table_on_the_rebuilt_months_and_a_sample(real_data, tmp_path, facts):
    import ihk_reference
    from ihk_rows import july_2023

    from lichtenberg_data._filefacts import given
    from lichtenberg_data.demo.business import sample_ihk

    june, july, _ = july_2023(real_data, tmp_path)
    sample = tmp_path / "IHKBerlin_Gewerbedaten.csv"
    sample.write_bytes(sample_ihk(5_000))
    with given(facts):
        for path in (june, july, sample):
            new, old = parse_ihk(path), ihk_reference.parse_ihk(path)
            pd.testing.assert_frame_equal(new, old, check_exact=True, obj=path.name)
    assert len(new) == 5_000 and new["bezirk_id"].isna().all()  # the sample leaves the areas NULL


def _stored(folder):
    """What a user sees of the stored register: every month through ld.load, ld.connect and the
    Parquet schema (pandas metadata and provenance included)."""
    import pyarrow.parquet as pq

    from lichtenberg_data import _partitions
    from lichtenberg_data._store import clear_cache

    clear_cache()
    frame = ld.load("ihk_gewerbedaten", months="all")
    con = ld.connect()
    rows = con.execute("SELECT * FROM ihk_gewerbedaten ORDER BY stand, opendata_id").df()
    types = con.execute("DESCRIBE ihk_gewerbedaten").df()[["column_name", "column_type"]]
    schemas = {m: pq.read_schema(_partitions.part_path("ihk_gewerbedaten", m)) for m in _partitions.months("ihk_gewerbedaten")}
    return frame, rows, types, schemas


@pytest.mark.slow  # 0.8 s on 2 cores
def test_an_import_stores_what_the_pandas_import_stored(data_dir, real_data, tmp_path, monkeypatch):
    import ihk_reference
    from ihk_rows import july_2023

    from lichtenberg_data import _partitions, settings
    from lichtenberg_data.sources import business

    june, july, _ = july_2023(real_data, tmp_path / "in")
    excerpt = real_data / "business" / "IHK_OD_03-2023.csv"

    def stored(folder):
        settings.set(data_dir=folder)
        ld.import_file("ihk_gewerbedaten", [june, july])
        ld.import_file("ihk_gewerbedaten", excerpt)
        return _stored(folder)

    new = stored(tmp_path / "new")
    monkeypatch.setattr(business, "parse_ihk", ihk_reference.parse_ihk)
    monkeypatch.setattr(_partitions, "split", ihk_reference.split)
    old = stored(tmp_path / "old")
    settings.set(data_dir=data_dir)
    pd.testing.assert_frame_equal(new[0], old[0], check_exact=True)
    assert new[0].attrs == old[0].attrs and new[0]["date"].dt.strftime("%Y-%m").unique().tolist() == [
        "2023-03", "2023-06", "2023-07"]
    pd.testing.assert_frame_equal(new[1], old[1], check_exact=True)
    pd.testing.assert_frame_equal(new[2], old[2])
    assert len(new[1]) == len(new[0]) and (new[1]["stand"] == "2023-03").sum() == 30  # every month in the view
    assert new[3].keys() == old[3].keys() and all(new[3][m].equals(old[3][m], check_metadata=True) for m in new[3])
