"""The ``kurzzeitvermietung`` dataset (Inside Airbnb listings) on a real Berlin excerpt.

``fixtures/insideairbnb_berlin_listings_2022-12_excerpt.csv`` holds 41 unmodified records (42 lines,
one name has a line break) and the header of a real Inside Airbnb Berlin summary ``listings.csv``
(scrape of December 2022), copied from the public repository ``Uberkreuz/udacity_ds``, file
``listings_summary.csv``, commit ``e22d2c1f2e0ef2e250b752d4913c4648b78a97a4`` (Inside Airbnb,
CC BY 4.0). Records were picked for coverage (all 12 districts, 7 in Lichtenberg, 18-digit ids,
quoted commas and quotes, a line break, empty reviews); records whose ``license`` field names
private persons were left out. The spreadsheet copy is derived from it in :func:`_spreadsheet_copy`.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import shutil
from pathlib import Path

import pandas as pd
import pytest
from portal import Portal

import lichtenberg_data as ld
from lichtenberg_data import _store, catalog
from lichtenberg_data import settings as s
from lichtenberg_data._errors import DataNotAvailableError, FormatError
from lichtenberg_data._validate import validate
from lichtenberg_data.catalog import Resource
from lichtenberg_data.sources import rentals

EXCERPT = Path(__file__).parent / "fixtures" / "insideairbnb_berlin_listings_2022-12_excerpt.csv"


def _rows() -> list[dict]:
    """The excerpt read with the csv module alone (independent of the parser)."""
    with EXCERPT.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _spreadsheet_copy(text: str) -> bytes:
    """What a German spreadsheet program writes when the file is saved again as "CSV UTF-8":
    ``;`` separator, decimal commas, dates DD.MM.YYYY, ids longer than 15 digits shown as
    ``6,23785E+17``, CRLF and a BOM - and, as some programs do, a name with a line break
    written unquoted, which breaks that record into two lines."""
    out = []
    for i, row in enumerate(csv.reader(io.StringIO(text))):
        if i:
            if len(row[0]) > 15:
                row[0] = f"{float(row[0]):.5E}".replace(".", ",")
            for c in (6, 7, 13):
                row[c] = row[c].replace(".", ",")
            if row[12]:
                y, m, d = row[12].split("-")
                row[12] = f"{d}.{m}.{y}"
        out.append(";".join(f'"{f.replace(chr(34), 2 * chr(34))}"' if (";" in f or '"' in f) else f for f in row))
    return ("\ufeff" + "\r\n".join(out) + "\r\n").encode("utf-8")


@pytest.fixture(scope="module")
def lor_dir(real_data, tmp_path_factory):
    """A data folder holding the real LOR 2021 Planungsräume (the simplified kieze.geojson)."""
    folder = tmp_path_factory.mktemp("lor") / "data"
    old = s.settings.data_dir
    s.set(data_dir=folder)
    try:
        ld.import_file("lor_planungsraeume", real_data / "geometries" / "kieze.geojson")
    finally:
        s.set(data_dir=old)
    return folder


@pytest.fixture()
def with_lor(lor_dir, data_dir):
    """A fresh data folder (see conftest) that starts with the LOR of :func:`lor_dir`."""
    shutil.rmtree(data_dir, ignore_errors=True)
    shutil.copytree(lor_dir, data_dir)
    return data_dir


@pytest.fixture()
def listings(with_lor):
    ds = catalog.get("kurzzeitvermietung")
    df = ds.parser({"listings.csv": EXCERPT})
    validate(ds, df)
    return df


# ----------------------------------------------------------------------------- the original file
@pytest.mark.realdata
def test_real_excerpt(listings):
    rows = _rows()
    assert len(listings) == len(rows) == 41
    assert listings["id"].tolist() == [r["id"] for r in rows]  # 18-digit ids kept as text
    assert listings["price"].sum() == sum(float(r["price"]) for r in rows)
    assert int(listings["last_review"].isna().sum()) == sum(1 for r in rows if not r["last_review"])
    assert catalog.get("kurzzeitvermietung").stand(listings).isoformat() == max(r["last_review"] for r in rows)
    broken = listings.set_index("id").loc["32534469"]  # the record whose name has a line break
    assert (broken["room_type"], broken["price"], broken["bezirk_airbnb"]) == ("Private room", 35.0,
                                                                              "Tempelhof-Schöneberg")
    assert listings.attrs["verworfene_datensaetze"] == 0


@pytest.mark.realdata
def test_districts_by_name_and_by_coordinates(listings):
    assert listings.loc[listings["neighbourhood_group"] == "Charlottenburg-Wilm.", "bezirk_airbnb"].unique().tolist() \
        == ["Charlottenburg-Wilmersdorf"]
    assert listings.loc[listings["neighbourhood_group"] == "Marzahn - Hellersdorf", "bezirk_id_airbnb"].tolist() == ["10"]
    lichtenberg = listings[listings["bezirk_id"] == "11"]
    assert len(lichtenberg) == 7 and (lichtenberg["bezirk_id_airbnb"] == "11").all()
    fennpfuhl = listings.set_index("id").loc["44470435"]
    assert (fennpfuhl["bezirksregion"], fennpfuhl["planungsraum_id"][:6]) == ("Fennpfuhl", "113006")
    # Inside Airbnb shifts coordinates by up to 150 m: one listing of "Mitte" lies across the border
    differ = listings[listings["bezirk_id"] != listings["bezirk_id_airbnb"]]
    assert differ["id"].tolist() == ["64014"] and differ["bezirk"].tolist() == ["Pankow"]


@pytest.mark.realdata
def test_detailed_gzip_form_reads_the_same(with_lor, tmp_path, listings):
    gz = tmp_path / "listings.csv.gz"
    gz.write_bytes(gzip.compress(EXCERPT.read_bytes()))
    again = rentals.parse_listings_file(gz)
    pd.testing.assert_frame_equal(again.reset_index(drop=True), listings.reset_index(drop=True), check_like=True)


# ----------------------------------------------------------------------------- re-saved copies
@pytest.mark.realdata
def test_spreadsheet_copy_drops_and_counts_the_broken_record(with_lor, tmp_path, listings, caplog):
    path = tmp_path / "listings_excel.csv"
    path.write_bytes(_spreadsheet_copy(EXCERPT.read_text(encoding="utf-8")))
    with caplog.at_level(logging.WARNING, logger="lichtenberg_data"):
        copy = rentals.parse_listings_file(path)
    assert copy.attrs["verworfene_datensaetze"] == 1 and copy.attrs["verworfene_zeilen"] == 2
    assert "1 broken records (2 lines) dropped" in caplog.text
    long_ids = sum(1 for r in _rows() if len(r["id"]) > 15)
    assert copy.attrs["ids_zerstoert"] == int(copy["id"].isna().sum()) == long_ids == 8
    expected = listings[listings["id"] != "32534469"].reset_index(drop=True)
    assert len(copy) == 40
    for col in ("price", "latitude", "longitude", "last_review", "availability_365", "room_type", "bezirk_id",
                "planungsraum_id", "bezirk_id_airbnb"):
        pd.testing.assert_series_equal(copy[col], expected[col], check_names=False, obj=col)


@pytest.mark.realdata
def test_import_keeps_the_count_and_builds_the_history(with_lor, tmp_path):
    path = tmp_path / "listings_excel.csv"
    path.write_bytes(_spreadsheet_copy(EXCERPT.read_text(encoding="utf-8")))
    assert ld.import_file("kurzzeitvermietung", path).rows == 40
    assert ld.load("kurzzeitvermietung").attrs["verworfene_datensaetze"] == 1
    assert ld.import_file("kurzzeitvermietung", EXCERPT).rows == 41  # same Stand: replaces the copy
    later = tmp_path / "listings_2023.csv"
    later.write_text(EXCERPT.read_text(encoding="utf-8").replace("2022-12-13", "2023-03-20"), encoding="utf-8")
    ld.import_file("kurzzeitvermietung", later)
    df = ld.load("kurzzeitvermietung")
    assert df.groupby("date").size().to_dict() == {pd.Timestamp("2022-12-13"): 41, pd.Timestamp("2023-03-20"): 41}
    assert "CC BY 4.0" in ld.source_note(df)


def test_without_lor_the_parser_names_the_command(data_dir):
    with pytest.raises(DataNotAvailableError, match="lichtenberg-data refresh lor_planungsraeume"):
        rentals.parse_listings_file(EXCERPT)


# ----------------------------------------------------------------------------- bad files
def _bad_files(tmp_path, real_data):
    text = EXCERPT.read_text(encoding="utf-8")
    reviews = ("listing_id,id,date,reviewer_id,reviewer_name,comments\n"
               "3176,4283,2009-06-20,21475,Milena,\"The apartment is really nice\"\n"
               "3176,134722,2010-11-07,263467,Christian,\"Great location\"\n")
    files = {
        "reviews.csv": (reviews.encode(), "columns missing: room_type"),
        "listings.xls": ((real_data / "tourism" / "besucherstatistik-2013-2014.xls").read_bytes(), "Excel workbook"),
        "listings_cut.csv": (text[: len(text) // 2].encode(), "truncated|cut off"),
        "listings_renamed.csv": (text.replace(",latitude,", ",lat,", 1).encode(), "columns missing: latitude"),
        "listings_error.csv": (b"<html><head><title>503</title></head><body>Service Unavailable</body></html>",
                               "HTML page"),
    }
    for name, (body, message) in files.items():
        path = tmp_path / name
        path.write_bytes(body)
        yield path, message


@pytest.mark.realdata
def test_bad_files_are_refused_and_the_table_is_kept(with_lor, tmp_path, real_data):
    ld.import_file("kurzzeitvermietung", EXCERPT)
    before = _store.processed_path("kurzzeitvermietung").read_bytes()
    for path, message in _bad_files(tmp_path, real_data):
        with pytest.raises(FormatError, match=message) as err:
            ld.import_file("kurzzeitvermietung", path)
        assert "\n" not in str(err.value) and str(err.value).startswith(("kurzzeitvermietung: ", path.name))
        assert _store.processed_path("kurzzeitvermietung").read_bytes() == before, path.name


# ----------------------------------------------------------------------------- download
def test_fetcher_takes_the_newest_berlin_scrape(data_dir, tmp_path):
    from lichtenberg_data._http import Http

    portal = Portal()
    try:
        page = (f'<a href="{portal.url}/germany/be/berlin/2025-03-14/visualisations/listings.csv">listings.csv</a>'
                f'<a href="{portal.url}/germany/be/berlin/2025-06-20/visualisations/listings.csv">listings.csv</a>'
                f'<a href="{portal.url}/the-netherlands/nh/amsterdam/2025-09-01/visualisations/listings.csv">x</a>')
        portal.set("/get-the-data/", ("ok", page.encode()))
        portal.set("/germany/be/berlin/2025-06-20/visualisations/listings.csv", ("ok", EXCERPT.read_bytes()))
        res = Resource("listings.csv", portal.url + "/get-the-data/", "csv", fetcher=rentals.fetch_insideairbnb)
        http = Http()
        rentals.fetch_insideairbnb(http, res, tmp_path / "listings.csv")
        assert (tmp_path / "listings.csv").read_bytes() == EXCERPT.read_bytes()
        assert "/germany/be/berlin/2025-03-14/visualisations/listings.csv" not in portal.hits
        portal.set("/get-the-data/", ("ok", b"<html><body>new layout</body></html>"))
        with pytest.raises(FormatError, match="lists no Berlin listings.csv"):
            rentals.fetch_insideairbnb(http, res, tmp_path / "again.csv")
        http.close()
    finally:
        portal.close()


# ----------------------------------------------------------------------------- sample
def test_sample_listings_lie_in_the_real_districts_they_name(data_dir, tmp_path):
    from lichtenberg_data.demo import SNAPSHOT
    from lichtenberg_data.demo.tourism import SAMPLES

    ld.import_file("lor_planungsraeume", SNAPSHOT / "lor_planungsraeume" / "kieze.geojson")
    path = tmp_path / "listings.csv"
    path.write_bytes(SAMPLES[("kurzzeitvermietung", "listings.csv")]())
    df = rentals.parse_listings_file(path)
    validate(catalog.get("kurzzeitvermietung"), df)
    assert (df["bezirk_id"] == df["bezirk_id_airbnb"]).mean() > 0.99  # simplified borders: a few on the edge
    assert 40 < (df["bezirk_id"] == "11").sum() < 65
