"""The kernels of a briefing build: one per worker, kept for the worker's next notebook.

Starting a kernel and importing pandas, geopandas, matplotlib and the toolkit into it costs about
2 s of a core per notebook, as much as all the cells of a short notebook. So a worker of
:func:`lichtenberg_data.briefing.run` starts one kernel and runs its notebooks in it one after
another. What one notebook leaves behind is cleared before the next starts: before its first
cell, the kernel silently runs :data:`CLEAR_SOURCE` (not a cell: nothing in the notebook or its
HTML, no execution count used), which closes every figure, sets matplotlib's settings back to
those of its rc file and clears the namespace, the input history and the execution count, as in a
fresh kernel. Imported modules stay, which is the point – and with them any state a notebook left
in a module or in ``os.environ`` (the toolkit's notebooks set theirs in their first cells), and any
thread it left running (what such a thread prints later lands in the next notebook's cells; the
toolkit's notebooks start none). A notebook that relies on a pristine process runs with
``fresh_kernels``. A notebook that fails or times out takes its kernel with it (the build stops
after the notebooks that are running), and a kernel found dead before its next notebook is
replaced by a fresh one. With ``fresh_kernels=True`` (or when the
build is profiled, so that each profile is one notebook's) every notebook gets its own kernel.

The kernel manager is handed to papermill through an engine (papermill's documented extension
point) that keeps the kernel running and clears it before a notebook; the kernel's client stays
with the kernel too (:attr:`WorkerKernel._kc`; nbclient reads only the messages that answer its
own requests, so nothing of one notebook reaches the next through it) and is closed with it.

A kept kernel is started by :meth:`WorkerKernel.start` when its worker begins, before the worker
imports papermill (:func:`import_papermill`) and reads its first notebook: the kernel imports the
libraries (:data:`WARM_SOURCE`, silently) while the build is busy with its own start; the first
notebook waits for that and is cleared like every later one, so it finds the libraries imported
and an empty namespace.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

__all__ = ["ENGINE", "CLEAR_SOURCE", "WARM_SOURCE", "WorkerKernel", "import_papermill"]

log = logging.getLogger(__name__)

#: Name of the papermill engine registered by :func:`_register`.
ENGINE = "lichtenberg-shared-kernel"
#: What a kept kernel runs (silently, outside the history) before its next notebook: afterwards
#: the first cell runs as cell 1 with ``In == ["", <that cell>]``, exactly as in a fresh kernel.
CLEAR_SOURCE = ("import matplotlib as _mpl\n"
                "import matplotlib.pyplot as _plt\n"
                "_plt.close('all')\n"
                "_mpl.rc_file_defaults()\n"
                "get_ipython().reset(new_session=True)\n")
#: What a kernel started ahead (:meth:`WorkerKernel.start`) imports at once, while the build starts:
#: the libraries and the inline backend the notebooks use (cleared with :data:`CLEAR_SOURCE`
#: before the first notebook; the modules stay imported).
WARM_SOURCE = ("import lichtenberg_data.briefing.kernel, lichtenberg_data.charts, lichtenberg_data.geo\n"
               "import geopandas, matplotlib.pyplot\n"
               "get_ipython().run_line_magic('matplotlib', 'inline')\n")
#: The arguments a notebook's kernel starts with: the first passed by :mod:`._run`, the second
#: added by nbclient (no history file); a kernel started ahead gets both.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL", "--HistoryManager.hist_file=:memory:"]


def import_papermill() -> None:
    """Import papermill (with nbformat, nbclient and jsonschema), leaving out jsonschema's optional
    IRI grammar.

    jsonschema checks the ``iri`` formats with ``rfc3987_syntax`` when it is installed (it comes
    with JupyterLab, through jupyter-events), and that package builds its grammar on import: 0.7 s
    of the 1.0 s papermill takes to import, at the start of every build, for formats no notebook
    schema uses. So while jsonschema is imported here it finds no ``rfc3987_syntax`` (and leaves
    those two formats unchecked in this process); where jsonschema was imported before, nothing
    changes. Examples: ``import_papermill()`` before ``import papermill`` in a build.
    """
    import sys

    skip = "jsonschema._format" not in sys.modules and "rfc3987_syntax" not in sys.modules
    if skip:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment] - import raises ImportError
    try:
        import papermill  # noqa: F401
        from papermill import engines  # noqa: F401
    finally:
        if skip and sys.modules.get("rfc3987_syntax", False) is None:
            del sys.modules["rfc3987_syntax"]


def _register() -> None:
    """Register :data:`ENGINE` with papermill (once; registering again replaces it)."""
    import_papermill()
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import remove_args

    class ClearingClient(PapermillNotebookClient):
        """papermill's client that first clears a kernel another notebook ran in."""

        def __init__(self, *args: Any, clear_first: bool = False, worker: WorkerKernel | None = None,
                     **kw: Any) -> None:
            super().__init__(*args, **kw)
            self.clear_first = clear_first
            if worker is not None and worker._kc is not None:  # the worker's client, ready already
                self.kc = worker._kc
                self.kc.allow_stdin = False

        def papermill_execute_cells(self) -> None:
            if self.clear_first:
                reply = self.wait_for_reply(self.kc.execute(CLEAR_SOURCE, silent=True, store_history=False))
                if not reply or reply["content"].get("status") != "ok":
                    raise RuntimeError(f"clearing the kernel for the next notebook failed: "
                                       f"{(reply or {}).get('content', {}).get('evalue', 'no reply')}; "
                                       "run the briefing with --fresh-kernels")
            super().papermill_execute_cells()

    class SharedKernelEngine(NBClientEngine):
        """papermill's nbclient engine on a kernel the caller keeps (``km=``)."""

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                     stdout_file: Any = None, stderr_file: Any = None,
                                     start_timeout: int = 60, execution_timeout: int | None = None,
                                     **kwargs: Any) -> Any:
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            worker = kwargs.get("worker")
            client = ClearingClient(
                nb_man, timeout=execution_timeout, startup_timeout=start_timeout,
                kernel_name=kernel_name, log=logging.getLogger("papermill"), log_output=log_output, stdout_file=stdout_file,
                stderr_file=stderr_file, **kwargs)
            try:
                return client.execute()
            finally:  # the kernel stays for the next notebook, and so does its client (a new one
                # costs 0.2 s: it waits for the kernel's output channel to fall silent)
                if client.kc is not None and worker is not None and worker._km is client.km:
                    worker._kc = client.kc
                elif client.kc is not None:
                    client.kc.stop_channels()

    papermill_engines.register(ENGINE, SharedKernelEngine)


class WorkerKernel:
    """The kernel one worker thread keeps (``keep=True``), or none (every notebook a fresh one).

    Use it in the thread that runs the notebooks (the kernel manager belongs to that thread's event
    loop) and close it there.
    """

    def __init__(self, kernel_name: str, keep: bool = True) -> None:
        self.kernel_name = kernel_name
        self.keep = keep
        self._km: Any = None
        self._kc: Any = None  # the kernel's client, kept for the next notebook
        self._warming: Any = None  # a request of WARM_SOURCE whose reply is awaited (see start)

    def engine_kwargs(self) -> dict[str, Any]:
        """What to pass to ``papermill.execute_notebook``: the engine, the kernel manager (a new
        one when there is none yet; the notebook's client starts its kernel) and whether the
        kernel has run a notebook before; or nothing (a fresh kernel)."""
        if not self.keep:
            return {}
        self._await_warming()
        if self._km is not None and self._km.has_kernel and not self._alive():
            log.info("briefing: the kept kernel is gone (ended by the notebook before?); starting a fresh one")
            self.discard()
        if self._km is None:
            from jupyter_client.manager import AsyncKernelManager

            _register()
            self._km = AsyncKernelManager(kernel_name=self.kernel_name)
        return {"engine_name": ENGINE, "km": self._km, "clear_first": bool(self._km.has_kernel), "worker": self}

    def start(self, cwd: str | Path) -> None:
        """Start the kept kernel now, in ``cwd`` (the notebooks' folder), ask it to import the
        libraries (:data:`WARM_SOURCE`) and import papermill meanwhile; nothing when kernels are
        not kept.

        A kernel that cannot start is left to the first notebook, which reports why.
        """
        if not self.keep or self._km is not None:
            return
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        km = AsyncKernelManager(kernel_name=self.kernel_name)
        try:
            run_sync(km.start_kernel)(extra_arguments=list(KERNEL_ARGUMENTS), cwd=str(cwd))
        except Exception as exc:  # noqa: BLE001 - the notebook's own start says what is wrong
            log.debug("briefing: starting a kernel ahead failed: %s", exc)
            return
        self._km = km
        try:
            # sent without waiting here; the first notebook waits for its reply (:meth:`engine_kwargs`)
            # and runs with this client
            self._kc = km.client()
            # no heartbeat thread: the kernel manager tells whether the kernel lives
            self._kc.start_channels(hb=False)
            self._warming = self._kc.execute(WARM_SOURCE, silent=True, store_history=False)
            _register()  # imports papermill, while the kernel imports the libraries
        except Exception as exc:  # noqa: BLE001 - raised in the worker's thread it would end the worker
            # unreported; the first notebook starts its own kernel and says what is wrong
            log.debug("briefing: warming up a kernel started ahead failed: %s", exc)
            self.discard()

    def _await_warming(self) -> None:
        """Wait for the kernel's reply to :data:`WARM_SOURCE` (it is busy with it until then anyway);
        without one (a kernel that died starting), its client goes and the notebook's own finds out."""
        msg_id, self._warming = self._warming, None
        if msg_id is None or self._kc is None:
            return
        import queue
        import time

        from jupyter_core.utils import run_sync

        deadline = time.monotonic() + 120
        while True:  # a second at a time: a kernel that died in the warm-up sends no reply
            try:
                if run_sync(self._kc.get_shell_msg)(timeout=1)["parent_header"].get("msg_id") == msg_id:
                    return
            except queue.Empty:
                if time.monotonic() < deadline and self._alive():
                    continue
                log.debug("briefing: no reply to the kernel's warm-up (kernel gone or busy for 120 s)")
                break
            except Exception as exc:  # noqa: BLE001 - no reply: the notebook's client finds out why
                log.debug("briefing: no reply to the kernel's warm-up: %s", exc)
                break
        self._stop_client()

    def _stop_client(self) -> None:
        kc, self._kc = self._kc, None
        if kc is None:
            return
        try:
            kc.stop_channels()
        except Exception as exc:  # noqa: BLE001 - it goes all the same; raised here it would end the worker
            # unreported (stop_channels opens the sockets a client that failed to start never got,
            # and fails again as it did: no file descriptors left, say)
            log.debug("briefing: closing a kernel client: %s", exc)

    def _alive(self) -> bool:
        from jupyter_core.utils import run_sync

        try:
            return bool(run_sync(self._km.is_alive)())
        except Exception:  # noqa: BLE001 - a manager that cannot tell has no kernel to keep
            return False

    def discard(self) -> None:
        """Shut the kernel down (after a failed notebook, and at the end)."""
        self._warming = None
        self._stop_client()
        km, self._km = self._km, None
        if km is None or not km.has_kernel:
            return
        from jupyter_core.utils import run_sync

        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception as exc:  # noqa: BLE001 - a kernel that is already gone
            log.debug("briefing: shutting down a kernel: %s", exc)

    def __enter__(self) -> WorkerKernel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()
