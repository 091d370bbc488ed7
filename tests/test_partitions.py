"""Datasets stored by month (``partition="month"``): the IHK register as a monthly history.

The snapshots are rebuilt from real rows of IHK's monthly change files (tests/ihk_rows.py).
"""

from __future__ import annotations

import dataclasses
import shutil

import pandas as pd
import pytest
from ihk_rows import july_2023, read_rows, write_snapshot

import lichtenberg_data as ld
from lichtenberg_data import _partitions, catalog, cli
from lichtenberg_data._errors import DataNotAvailableError, FormatError
from lichtenberg_data._provenance import Entry, freeze

pytestmark = pytest.mark.realdata

DS = "ihk_gewerbedaten"


@pytest.fixture()
def two_months(data_dir, real_data, tmp_path):
    june, july, rows = july_2023(real_data, tmp_path / "in")
    ld.import_file(DS, [june, july])
    return june, july, rows


def test_each_month_is_its_own_parquet_file(two_months):
    _, _, rows = two_months
    folder = ld.settings.settings.processed_dir / DS
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.parquet")) == [
        "stand=2023-06/part.parquet", "stand=2023-07/part.parquet"]
    assert _partitions.months(DS) == ["2023-06", "2023-07"]
    manifest = ld.status().set_index("dataset").loc[DS]
    assert manifest["rows"] == len(rows["shared"]) + len(rows["added"])  # the latest month
    assert manifest["reference_date"] == "2023-07-01"
    june = _partitions.attrs(DS, "2023-06")["provenance"]  # read from the footer: read-only entries
    assert june[0]["reference_date"] == "2023-06-01" and isinstance(june[0], Entry)


@pytest.mark.slow  # 0.3 s on 2 cores
def test_load_gives_the_latest_month_unless_asked(two_months):
    _, _, rows = two_months
    july = ld.load(DS)
    assert len(july) == len(rows["shared"]) + len(rows["added"]) == 360 + 5417
    assert set(july["date"].dt.strftime("%Y-%m")) == {"2023-07"}
    assert july.attrs["provenance"][0]["reference_date"] == "2023-07-01"
    june = ld.load(DS, stand="2023-06")
    assert len(june) == 2805 + 360 and june.attrs["provenance"][0]["reference_date"] == "2023-06-01"
    both = ld.load(DS, months="all")
    assert len(both) == len(june) + len(july)
    assert ld.load(DS, months=1).equals(july)
    assert len(ld.load(DS, months=["2023-06", "07-2023"])) == len(both)
    with pytest.raises(DataNotAvailableError, match=r"no data for 2023-05; stored months: 2023-06, 2023-07"):
        ld.load(DS, stand="2023-05")


def test_other_datasets_are_not_stored_by_month(data_dir, real_data):
    ld.import_file("baufertigstellungen", real_data / "statistics-xlsx" / "SB_F02-02-00_2022j01_BE.xlsx")
    assert (data_dir / "processed" / "baufertigstellungen.parquet").is_file()
    with pytest.raises(ValueError, match="not stored by month"):
        ld.load("baufertigstellungen", stand="2022-12")


def test_duckdb_sees_every_month_with_its_stand(two_months):
    _, _, rows = two_months
    con = ld.connect()
    got = dict(con.execute(f"SELECT stand, count(*) FROM {DS} GROUP BY stand ORDER BY stand").fetchall())
    assert got == {"2023-06": 2805 + 360, "2023-07": 360 + 5417}
    lichtenberg = con.execute(f"SELECT count(*) FROM {DS} WHERE stand = '2023-07' AND bezirk_id = '11'").fetchone()[0]
    expected = sum(1 for r in rows["shared"] + rows["added"] if r[14] == "Lichtenberg")  # column Bezirk
    assert lichtenberg == expected


def test_a_new_month_leaves_the_stored_months_untouched(two_months, real_data, tmp_path):
    june_file = _partitions.part_path(DS, "2023-06")
    before = june_file.read_bytes()
    header, rows = read_rows(real_data / "business" / "ihk-monthly-diffs-2023" / "06_june_deleted.csv")
    august = write_snapshot(tmp_path / "IHKBerlin_Gewerbedaten_08-2023.csv", header, rows)
    ld.import_file(DS, august)
    assert _partitions.months(DS) == ["2023-06", "2023-07", "2023-08"]
    assert june_file.read_bytes() == before
    assert len(ld.load(DS)) == 316


def test_stand_names_the_month_of_a_file_without_one(data_dir, real_data, tmp_path):
    header, rows = read_rows(real_data / "business" / "ihk-monthly-diffs-2023" / "06_june_added.csv")
    live = write_snapshot(tmp_path / "IHKBerlin_Gewerbedaten.csv", header, rows)
    assert cli.main(["import", DS, str(live), "--stand", "2024-05"]) == 0
    assert _partitions.months(DS) == ["2024-05"]
    assert ld.load(DS)["date"].iloc[0] == pd.Timestamp("2024-05-01")
    # a new parser version rebuilds every month from the raw snapshots: the given month is kept
    mirror = tmp_path / "mirror"
    (mirror / DS).mkdir(parents=True)
    shutil.copy(live, mirror / DS / live.name)
    ds = catalog.get(DS)
    newer = dataclasses.replace(ds, parser_version=ds.parser_version + "-test")
    catalog._REGISTRY[DS] = newer
    try:
        [outcome] = ld.refresh([DS], mirror=mirror)
    finally:
        catalog._REGISTRY[DS] = ds
    assert outcome.state == "fresh" and _partitions.months(DS) == ["2024-05"]


@pytest.mark.parametrize(("stand", "cause"), [("2024-13", "a month is written YYYY-MM"),
                                              ("Mai 2024", "a month is written YYYY-MM")])
def test_a_wrong_stand_is_refused(data_dir, real_data, stand, cause):
    path = real_data / "business" / "IHK_OD_03-2023.csv"
    with pytest.raises(FormatError, match=cause):
        ld.import_file(DS, path, stand=stand)
    with pytest.raises(FormatError, match="for datasets stored by month"):
        ld.import_file("baufertigstellungen", path, stand="2024-05")
    assert not (data_dir / "processed" / DS).exists()


def test_reset_removes_every_month(two_months):
    assert ld._refresh.reset([DS]) == [DS]
    assert not (ld.settings.settings.processed_dir / DS).exists()
    with pytest.raises(DataNotAvailableError):
        ld.load(DS)


def test_split_gives_each_month_its_rows_and_its_own_attrs():
    one = pd.DataFrame({"date": pd.to_datetime(["2023-07-01"] * 3), "n": [1, 2, 3]}, index=[5, 6, 7])
    one.attrs = {"provenance": [{"reference_date": "2023-07-01"}]}
    [(key, part)] = _partitions.split(one).items()
    assert key == "2023-07" and part["n"].tolist() == [1, 2, 3] and part.index.tolist() == [0, 1, 2]
    part.attrs["provenance"][0]["reference_date"] = "changed"
    part.loc[0, "n"] = 100
    assert one.attrs["provenance"][0]["reference_date"] == "2023-07-01" and one["n"].tolist() == [1, 2, 3]
    two = pd.concat([one, one.assign(date=pd.Timestamp("2023-08-01"), n=[4, 5, 6])])
    parts = _partitions.split(two)
    assert {k: p["n"].tolist() for k, p in parts.items()} == {"2023-07": [1, 2, 3], "2023-08": [4, 5, 6]}


def test_each_month_gets_its_own_stand_and_the_table_keeps_its_entry():
    attrs = {"provenance": freeze([{"dataset": DS, "reference_date": "2023-07-01", "editions": [{"file": "a.csv"}]}])}
    part = _partitions.with_month_stand(pd.DataFrame({"n": [1]}), attrs, "2023-06")
    assert part.attrs["provenance"] == [{"dataset": DS, "reference_date": "2023-06-01", "editions": [{"file": "a.csv"}]}]
    assert attrs["provenance"][0]["reference_date"] == "2023-07-01"
    assert part.attrs["provenance"][0]["editions"] is attrs["provenance"][0]["editions"]  # shared, read-only
    with pytest.raises(TypeError, match="build a new one"):
        part.attrs["provenance"][0]["reference_date"] = "2023-05-01"


def test_the_change_report_of_a_new_month_reads_only_the_totals_of_the_last(two_months, real_data, tmp_path):
    from lichtenberg_data._report import change_report

    july = ld.load(DS)
    header, rows = read_rows(real_data / "business" / "ihk-monthly-diffs-2023" / "06_june_deleted.csv")
    august = write_snapshot(tmp_path / "IHK_OD_08-2023.csv", header, rows)
    outcome = ld.import_file(DS, august)
    assert outcome.report == change_report(july, ld.load(DS))  # as if July had been read whole
    assert outcome.report["rows_before"] == len(july) and outcome.report["rows_after"] == 316
    assert set(outcome.report["totals"]) == {"latitude", "longitude", "business_age"}
