"""The kernels of a briefing build: one per worker, cleared between its notebooks."""

from __future__ import annotations

import json
import os
import time

import pytest

from lichtenberg_data import briefing


def _notebook(path, source: str) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells.append(nbformat.v4.new_code_cell(source))
    nbformat.write(nb, path)


def _folders(tmp_path, **sources: str):
    """A notebooks folder with a one-cell notebook per keyword (``stem=source``), and the out folder."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for stem, source in sources.items():
        _notebook(notebooks / f"{stem}.ipynb", source)
    out = tmp_path / "out"
    (out / "notebooks").mkdir(parents=True)
    return notebooks, out


def _children() -> set[int]:
    """The processes this one started and that still run (kernels), by pid."""
    import psutil

    return {p.pid for p in psutil.Process().children(recursive=True)}


#: A notebook that prints the pid of the kernel it runs in.
PID = "import os\nprint('pid', os.getpid())"

FIRST = """
import os
import sys
import matplotlib as mpl
LEFT_OVER = 1
mpl.rcParams["lines.linewidth"] = 9.0
print("pid", os.getpid())
print("warm", "geopandas" in sys.modules)
print("names", len([n for n in globals() if not n.startswith("_")]))
"""

SECOND = """
import os
import matplotlib as mpl
print("pid", os.getpid())
print("left over", "LEFT_OVER" in globals())
print("linewidth", mpl.rcParams["lines.linewidth"])
print("rcfile", mpl.rc_params()["lines.linewidth"])
print("cell", len(In) - 1)
"""


def _printed(out, stem: str) -> dict[str, str]:
    """What the notebook printed, ``{"pid": "123", ...}`` (from its executed copy)."""
    nb = json.loads((out / "_collect" / stem / f"{stem}.executed.ipynb").read_text(encoding="utf-8"))
    text = "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
    return dict(line.rsplit(" ", 1) for line in text.splitlines() if line)


@pytest.mark.slow  # 3 s on 2 cores
def test_one_worker_runs_its_notebooks_in_one_kernel_cleared_between_them(tmp_path):
    notebooks, _ = _folders(tmp_path, a=FIRST, b=SECOND)
    out = tmp_path / "out"
    briefing.run(2025, out, notebooks_dir=notebooks, workers=1)
    first, second = _printed(out, "a"), _printed(out, "b")
    assert first["pid"] == second["pid"]  # the kernel was kept
    # started ahead, it had imported the libraries before the first notebook (which imports no
    # geopandas), and was cleared for it: a's namespace holds only what its cells made
    assert first["warm"] == "True"
    assert int(first["names"]) <= 12, first
    # one client serves the worker's notebooks: each executed notebook holds its own output only
    assert list(first) == ["pid", "warm", "names"]
    assert list(second) == ["pid", "left over", "linewidth", "rcfile", "cell"]
    assert second["left over"] == "False"  # but nothing of a's namespace reached b
    assert second["linewidth"] == second["rcfile"] != "9.0"  # matplotlib's rc file again, not a's 9.0
    # b's cells are numbered from 1 as in a fresh kernel (the build's setup and parameter cells first)
    for stem in ("a", "b"):
        counts = [c["execution_count"] for c in json.loads(
            (out / "_collect" / stem / f"{stem}.executed.ipynb").read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == "code"]
        assert counts == list(range(1, len(counts) + 1)), stem
    manifest = json.loads((out / "briefing-manifest.json").read_text(encoding="utf-8"))
    assert [nb["file"] for nb in manifest["notebooks"]] == ["a.ipynb", "b.ipynb"]
    assert all(0 < nb["seconds"] < 60 for nb in manifest["notebooks"])  # the next build starts the longest first
    assert second["cell"] == str(counts[-1])  # the input history the briefing orders by agrees
    with pytest.raises(ProcessLookupError):  # and shut down at the end of the build
        os.kill(int(first["pid"]), 0)


@pytest.mark.slow  # 2 s on 2 cores
def test_fresh_kernels_give_every_notebook_its_own(tmp_path):
    from lichtenberg_data.briefing import _run

    notebooks, out = _folders(tmp_path, a=FIRST, b=SECOND)
    paths = sorted(notebooks.glob("*.ipynb"))
    _run._run_all(paths, out / "notebooks", out / "_collect", 2025, "Lichtenberg", "python3", 120, workers=1,
                  fresh_kernels=True)  # the notebooks only, no paper
    first, second = _printed(out, "a"), _printed(out, "b")
    assert first["pid"] != second["pid"]
    assert second["left over"] == "False" and second["linewidth"] == second["rcfile"]


@pytest.mark.slow  # 3 s on 2 cores
def test_a_kept_kernel_found_dead_is_replaced_and_a_failed_notebook_takes_its_kernel(tmp_path):
    from lichtenberg_data.briefing import BriefingError, _kernels, _run

    notebooks, out = _folders(tmp_path, a=PID, b=PID + "\nraise KeyError('b kaputt')")

    def run(stem: str, kernel) -> None:
        _run._execute(notebooks / f"{stem}.ipynb", out / "notebooks", out / "_collect" / stem, 2025, "Lichtenberg",
                      "python3", 120, "png", kernel)

    with _kernels.WorkerKernel("python3") as kernel:
        run("a", kernel)
        first = int(_printed(out, "a")["pid"])
        os.kill(first, 9)  # the kept kernel dies between two notebooks (e.g. out of memory)
        for _ in range(50):  # until its manager sees it gone
            if not kernel._alive():
                break
            time.sleep(0.05)
        with pytest.raises(BriefingError, match="notebook b.ipynb, cell 1 of 1"):
            run("b", kernel)  # runs in a fresh kernel (no "kernel died"), and fails on its own error
        assert int(_printed(out, "b")["pid"]) != first
        assert kernel._km is None  # the failed notebook's kernel was shut down with it


@pytest.mark.slow  # 3 s on 2 cores
def test_a_kernel_that_dies_in_its_warm_up_does_not_hold_up_the_first_notebook(tmp_path):
    from lichtenberg_data.briefing import _kernels, _run

    notebooks, out = _folders(tmp_path, a=PID)
    with _kernels.WorkerKernel("python3") as kernel:
        kernel.start(notebooks)
        ahead = kernel._km.provisioner.process.pid
        os.kill(ahead, 9)  # dies while it imports the libraries (e.g. out of memory)
        started = time.monotonic()
        _run._execute(notebooks / "a.ipynb", out / "notebooks", out / "_collect" / "a", 2025, "Lichtenberg",
                      "python3", 120, "png", kernel)
        took = time.monotonic() - started
    assert int(_printed(out, "a")["pid"]) != ahead  # ran in a fresh kernel
    assert took < 30, f"the first notebook waited {took:.0f} s for the dead kernel's warm-up"  # was 120 s
    assert (out / "notebooks" / "a.html").exists()


@pytest.mark.slow  # 3 s on 2 cores
def test_a_kernel_started_ahead_that_cannot_be_warmed_up_leaves_the_error_to_the_notebook(tmp_path, monkeypatch):
    import sys

    from lichtenberg_data.briefing import _run

    notebooks, out = _folders(tmp_path, a="print(1)")
    before = _children()
    monkeypatch.setitem(sys.modules, "papermill", None)  # a broken install: papermill cannot be imported
    with pytest.raises(ImportError, match="papermill"):  # reported, not a worker thread ending unnoticed
        _run._run_all([notebooks / "a.ipynb"], out / "notebooks", out / "_collect", 2025, "Lichtenberg", "python3",
                      120, workers=1)
    assert not _children() - before  # the kernel started ahead was shut down


@pytest.mark.slow  # 3 s on 2 cores
def test_a_warm_up_client_that_cannot_open_its_sockets_leaves_the_error_to_the_notebook(tmp_path, monkeypatch):
    import errno

    import zmq
    from jupyter_client.asynchronous.client import AsyncKernelClient

    from lichtenberg_data.briefing import BriefingError, _run

    notebooks, out = _folders(tmp_path, a="print(1)")
    before = _children()

    def connect_iopub(self, identity=None):  # the process has run out of file descriptors
        raise zmq.ZMQError(errno.EMFILE)

    # every new socket fails, also those stop_channels() opens for the channels never started
    monkeypatch.setattr(AsyncKernelClient, "connect_iopub", connect_iopub)
    with pytest.raises(BriefingError, match=r"notebook a.ipynb: the kernel 'python3' could not run it "
                                            r"\(ZMQError: Too many open files\)"):  # was: no error, no notebook run
        _run._run_all([notebooks / "a.ipynb"], out / "notebooks", out / "_collect", 2025, "Lichtenberg", "python3",
                      120, workers=1)
    time.sleep(0.5)  # a kernel shut down is reaped
    assert not _children() - before  # no kernel left running


IMPORT_PAPERMILL = """
import importlib.util, sys
{before}
from lichtenberg_data.briefing._kernels import import_papermill
import_papermill()
import nbformat, papermill
nbformat.validate(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")]))
print("grammar", "rfc3987_syntax" in sys.modules, "papermill", hasattr(papermill, "execute_notebook"))
print("left", sys.modules.get("rfc3987_syntax", "absent") is not None)
"""


@pytest.mark.slow  # 1.7 s: two fresh processes import papermill
@pytest.mark.skipif(not __import__("importlib").util.find_spec("rfc3987_syntax"), reason="no rfc3987_syntax here")
def test_papermill_is_imported_without_the_iri_grammar_nobody_uses():
    import subprocess
    import sys

    def run(before: str) -> str:
        return subprocess.run([sys.executable, "-c", IMPORT_PAPERMILL.format(before=before)], capture_output=True,
                              text=True, check=True).stdout

    # a build's process: papermill and nbformat work (a notebook validates), the grammar stays unloaded,
    # and no stand-in is left behind in sys.modules
    assert run("") == "grammar False papermill True\nleft True\n"
    # where jsonschema was imported before (a Jupyter kernel, say), nothing changes
    assert run("import jsonschema._format") == "grammar True papermill True\nleft True\n"


@pytest.mark.slow  # 5 s on 2 cores
@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts the open files in /proc/self/fd")
def test_a_build_leaves_no_open_files_behind(tmp_path):
    notebooks, _ = _folders(tmp_path, a=FIRST, b=SECOND)

    def open_files() -> int:
        return len(os.listdir("/proc/self/fd"))

    briefing.run(2025, tmp_path / "out", notebooks_dir=notebooks, workers=2)
    after_one = open_files()
    briefing.run(2025, tmp_path / "out", notebooks_dir=notebooks, workers=2)
    # each worker's event loop is closed with its thread (they kept 3 descriptors each, per build,
    # in a process that builds again and again: a Jupyter kernel calling briefing.run)
    assert open_files() <= after_one


@pytest.mark.slow  # 3 s on 2 cores
def test_a_kernel_that_dies_before_it_answers_is_replaced_once(tmp_path, monkeypatch, caplog):
    import papermill

    from lichtenberg_data.briefing import BriefingError, _kernels, _run

    notebooks, out = _folders(tmp_path, a=PID)
    real, calls = papermill.execute_notebook, []

    def dies_first(*args, **kwargs):  # as nbclient reports a kernel that could not bind its ports
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return real(*args, **kwargs)

    monkeypatch.setattr(papermill, "execute_notebook", dies_first)
    with _kernels.WorkerKernel("python3") as kernel:
        _run._execute(notebooks / "a.ipynb", out / "notebooks", out / "_collect" / "a", 2025, "Lichtenberg",
                      "python3", 120, "png", kernel)
    assert len(calls) == 2 and _printed(out, "a")["pid"].isdigit()
    assert "a.ipynb: the kernel died before it answered" in caplog.text

    def other_error(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("kaputt")

    monkeypatch.setattr(papermill, "execute_notebook", other_error)
    calls.clear()
    with pytest.raises(BriefingError, match=r"a.ipynb: the kernel 'python3' could not run it \(RuntimeError: kaputt\)"):
        _run._execute(notebooks / "a.ipynb", out / "notebooks", out / "_collect" / "a", 2025, "Lichtenberg",
                      "python3", 120, "png", None)
    assert len(calls) == 1  # any other error is not tried again


@pytest.mark.slow  # 4 s on 2 cores
def test_a_worker_left_without_notebooks_prepares_the_paper_while_the_last_one_runs(tmp_path):
    """Two workers, three notebooks: the worker that ran the two short ones has nothing left
    to start while the long one runs; the build then lays out the paper of the two (once)."""
    from lichtenberg_data.briefing import _run

    notebooks, out = _folders(tmp_path, a="x = 1", b="import time\ntime.sleep(2.5)", c="x = 2")
    paths = sorted(notebooks.glob("*.ipynb"))
    called: list[tuple[list[str], bool]] = []

    def prepare(done, running):
        assert running()  # b still runs
        while running():  # a preparation stops once the last notebook has ended
            time.sleep(0.05)
        called.append(([p.name for p in done], (out / "_collect" / "b" / "b.executed.ipynb").exists()))
        raise ValueError("a preparation that fails is ignored")

    seconds = _run._run_all(paths, out / "notebooks", out / "_collect", 2025, "Lichtenberg", "python3", 120,
                            workers=2, when_idle=prepare)
    assert called == [(["a.ipynb", "c.ipynb"], True)]  # b had ended when running() turned false
    assert sorted(seconds) == ["a.ipynb", "b.ipynb", "c.ipynb"]  # and the build went on
    called.clear()
    _run._run_all([paths[0], paths[2]], out / "notebooks", out / "_collect", 2025, "Lichtenberg", "python3", 120,
                  workers=1, when_idle=prepare)
    assert called == []  # one worker: no core idles while a notebook runs


def test_the_idle_call_waits_for_an_idle_worker_and_skips_a_build_with_nothing_running(caplog):
    import logging
    import threading

    from lichtenberg_data.briefing._run import _call_when_idle

    idle, calls = threading.Event(), []
    threading.Timer(0.2, idle.set).start()
    _call_when_idle(idle, lambda: True, lambda: calls.append(idle.is_set()))
    assert calls == [True]  # not before a worker was idle
    _call_when_idle(idle, lambda: False, lambda: calls.append("late"))
    assert calls == [True]  # the last notebook had ended (or an error or Ctrl-C stopped the build)
    with caplog.at_level(logging.DEBUG, logger="lichtenberg_data.briefing._run"):
        _call_when_idle(idle, lambda: True, lambda: 1 / 0)
    assert "preparing the layout while the last notebooks run: stopped or failed: ZeroDivisionError" in caplog.text
