"""The file sniffer: the true kind of a file from its bytes, and the one-line refusal built from
what was found and what the dataset takes."""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from lichtenberg_data._errors import FormatError
from lichtenberg_data._readers import open_workbook, read_text
from lichtenberg_data._sniff import check_kind, sniff
from lichtenberg_data.demo import SNAPSHOT

XLSX = SNAPSHOT / "entgelte_lor" / "lor_Medianeinkommen_31-12-2023.xlsx"
XLS = SNAPSHOT / "bodenrichtwerte" / "broker_2012.xls"
CSV = "ZEIT;RAUMID;BEZ;E_E\n202012;11401032;11;2930\n202012;11401033;11;1871\n"


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _sqlite(folder: Path, *, gpkg: bool = False, gdal: bool = False) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "layer.sqlite"
    with sqlite3.connect(path) as db:
        if gpkg:
            db.execute("PRAGMA application_id = 1196444487")  # 'GPKG'
        if gdal:
            db.execute("CREATE TABLE geometry_columns (f_table_name TEXT, f_geometry_column TEXT)")
        db.execute("CREATE TABLE zonen (brw INTEGER, name TEXT)")
        db.executemany("INSERT INTO zonen VALUES (?, ?)", [(i, "x" * 200) for i in range(2000)])
    db.close()
    return path


@pytest.mark.parametrize(("data", "kind", "what"), [
    (b"", "empty", "empty (0 bytes)"),
    (b" \r\n\t ", "empty", "empty (only blank space)"),
    (b"\x00" * 600, "binary", "binary data (only zero bytes)"),
    (bytes(range(256)) * 16, "binary", "binary data (no text, no known file format)"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "pdf", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image", "an image (PNG)"),
    (b"\n<!DOCTYPE html>\n<html><body>Wartung</body></html>", "html", "an HTML page"),
    (b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', "html", "an HTML page"),
    (b'<?xml version="1.0"?><ows:ExceptionReport xmlns:ows="x"/>', "xml",
     "an XML error answer of a web service (ExceptionReport)"),
    (b'<wfs:FeatureCollection xmlns:gml="http://www.opengis.net/gml/3.2"/>', "gml", "a GML file"),
    (b'<?xml version="1.0"?><root/>', "xml", "an XML file"),
    (b'{"type": "FeatureCollection", "features": []}', "geojson", "a GeoJSON file"),
    (b'{"version": 0.6, "generator": "Overpass API", "elements": []}', "overpass", "an Overpass API answer (OSM JSON)"),
    (b'[{"a": 1}]', "json-list", "a JSON list (not an object)"),
    (b'\xef\xbb\xbf{"a": 1}', "json", "a JSON file"),
    (CSV.encode(), "text", "a text (CSV) file"),
])
def test_kind_from_the_bytes(tmp_path, data, kind, what):
    found = sniff(_file(tmp_path, "any.name", data))
    assert (found.kind, found.what, found.cut) == (kind, what, False)


@pytest.mark.parametrize(("encode", "what"), [
    (lambda t: t.encode("utf-16"), "UTF-16 text (CSV)"),          # with BOM (Excel's "Unicode text")
    (lambda t: t.encode("utf-16-le"), "UTF-16 text (CSV)"),       # no BOM: told by the zero bytes
    (lambda t: t.encode("utf-16-be"), "UTF-16 text (CSV)"),
    (lambda t: t.encode("utf-32"), "UTF-32 text (CSV)"),
    (lambda t: t.encode("utf-32-le"), "UTF-32 text (CSV)"),
    (lambda t: t.replace("ZEIT", "Straße").encode("cp1252"), "Latin-1/Windows-1252 text (CSV)"),
    (lambda t: t.replace("ZEIT", "Straße").encode("utf-8-sig"), "a text (CSV) file"),
])
def test_text_encodings(tmp_path, encode, what):
    assert sniff(_file(tmp_path, "EWR.csv", encode(CSV))).what == what


def test_a_latin1_byte_after_the_first_megabytes_is_found(tmp_path):
    """The whole file is checked for UTF-8, not only its head."""
    body = (CSV * 60_000).encode() + "202012;11401034;11;Müggelheim\n".encode("cp1252")
    found = sniff(_file(tmp_path, "EWR.csv", body))
    assert len(body) > 2_000_000 and found.encoding == "cp1252"
    assert found.what == "Latin-1/Windows-1252 text (CSV)"


def test_latin1_geojson_is_named_latin1(tmp_path):
    doc = json.dumps({"type": "FeatureCollection", "features": [{"properties": {"name": "Schöneweide"}}]},
                     ensure_ascii=False)
    found = sniff(_file(tmp_path, "zentren.geojson", doc.encode("cp1252")))
    assert (found.kind, found.what) == ("geojson", "Latin-1/Windows-1252 text (GeoJSON)")


def test_workbooks_intact_and_cut(tmp_path):
    assert sniff(XLSX).what == "an Excel workbook (xlsx)"
    assert sniff(XLS).what == "an Excel workbook (xls)"
    for src, kind in ((XLSX, "xlsx"), (XLS, "xls")):
        data = src.read_bytes()
        for cut in (0.1, 0.5, 0.99):
            found = sniff(_file(tmp_path, src.name, data[: int(len(data) * cut)]))
            assert (found.kind, found.cut) == (kind, True), (src.name, cut)
            assert f"an Excel workbook ({kind}) that is cut off" in found.what


def test_other_zip_archives(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("lor.shp", b"x")
        z.writestr("lor.dbf", b"x")
    assert sniff(_file(tmp_path, "lor.zip", buf.getvalue())).what == "a zip archive with a shapefile"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", b"<w/>")
    assert sniff(_file(tmp_path, "x.xlsx", buf.getvalue())).what == "a Word document (docx)"


def test_sqlite_databases(tmp_path):
    assert sniff(_sqlite(tmp_path / "plain")).what == "an SQLite database"
    assert sniff(_sqlite(tmp_path / "gdal", gdal=True)).what == "an SQLite database (GDAL/SpatiaLite vector layers)"
    gpkg = _sqlite(tmp_path / "gpkg", gpkg=True)
    assert sniff(gpkg).what == "an SQLite database (a GeoPackage)"
    cut = _file(tmp_path, "cut.sqlite", gpkg.read_bytes()[:200_000])
    assert sniff(cut).cut and sniff(cut).what == "an SQLite database (a GeoPackage) that is cut off (200,000 of 442,368 bytes)"


def test_gzip_is_told_by_its_content(tmp_path):
    found = sniff(_file(tmp_path, "listings.csv.gz", gzip.compress(CSV.encode())))
    assert (found.kind, found.packed, found.what) == ("text", "gzip", "a gzip-compressed text (CSV) file")


# ---------------------------------------------------------------------------------- refusals

def test_binary_noise_for_a_json_dataset(tmp_path):
    path = _file(tmp_path, "random.json", bytes(range(256)) * 16)
    with pytest.raises(FormatError) as info:
        check_kind(path, "json", what=path.name, takes="jobsuche_berlin.json")
    assert str(info.value) == ("random.json is binary data (no text, no known file format), but this dataset takes "
                               "JSON files (jobsuche_berlin.json): this is not the data file (damaged, or another "
                               "download); download the file again")


def test_utf16_for_a_csv_dataset(tmp_path):
    path = _file(tmp_path, "EWR202012E_Matrix.csv", CSV.encode("utf-16"))
    with pytest.raises(FormatError) as info:
        check_kind(path, "csv", what=path.name)
    assert str(info.value).startswith("EWR202012E_Matrix.csv is UTF-16 text (CSV), but this dataset takes UTF-8 CSV "
                                      "files: save it again as UTF-8")


def test_an_sqlite_layer_for_a_geojson_dataset(tmp_path):
    path = _sqlite(tmp_path / "g", gdal=True)
    with pytest.raises(FormatError) as info:
        check_kind(path, "geojson", what="brw_zonen.geojson")
    assert "brw_zonen.geojson is an SQLite database (GDAL/SpatiaLite vector layers), but this dataset takes " \
           "GeoJSON files: export its layer as GeoJSON" in str(info.value)
    assert check_kind(path, ("geojson", "sqlite"), what="x").kind == "sqlite"  # where it is declared, it is taken


def test_a_workbook_for_a_csv_dataset_and_a_cut_workbook(tmp_path):
    with pytest.raises(FormatError, match=r"is an Excel workbook \(xlsx\), but this dataset takes UTF-8 CSV files: "
                                          r"pass the portal's CSV file, not a workbook"):
        check_kind(XLSX, "csv", what=XLSX.name)
    cut = _file(tmp_path, XLSX.name, XLSX.read_bytes()[:5000])
    with pytest.raises(FormatError) as info:
        check_kind(cut, "xlsx", what=cut.name)
    assert "but this dataset takes" not in str(info.value)  # it is the right kind, only cut off
    assert "cut off" in str(info.value) and "download was interrupted" in str(info.value)


def test_what_fits_is_taken(tmp_path):
    assert check_kind(XLS, ("xls",), what=XLS.name).kind == "xls"
    assert check_kind(XLSX, ("xls",), what="broker_2020.xls").kind == "xlsx"  # an xlsx named .xls
    gz = _file(tmp_path, "listings.csv.gz", gzip.compress(CSV.encode()))
    assert check_kind(gz, "csv", what=gz.name).packed == "gzip"
    renamed = _file(tmp_path, "listings.csv", gz.read_bytes())
    with pytest.raises(FormatError, match="is a gzip-compressed text .* unpack it"):
        check_kind(renamed, "csv", what=renamed.name)


def test_empty_is_empty(tmp_path):
    with pytest.raises(FormatError) as info:
        check_kind(_file(tmp_path, "a.csv", b""), "csv", what="a.csv")
    assert str(info.value) == "a.csv is empty (0 bytes): download the file again"


# ---------------------------------------------------------------------------------- readers

def test_read_text_names_the_encoding(tmp_path):
    with pytest.raises(FormatError, match=r"EWR.csv is UTF-16 text \(CSV\), not UTF-8"):
        read_text(_file(tmp_path, "EWR.csv", CSV.encode("utf-16")))
    with pytest.raises(FormatError, match=r"is binary data .*not UTF-8 text"):
        read_text(_file(tmp_path, "EWR.csv", bytes(range(256)) * 16))


def test_an_xlsx_named_xls_opens_as_xlsx(tmp_path):
    renamed = _file(tmp_path, "lor_Medianeinkommen.xls", XLSX.read_bytes())
    book = open_workbook(renamed)
    assert book.sheet_names == open_workbook(XLSX).sheet_names and len(book.sheet_names) >= 1


def test_every_real_file_is_told_as_its_name_says(real_data):
    """Each real portal file at hand is sniffed as the kind its extension names, none cut off."""
    expected = {".csv": {"text"}, ".xlsx": {"xlsx"}, ".xls": {"xls"}, ".gml": {"gml"},
                ".geojson": {"geojson"}, ".json": {"json", "geojson", "overpass"}, ".sqlite": {"sqlite"}}
    seen = 0
    for path in sorted(p for p in real_data.rglob("*") if p.is_file() and p.suffix.lower() in expected):
        found = sniff(path)
        assert found.kind in expected[path.suffix.lower()] and not found.cut, (path.name, found)
        assert found.encoding in (None, "utf-8"), (path.name, found)
        seen += 1
    assert seen >= 20
