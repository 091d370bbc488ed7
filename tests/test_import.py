"""Importing files by hand: a cut copy never replaces a good edition, the row-drop guard and its
flag, editions by month, and a file of another dataset gets the parser's message.

The cut copies are made from real files of ``../shared/real-data``: the IHK register excerpt
(30 rows, 03/2023), the Inside Airbnb scrape of September 2025 (14,274 listings) and the
Einwohnerregister by Ortsteil of 31.12.2020 (7,276 rows).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pandas.testing import assert_frame_equal

import lichtenberg_data as ld
from lichtenberg_data import cli
from lichtenberg_data._errors import CutOffError, FormatError
from lichtenberg_data.demo import SNAPSHOT, sample_bytes

IHK = ("ihk_gewerbedaten", "business/IHK_OD_03-2023.csv")
LISTINGS = ("kurzzeitvermietung", "tourism/insideairbnb/2025-09/listings.csv")
ORTSTEILE = ("einwohner_ortsteile", "population/EWR_Ortsteile_2020-12-31.csv")
FEWER = ("Nothing was changed; download it again, or pass --accept-fewer-rows if this edition really has "
         "fewer rows")
CUT = "the file was cut off. Nothing was changed; download it again"


def half(data: bytes) -> bytes:
    """The first half of a file, as an interrupted download leaves it."""
    return data[: len(data) // 2]


def at_line_break(data: bytes) -> bytes:
    """The file up to the last line break before its middle."""
    return data[: data.rfind(b"\n", 0, len(data) // 2) + 1]


def folder_state(data_dir: Path) -> dict[str, bytes]:
    """Every file of the data folder but the reports."""
    return {p.relative_to(data_dir).as_posix(): p.read_bytes() for p in sorted(data_dir.rglob("*"))
            if p.is_file() and p.parts[len(data_dir.parts)] not in {"reports", "logs"}
            and not p.name.startswith(".")}


@pytest.fixture()
def with_lor(data_dir):
    """A data folder holding the real LOR 2021 Planungsräume (the listings are placed in them)."""
    ld.import_file("lor_planungsraeume", SNAPSHOT / "lor_planungsraeume" / "kieze.geojson")
    return data_dir


CASES = [
    pytest.param(IHK, half, "IHK_OD_03-2023.csv gives 15 rows for the edition of 03/2023, but the stored copy of "
                 "that edition has 30 (50 % fewer): the file is probably cut off. " + FEWER, id="ihk-half"),
    pytest.param(IHK, at_line_break, "IHK_OD_03-2023.csv gives 14 rows for the edition of 03/2023, but the stored "
                 "copy of that edition has 30 (53 % fewer): the file is probably cut off. " + FEWER, id="ihk-line"),
    pytest.param(ORTSTEILE, half, "EWR_Ortsteile_2020-12-31.csv ends in the middle of a record (its last line has "
                 "2 of 8 fields): " + CUT, id="ortsteile-half"),
    pytest.param(ORTSTEILE, at_line_break, "EWR_Ortsteile_2020-12-31.csv gives 3,691 rows for the edition of "
                 "31.12.2020, but the stored copy of that edition has 7,276 (49 % fewer): the file is probably cut "
                 "off. " + FEWER, id="ortsteile-line"),
    pytest.param(LISTINGS, half, "listings.csv ends in the middle of a record (its last line has 12 of 18 "
                 "fields): " + CUT, id="listings-half"),
    pytest.param(LISTINGS, at_line_break, "listings.csv gives 8,054 rows for the edition of 09/2025, but the stored "
                 "copy of that edition has 14,274 (44 % fewer): the file is probably cut off. " + FEWER,
                 id="listings-line"),
]


@pytest.mark.slow  # 1.0 s on 2 cores
@pytest.mark.parametrize(("case", "cut", "message"), CASES)
def test_a_cut_copy_is_refused_after_a_good_import(with_lor, real_data, tmp_path, case, cut, message):
    dataset, name = case
    good = real_data / name
    rows = {"ihk_gewerbedaten": 30, "kurzzeitvermietung": 14274, "einwohner_ortsteile": 7276}[dataset]
    assert ld.import_file(dataset, good).rows == rows
    before = folder_state(with_lor)
    copy = tmp_path / "cut" / good.name
    copy.parent.mkdir()
    copy.write_bytes(cut(good.read_bytes()))
    with pytest.raises(CutOffError) as err:
        ld.import_file(dataset, copy)
    assert str(err.value) == f"{dataset}: {message}"
    assert folder_state(with_lor) == before  # table, raw files and manifest as they were
    assert len(ld.load(dataset)) == rows
    snapshots = json.loads((with_lor / "manifest.json").read_text())["datasets"][dataset]["snapshots"]
    assert [s["size"] for s in snapshots] == [good.stat().st_size]


def test_the_cli_refuses_fewer_rows_and_takes_them_with_the_flag(data_dir, real_data, tmp_path, capsys):
    good = real_data / ORTSTEILE[1]
    copy = tmp_path / "cut" / good.name
    copy.parent.mkdir()
    copy.write_bytes(at_line_break(good.read_bytes()))
    assert cli.main(["import", "einwohner_ortsteile", str(good)]) == 0
    assert cli.main(["import", "einwohner_ortsteile", str(copy)]) == 1
    err = capsys.readouterr().err
    assert "gives 3,691 rows for the edition of 31.12.2020, but the stored copy of that edition has 7,276" in err
    assert cli.main(["import", "einwohner_ortsteile", str(copy), "--accept-fewer-rows"]) == 0
    assert "EWR_Ortsteile_2020-12-31.csv: 3691 kept" in capsys.readouterr().out
    # the new copy replaces the whole edition, and a rebuild from the stored raw file gives the same table
    stored = ld.load("einwohner_ortsteile")
    assert len(stored) == 3691
    assert ld.rebuild(["einwohner_ortsteile"])[0].state == "rebuilt"
    assert_frame_equal(ld.load("einwohner_ortsteile"), stored)
    editions = stored.attrs["provenance"][0]["editions"]
    assert [(e["file"], e["reference_date"]) for e in editions] == [("EWR_Ortsteile_2020-12-31.csv", "2020-12-31")]


def test_a_small_drop_is_taken(data_dir, real_data, tmp_path):
    """At most 10 % fewer rows is a new copy of the edition, not a cut one (27 of 30 IHK rows)."""
    good = real_data / IHK[1]
    assert ld.import_file(*IHK[:1], good).rows == 30
    lines = good.read_bytes().split(b"\r\n")
    fewer = tmp_path / "fewer" / good.name
    fewer.parent.mkdir()
    fewer.write_bytes(b"\r\n".join(lines[:-4] + [b""]))  # header + 27 rows, ends with a line break
    assert ld.import_file(*IHK[:1], fewer).rows == 27


def test_two_stands_in_one_month_are_one_edition(with_lor, tmp_path):
    """Inside Airbnb's Stand is the newest review date; a copy whose newest review is a day earlier
    is the same scrape: it replaces the stored one (all its rows), never adds a second edition."""
    excerpt = Path(__file__).parent / "fixtures" / "insideairbnb_berlin_listings_2022-12_excerpt.csv"
    text = excerpt.read_text(encoding="utf-8")
    assert ld.import_file("kurzzeitvermietung", excerpt).rows == 41
    earlier = tmp_path / "listings.csv"
    earlier.write_text(text.replace("2022-12-13", "2022-12-12"), encoding="utf-8")
    df = ld.load("kurzzeitvermietung")
    assert df["date"].max().isoformat()[:10] == "2022-12-13"
    assert ld.import_file("kurzzeitvermietung", earlier).rows == 41
    df = ld.load("kurzzeitvermietung")
    assert df["date"].dt.strftime("%Y-%m-%d").unique().tolist() == ["2022-12-12"]
    assert [e["reference_date"] for e in df.attrs["provenance"][0]["editions"]] == ["2022-12-12"]


@pytest.mark.slow  # 0.4 s on 2 cores
def test_a_file_of_another_dataset_gets_the_parsers_message_not_a_reset(with_lor, tmp_path):
    """osm_pois holds real data; a generated sample file of the job search (marked as sample) is no
    Overpass answer: that is the cause, and `reset osm_pois` would be destructive advice."""
    ld.import_file("bezirke", SNAPSHOT / "bezirke" / "alkis_bezirke_bezirksgrenzen.gml")  # osm_pois needs them
    ld.import_file("osm_pois", SNAPSHOT / "osm_pois" / "osm_malls_berlin_raw_20250928.json")
    jobs = tmp_path / "jobsuche_berlin.json"
    jobs.write_bytes(sample_bytes("stellenangebote", "jobsuche_berlin.json"))
    with pytest.raises(FormatError) as err:
        ld.import_file("osm_pois", jobs)
    assert str(err.value).startswith("osm_pois: jobsuche_berlin.json ")
    assert "reset" not in str(err.value)
    assert "generated sample files" not in str(err.value)


def test_sample_files_never_replace_real_ones_of_the_same_dataset(data_dir, tmp_path):
    ld.import_file("einwohner_ortsteile", SNAPSHOT / "einwohner_ortsteile" / "EWR_Ortsteile_2020-12-31.csv")
    sample = tmp_path / "EWR_Ortsteile_2020-12-31.csv"
    sample.write_bytes(sample_bytes("einwohner_ortsteile", sample.name))
    shutil.copy(sample, tmp_path / "copy.csv")
    with pytest.raises(FormatError, match="lichtenberg-data reset einwohner_ortsteile"):
        ld.import_file("einwohner_ortsteile", sample)


# --------------------------------------------------------------------------- the sample mark
def _zipped(path: Path, name: str, body: bytes, extra: dict[str, bytes] | None = None) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, body)
        for other, data in (extra or {}).items():
            zf.writestr(other, data)
    return path


def _imported_as_sample(dataset: str, path: Path) -> bool:
    ld.import_file(dataset, path)
    return ld.is_sample(ld.load(dataset)) and bool(ld.status().set_index("dataset").loc[dataset, "sample"])


def test_a_zipped_sample_stays_sample_data(data_dir, tmp_path):
    body = sample_bytes("bezirke", "bezirksgrenzen.geojson")
    archive = _zipped(tmp_path / "bezirke.zip", "bezirksgrenzen.geojson", body, {"LIESMICH.txt": b"Bezirke"})
    assert _imported_as_sample("bezirke", archive)


def test_a_sample_gml_stays_sample_data(data_dir, tmp_path):
    from lichtenberg_data.demo._mark import mark

    gml = tmp_path / "bezirke.gml"
    gml.write_bytes(mark((SNAPSHOT / "bezirke" / "alkis_bezirke_bezirksgrenzen.gml").read_bytes()))
    assert _imported_as_sample("bezirke", gml)
    assert len(ld.load("bezirke")) == 12


@pytest.mark.slow  # 0.3 s on 2 cores
def test_a_gzipped_sample_scrape_stays_sample_data(with_lor, tmp_path):
    import gzip

    from lichtenberg_data.demo._mark import mark
    from lichtenberg_data.demo.tourism import sample_scrapes

    name, body = sorted(sample_scrapes().items())[-1]  # named after its scrape date, as a refresh names it
    packed = tmp_path / f"{name}.gz"
    packed.write_bytes(gzip.compress(mark(body)))
    assert _imported_as_sample("kurzzeitvermietung", packed)


def test_a_sample_matrix_without_text_fields_stays_sample_data(data_dir, tmp_path):
    """The Einwohnerregister matrix has no free text: the mark is an empty last column."""
    path = tmp_path / "EWR_L21_202512E_Matrix.csv"
    path.write_bytes(sample_bytes("einwohner_lor", path.name))
    assert path.read_bytes().split(b"\n", 1)[0].endswith(b';LICHTENBERG_DATA_SAMPLE\r')
    assert _imported_as_sample("einwohner_lor", path)


def test_real_months_replace_every_sample_month(data_dir, real_data, tmp_path):
    """A register stored by month: real files replace all generated months, and the generated
    month of the same name is no stored edition a real one is compared with."""
    from lichtenberg_data.demo.business import sample_ihk_history

    for name, body in sample_ihk_history(months=2, n=300, end=(2023, 4)).items():
        _write = tmp_path / "sample" / name
        _write.parent.mkdir(exist_ok=True)
        _write.write_bytes(body)
        ld.import_file("ihk_gewerbedaten", _write)
    assert ld.is_sample(ld.load("ihk_gewerbedaten"))
    outcome = ld.import_file("ihk_gewerbedaten", real_data / IHK[1])
    assert outcome.reason == "replaced the generated sample data by real data (sample and real data never share a table)"
    table = ld.load("ihk_gewerbedaten", months="all")
    assert (len(table), table["date"].dt.strftime("%Y-%m").unique().tolist()) == (30, ["2023-03"])
    assert not ld.is_sample(table)
