"""What the briefing build sets up inside each notebook's kernel (elsewhere only its PROFILE_VAR is read).

:func:`install` registers a handler for :class:`~lichtenberg_data.DataNotAvailableError`: a
cell that needs a dataset which is not loaded does not abort the notebook. The handler records
the missing dataset in the notebook's ``briefing.json`` (kind ``missing``: dataset, title,
section, the cell's execution count, and the further datasets the cell loads by name that are
not loaded either) and prints a short German note in place of a traceback;
the next cells run. The PDF puts a box naming the dataset and the command that brings it where
the charts and key figures of that cell would have been. Every other error still fails the build.
"""

from __future__ import annotations

import re
from typing import Any

import lichtenberg_data.briefing.collect as collect

from .._errors import DataNotAvailableError
from .collect import collect_dir, note_missing

__all__ = ["install"]


#: ``ld.load("dataset")`` in a cell's code: the datasets the cell names itself.
_LOADS = re.compile(r"""\bload\(\s*["']([a-z][a-z0-9_]*)["']""")


def _named_in_cell(shell: Any) -> list[str]:
    """The datasets the running cell loads by name (from its source in the input history)."""
    history = shell.user_ns.get("In") or [""]
    return _LOADS.findall(str(history[-1]))


def _handler(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None) -> list[str]:
    from IPython.display import Markdown, display

    dataset = getattr(value, "dataset", None)
    entry = note_missing(dataset, str(value), section=shell.user_ns.get("SECTION"),
                         execution_count=collect._execution_count(), also=_named_in_cell(shell),
                         lacks=getattr(value, "lacks", None))
    title = entry["title"] if entry else dataset
    others = "".join(f", `{o['dataset']}` ({o['title']})" for o in (entry or {}).get("also", []))
    display(Markdown(f"**Datensatz fehlt:** `{dataset}` ({title}){others}. Dieser Teil entfällt im Briefing; "
                     f"laden mit `lichtenberg-data import {dataset} DATEI` "
                     f"(welche Dateien: `lichtenberg-data info {dataset}`)."))
    _drop_tracebacks(value)
    return []


def _drop_tracebacks(error: BaseException) -> None:
    """Forget the tracebacks of ``error`` and of the errors it was raised from: the note above
    stands in for them, and IPython (9) would otherwise format every frame with its source lines
    for its history after the handler (0.2–0.7 s per missing dataset, for nobody to read)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.__traceback__ = None
        current = current.__cause__ or current.__context__


def install(folder: str | None = None, year: int | None = None, formats: str | None = None) -> None:
    """Register the missing-data handler in the running IPython kernel (only during a build).

    ``folder`` is where this notebook's briefing material goes; it is set as
    :data:`~lichtenberg_data.briefing.collect.ENV_VAR` inside the kernel (not in the process that
    builds, which runs several notebooks at once). ``year``, the briefing year, is set as
    :data:`~lichtenberg_data.briefing.keyfigures.YEAR_VAR`: key figures leave out later periods.
    ``formats`` (``"png,svg,pdf"``), the chart files to write, is set as
    :data:`~lichtenberg_data.briefing.collect.FORMATS_VAR`.
    """
    import os

    from IPython import get_ipython

    from .keyfigures import YEAR_VAR

    if folder:
        os.environ[collect.ENV_VAR] = str(folder)
    if year is not None:
        os.environ[YEAR_VAR] = str(int(year))
    if formats is not None:
        os.environ[collect.FORMATS_VAR] = str(formats)
    shell = get_ipython()
    if shell is None or collect_dir() is None:
        return
    shell.set_custom_exc((DataNotAvailableError,), _handler)
    _profile(collect_dir())
    _freeze()


def _freeze() -> None:
    """Let the garbage collector skip what the kernel holds before the notebook's own cells run.

    The modules imported by then (IPython, pandas, matplotlib ...) live as long as the kernel, and
    every full collection during the notebook walked all of them again (0.5 CPU-s per kernel
    over a build). :func:`gc.freeze` moves them out of the collector's reach; what the cells
    create is collected as before. A kernel kept for the next notebook is cleared first
    (:mod:`._kernels`: IPython's ``reset``, whose display hook ends with a full collection), so
    what this freezes then is what is still alive.
    """
    import gc

    gc.freeze()


#: Environment variable naming a folder: each kernel of a build writes a pyinstrument profile of
#: its cells there, ``<notebook>.txt`` (the call tree) and ``<notebook>.pyisession`` (for
#: ``pyinstrument --load``), after every cell. For finding where a build's time goes; needs
#: pyinstrument (the ``dev`` extra).
PROFILE_VAR = "LICHTENBERG_BRIEFING_PROFILE"


def _profile(collect: Any) -> None:
    """Profile the rest of this kernel's cells when :data:`PROFILE_VAR` is set."""
    import os
    from pathlib import Path

    folder = os.environ.get(PROFILE_VAR, "").strip()
    if not folder:
        return
    from IPython import get_ipython

    try:
        from pyinstrument import Profiler
    except ImportError as exc:
        raise ModuleNotFoundError(f"{PROFILE_VAR} is set, but pyinstrument is not installed: install the dev "
                                  f"extra (pip install -e '.[dev]') or unset {PROFILE_VAR}") from exc
    profiler = Profiler(interval=0.002, async_mode="disabled")
    folder_path, stem = Path(folder), Path(collect).name
    folder_path.mkdir(parents=True, exist_ok=True)

    def write(*_: Any) -> None:  # after every cell: the kernel may be stopped without atexit
        session = profiler.stop()
        session.save(folder_path / f"{stem}.pyisession")
        (folder_path / f"{stem}.txt").write_text(profiler.output_text(unicode=True), encoding="utf-8")
        profiler.start()

    profiler.start()
    get_ipython().events.register("post_run_cell", write)
