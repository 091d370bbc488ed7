"""Running the notebooks of a briefing build headless (papermill), and writing each as HTML.

:func:`_run_all` runs the notebooks (the longest of the last build first), one worker thread per
core, each worker in the kernel it keeps (:mod:`._kernels`), the HTML pages written by a thread of
their own; :func:`_execute` runs one: the set-up cell first (where its
material goes, the briefing year, the chart formats, the missing-data handler of :mod:`.kernel`),
``YEAR`` and ``DISTRICT`` injected, and a failing cell reported with its number and whole error;
the executed notebook is written as HTML (:mod:`._html`). Used by :mod:`.pack`, which collects
what the notebooks marked and binds the PDF.
"""

from __future__ import annotations

import copy
import logging
import os
import threading
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from .._errors import BriefingError
from ._html import write_html
from ._kernels import KERNEL_ARGUMENTS, WorkerKernel, import_papermill

log = logging.getLogger(__name__)


#: Tags of the cells the build adds to a notebook (left out when cells are numbered for errors).
_ADDED_TAGS = {"lichtenberg-briefing-setup", "injected-parameters", "papermill-error-cell-tag"}


def _setup_source(collect: Path, year: int | None = None, formats: str = "png") -> str:
    """The cell the build puts first: where this notebook's material goes, the briefing year the
    key figures stop at, the chart file formats, and the handler that turns a missing dataset into
    a box in the PDF."""
    return ("# Added by lichtenberg_data.briefing: a missing dataset becomes a box in the PDF\n"
            "from lichtenberg_data.briefing.kernel import install as _install\n"
            f"_install({str(collect)!r}, {year!r}, {formats!r})\n"
            "del _install\n")


def _first_line(source: str) -> str:
    for line in str(source).splitlines():
        if line.strip():
            return line.strip()[:100]
    return ""


@contextmanager
def _environment(values: dict[str, str]):
    """Set environment variables for the kernels started inside (and restore them after)."""
    old = {k: os.environ.get(k) for k in [*values, "MPLBACKEND"]}
    os.environ.update(values)
    os.environ.pop("MPLBACKEND", None)  # draw inline, as in Jupyter, so the HTML shows the charts
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _tags(cell: Any) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _cell_number(executed: Any, index: int) -> tuple[int, int]:
    """(number, total) of the cell papermill reports at ``index`` among the notebook's own cells.

    ``index`` counts the cells papermill ran (the setup and parameter cells included, its error
    notes at the top and before the cell not); the number counts only the notebook's own cells.
    """
    ran = [c for c in executed.cells if "papermill-error-cell-tag" not in _tags(c)]
    own = [i for i, c in enumerate(ran) if not _ADDED_TAGS & _tags(c)]
    return (own.index(index) + 1 if index in own else 0), len(own)


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def _write_html(executed: Path, html: Path) -> None:
    """Write the executed notebook ``executed`` as the HTML page ``html``."""
    import nbformat

    write_html(nbformat.read(executed, as_version=4), html)


def _died_starting(exc: BaseException) -> bool:
    """Whether ``exc`` is nbclient's report of a kernel that died before it answered (no cell ran)."""
    return isinstance(exc, RuntimeError) and "before replying to kernel_info" in str(exc)


def _execute(path: Path, html_dir: Path, collect: Path, year: int, district: str,
             kernel_name: str, timeout: int, formats: str = "png", kernel: WorkerKernel | None = None,
             write: Callable[[Path, Path], Any] = _write_html) -> None:
    """Execute one notebook with papermill and write it as HTML (``write(executed, html)``: at
    once by default; :func:`_run_all` hands it to a thread of its own).

    With a ``kernel`` that is kept, the notebook runs in the worker's kernel, cleared first when
    another notebook ran in it (:mod:`._kernels`); after a failure the kernel is shut down.

    Parameters ``YEAR`` and ``DISTRICT`` are injected after the cell tagged ``parameters``. A
    cell that needs a dataset which is not loaded is recorded as missing (see :mod:`.kernel`)
    and the notebook goes on; any other error raises :class:`BriefingError` naming the cell
    that failed and the whole error.
    """
    import_papermill()
    import nbformat
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # noqa: BLE001 - any unreadable notebook
        raise BriefingError(f"notebook {path.name}: cannot be read ({exc}). "
                            "Open and save it in Jupyter, then run the briefing again.") from exc
    nb.cells.insert(0, nbformat.v4.new_code_cell(_setup_source(collect, year, formats), metadata={"tags": ["lichtenberg-briefing-setup"]}))
    executed = collect / f"{path.stem}.executed.ipynb"
    collect.mkdir(parents=True, exist_ok=True)
    error: BriefingError | None = None
    succeeded = False

    def attempt() -> None:
        engine = kernel.engine_kwargs() if kernel is not None else {}
        papermill.execute_notebook(
            copy.deepcopy(nb), str(executed), parameters={"YEAR": int(year), "DISTRICT": district},
            kernel_name=kernel_name, language="python", progress_bar=False,
            request_save_on_cell_execute=False, start_timeout=120, execution_timeout=timeout,
            allow_errors=True,
            # the kernel starts in the notebook's folder without papermill's process-wide chdir
            # (several notebooks run at once), and keeps its start-up chatter to itself
            resources={"metadata": {"path": str(path.parent.resolve())}},
            extra_arguments=KERNEL_ARGUMENTS[:1], **engine)

    try:
        try:
            attempt()
        except RuntimeError as exc:
            if not _died_starting(exc):
                raise
            # no cell ran: a kernel that died starting (now and then one finds a port of its five
            # taken between choosing and binding it) is replaced once
            log.warning("briefing: %s: the kernel died before it answered (%s); starting another", path.name, exc)
            if kernel is not None:
                kernel.discard()
            attempt()
        succeeded = True
    except papermill.PapermillExecutionError as exc:
        done = nbformat.read(executed, as_version=4)
        number, total = _cell_number(done, exc.cell_index)
        where = f"cell {number} of {total}" if number else "a cell the briefing added"
        trace = _strip_ansi("\n".join(exc.traceback)).strip()
        error = BriefingError(
            f"notebook {path.name}, {where} (`{_first_line(exc.source)}`) failed with "
            f"{exc.ename}: {exc.evalue}\n{trace}\nFix the notebook and run the briefing again; the "
            f"executed notebook is {html_dir / (path.stem + '.html')}")
    except (CellTimeoutError, DeadKernelError) as exc:
        cause = f"a cell gave no result within {timeout} s" if isinstance(exc, CellTimeoutError) else "the kernel died"
        error = BriefingError(f"notebook {path.name}: {cause}. Check the notebook and run the briefing again")
    except Exception as exc:  # noqa: BLE001 - kernel start-up problems
        if type(exc).__name__ == "NoSuchKernel":
            raise BriefingError(
                f"notebook {path.name}: no Jupyter kernel named {kernel_name!r}. Install it with "
                f"`python -m ipykernel install --sys-prefix --name {kernel_name}`") from exc
        raise BriefingError(f"notebook {path.name}: the kernel {kernel_name!r} could not run it "
                            f"({type(exc).__name__}: {exc})") from exc
    finally:
        if kernel is not None and not succeeded:
            kernel.discard()  # whatever a failed notebook left in its kernel goes with it
    if executed.exists():
        write(executed, html_dir / f"{path.stem}.html")
    if error is not None:
        raise error


def _run_one(path: Path, html_dir: Path, collect: Path, *args: Any) -> float:
    """Run one notebook (:func:`_execute`); its seconds."""
    log.info("briefing: running %s", path.name)
    started = datetime.now()
    _execute(path, html_dir, collect, *args)
    seconds = (datetime.now() - started).total_seconds()
    log.info("briefing: %s done in %.1f s", path.name, seconds)
    return seconds


def _longest_first(paths: list[Path], expected: dict[str, float] | None) -> list[tuple[int, Path]]:
    """The notebooks (with their index in file order) in the order they start: the longest first
    by the seconds ``expected`` of each (the last build's), so that no worker is left with a long
    notebook at the end while the other waits; notebooks without a time first, in file order.

    Examples
    --------
    >>> [p.name for _, p in _longest_first([Path("a"), Path("b"), Path("c")], {"a": 1.0, "b": 4.0})]
    ['c', 'b', 'a']
    """
    known = expected or {}
    return sorted(enumerate(paths), key=lambda item: -known.get(item[1].name, float("inf")))


def _close_loop() -> None:
    """Close the event loop the kernel clients made for this (worker) thread, once its kernel is
    gone: left open, each build kept three file descriptors per worker in a long-lived process
    (a Jupyter kernel calling :func:`~lichtenberg_data.briefing.run` again and again)."""
    import asyncio

    try:
        loop = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:  # the thread made none
        return
    if not loop.is_running() and not loop.is_closed():
        loop.close()
    asyncio.set_event_loop(None)


def _call_when_idle(idle: threading.Event, running: Callable[[], bool], action: Callable[[], None]) -> None:
    """Wait until ``idle`` is set; then, if a notebook is still ``running`` (and the build has no
    error and no interrupt), call ``action``. An error of ``action`` is logged (debug) and
    ignored: it only prepares what the build does next."""
    while not idle.wait(0.5):
        pass
    if not running():
        return
    try:
        action()
    except Exception as exc:  # noqa: BLE001 - a preparation; the build does the real work after it
        log.debug("briefing: preparing the layout while the last notebooks run: stopped or failed: %r", exc)


def _run_all(paths: list[Path], html_dir: Path, collect_root: Path, year: int, district: str,
             kernel_name: str, timeout: int, workers: int | None, formats: str = "png",
             fresh_kernels: bool = False, expected: dict[str, float] | None = None,
             when_idle: Callable[[list[Path], Callable[[], bool]], None] | None = None) -> dict[str, float]:
    """Execute the notebooks, ``workers`` at a time, the longest first by the seconds ``expected``
    (:func:`_longest_first`; in file order without them); return the seconds of each (by file name).

    ``when_idle`` is called once, in this thread, with the notebooks done so far and a function
    telling whether one still runs, when a worker has no notebook left to start while another
    still runs one (a core would idle until it ends); what it raises is logged and ignored (see
    :func:`_call_when_idle`). It should stop soon after the last notebook ended.

    Each worker is a thread that keeps one kernel for the notebooks it runs (cleared between
    them, :mod:`._kernels`), or starts a fresh kernel per notebook with ``fresh_kernels`` (and
    while the build is profiled). When notebooks fail, the error of the first one (in file order)
    is raised after the running ones have finished; notebooks not yet started are not started.
    """
    from collections import deque
    from concurrent.futures import Future, ThreadPoolExecutor

    from .kernel import PROFILE_VAR

    keep = not fresh_kernels and not os.environ.get(PROFILE_VAR, "").strip()
    # the HTML pages are written by a thread of their own, so that a worker's kernel starts its
    # next notebook at once (a page takes 0.1-0.4 s of this process, the kernel waits for none)
    pages = ThreadPoolExecutor(max_workers=1, thread_name_prefix="notebook-html")
    written: list[Future] = []

    def write(executed: Path, html: Path) -> None:
        try:
            written.append(pages.submit(_write_html, executed, html))
        except RuntimeError:  # pages shut down: the build was interrupted and this notebook ran on
            _write_html(executed, html)

    pending = deque(_longest_first(paths, expected))
    seconds: dict[str, float] = {}
    errors: dict[int, BaseException] = {}
    stop = threading.Event()  # set when the build is interrupted (Ctrl-C): start no further notebook
    lock = threading.Lock()

    idle = threading.Event()  # a worker has no notebook left to start

    def work() -> None:
        try:
            run_notebooks()
        finally:
            idle.set()
            _close_loop()

    def run_notebooks() -> None:
        with WorkerKernel(kernel_name, keep=keep) as kernel:
            if paths:  # the kernel imports the libraries while this thread imports papermill
                kernel.start(paths[0].parent.resolve())
            while True:
                with lock:
                    if errors or not pending or stop.is_set():
                        idle.set()
                        return
                    index, path = pending.popleft()
                try:
                    seconds[path.name] = _run_one(path, html_dir, collect_root / path.stem, year, district,
                                                  kernel_name, timeout, formats, kernel, write)
                except BaseException as exc:  # noqa: BLE001 - raised below, in file order
                    with lock:
                        errors[index] = exc

    threads = [threading.Thread(target=work, name=f"notebook-{i}")
               for i in range(min(workers or os.cpu_count() or 1, len(paths) or 1))]
    for thread in threads:
        thread.start()
    try:
        if when_idle is not None:
            def running() -> bool:
                return not errors and not stop.is_set() and len(seconds) < len(paths)

            _call_when_idle(idle, running, lambda: when_idle([p for p in paths if p.name in seconds], running))
        for thread in threads:
            thread.join()
    finally:
        stop.set()  # after an interrupt the running notebooks finish, no other one starts
        pages.shutdown(wait=True)
    if errors:
        raise errors[min(errors)]
    for page in written:
        page.result()  # a page that could not be written fails the build here
    return seconds
