"""Building tables from files: a rebuild from the stored raw files gives the table of the import
(every dataset of the catalogue), and each import says per file what it kept and dropped."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
import pytest
from ihk_rows import july_2023
from pandas.testing import assert_frame_equal

import lichtenberg_data as ld
from lichtenberg_data import catalog, cli
from lichtenberg_data.demo import SAMPLES, SNAPSHOT, TEST_SAMPLES, _written, snapshot_datasets

#: Real files of ``../shared/real-data`` for datasets the shipped snapshot does not hold.
REAL = {"gigabit_versorgung": lambda real, folder: [real / "business" / "Berlin_LOR_Versorgungsdaten_Stand_2402.xlsx"],
        "ihk_gewerbedaten": lambda real, folder: [real / "business" / "IHK_OD_03-2023.csv",
                                                  *july_2023(real, folder / "ihk")[:2]]}


def _files(ds: catalog.Dataset, folder: Path, real_data: Path) -> list[Path]:
    """Good files for ``ds``: the shipped real snapshot where it has the dataset, else real files of
    ``../shared/real-data``, else the demo's sample writers; of a history at most three editions."""
    files = _good_files(ds, folder, real_data)
    return files[:2] + files[-1:] if ds.history and len(files) > 3 else files


def _good_files(ds: catalog.Dataset, folder: Path, real_data: Path) -> list[Path]:
    if ds.id in snapshot_datasets():
        return sorted(p for p in (SNAPSHOT / ds.id).iterdir() if p.is_file())
    if ds.id in REAL and (real_data / "business" / "ihk-monthly-diffs-2023").is_dir():
        return REAL[ds.id](real_data, folder)
    writer = SAMPLES.get(ds.id) or TEST_SAMPLES.get(ds.id)
    if writer is not None:
        out, seen = [], set()
        for res in ds.resources:
            for name, body in (_written(writer, res) or {}).items():
                if body in seen:  # the same bytes under a second name (the IHK live file = its newest month)
                    continue
                seen.add(body)
                path = folder / ds.id / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(body)
                out.append(path)
        return sorted(out)
    if ds.id in REAL:
        pytest.skip(f"{ds.id}: its real files in ../shared/real-data are not at hand")
    raise AssertionError(f"{ds.id} has no good file for this test: add a sample writer to lichtenberg_data.demo "
                         "or a real file to the snapshot")


def _import_all(ds: catalog.Dataset, files: list[Path]) -> None:
    """Import as a user would: a history edition by edition (all but the last at once, then the
    last, then the first again: a new copy of a stored edition), any other dataset in one go."""
    if not (ds.history and len(files) > 1):
        ld.import_file(ds.id, files)
        return
    ld.import_file(ds.id, files[:-1])
    ld.import_file(ds.id, files[-1])
    ld.import_file(ds.id, files[0])


def _state(ds: catalog.Dataset) -> tuple[pd.DataFrame, dict, list]:
    df = ld.load(ds.id, months="all") if ds.partition else ld.load(ds.id)
    prov = df.attrs["provenance"][0]
    snaps = json.loads(ld.settings.settings.manifest_path.read_text())["datasets"][ds.id]["snapshots"]
    stands = sorted((s["raw_path"], s["reference_date"]) for s in snaps)
    return df, {"reference_date": prov["reference_date"], "editions": prov["editions"],
                "sample": prov["sample"]}, stands


@pytest.mark.slow
def test_a_rebuild_gives_every_dataset_the_table_editions_and_stands_of_its_import(data_dir, tmp_path, real_data):
    """Every dataset of the catalogue: import good files, rebuild from the stored raw files, compare."""
    imported, took = {}, {}
    for ds in catalog.datasets():
        start = time.monotonic()
        _import_all(ds, _files(ds, tmp_path / "files", real_data))
        imported[ds.id] = _state(ds)
        took[ds.id] = time.monotonic() - start
    outcomes = {o.dataset: o for o in ld.rebuild()}
    assert set(outcomes) == set(catalog.ids())
    for ds in catalog.datasets():
        assert outcomes[ds.id].state == "rebuilt", outcomes[ds.id].reason
        df, prov, stands = _state(ds)
        before_df, before_prov, before_stands = imported[ds.id]
        assert_frame_equal(df, before_df, obj=ds.id)
        assert prov == before_prov, ds.id
        assert stands == before_stands, ds.id
    print(sorted(took.items(), key=lambda kv: -kv[1]))
    assert sum(took.values()) < 60, sorted(took.items(), key=lambda kv: -kv[1])[:5]


def test_a_rebuild_keeps_the_stand_read_from_the_file_name(data_dir):
    """The stored raw file is named `<import date>_EWR_Ortsteile_2020-12-31.csv`: the parser must
    still read 31.12.2020, never the import date of the prefix."""
    ld.import_file("einwohner_ortsteile", SNAPSHOT / "einwohner_ortsteile" / "EWR_Ortsteile_2020-12-31.csv")
    before = ld.load("einwohner_ortsteile")
    assert cli.main(["rebuild", "einwohner_ortsteile"]) == 0
    after = ld.load("einwohner_ortsteile")
    assert len(after) == 7276
    assert after["date"].unique().tolist() == [pd.Timestamp("2020-12-31")]
    assert after.attrs["provenance"][0]["reference_date"] == "2020-12-31"
    assert_frame_equal(after, before)


def test_a_rebuild_of_a_dataset_without_raw_files_is_skipped(data_dir):
    [outcome] = ld.rebuild(["einwohner_ortsteile"])
    assert outcome.state == "skipped"
    assert "no raw files stored here" in outcome.reason


# --------------------------------------------------------------------------- kept and dropped
def test_the_outcome_and_the_cli_say_what_each_file_kept(data_dir, capsys):
    outcome = ld.import_file("einwohner_ortsteile", SNAPSHOT / "einwohner_ortsteile" / "EWR_Ortsteile_2020-12-31.csv")
    [tally] = outcome.files
    assert (tally.file, tally.kept, tally.dropped) == ("EWR_Ortsteile_2020-12-31.csv", 7276, {})
    assert cli.main(["import", "einwohner_lor", str(SNAPSHOT / "einwohner_lor" / "EWR201912E_Matrix.csv"),
                     str(SNAPSHOT / "einwohner_lor" / "EWR202012E_Matrix.csv")]) == 0
    out = capsys.readouterr().out
    assert "  einwohner_lor: EWR201912E_Matrix.csv: 448 kept" in out
    assert "  einwohner_lor: EWR202012E_Matrix.csv: 448 kept" in out
    report = sorted((data_dir / "reports").glob("import-*.json"))[-1]
    [entry] = json.loads(report.read_text())
    assert [(f["file"], f["kept"]) for f in entry["files"]] == [("EWR201912E_Matrix.csv", 448),
                                                                ("EWR202012E_Matrix.csv", 448)]
    markdown = report.with_suffix(".md").read_text()
    assert "- file EWR202012E_Matrix.csv: 448 kept" in markdown


@pytest.fixture()
def dropping(monkeypatch):
    """A dataset whose parser reads two files at once and leaves out the objects outside Berlin,
    reporting both with ``_kept`` (as the OSM and listings parsers do)."""
    from lichtenberg_data import _kept

    def parse(files):
        rows = []
        for path in files.values():
            lines = [ln.split(";") for ln in path.read_text().split()]
            inside = [obj for obj, where in lines if where == "in"]
            outside = [obj for obj, where in lines if where != "in"]
            _kept.drop(path, "outside Berlin", len(outside), examples=outside)
            _kept.kept(path, len(inside))
            rows += inside
        return pd.DataFrame({"id": rows})

    catalog.datasets()
    ds = catalog.Dataset(
        id="kept_test", title="t", topic="t", publisher="p", license=catalog.LICENSES["odbl"], landing_page="",
        resources=(catalog.Resource("bars.csv", None, "csv", match="bar", optional=True),
                   catalog.Resource("museums.csv", None, "csv", match="museum", optional=True)),
        spatial_unit="Punkt", update="static", parser=parse, schema=catalog.Schema({"id": "str"}),
        source_title="t")
    monkeypatch.setitem(catalog._REGISTRY, ds.id, ds)
    return ds


def test_each_file_says_what_it_kept_and_dropped(data_dir, dropping, tmp_path, capsys):
    bars = tmp_path / "bars.csv"
    bars.write_text("node/1;in\nnode/2;in\nnode/3;in\nnode/4;out\nnode/5;out\n")
    museums = tmp_path / "museums.csv"
    museums.write_text("node/7;in\n")
    assert cli.main(["import", "kept_test", str(bars), str(museums)]) == 0
    out = capsys.readouterr().out
    assert "  kept_test: bars.csv: 3 kept; 2 dropped (2 outside Berlin, e.g. node/4, node/5)" in out
    assert "  kept_test: museums.csv: 1 kept" in out
    report = sorted((data_dir / "reports").glob("import-*.json"))[-1]
    [entry] = json.loads(report.read_text())
    assert entry["files"][0] == {"file": "bars.csv", "kept": 3, "dropped": {"outside Berlin": 2},
                                 "examples": {"outside Berlin": ["node/4", "node/5"]}}
    assert "- file bars.csv: 3 kept; 2 dropped (2 outside Berlin, e.g. node/4, node/5)" in \
        report.with_suffix(".md").read_text()


def test_a_file_that_gives_nothing_is_an_error_naming_it(data_dir, dropping, tmp_path):
    bars = tmp_path / "bars.csv"
    bars.write_text("node/1;in\n")
    ld.import_file("kept_test", bars)
    before = (data_dir / "manifest.json").read_bytes()
    museums = tmp_path / "museums.csv"
    museums.write_text("node/8;out\nnode/9;out\n")
    with pytest.raises(ld.FormatError) as err:
        ld.import_file("kept_test", museums)
    assert str(err.value).startswith("kept_test: museums.csv: 0 kept; 2 dropped (2 outside Berlin, e.g. node/8, "
                                     "node/9): the file gives no row. Nothing was changed")
    assert (data_dir / "manifest.json").read_bytes() == before


def test_one_file_of_several_is_compared_with_its_own_stored_copy(data_dir, dropping, tmp_path):
    """The table as a whole loses 1 row of 23 (4 %), but bars.csv loses 1 of 3: refused."""
    bars = tmp_path / "bars.csv"
    bars.write_text("node/1;in\nnode/2;in\nnode/3;in\n")
    museums = tmp_path / "museums.csv"
    museums.write_text("".join(f"node/{i};in\n" for i in range(10, 30)))
    assert ld.import_file("kept_test", [bars, museums]).rows == 23
    bars.write_text("node/1;in\nnode/2;in\n")
    with pytest.raises(ld.FormatError) as err:
        ld.import_file("kept_test", bars)
    assert str(err.value).startswith("kept_test: bars.csv gives 2 rows, but the stored copy has 3 (33 % fewer): the "
                                     "file is probably cut off")
    assert ld.import_file("kept_test", bars, accept_fewer_rows=True).rows == 22
