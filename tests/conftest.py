"""Shared fixtures: the real portal files beside the checkout, and a fresh data folder."""

from __future__ import annotations

import gc
import io
import os
import re
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import scheduling

#: Real files published by the Berlin portals, laid beside the checkout (never copied into it).
REAL_DATA = Path(__file__).resolve().parents[2] / "shared" / "real-data"


#: The folders of ``../shared/real-data`` the shipped snapshot's files come from.
_TOPICS = ("population", "geometries", "employment", "landuse", "business", "statistics-xlsx", "tourism",
           "education")


@pytest.fixture(scope="session")
def real_data(tmp_path_factory) -> Path:
    """The real portal files: ``../shared/real-data`` where it lies beside the checkout, else
    the shipped snapshot laid out the same way (``LICHTENBERG_TEST_REAL_DATA=snapshot`` forces
    that). A test that needs a file the snapshot does not hold skips, naming the file."""
    if REAL_DATA.is_dir() and os.environ.get("LICHTENBERG_TEST_REAL_DATA") != "snapshot":
        return REAL_DATA
    from lichtenberg_data.demo import SNAPSHOT

    view = tmp_path_factory.mktemp("real-data-from-snapshot")
    files = [p for p in SNAPSHOT.glob("*/*") if p.is_file()]
    for topic in _TOPICS:
        (view / topic).mkdir()
        for f in files:
            (view / topic / f.name).symlink_to(f)
    return view


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Where only the snapshot is at hand, a real file it does not hold skips the test (naming
    the file) instead of failing it."""
    outcome = yield
    report = outcome.get_result()
    exc = call.excinfo.value if call.excinfo is not None else None
    if exc is None or call.excinfo.errisinstance(pytest.skip.Exception):
        return
    text = f"{getattr(exc, 'filename', '') or ''} {exc}"
    absent = [m for m in re.findall(r"/[^\s'\",()]*real-data-from-snapshot[^\s'\",()]*", text) if not Path(m).exists()]
    if absent:
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0,
                           f"Skipped: {Path(absent[0]).name} is not in the shipped snapshot "
                           "(../shared/real-data is absent)")


@pytest.hookimpl(tryfirst=True)
def pytest_unconfigure(config):
    """End of a test process: collect the garbage once, then freeze what is left.

    pytest collects again at the end (to report errors raised in ``__del__``: the collection here
    comes before its check, so none is missed) and so does the interpreter on exit; each walks a
    worker's whole heap of test objects. Frozen objects are left out of later collections, which
    takes about 1 s off the end of every run. The price: a reference cycle still alive here (a
    module global, not a fixture's value: fixtures are torn down before) never runs its
    ``__del__``; nothing in the suite needs one (kernels and servers are stopped explicitly).
    """
    gc.collect()
    gc.freeze()


@pytest.fixture()
def data_dir(tmp_path, monkeypatch) -> Path:
    """A fresh, empty data folder used by the toolkit for this test."""
    from lichtenberg_data import settings as s

    folder = tmp_path / "data"
    monkeypatch.setenv("LICHTENBERG_DATA_DIR", str(folder))
    monkeypatch.setenv("LICHTENBERG_DATA_BACKOFF", "0.01")
    monkeypatch.setenv("LICHTENBERG_DATA_TIMEOUT", "3")
    old = (s.settings.data_dir, s.settings.backoff, s.settings.timeout)
    s.set(data_dir=folder, backoff=0.01, timeout=3)
    yield folder
    s.set(data_dir=old[0], backoff=old[1], timeout=old[2])


def copy_data(filled: Path, data_dir: Path) -> Path:
    """Copy a data folder filled once (by a module-scoped fixture) into this test's ``data_dir``:
    the test may change its copy as it likes; raw paths in the manifest are relative."""
    import shutil

    shutil.copytree(filled, data_dir, dirs_exist_ok=True)
    return data_dir


os.environ.setdefault("MPLBACKEND", "Agg")



@pytest.hookimpl(trylast=True)  # after pytest-xdist's own naming of the groups
def pytest_collection_modifyitems(config, items):
    """A test that reads the real portal files carries the ``realdata`` marker, always; under
    pytest-xdist each test gets its group and the demo papers go first (see :mod:`scheduling`)."""
    for item in items:
        if "real_data" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.realdata)
    scheduling.assign(config, items)


def need(path: Path) -> Path:
    """``path``, or a skip naming it where only the shipped snapshot is at hand."""
    if not path.exists():
        pytest.skip(f"{path.name} is not in the shipped snapshot (../shared/real-data is absent)")
    return path


# ------------------------------------------------------------------------------------------------
# The demo briefing, built once per test session for each data state and shared by its tests
# (running every notebook costs 40-60 s). Tests that use one of these fixtures carry the
# matching ``xdist_group`` mark, so that under pytest-xdist (--dist loadgroup) they run on one
# worker and the paper is built once.
# ------------------------------------------------------------------------------------------------

@dataclass
class Paper:
    """A data folder filled one way, and the briefing built from it."""

    data: Path                  # the data folder
    out: Path                   # the briefing folder
    output: str = ""            # what the command that filled the data folder printed
    extra: dict = field(default_factory=dict)
    _read: tuple = field(default=(), repr=False, compare=False)  # (file identity, page texts)

    @property
    def pdf(self) -> Path:
        return next(self.out.glob("Klausur-Briefing-*.pdf"))

    def pages(self) -> list[str]:
        """The text of each page of the PDF, white space collapsed (read once while the file is
        unchanged: a paper's tests ask for it again and again, 0.5-1 s a time)."""
        from pypdf import PdfReader

        stat = self.pdf.stat()
        identity = (str(self.pdf), stat.st_mtime_ns, stat.st_size)
        if not self._read or self._read[0] != identity:
            texts = [re.sub(r"\s+", " ", p.extract_text() or "") for p in PdfReader(self.pdf).pages]
            self._read = (identity, tuple(texts))
        return list(self._read[1])

    def text(self) -> str:
        return " ".join(self.pages())

    def manifest(self) -> dict:
        import json

        return json.loads((self.out / "briefing-manifest.json").read_text(encoding="utf-8"))


@contextmanager
def using_data(folder: Path):
    """Point the toolkit (and the notebook kernels it starts) at ``folder`` for the block."""
    from lichtenberg_data import settings as s

    old_env, old_dir = os.environ.get("LICHTENBERG_DATA_DIR"), s.settings.data_dir
    os.environ["LICHTENBERG_DATA_DIR"] = str(folder)
    s.set(data_dir=folder)
    try:
        yield folder
    finally:
        s.set(data_dir=old_dir)
        if old_env is None:
            os.environ.pop("LICHTENBERG_DATA_DIR", None)
        else:
            os.environ["LICHTENBERG_DATA_DIR"] = old_env


def _cli(*args: str) -> str:
    """Run the command line, fail on a non-zero exit, return what it printed."""
    from lichtenberg_data import cli

    buffer = io.StringIO()
    with redirect_stdout(buffer):
        code = cli.main(list(args))
    assert code == 0, f"lichtenberg-data {' '.join(args)} exited {code}:\n{buffer.getvalue()}"
    return buffer.getvalue()


def _briefing(paper: Paper, out: Path, *args: str) -> Path:
    with using_data(paper.data):
        _cli("briefing", "--year", "2026", "--out", str(out), *args)
    return out


@pytest.fixture(scope="session")
def real_paper(tmp_path_factory) -> Paper:
    """`lichtenberg-data demo` (real snapshot only) in a fresh data folder, and the briefing."""
    root = tmp_path_factory.mktemp("real-paper")
    paper = Paper(data=root / "data", out=root / "briefing")
    with using_data(paper.data):
        paper.output = _cli("demo")
    _briefing(paper, paper.out)
    return paper


@pytest.fixture(scope="session")
def real_paper_mh(real_paper) -> Paper:
    """The briefing of Marzahn-Hellersdorf from the data folder of :func:`real_paper`."""
    paper = Paper(data=real_paper.data, out=real_paper.data.parent / "marzahn-hellersdorf")
    _briefing(paper, paper.out, "--district", "Marzahn-Hellersdorf")
    return paper


@pytest.fixture(scope="session")
def sample_paper(tmp_path_factory) -> Paper:
    """`lichtenberg-data demo --samples DIR` (implies --with-samples) in a fresh data folder,
    and the briefing."""
    root = tmp_path_factory.mktemp("sample-paper")
    paper = Paper(data=root / "data", out=root / "briefing", extra={"mirror": root / "samples"})
    with using_data(paper.data):
        paper.output = _cli("demo", "--samples", str(root / "samples"))
    _briefing(paper, paper.out)
    return paper


#: Real files of ``../shared/real-data`` that fit a dataset but are not in the shipped snapshot
#: (older editions, a register excerpt, the newer tourism files); imported by hand beside the
#: snapshot's files. A real file that reaches the snapshot is found through its MANIFEST anyway.
REAL_EXTRAS = {
    "baufertigstellungen": ["statistics-xlsx/SB_F02-02-00_2020j01_BE.xlsx",
                            "statistics-xlsx/SB_F02-02-00_2021j01_BE.xlsx"],
    "ihk_gewerbedaten": ["business/IHK_OD_03-2023.csv"],
    "kurzzeitvermietung": ["tourism/insideairbnb/2019-03/listings.csv", "tourism/insideairbnb/2022-09/listings.csv",
                           "tourism/insideairbnb/2024-06/listings.csv", "tourism/insideairbnb/2025-09/listings.csv"],
    "osm_pois": ["tourism/osm/berlin-points-of-interest-restaurants-2025-08-details.json",
                 "tourism/osm/berlin-points-of-interest-bars-2025-08-details.json",
                 "tourism/osm/berlin-points-of-interest-museums-2025-08-details.json"],
}


def real_files(real_data: Path) -> dict[str, list[Path]]:
    """Per dataset, the real files to import: each file of the snapshot's MANIFEST as it lies
    in ``real_data`` (same name, same SHA-256), then :data:`REAL_EXTRAS` where present."""
    import hashlib
    import json

    from lichtenberg_data.demo import SNAPSHOT

    by_name: dict[str, list[Path]] = {}
    for p in real_data.rglob("*"):
        if p.is_file():
            by_name.setdefault(p.name, []).append(p)
    files: dict[str, list[Path]] = {}
    for entry in json.loads((SNAPSHOT / "MANIFEST.json").read_text(encoding="utf-8"))["files"]:
        same = [p for p in by_name.get(Path(entry["file"]).name, [])
                if hashlib.sha256(p.read_bytes()).hexdigest() == entry["sha256"]]
        assert same, f"{entry['file']} of the snapshot is not in {real_data}"
        files.setdefault(entry["dataset"], []).append(same[0])
    for dataset, rels in REAL_EXTRAS.items():
        for rel in rels:
            path = (real_data / rel).resolve()
            if path.is_file() and path not in {f.resolve() for f in files.get(dataset, [])}:
                files.setdefault(dataset, []).append(real_data / rel)
    return files


@pytest.fixture(scope="session")
def imported_paper(tmp_path_factory, real_data) -> Paper:
    """Every real file of ``../shared/real-data`` that fits a dataset, imported by hand
    (`lichtenberg-data import`) into an empty data folder in catalogue order, and the briefing."""
    from lichtenberg_data import catalog

    root = tmp_path_factory.mktemp("imported-paper")
    paper = Paper(data=root / "data", out=root / "briefing")
    files = real_files(real_data)
    with using_data(paper.data):
        for ds in catalog.datasets():
            if ds.id in files:
                paper.output += _cli("import", ds.id, *map(str, files[ds.id]))
    paper.extra["imported"] = files
    _briefing(paper, paper.out)
    return paper
