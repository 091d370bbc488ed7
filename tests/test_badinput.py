"""The bad-input sweep: every dataset of the catalogue refuses every kind of bad file in one line
that names the file and its true cause, and its data folder stays as it was.

One good import per dataset (the demo's files: the shipped snapshot's real files, else the sample
writer's) fills a module-wide data folder; each bad file of :func:`badfiles.bad_cases` is then
imported on top. A dataset joins the sweep by being declared in the catalogue; the kinds it gets
follow from its declared formats. ``python tests/badinput_table.py`` prints the sweep as a table.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from badfiles import (
    Case,
    assert_refused,
    bad_cases,
    folder_state,
    good_imports,
    other_file,
    parses,
    random_bytes,
    run_case,
)

import lichtenberg_data as ld
from lichtenberg_data import catalog
from lichtenberg_data import settings as s

#: The sweep as a whole takes 15-20 s on 2 cores (its set-up alone 4 s): `make test` runs it, `make test-fast` not.
pytestmark = pytest.mark.slow

#: The bad kinds of a dataset that takes text (CSV, JSON, GeoJSON, GML) and of one that takes
#: workbooks or other binary files; JSON datasets also get JSON of the wrong shape.
TEXT_KINDS = ("empty", "half", "line", "html", "random", "other", "utf16", "latin1", "renamed")
BINARY_KINDS = ("empty", "half", "html", "random", "other", "utf16")


def _kinds(ds: catalog.Dataset) -> tuple[str, ...]:
    formats = {ds.resources[0].format, *ds.resources[0].accepts}
    if formats & {"json", "geojson", "gml"}:
        return (*TEXT_KINDS, "shape")
    return TEXT_KINDS if "csv" in formats else BINARY_KINDS


#: Cases that fail for a reason outside the sweep's reach, named; strict: they must fail until fixed.
KNOWN: dict[tuple[str, str], str] = {}

PARAMS = [pytest.param(ds.id, kind, marks=[pytest.mark.xfail(strict=True, reason=KNOWN[ds.id, kind])]
                       if (ds.id, kind) in KNOWN else [])
          for ds in catalog.datasets() for kind in _kinds(ds)]


class Sweep:
    """The module's data folder with one good import of every dataset, and the bad files."""

    def __init__(self, root: Path, real_data: Path) -> None:
        self.root = root
        self.data_dir = root / "data"
        s.set(data_dir=self.data_dir)
        self.goods, self.skipped = good_imports(root / "good", real_data)
        self.pristine = root / "pristine"
        shutil.copytree(self.data_dir, self.pristine)
        self._cases: dict[str, list[Case]] = {}

    def cases(self, dataset_id: str) -> list[Case]:
        if dataset_id not in self._cases:
            ds = catalog.get(dataset_id)
            probe = parses(ds, self.goods[ds.id], self.root / "bad" / ds.id)
            self._cases[dataset_id] = bad_cases(ds, self.goods[ds.id], other_file(ds, self.goods), probe)
        return self._cases[dataset_id]

    def restore(self) -> None:
        """Put the good data back after a bad file was taken (so that later cases start clean)."""
        shutil.rmtree(self.data_dir)
        shutil.copytree(self.pristine, self.data_dir)


@pytest.fixture(scope="module")
def sweep(tmp_path_factory, real_data) -> Sweep:
    old = s.settings.data_dir
    yield Sweep(tmp_path_factory.mktemp("badinput"), real_data)
    s.set(data_dir=old)


@pytest.fixture(autouse=True)
def _in_sweep_folder(request):
    """Tests of this module work in the sweep's data folder (other modules set their own)."""
    if "sweep" not in request.fixturenames:
        yield
        return
    sweep = request.getfixturevalue("sweep")
    old = s.settings.data_dir
    s.set(data_dir=sweep.data_dir)
    yield
    s.set(data_dir=old)


def test_every_dataset_has_a_good_import(sweep):
    """A declared dataset joins the sweep: its good file imports (only a dataset whose only good
    file is a real file outside the snapshot may lack one, where that file is not at hand)."""
    from lichtenberg_data.demo import SAMPLES, SNAPSHOT, TEST_SAMPLES

    failed = {k: v for k, v in sweep.skipped.items() if "failed" in v}
    assert not failed, failed
    for ds_id in sweep.skipped:
        assert ds_id not in SAMPLES and ds_id not in TEST_SAMPLES and not (SNAPSHOT / ds_id).is_dir(), ds_id
    assert len(sweep.goods) == len(catalog.ids())


@pytest.mark.parametrize(("dataset_id", "kind"), PARAMS)
def test_bad_file_is_refused_with_its_true_cause(sweep, dataset_id, kind):
    if dataset_id in sweep.skipped:
        pytest.skip(f"{dataset_id}: {sweep.skipped[dataset_id]}")
    case = next((c for c in sweep.cases(dataset_id) if c.kind == kind), None)
    if case is None:
        name, data = next(iter(sweep.goods[dataset_id].items()))
        pytest.skip(f"{kind} does not apply to {name} ({_why_not(kind, name, data)})")
    result = run_case(sweep.data_dir, catalog.get(dataset_id), case, sweep.root / "bad" / dataset_id)
    if not result.unchanged or not result.refused:
        sweep.restore()
    what = f"{case.kind} ({case.note or case.name})"
    assert result.refused, f"{dataset_id}: {what} was taken"
    assert result.unchanged, f"{dataset_id}: {what} changed the data folder: {result.message}"
    assert "\n" not in result.message and case.name in result.message, result.message
    assert re.search(case.cause, result.message), f"{what}: {result.message} (expected {case.cause!r})"
    assert "reset" not in result.message, result.message


def _why_not(kind: str, name: str, data: bytes) -> str:
    from badfiles import kind_of

    file_kind = kind_of(name, data)
    if file_kind not in ("csv", "json") and not (kind == "latin1" and file_kind == "xml"):
        return f"the good file is {file_kind.upper()}"
    return {"latin1": "in Latin-1 the file has the same bytes, or is still valid UTF-8",
            "line": "too few records to drop half",
            "shape": "the file is not JSON",
            "renamed": "no column of the first few is needed"}.get(kind, "not built for this file")


# ------------------------------------------------------------------------ the known real cases

def test_random_bytes_for_a_json_dataset_are_named_binary(sweep, tmp_path):
    path = tmp_path / "jobsuche_random.json"
    path.write_bytes(random_bytes())
    message = assert_refused(sweep.data_dir, "stellenangebote", path, "binary")
    assert message.startswith("stellenangebote: jobsuche_random.json is binary data (no text, no known file "
                              "format), but this dataset takes JSON files"), message
    assert "download the file again" in message


@pytest.mark.parametrize("dataset_id", ["entgelte_lor", "beschaeftigte_bezirke"])
def test_random_bytes_for_a_workbook_dataset_are_named_binary(sweep, tmp_path, dataset_id):
    name = next(iter(sweep.goods[dataset_id]))
    path = tmp_path / name
    path.write_bytes(random_bytes(20_000, seed=7))
    message = assert_refused(sweep.data_dir, dataset_id, path, "binary data")
    assert "but this dataset takes XLSX files" in message and "CSV" not in message, message


def test_a_utf16_population_matrix_is_named_utf16(sweep, real_data, tmp_path):
    real = real_data / "population" / "EWR201412E_Matrix.csv"
    path = tmp_path / real.name
    path.write_bytes(real.read_bytes().decode("utf-8").encode("utf-16"))
    message = assert_refused(sweep.data_dir, "einwohner_lor", path, "UTF-16")
    assert "is UTF-16 text (CSV), but this dataset takes UTF-8 CSV files" in message
    assert "save it again as UTF-8" in message and "Latin-1" not in message


def test_a_gdal_sqlite_file_is_named_sqlite(sweep, real_data, tmp_path):
    path = tmp_path / "reale_nutzung_2023.geojson"
    shutil.copy(real_data / "landuse" / "brw-zonen" / "Bodenrichtwerte_2020.sqlite", path)
    message = assert_refused(sweep.data_dir, "flaechennutzung", path, "SQLite database")
    assert "(GDAL/SpatiaLite vector layers), but this dataset takes GeoJSON files" in message
    assert "ogr2ogr -f GeoJSON" in message


def test_an_intact_xlsx_named_xls_reads_as_xlsx(sweep, real_data, tmp_path):
    """A FIS-Broker download saved again as xlsx but keeping its .xls name is read as the xlsx it is."""
    import openpyxl
    from python_calamine import CalamineWorkbook

    xls = real_data / "landuse" / "broker_2013.xls"
    rows = CalamineWorkbook.from_path(str(xls)).get_sheet_by_index(0).to_python(skip_empty_area=True)
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    renamed = tmp_path / "xlsx" / xls.name
    renamed.parent.mkdir()
    book.save(renamed)
    assert renamed.read_bytes()[:2] == b"PK"
    ld.import_file("bodenrichtwerte", renamed)
    as_xlsx = ld.load("bodenrichtwerte")
    sweep.restore()
    ld.import_file("bodenrichtwerte", xls)
    as_xls = ld.load("bodenrichtwerte")
    sweep.restore()
    year = as_xls["stichtag"].max()
    assert (as_xlsx["stichtag"] == year).sum() == (as_xls["stichtag"] == year).sum() > 1000


def test_a_sample_file_of_another_dataset_gets_no_reset_advice(sweep, tmp_path):
    """osm_pois holds real data; a generated sample file of another dataset is refused for what it
    is, never with the advice to `reset` (which would delete the real data)."""
    from lichtenberg_data.demo import sample_bytes

    path = tmp_path / "osm_einkaufszentren.json"
    path.write_bytes(sample_bytes("stellenangebote", "jobsuche_berlin.json"))
    before = folder_state(sweep.data_dir)
    with pytest.raises(ld.LichtenbergDataError) as info:
        ld.import_file("osm_pois", path)
    message = str(info.value)
    assert "reset" not in message, message
    assert re.search(r"not an Overpass|elements", message), message
    assert folder_state(sweep.data_dir) == before
