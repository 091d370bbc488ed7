"""The kernels of a briefing build: one per worker, kept for the worker's next notebook.

Starting a kernel and importing pandas, geopandas, matplotlib and the toolkit into it costs about
2 s of a core per notebook, as much as all the cells of a short notebook. So a worker of
:func:`lichtenberg_data.briefing.run` starts one kernel and runs its notebooks in it one after
another. What one notebook leaves behind is cleared before the next starts: before its first
cell, the kernel silently runs :data:`CLEAR_SOURCE` (not a cell: nothing in the notebook or its
HTML, no execution count used), which closes every figure, sets matplotlib's settings back to
those of its rc file and clears the namespace, the input history and the execution count, as in a
fresh kernel. Imported modules stay, which is the point – and with them any state a notebook left
in a module or in ``os.environ`` (the toolkit's notebooks set theirs in their first cells; a
notebook that relies on a pristine process runs with ``fresh_kernels``). A notebook that fails or
times out takes its
kernel with it (the build stops after the notebooks that are running), and a kernel found dead
before its next notebook is replaced by a fresh one. With ``fresh_kernels=True`` (or when the
build is profiled, so that each profile is one notebook's) every notebook gets its own kernel.

The kernel manager is handed to papermill through an engine (papermill's documented extension
point) that keeps the kernel running, clears it before a notebook and closes the notebook's
client channels after it.
"""

from __future__ import annotations

import logging
from typing import Any

__all__ = ["ENGINE", "CLEAR_SOURCE", "WorkerKernel"]

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


def _register() -> None:
    """Register :data:`ENGINE` with papermill (once; registering again replaces it)."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import remove_args

    class ClearingClient(PapermillNotebookClient):
        """papermill's client that first clears a kernel another notebook ran in."""

        def __init__(self, *args: Any, clear_first: bool = False, **kw: Any) -> None:
            super().__init__(*args, **kw)
            self.clear_first = clear_first

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
            client = ClearingClient(
                nb_man, timeout=execution_timeout, startup_timeout=start_timeout,
                kernel_name=kernel_name, log=logging.getLogger("papermill"), log_output=log_output, stdout_file=stdout_file,
                stderr_file=stderr_file, **kwargs)
            try:
                return client.execute()
            finally:  # the kernel stays for the next notebook, this notebook's client goes
                if client.kc is not None:
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

    def engine_kwargs(self) -> dict[str, Any]:
        """What to pass to ``papermill.execute_notebook``: the engine, the kernel manager (a new
        one when there is none yet; the notebook's client starts its kernel) and whether the
        kernel has run a notebook before; or nothing (a fresh kernel)."""
        if not self.keep:
            return {}
        if self._km is not None and self._km.has_kernel and not self._alive():
            log.info("briefing: the kept kernel is gone (ended by the notebook before?); starting a fresh one")
            self.discard()
        if self._km is None:
            from jupyter_client.manager import AsyncKernelManager

            _register()
            self._km = AsyncKernelManager(kernel_name=self.kernel_name)
        return {"engine_name": ENGINE, "km": self._km, "clear_first": bool(self._km.has_kernel)}

    def _alive(self) -> bool:
        from jupyter_core.utils import run_sync

        try:
            return bool(run_sync(self._km.is_alive)())
        except Exception:  # noqa: BLE001 - a manager that cannot tell has no kernel to keep
            return False

    def discard(self) -> None:
        """Shut the kernel down (after a failed notebook, and at the end)."""
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
