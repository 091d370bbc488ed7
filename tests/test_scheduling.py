"""The suite's spread over pytest-xdist workers (tests/scheduling.py): a paper is built on one
worker only, a module-scoped fixture is set up once, the papers' groups start first.

A small suite runs in a fresh pytest process with two workers, as `make test` runs the real one.
(pytest-xdist 3.8 under pytest 9.2 ignored every ``xdist_group`` mark: each worker built each
paper it met; this catches such a change of either package.)
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # starts a pytest run with two workers (about 4 s)

CONFTEST = '''
import json, os, sys
import pytest
sys.path.insert(0, {tests!r})
import scheduling

LOG = os.path.join(os.path.dirname(__file__), "log.jsonl")

def note(**kw):
    with open(LOG, "a") as f:
        f.write(json.dumps({{"worker": os.environ.get("PYTEST_XDIST_WORKER"), **kw}}) + "\\n")

@pytest.fixture(scope="session")
def real_paper():
    note(built="real-paper")

@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    scheduling.assign(config, items)
'''

TESTS = {
    "test_a_plain.py": '''
        from conftest import note
        import pytest
        @pytest.mark.parametrize("i", range(12))
        def test_plain(i):
            note(test=f"plain{i}")
    ''',
    "test_b_module.py": '''
        import pytest
        from conftest import note
        @pytest.fixture(scope="module")
        def shared():
            note(built="module")
        @pytest.mark.parametrize("i", range(6))
        def test_shared(shared, i):
            note(test=f"module{i}")
    ''',
    "test_c_paper.py": '''
        import pytest
        from conftest import note
        real = pytest.mark.xdist_group("real-paper")
        @real
        @pytest.mark.parametrize("i", range(4))
        def test_paper(real_paper, i):
            note(test=f"paper{i}")
    ''',
    "test_d_paper_too.py": '''
        import pytest
        from conftest import note
        @pytest.mark.xdist_group("real-paper")
        def test_paper_elsewhere(real_paper):
            note(test="paper-elsewhere")
    ''',
}


def test_a_group_runs_on_one_worker_and_goes_first(tmp_path):
    (tmp_path / "conftest.py").write_text(CONFTEST.format(tests=str(Path(__file__).parent)))
    for name, body in TESTS.items():
        (tmp_path / name).write_text(textwrap.dedent(body))
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2",
                          "--dist", "loadgroup", "--no-loadscope-reorder"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    log = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    built = [e for e in log if "built" in e]
    assert sorted(e["built"] for e in built) == ["module", "real-paper"]  # each once, in all
    paper_workers = {e["worker"] for e in log if e.get("test", "").startswith("paper")}
    assert len(paper_workers) == 1  # the paper's five tests, in two modules, on one worker
    module_workers = {e["worker"] for e in log if e.get("test", "").startswith("module")}
    assert len(module_workers) == 1
    first = next(e for e in log if e["worker"] in paper_workers)
    assert first == {"worker": paper_workers.pop(), "built": "real-paper"}  # the paper's worker starts with it
    assert {e["worker"] for e in log} == {"gw0", "gw1"}
