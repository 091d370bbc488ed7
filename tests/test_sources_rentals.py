"""The ``kurzzeitvermietung`` dataset (Inside Airbnb listings) on a real Berlin excerpt.

``fixtures/insideairbnb_berlin_listings_2022-12_excerpt.csv`` holds 41 unmodified records (42 lines,
one name has a line break) and the header of a real Inside Airbnb Berlin summary ``listings.csv``
(scrape of December 2022), copied from the public repository ``Uberkreuz/udacity_ds``, file
``listings_summary.csv``, commit ``e22d2c1f2e0ef2e250b752d4913c4648b78a97a4`` (Inside Airbnb,
CC BY 4.0). Records were picked for coverage (all 12 districts, 7 in Lichtenberg, 18-digit ids,
quoted commas and quotes, a line break, empty reviews); records whose ``license`` field names
private persons were left out. The spreadsheet copy is derived from it in :func:`_spreadsheet_copy`.

The four real Berlin scrapes of ``../shared/real-data/tourism/insideairbnb/<YYYY-MM>/listings.csv``
(2019-03, 2022-09, 2024-06, 2025-09; see SOURCES.md there) are read as they are, re-saved as a
spreadsheet would (:func:`_resaved`) and cut (:func:`_cut_inside_quotes`, :func:`_cut_at_record`).
"""

from __future__ import annotations

import csv
import gzip
import io
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from portal import Portal

import lichtenberg_data as ld
from lichtenberg_data import _kept, _store, catalog
from lichtenberg_data import settings as s
from lichtenberg_data._errors import DataNotAvailableError, FormatError
from lichtenberg_data._validate import validate
from lichtenberg_data.catalog import Resource
from lichtenberg_data.sources import rentals
from lichtenberg_data.sources._listings_csv import BROKEN

EXCERPT = Path(__file__).parent / "fixtures" / "insideairbnb_berlin_listings_2022-12_excerpt.csv"


def _rows() -> list[dict]:
    """The excerpt read with the csv module alone (independent of the parser)."""
    with EXCERPT.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _spreadsheet_copy(text: str, *, break_names: bool = True) -> bytes:
    """What a German spreadsheet program writes when the file is saved again as "CSV UTF-8":
    ``;`` separator, decimal commas, dates DD.MM.YYYY, ids longer than 15 digits shown as
    ``6,23785E+17``, CRLF and a BOM - and, as some programs do (``break_names``), a name with a
    line break written unquoted, which breaks that record into two lines."""
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
        quote = (";", '"') if break_names else (";", '"', "\n")
        out.append(";".join(f'"{f.replace(chr(34), 2 * chr(34))}"' if any(q in f for q in quote) else f for f in row))
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
def test_real_excerpt(with_lor):
    ds = catalog.get("kurzzeitvermietung")
    with _kept.tally() as files:
        listings = ds.parser({"listings.csv": EXCERPT})
    validate(ds, listings)
    rows = _rows()
    assert len(listings) == len(rows) == 41
    assert listings["id"].tolist() == [r["id"] for r in rows]  # 18-digit ids kept as text
    assert listings["price"].sum() == sum(float(r["price"]) for r in rows)
    assert int(listings["last_review"].isna().sum()) == sum(1 for r in rows if not r["last_review"])
    # the name gives the month 2022-12; the day is the newest review in it
    assert ds.stand(listings).isoformat() == max(r["last_review"] for r in rows) == "2022-12-13"
    assert set(listings["stand_art"]) == {rentals.STAND_ART["name_month"]}
    broken = listings.set_index("id").loc["32534469"]  # the record whose name has a line break
    assert (broken["room_type"], broken["price"], broken["bezirk_airbnb"]) == ("Private room", 35.0,
                                                                              "Tempelhof-Schöneberg")
    assert files[EXCERPT.name].kept == 41 and files[EXCERPT.name].dropped == {}


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
def test_gzipped_file_reads_the_same(with_lor, tmp_path, listings):
    gz = tmp_path / "listings.csv.gz"  # no month in the name: the Stand is the newest review, the same day
    gz.write_bytes(gzip.compress(EXCERPT.read_bytes()))
    again = rentals.parse_listings_file(gz)
    pd.testing.assert_frame_equal(again.drop(columns="stand_art"), listings.drop(columns="stand_art"), check_like=True)


# ----------------------------------------------------------------------------- re-saved copies
@pytest.mark.realdata
def test_spreadsheet_copy_reads_the_same_values(with_lor, tmp_path, listings):
    path = tmp_path / "listings_excel.csv"
    path.write_bytes(_spreadsheet_copy(EXCERPT.read_text(encoding="utf-8"), break_names=False))
    with _kept.tally() as files:
        copy = rentals.parse_listings_file(path)
    assert files == {}  # nothing left out
    long_ids = sum(1 for r in _rows() if len(r["id"]) > 15)
    assert int(copy["id"].isna().sum()) == long_ids == 8  # 6,23785E+17 is no id
    assert len(copy) == 41 and set(copy["stand_art"]) == {rentals.STAND_ART["last_review"]}
    for col in ("date", "price", "latitude", "longitude", "last_review", "availability_365", "room_type",
                "bezirk_id", "planungsraum_id", "bezirk_id_airbnb"):
        pd.testing.assert_series_equal(copy[col], listings[col], check_names=False, obj=col)


@pytest.mark.realdata
def test_one_broken_record_of_41_is_too_many(with_lor, tmp_path):
    path = tmp_path / "listings_excel.csv"
    path.write_bytes(_spreadsheet_copy(EXCERPT.read_text(encoding="utf-8")))
    line = EXCERPT.read_text(encoding="utf-8").split("\n").index(
        next(x for x in EXCERPT.read_text(encoding="utf-8").split("\n") if x.startswith("32534469,"))) + 1
    with pytest.raises(FormatError) as err:
        rentals.parse_listings_file(path)
    message = str(err.value)
    assert message.startswith("listings_excel.csv: 1 of 41 records (2.4%) are broken by line breaks")
    assert f"first at line {line}" in message and "more than 1%" in message and "\n" not in message


@pytest.mark.realdata
def test_import_builds_the_history_and_a_copy_of_the_same_scrape_replaces_it(with_lor, tmp_path):
    assert ld.import_file("kurzzeitvermietung", EXCERPT).rows == 41
    copy = tmp_path / "listings_excel.csv"
    copy.write_bytes(_spreadsheet_copy(EXCERPT.read_text(encoding="utf-8"), break_names=False))
    assert ld.import_file("kurzzeitvermietung", copy).rows == 41  # same Stand: replaces the scrape
    assert ld.load("kurzzeitvermietung")["id"].isna().sum() == 8  # the copy's ids, as it replaced the original
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
        "listings_cut.csv": (text[: len(text) // 2].encode(), "cut off"),
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
        written = rentals.fetch_insideairbnb(http, res, tmp_path / "listings.csv")
        assert written == tmp_path / "listings_2025-06-20.csv"  # the name keeps the scrape date
        assert written.read_bytes() == EXCERPT.read_bytes() and not (tmp_path / "listings.csv").exists()
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
    from lichtenberg_data.demo.tourism import sample_listings

    ld.import_file("lor_planungsraeume", SNAPSHOT / "lor_planungsraeume" / "kieze.geojson")
    path = tmp_path / "listings.csv"
    path.write_bytes(sample_listings())
    df = rentals.parse_listings_file(path)
    validate(catalog.get("kurzzeitvermietung"), df)
    assert (df["bezirk_id"] == df["bezirk_id_airbnb"]).mean() > 0.99  # simplified borders: a few on the edge
    assert 40 < (df["bezirk_id"] == "11").sum() < 65


@pytest.mark.slow  # 0.4 s on 2 cores
def test_sample_scrapes_are_three_editions_in_both_layouts(data_dir, tmp_path):
    from lichtenberg_data.demo import SNAPSHOT
    from lichtenberg_data.demo.tourism import sample_scrapes

    ld.import_file("lor_planungsraeume", SNAPSHOT / "lor_planungsraeume" / "kieze.geojson")
    paths = []
    for name, body in sample_scrapes().items():
        paths.append(tmp_path / name)
        paths[-1].write_bytes(body)
    assert [len(p.read_text(encoding="utf-8").split("\n", 1)[0].split(",")) for p in paths] == [16, 18, 18]
    ld.import_file("kurzzeitvermietung", paths)
    df = ld.load("kurzzeitvermietung")
    written = {pd.Timestamp(p.stem.split("_")[1]): len(_csv_rows(p)) for p in paths}
    assert df.groupby("date").size().to_dict() == written
    assert list(written) == [pd.Timestamp("2019-03-18"), pd.Timestamp("2022-09-21"), pd.Timestamp("2025-09-23")]
    assert set(df["stand_art"]) == {rentals.STAND_ART["name"]}


# ----------------------------------------------------------------------------- the Stand
def _excerpt_as(tmp_path, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(EXCERPT.read_bytes())
    return path


@pytest.mark.realdata
def test_stand_from_the_date_in_the_file_name(with_lor, tmp_path):
    df = rentals.parse_listings_file(_excerpt_as(tmp_path, "listings_2022-12-15.csv"))
    assert set(df["date"]) == {pd.Timestamp("2022-12-15")}
    assert set(df["stand_art"]) == {"Stand: Abrufdatum laut Dateiname"}
    plain = rentals.parse_listings_file(_excerpt_as(tmp_path, "listings.csv"))  # no date anywhere: newest review
    assert set(plain["date"]) == {pd.Timestamp("2022-12-13")}
    assert set(plain["stand_art"]) == {"Stand: jüngste Bewertung in der Datei; das Abrufdatum nennt die Datei nicht"}


@pytest.mark.realdata
def test_a_name_date_before_the_newest_review_is_refused(with_lor, tmp_path):
    with pytest.raises(FormatError, match=r"listings_2022-11-30.csv: the name says 30.11.2022, but the file holds "
                                          r"reviews up to 13.12.2022"):
        rentals.parse_listings_file(_excerpt_as(tmp_path, "listings_2022-11-30.csv"))
    with pytest.raises(FormatError, match=r"the name says 11/2022"):
        rentals.parse_listings_file(_excerpt_as(tmp_path, "listings_2022-11.csv"))


@pytest.mark.realdata
def test_stand_from_last_scraped_of_the_detailed_file(with_lor, tmp_path):
    """The detailed ``listings.csv.gz`` names its scrape day per listing (``last_scraped``) and has
    ``neighbourhood`` as free text beside the ``_cleansed`` columns."""
    rows = _rows()
    out = io.StringIO()
    fields = ["id", "last_scraped", "name", "neighbourhood", "neighbourhood_cleansed", "neighbourhood_group_cleansed",
              "latitude", "longitude", "room_type", "price", "minimum_nights", "number_of_reviews", "last_review",
              "availability_365"]
    writer = csv.DictWriter(out, fields, lineterminator="\n")
    writer.writeheader()
    for i, r in enumerate(rows):
        writer.writerow({**{k: r[k] for k in fields if k in r}, "last_scraped": "2022-12-16" if i < 30 else "2022-12-17",
                         "neighbourhood": "Berlin, Germany", "neighbourhood_cleansed": r["neighbourhood"],
                         "neighbourhood_group_cleansed": r["neighbourhood_group"], "price": f"${float(r['price']):,.2f}"})
    path = tmp_path / "listings_2022-12-20.csv.gz"  # the column wins over the name
    path.write_bytes(gzip.compress(out.getvalue().encode("utf-8")))
    df = rentals.parse_listings_file(path)
    assert set(df["date"]) == {pd.Timestamp("2022-12-16")}
    assert set(df["stand_art"]) == {"Stand: Abrufdatum laut Datei (last_scraped)"}
    assert df["neighbourhood"].tolist() == [r["neighbourhood"] for r in rows]
    assert df["price"].sum() == sum(float(r["price"]) for r in rows)


@pytest.mark.realdata
def test_a_rebuild_from_the_raw_snapshot_keeps_the_stand(with_lor, tmp_path):
    """The raw snapshot is stored as ``<import date>_<name>``: that date is no scrape date."""
    from lichtenberg_data._build import _reparse_history

    ld.import_file("kurzzeitvermietung", [_excerpt_as(tmp_path, "listings.csv"),
                                          _excerpt_as(tmp_path / "..", "listings_2023-01-05.csv")])
    ds = catalog.get("kurzzeitvermietung")
    entry = _store.read_manifest()["datasets"]["kurzzeitvermietung"]
    stored = sorted(Path(s["raw_path"]).name for s in entry["snapshots"])
    assert len(stored) == 2 and all(name[:4] == f"{pd.Timestamp.now():%Y}" for name in stored)
    assert sorted(s["reference_date"] for s in entry["snapshots"]) == ["2022-12-13", "2023-01-05"]
    again = _reparse_history(ds, entry)
    assert again.groupby("date").size().to_dict() == ld.load("kurzzeitvermietung").groupby("date").size().to_dict() \
        == {pd.Timestamp("2022-12-13"): 41, pd.Timestamp("2023-01-05"): 41}


def test_refresh_stores_the_download_under_its_scrape_date(data_dir, tmp_path):
    from lichtenberg_data._fetch import _fetch_resource
    from lichtenberg_data._http import Http

    portal = Portal()
    try:
        portal.set("/get-the-data/", ("ok", f'<a href="{portal.url}/germany/be/berlin/2025-09-23/visualisations/'
                                            f'listings.csv">listings.csv</a>'.encode()))
        portal.set("/germany/be/berlin/2025-09-23/visualisations/listings.csv", ("ok", EXCERPT.read_bytes()))
        res = Resource("listings.csv", portal.url + "/get-the-data/", "csv", fetcher=rentals.fetch_insideairbnb)
        http = Http()
        got = _fetch_resource(http, catalog.get("kurzzeitvermietung"), res, {}, tmp_path / "listings.csv", None, True)
        http.close()
    finally:
        portal.close()
    assert got.filename == "listings_2025-09-23.csv" and got.resource == "listings.csv"
    assert rentals._name_date(got.tmp) == (date(2025, 9, 23), True)


# ----------------------------------------------------------------------------- the four real scrapes
REAL = ("2019-03", "2022-09", "2024-06", "2025-09")
#: Published in ../shared/real-data/SOURCES.md: Lichtenberg's listings and entire homes by
#: Inside Airbnb's neighbourhood_group, per scrape.
PUBLISHED = {"2019-03": (747, 310), "2022-09": (481, 262), "2024-06": (387, 238), "2025-09": (413, 253)}


def _real(real_data, month: str) -> Path:
    return real_data / "tourism" / "insideairbnb" / month / "listings.csv"


def _csv_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.slow  # 0.6 s on 2 cores
@pytest.mark.realdata
@pytest.mark.parametrize("month", REAL)
def test_real_scrape(with_lor, real_data, month):
    path = _real(real_data, month)
    rows = _csv_rows(path)  # the csv module alone, independent of the parser
    with _kept.tally() as files:
        df = catalog.get("kurzzeitvermietung").parser({"listings.csv": path})
    validate(catalog.get("kurzzeitvermietung"), df)
    assert len(df) == len(rows) and files["listings.csv"].kept == len(rows) and files["listings.csv"].dropped == {}
    assert len(rows[0]) == (16 if month == "2019-03" else 18)
    newest = max(r["last_review"] for r in rows if r["last_review"])
    assert set(df["date"]) == {pd.Timestamp(newest)} and newest[:7] == month
    assert set(df["stand_art"]) == {"Stand: jüngste Bewertung in der Datei; das Abrufdatum nennt die Datei nicht"}
    named = [r for r in rows if r["neighbourhood_group"] == "Lichtenberg"]
    entire = sum(r["room_type"] == "Entire home/apt" for r in named)
    assert (len(named), entire) == PUBLISHED[month]
    by_name = df[df["bezirk_id_airbnb"] == "11"]
    assert (len(by_name), int((by_name["room_type"] == "Entire home/apt").sum())) == PUBLISHED[month]
    placed = df[df["bezirk_id"] == "11"]
    outside = df[df["bezirk_id"].isna()]
    if month == "2022-09":
        # 403 listings of this scrape lie outside Berlin's boundary (Inside Airbnb took in the
        # neighbouring places); 6 of them, entire homes in Ahrensfelde beside Falkenberg, are
        # "Lichtenberg" to Inside Airbnb, so by coordinates Lichtenberg has 475 (256)
        assert len(outside) == 403 and int((outside["bezirk_id_airbnb"] == "11").sum()) == 6
        assert (len(placed), int((placed["room_type"] == "Entire home/apt").sum())) == (475, 256)
        assert (outside.loc[outside["bezirk_id_airbnb"] == "11", "room_type"] == "Entire home/apt").all()
    else:
        assert len(outside) == (3 if month == "2019-03" else 0)
        assert (len(placed), int((placed["room_type"] == "Entire home/apt").sum())) == PUBLISHED[month]
        assert set(placed["id"]) == set(by_name["id"])


@pytest.mark.realdata
def test_every_spelling_of_the_real_files_maps_to_a_bezirk(real_data):
    spellings = set()
    for month in REAL:
        spellings |= {r["neighbourhood_group"] for r in _csv_rows(_real(real_data, month))}
    mapped = {name: rentals.BEZIRKE[rentals._airbnb_bezirk(name, Path("listings.csv"))] for name in spellings}
    assert mapped == {
        "Charlottenburg-Wilm.": "Charlottenburg-Wilmersdorf", "Friedrichshain-Kreuzberg": "Friedrichshain-Kreuzberg",
        "Lichtenberg": "Lichtenberg", "Marzahn - Hellersdorf": "Marzahn-Hellersdorf", "Mitte": "Mitte",
        "Neukölln": "Neukölln", "Pankow": "Pankow", "Reinickendorf": "Reinickendorf", "Spandau": "Spandau",
        "Steglitz - Zehlendorf": "Steglitz-Zehlendorf", "Tempelhof - Schöneberg": "Tempelhof-Schöneberg",
        "Treptow - Köpenick": "Treptow-Köpenick"}


@pytest.mark.slow
@pytest.mark.realdata
def test_four_real_scrapes_are_four_editions(with_lor, real_data):
    from lichtenberg_data._build import _reparse_history

    outcome = ld.import_file("kurzzeitvermietung", [_real(real_data, m) for m in REAL])
    df = ld.load("kurzzeitvermietung")
    assert outcome.rows == len(df) == 23614 + 16680 + 13759 + 14274
    lichtenberg = df[df["bezirk_id"] == "11"]
    assert lichtenberg.groupby("date").size().to_dict() == {
        pd.Timestamp("2019-03-08"): 747, pd.Timestamp("2022-09-15"): 475, pd.Timestamp("2024-06-22"): 387,
        pd.Timestamp("2025-09-24"): 413}
    by_name = df[df["bezirk_id_airbnb"] == "11"].groupby("date").size().tolist()
    assert by_name == [PUBLISHED[m][0] for m in REAL]
    entry = _store.read_manifest()["datasets"]["kurzzeitvermietung"]
    assert sorted(s["reference_date"] for s in entry["snapshots"]) == ["2019-03-08", "2022-09-15", "2024-06-22",
                                                                      "2025-09-24"]
    assert len({s["raw_path"] for s in entry["snapshots"]}) == 4  # four files of one name, none overwritten
    again = _reparse_history(catalog.get("kurzzeitvermietung"), entry)
    assert again.groupby("date").size().to_dict() == df.groupby("date").size().to_dict()


# ----------------------------------------------------------------------------- re-saved and cut real files
def _resaved(src: Path, broken: int) -> tuple[bytes, list[int], list[str]]:
    """The real scrape as a German spreadsheet saves it again: ``;``, a BOM and CRLF, dates
    DD.MM.YYYY, decimal commas, ids longer than 15 digits as ``6,23785E+17``; and ``broken``
    records outside Lichtenberg whose name got an unquoted line break. Returns the bytes, the
    first line of each broken record and their ids."""
    df = pd.read_csv(src, dtype=str, keep_default_na=False)
    newest = df["last_review"].max()
    plain = (df["id"].str.len() <= 15) & (df["neighbourhood_group"] != "Lichtenberg") & (df["last_review"] != newest) \
        & df["name"].str.fullmatch(r"[A-Za-z][A-Za-z ]{4,40} [A-Za-z ]+")
    chosen = df[plain].head(broken)
    assert len(chosen) == broken
    long = df["id"].str.len() > 15
    df.loc[long, "id"] = df.loc[long, "id"].map(lambda v: f"{float(v):.5E}".replace(".", ","))
    for col in ("latitude", "longitude", "reviews_per_month"):
        df[col] = df[col].str.replace(".", ",", regex=False)
    df["last_review"] = pd.to_datetime(df["last_review"], format="%Y-%m-%d").dt.strftime("%d.%m.%Y").fillna("")
    text = df.to_csv(sep=";", index=False, lineterminator="\r\n")
    for ident, name in zip(chosen["id"], chosen["name"]):
        cut = name.index(" ")
        text = text.replace(f"\r\n{ident};{name};", f"\r\n{ident};{name[:cut]}\r\n{name[cut + 1:]};", 1)
    lines = [text[: text.index(f"\r\n{ident};") + 2].count("\r\n") + 1 for ident in chosen["id"]]
    return ("\ufeff" + text).encode("utf-8"), lines, chosen["id"].tolist()


@pytest.mark.slow  # 0.6 s on 2 cores
@pytest.mark.realdata
def test_real_scrape_resaved_by_a_spreadsheet(with_lor, real_data, tmp_path):
    src = _real(real_data, "2025-09")
    path = tmp_path / "listings_resaved.csv"
    body, lines, ids = _resaved(src, 3)
    path.write_bytes(body)
    with _kept.tally() as files:
        df = catalog.get("kurzzeitvermietung").parser({"listings.csv": path})
    validate(catalog.get("kurzzeitvermietung"), df)
    rows = _csv_rows(src)
    assert len(df) == len(rows) - 3 == 14271
    assert files["listings_resaved.csv"].dropped == {BROKEN: 3}
    assert files["listings_resaved.csv"].examples[BROKEN] == [f"line {n}" for n in lines]
    assert files["listings_resaved.csv"].line() == (
        f"listings_resaved.csv: 14271 kept; 3 dropped (3 broken record (line break inside a field), e.g. "
        f"line {lines[0]}, line {lines[1]}, line {lines[2]})")
    lichtenberg = df[df["bezirk_id"] == "11"]
    assert (len(lichtenberg), int((lichtenberg["room_type"] == "Entire home/apt").sum())) == (413, 253)
    assert set(df["date"]) == {pd.Timestamp("2025-09-24")}
    assert int(df["id"].isna().sum()) == sum(len(r["id"]) > 15 for r in rows)
    kept = [r for r in rows if r["id"] not in set(ids)]
    assert sorted(df["latitude"]) == sorted(float(r["latitude"]) for r in kept)  # decimal commas read


@pytest.mark.slow
@pytest.mark.realdata
def test_more_than_one_percent_broken_is_refused(with_lor, real_data, tmp_path):
    path = tmp_path / "listings_resaved.csv"
    body, lines, _ = _resaved(_real(real_data, "2025-09"), 143)  # 143 of 14,274 = 1.002 %
    path.write_bytes(body)
    with pytest.raises(FormatError) as err:
        ld.import_file("kurzzeitvermietung", path)
    message = str(err.value)
    assert "listings_resaved.csv: 143 of 14,274 records (1.0%) are broken by line breaks inside a field" in message
    assert f"(first at line {lines[0]})" in message and "\n" not in message
    assert not _store.processed_path("kurzzeitvermietung").exists()
    body, _, _ = _resaved(_real(real_data, "2025-09"), 142)  # 0.995 %: imported without them
    path.write_bytes(body)
    assert ld.import_file("kurzzeitvermietung", path).rows == 14274 - 142


def _cut_inside_quotes(text: str) -> str:
    """The text up to and with the line break inside the first quoted multi-line name after its middle."""
    middle = len(text) // 2
    for row in csv.reader(io.StringIO(text[middle:].split("\n", 1)[1])):
        if "\n" in row[1]:
            head = row[1].split("\n", 1)[0]
            at = text.index(f'"{head}\n', middle) + len(head) + 2
            return text[:at]
    raise AssertionError("no quoted line break after the middle")


def _cut_at_record(text: str, share: float) -> str:
    """The text up to the last record end (a line break outside quotes) before ``share`` of it."""
    at = int(len(text) * share)
    while True:
        at = text.rindex("\n", 0, at)
        if text[: at + 1].count('"') % 2 == 0:
            return text[: at + 1]


@pytest.mark.slow  # 0.3 s on 2 cores
@pytest.mark.realdata
def test_cut_real_scrapes(with_lor, real_data, tmp_path):
    text = _real(real_data, "2025-09").read_text(encoding="utf-8")
    inside = tmp_path / "listings_a.csv"
    inside.write_text(_cut_inside_quotes(text), encoding="utf-8")
    assert inside.read_text(encoding="utf-8").endswith("\n")
    mid_line = tmp_path / "listings_b.csv"
    mid_line.write_text(text[: text.index("\n", len(text) // 2) - 5], encoding="utf-8")
    for path, cause in ((inside, "ends inside a quoted field of its last record"),
                        (mid_line, "does not end with a line break")):
        with _kept.tally() as files, pytest.raises(FormatError, match=f"{path.name} is cut off: it {cause}"):
            rentals.parse_listings_file(path)
        assert files == {}  # never a half record reported as "broken" and the rest imported
    for share in (0.25, 0.5):  # cut at a record end: complete records, the import's row guard judges the count
        part = tmp_path / f"listings_{share}.csv"
        part.write_text(_cut_at_record(text, share), encoding="utf-8")
        df = rentals.parse_listings_file(part)
        assert len(df) < 14274 * (share + 0.1)
        # the Stand (the newest review) stays in September 2025, so the cut copy is the same
        # edition as the whole file (24.09.2025) and cannot pass as a scrape of its own
        assert len(set(df["date"])) == 1 and f"{df['date'].iloc[0]:%Y-%m}" == "2025-09"
