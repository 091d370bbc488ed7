"""Reading geodata archives safely (``lichtenberg_data._geoio``): unsafe member paths of every
spelling are refused, and a GML inside a zip passes the same safe XML reader as a bare GML."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from pandas.testing import assert_frame_equal

import lichtenberg_data as ld
from lichtenberg_data import _geoio
from lichtenberg_data._errors import FormatError
from lichtenberg_data.demo import SNAPSHOT

GML = SNAPSHOT / "bezirke" / "alkis_bezirke_bezirksgrenzen.gml"
BOMB = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        '<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs/2.0">&b;</wfs:FeatureCollection>')
XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return path


@pytest.mark.parametrize("member", ["../evil.txt", "..\\..\\evil.txt", "C:/x/evil.txt", "C:\\x\\evil.txt",
                                    "/etc/evil.txt", "\\evil.txt", "a/..\\..\\evil.txt"])
def test_a_member_path_outside_the_archive_is_refused(tmp_path, member):
    archive = _zip(tmp_path / "bezirke.zip", {"bezirke.gml": GML.read_bytes(), member: b"x"})
    with pytest.raises(FormatError, match=r"^bezirke.zip contains paths outside the archive \(unsafe\)\. "
                                          r"Nothing was read$"):
        _geoio.read_geofile(archive)


def test_a_gml_in_a_zip_reads_like_the_bare_gml(tmp_path):
    archive = _zip(tmp_path / "bezirke.zip", {"wfs/alkis_bezirke.gml": GML.read_bytes()})
    zipped, bare = _geoio.read_geofile(archive), _geoio.read_geofile(GML)
    assert len(zipped) == 12
    assert zipped.attrs["timestamp"] == "2025-09-29"  # read by the GML reader (GDAL keeps no timeStamp)
    assert_frame_equal(zipped, bare)


@pytest.mark.parametrize(("xml", "cause"), [(BOMB, "contains a DTD or entity declarations"),
                                             (XXE, "contains a DTD or entity declarations")])
def test_a_gml_in_a_zip_passes_the_safe_xml_checks(tmp_path, xml, cause):
    archive = _zip(tmp_path / "bezirke.zip", {"bezirke.gml": xml.encode()})
    with pytest.raises(FormatError) as err:
        _geoio.read_geofile(archive)
    assert str(err.value).startswith(f"bezirke.zip (bezirke.gml): bezirke.gml {cause}"), str(err.value)
    assert "refused as unsafe XML" in str(err.value)


def test_an_unsafe_archive_imported_by_hand_changes_nothing(data_dir, tmp_path):
    ld.import_file("bezirke", GML)
    table = (data_dir / "processed" / "bezirke.parquet").read_bytes()
    archive = _zip(tmp_path / "bezirke.zip", {"bezirke.gml": GML.read_bytes(), "..\\..\\evil.txt": b"x"})
    with pytest.raises(FormatError) as err:
        ld.import_file("bezirke", archive)
    assert str(err.value).startswith("bezirke: bezirke.zip contains paths outside the archive (unsafe)")
    assert (data_dir / "processed" / "bezirke.parquet").read_bytes() == table
    assert not list(data_dir.rglob("evil.txt")) and not list(tmp_path.parent.rglob("evil.txt"))
