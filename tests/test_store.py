"""load(), status() and provenance."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pandas as pd
import pytest

import lichtenberg_data as ld
from lichtenberg_data import DataNotAvailableError
from lichtenberg_data.demo import SNAPSHOT, write_mirror


@pytest.fixture(scope="module")
def mirror(tmp_path_factory):
    """A mirror of real files from the shipped snapshot: the Ortsteile and one EWR edition (2025)."""
    import shutil

    folder = tmp_path_factory.mktemp("real-mirror")
    for dataset, name in (("einwohner_lor", "EWR_L21_202512E_Matrix.csv"),
                          ("einwohner_ortsteile", "EWR_Ortsteile_2020-12-31.csv")):
        (folder / dataset).mkdir()
        shutil.copyfile(SNAPSHOT / dataset / name, folder / dataset / name)
    return folder


@pytest.fixture(scope="module")
def sample_mirror(tmp_path_factory):
    return write_mirror(tmp_path_factory.mktemp("mirror"), only=["beschaeftigte_bezirke", "arbeitslose_bezirke"])


def import_ortsteile_plus(mirror, folder, residents: int) -> None:
    """Import the sample Ortsteile file with one more row of ``residents`` people in Lichtenberg."""
    changed = folder / "EWR_Ortsteile_2020-12-31.csv"
    changed.write_bytes((mirror / "einwohner_ortsteile" / changed.name).read_bytes()
                        + f"11;Lichtenberg;1199;Lichtenberg;1;D;95 und älter;{residents}\n".encode())
    ld.import_file("einwohner_ortsteile", changed)


def test_never_refreshed_names_the_command(data_dir):
    with pytest.raises(DataNotAvailableError) as exc:
        ld.load("einwohner_lor")
    assert "lichtenberg-data refresh einwohner_lor" in str(exc.value)
    assert str(exc.value).startswith("einwohner_lor: ")


def test_unknown_dataset(data_dir):
    with pytest.raises(KeyError, match="unknown dataset 'nope'"):
        ld.load("nope")


def test_sample_data_are_marked(data_dir, sample_mirror, mirror):
    ld.refresh(["beschaeftigte_bezirke", "einwohner_lor"], mirror=sample_mirror)
    df = ld.load("beschaeftigte_bezirke")
    assert df.attrs["provenance"][0]["sample"] is True
    assert "BEISPIELDATEN" in ld.source_note(df)
    assert ld.is_sample(df)
    ld.refresh(["einwohner_lor"], mirror=mirror)
    assert not ld.is_sample(ld.load("einwohner_lor"))
    status = ld.status().set_index("dataset")["sample"]
    assert status["beschaeftigte_bezirke"] is True and status["einwohner_lor"] is False
    assert status["gssa"] is None  # never loaded


def test_real_files_replace_sample_data_and_samples_never_replace_real_data(data_dir, sample_mirror, tmp_path):
    from lichtenberg_data.demo import sample_bytes

    ld.refresh(["arbeitslose_bezirke"], mirror=sample_mirror)
    sample_file = tmp_path / "SB_A06-05-00_2024j01_BE.xlsx"
    sample_file.write_bytes(sample_bytes("arbeitslose_bezirke", "arbeitslose_bezirke_2024.xlsx"))
    assert ld.import_file("arbeitslose_bezirke", sample_file).state == "fresh"  # sample onto sample: fine
    real = ld.import_file("einwohner_ortsteile", SNAPSHOT / "einwohner_ortsteile" / "EWR_Ortsteile_2020-12-31.csv")
    assert real.state == "fresh"
    with pytest.raises(ld.FormatError, match="generated sample files, and the dataset holds real data") as err:
        ld.import_file("einwohner_ortsteile", _sample_ortsteile(tmp_path))
    assert "lichtenberg-data reset einwohner_ortsteile" in str(err.value)
    assert not ld.is_sample(ld.load("einwohner_ortsteile"))


def _sample_ortsteile(folder):
    from lichtenberg_data.demo import sample_bytes

    path = folder / "EWR_Ortsteile_2020-12-31.csv"
    header, first, rest = sample_bytes("einwohner_ortsteile", path.name).split(b"\n", 2)
    fields = first.split(b";")
    fields[3] += b" [LICHTENBERG_DATA_SAMPLE]"  # the mark in a text field, as the demo's CSV writers put it
    path.write_bytes(b"\n".join([header, b";".join(fields), rest]))
    return path


def test_combined_frames_combine_sources(data_dir, mirror):
    ld.refresh(["einwohner_lor", "einwohner_ortsteile"], mirror=mirror)
    a, b = ld.load("einwohner_lor"), ld.load("einwohner_ortsteile")
    both = ld.with_sources(pd.DataFrame({"x": [1]}), a, b)
    note = ld.source_note(both)
    assert note.startswith("Quellen: ") and note.count("Amt für Statistik") == 2
    assert "Stand 31.12.2025" in note and "Stand 31.12.2020" in note
    assert ld.source_note(a, b) == note


def test_status(data_dir, mirror):
    ld.refresh(["einwohner_lor"], mirror=mirror)
    st = ld.status().set_index("dataset")
    assert st.loc["einwohner_lor", "reference_date"] == "2025-12-31"
    assert st.loc["einwohner_lor", "rows"] == 542
    assert st.loc["einwohner_lor", "age_days"] == 0 and not st.loc["einwohner_lor", "stale"]
    assert pd.isna(st.loc["einwohner_ortsteile", "retrieved_at"])


def test_status_marks_stale(data_dir, mirror):
    ld.refresh(["einwohner_lor"], mirror=mirror)
    path = data_dir / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["datasets"]["einwohner_lor"]["processed"]["retrieved_at"] = "2024-01-01T00:00:00+00:00"
    path.write_text(json.dumps(manifest))
    assert bool(ld.status().set_index("dataset").loc["einwohner_lor", "stale"]) is True


def test_snapshots_are_pruned(data_dir, mirror, tmp_path):
    ld.settings.set(keep_snapshots=1)
    try:
        ld.refresh(["einwohner_ortsteile"], mirror=mirror)
        import_ortsteile_plus(mirror, tmp_path, 1)
        raw = list((data_dir / "raw" / "einwohner_ortsteile").iterdir())
        assert len(raw) == 1
        manifest = json.loads((data_dir / "manifest.json").read_text())
        assert [s["arrived"] for s in manifest["datasets"]["einwohner_ortsteile"]["snapshots"]] == ["import"]
    finally:
        ld.settings.set(keep_snapshots=3)


def test_import_stays_light():
    code = ("import sys, lichtenberg_data as ld; ld.catalog.ids(); "
            "heavy = [m for m in ('geopandas', 'matplotlib', 'pandas', 'pyarrow', 'requests') if m in sys.modules]; "
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_duckdb_reads_the_processed_files(data_dir, mirror):
    pytest.importorskip("duckdb")
    ld.refresh(["einwohner_lor"], mirror=mirror)
    con = ld.connect()
    total = con.execute("SELECT sum(einwohner) FROM einwohner_lor WHERE year = 2025").fetchall()[0][0]
    df = ld.load("einwohner_lor")
    assert total == df.loc[df.year == 2025, "einwohner"].sum()


def test_warm_load_returns_private_copies(data_dir, mirror):
    ld.refresh(["einwohner_lor"], mirror=mirror)
    first = ld.load("einwohner_lor")
    first.loc[first.index[0], "einwohner"] = -1
    with pytest.raises(TypeError, match="a provenance entry cannot be changed; build a new one"):
        first.attrs["provenance"][0]["publisher"] = "changed"
    first.attrs["provenance"][0] = dict(first.attrs["provenance"][0], publisher="changed")
    first.attrs["provenance"].append({"dataset": "mine"})
    again = ld.load("einwohner_lor")
    assert again.loc[again.index[0], "einwohner"] != -1
    assert again.attrs["provenance"][0]["publisher"] == "Amt für Statistik Berlin-Brandenburg"
    assert len(again.attrs["provenance"]) == 1


def test_a_refresh_replaces_the_cached_table(data_dir, mirror, tmp_path):
    from lichtenberg_data._store import data_state

    ld.refresh(["einwohner_ortsteile"], mirror=mirror)
    before, state = ld.load("einwohner_ortsteile"), data_state()
    assert data_state() == state and len(state) == 2  # the folder and its one table
    import_ortsteile_plus(mirror, tmp_path, 5)
    assert data_state() != state  # what caches of computed results key on
    after = ld.load("einwohner_ortsteile")
    assert len(after) == len(before) + 1
    assert after["einwohner"].sum() == before["einwohner"].sum() + 5


def test_change_report_names_rows_and_totals(data_dir, mirror, tmp_path):
    ld.refresh(["einwohner_ortsteile"], mirror=mirror)
    before = ld.load("einwohner_ortsteile")
    import_ortsteile_plus(mirror, tmp_path, 5)
    [report] = [json.loads(p.read_text()) for p in sorted((data_dir / "reports").glob("import-*.json"))]
    entry = report[0]
    assert (entry["dataset"], entry["state"]) == ("einwohner_ortsteile", "fresh")
    assert (entry["rows_before"], entry["rows_after"]) == (len(before), len(before) + 1)
    total = entry["totals"]["einwohner"]
    assert total["after"] - total["before"] == 5
    md = sorted((data_dir / "reports").glob("import-*.md"))[0].read_text()
    assert f"| einwohner_ortsteile | fresh | {len(before)} | {len(before) + 1} |" in md
    assert "total einwohner:" in md


def test_raw_snapshots_of_one_name_stored_in_one_second_keep_apart(data_dir, tmp_path):
    """Several editions of one file name imported at once (four scrapes, each ``listings.csv``)."""
    from datetime import datetime

    from lichtenberg_data import _store

    when = datetime(2026, 5, 12, 10, 11, 12)
    stored = []
    for body in (b"a\n", b"b\n", b"c\n"):
        target = _store.snapshot_path("kurzzeitvermietung", "listings.csv", when, hashlib.sha256(body).hexdigest())
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        stored.append(target.name)
    assert stored == ["2026-05-12_listings.csv", "2026-05-12T101112_listings.csv", "2026-05-12T101112-2_listings.csv"]
    assert _store.snapshot_path("kurzzeitvermietung", "listings.csv", when,
                                hashlib.sha256(b"b\n").hexdigest()).name == "2026-05-12T101112_listings.csv"
def test_two_files_of_a_one_file_resource_are_refused_naming_both(data_dir, tmp_path):
    """Importing two files that are the same resource kept the last one silently; now the import
    says which files would be lost, and changes nothing."""
    gml = SNAPSHOT / "bezirke" / "alkis_bezirke_bezirksgrenzen.gml"
    copy = tmp_path / "bezirksgrenzen_2024.gml"
    copy.write_bytes(gml.read_bytes())
    with pytest.raises(ld.FormatError) as err:
        ld.import_file("bezirke", [gml, copy])
    message = str(err.value)
    assert message.startswith("bezirke: alkis_bezirke_bezirksgrenzen.gml, bezirksgrenzen_2024.gml are all the file "
                              "bezirksgrenzen.geojson of bezirke, which takes one such file: all but one would be "
                              "lost. Import only the one you want"), message
    assert not (data_dir / "processed" / "bezirke.parquet").exists()
