"""A file must end where its format ends (``lichtenberg_data._guards``): real files pass, their cut
copies are named as cut, and the row-drop guard words its refusal with both counts."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from lichtenberg_data._errors import CutOffError
from lichtenberg_data._guards import check_complete, check_rows
from lichtenberg_data.demo import SNAPSHOT

#: What the first half of a real file of each kind is called.
HALF = {".xlsx": "is a zip archive (xlsx) that is cut off or damaged (its table of contents is missing)",
        ".xls": "is an Excel workbook (xls) that was cut off",
        ".sqlite": "is a SQLite database that was cut off",
        ".gml": "ends before its root element <wfs:FeatureCollection> is closed: the file was cut off",
        ".json": "the file was cut off", ".geojson": "the file was cut off"}


def _real_files(real_data: Path) -> list[Path]:
    return sorted(p for root in (real_data, SNAPSHOT) for p in root.rglob("*")
                  if p.is_file() and p.suffix.lower() not in {".md"} and p.name != "MANIFEST.json")


def _cause(path: Path, formats=("csv",)) -> str | None:
    try:
        check_complete(path, formats)
    except CutOffError as exc:
        return str(exc)
    return None


def _write(folder: Path, name: str, body: bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return path


def test_every_real_file_ends_where_its_format_ends(real_data):
    files = _real_files(real_data)
    assert len(files) > 100
    assert [(f.name, _cause(f)) for f in files if _cause(f)] == []


def test_the_first_half_of_every_real_workbook_database_json_and_gml_is_cut(real_data, tmp_path):
    checked = {}
    for f in _real_files(real_data):
        phrase = HALF.get(f.suffix.lower())
        if phrase is None or f.stat().st_size < 2048:
            continue
        data = f.read_bytes()
        cause = _cause(_write(tmp_path / f.parent.name, f.name, data[: len(data) // 2]))
        assert cause is not None and cause.startswith(f"{f.name} ") and phrase in cause, (f, cause)
        checked[f.suffix.lower()] = checked.get(f.suffix.lower(), 0) + 1
    assert set(checked) == set(HALF), checked


def test_a_csv_cut_inside_a_quoted_name_is_named(real_data, tmp_path):
    """The listings quote names with line breaks: a cut inside one leaves a quote open."""
    data = (real_data / "tourism" / "insideairbnb" / "2025-09" / "listings.csv").read_bytes()
    start = data.index(b'"', len(data) // 2)
    path = _write(tmp_path, "listings.csv", data[: start + 3])
    assert _cause(path) == ('listings.csv ends inside a quoted field (an opening " without its closing one): the '
                            "file was cut off")


def test_a_csv_with_carriage_returns_only_cut_mid_row(real_data, tmp_path):
    """IHK's change files end their lines with CR alone."""
    data = (real_data / "business" / "ihk-monthly-diffs-2023" / "07_july_added.csv").read_bytes()
    cut = data[: data.index(b"\r", len(data) // 2) + 40]
    cause = _cause(_write(tmp_path, "IHK_OD_07-2023.csv", cut))
    assert cause is not None and cause.startswith("IHK_OD_07-2023.csv ends in the middle of a record (its last line "
                                                  "has ")
    assert cause.endswith("fields): the file was cut off")


@pytest.mark.parametrize(("body", "why"), [
    (b"a;b;c\n1;2;3\n4;5;6", "the last record is complete without a final line break"),
    (b"a;b;c;\n1;2;3\n4;5;6\n", "every record is narrower than a header with a trailing separator"),
    (b"Titel der Tabelle\na;b;c\n1;2;3\n", "a title line above the header"),
    (b"a,b\n\"x\ny\",2\n", "a quoted line break in the last record"),
    (os.urandom(4096).replace(b"\x00", b"\x01"), "random bytes are for the sniffer to name"),
    ("a;b\n1;2\n".encode("utf-16"), "UTF-16 is for the sniffer to name"),
])
def test_complete_or_other_files_are_not_called_cut(tmp_path, body, why):
    assert _cause(_write(tmp_path, "x.csv", body)) is None, why


def test_a_gzip_stream_without_its_end_is_cut(real_data, tmp_path):
    packed = gzip.compress((real_data / "tourism" / "insideairbnb" / "2024-06" / "listings.csv").read_bytes())
    whole = _write(tmp_path, "listings.csv.gz", packed)
    assert _cause(whole) is None
    cut = _write(tmp_path / "cut", "listings.csv.gz", packed[: len(packed) // 2])
    assert _cause(cut) == "listings.csv.gz is a gzip archive that was cut off (its end is missing)"


def test_the_row_drop_guard_names_both_counts_and_the_edition():
    with pytest.raises(CutOffError) as err:
        check_rows("kurzzeitvermietung", "listings.csv", "2025-09-23", 8054, 14274, period="month")
    assert str(err.value) == ("listings.csv gives 8,054 rows for the edition of 09/2025, but the stored copy of that "
                              "edition has 14,274 (44 % fewer): the file is probably cut off")
    assert err.value.advice == ("download it again, or pass --accept-fewer-rows if this edition really has fewer "
                                "rows")
    with pytest.raises(CutOffError, match=r"^LOR_2021.csv gives 100 rows, but the stored copy has 542 \(82 % fewer\)"):
        check_rows("lor_schluessel", "LOR_2021.csv", None, 100, 542)
    check_rows("x", "a.csv", "2020-12-31", 90, 100)  # exactly 10 % fewer: taken
    check_rows("x", "a.csv", "2020-12-31", 89, 100, accept=True)  # taken on purpose
    with pytest.raises(CutOffError, match=r"89 rows .* has 100 \(11 % fewer\)"):
        check_rows("x", "a.csv", "2020-12-31", 89, 100)
