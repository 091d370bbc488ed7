"""Five bad files for the monthly IHK register: refused with a one-line reason, every stored month unchanged."""

from __future__ import annotations

import shutil

import pytest
from badfiles import assert_refused, html_page, truncated
from ihk_rows import july_2023

import lichtenberg_data as ld

pytestmark = pytest.mark.realdata

DS = "ihk_gewerbedaten"


@pytest.fixture()
def stored(data_dir, real_data, tmp_path):
    june, july, _ = july_2023(real_data, tmp_path / "good")
    ld.import_file(DS, [june, july])
    return july


def test_a_file_of_another_series(stored, data_dir, real_data, tmp_path):
    other = tmp_path / "IHK_OD_08-2023.csv"
    shutil.copy(real_data / "business" / "berlin-points-of-interest-offices-details.csv", other)
    assert_refused(data_dir, DS, other, r"lacks the IHK columns")


def test_a_workbook_of_another_dataset(stored, data_dir, real_data, tmp_path):
    book = tmp_path / "Berlin_LOR_Versorgungsdaten_Stand_2402.xlsx"
    shutil.copy(real_data / "business" / book.name, book)
    assert_refused(data_dir, DS, book, r"(?i)xlsx|workbook|spreadsheet|csv")


def test_a_truncated_download(stored, data_dir, tmp_path):
    (tmp_path / "cut").mkdir()
    cut = truncated(stored, tmp_path / "cut", 0.5)
    assert_refused(data_dir, DS, cut, r"ends in the middle of a record \(its last line has \d+ of 20 fields\): "
                                      r"the file was cut off\. Nothing was changed; download it again")


def test_a_renamed_column(stored, data_dir, tmp_path):
    renamed = tmp_path / "IHK_OD_08-2023.csv"
    renamed.write_bytes(stored.read_bytes().replace(b"planungsraum_id", b"plr_id", 1))
    assert_refused(data_dir, DS, renamed, r"lacks the IHK columns planungsraum_id")


def test_an_html_page(stored, data_dir, tmp_path):
    assert_refused(data_dir, DS, html_page(tmp_path, "IHK_OD_08-2023.csv"), r"(?i)html")


def test_the_stored_months_still_load(stored):
    assert ld.business.months() == ["2023-06", "2023-07"]
