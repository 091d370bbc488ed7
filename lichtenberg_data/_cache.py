"""The tables :func:`lichtenberg_data.load` keeps in memory, and the state of the data folder.

A Parquet file read once stays in memory (up to :data:`CACHE_MAX_FILE` per file,
:data:`CACHE_MAX_TOTAL` in all) while the file is unchanged: its identity (path, modification time,
size, inode) is checked on every load, so a refresh, which replaces the file, invalidates it. Every
load gets its own copy (:func:`private_copy`). :func:`data_state` identifies all processed tables at
once, for the results computed from them that :func:`remembered` keeps (the key figures', the retail
analyses').
"""

from __future__ import annotations

import copy
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from ._provenance import freeze
from .settings import settings

__all__ = ["read_cached", "private_copy", "forget", "clear_cache", "data_state", "remembered",
           "CACHE_MAX_FILE", "CACHE_MAX_TOTAL"]

#: Warm tables kept in memory, keyed by dataset; an entry is valid while the file's identity
#: (path, modification time, size, inode) is unchanged, so a refresh invalidates it by replacing the file.
_CACHE: OrderedDict[str, tuple[tuple[str, int, int, int], Any]] = OrderedDict()
_LOCK = threading.Lock()  # loads from several threads at once (the reading runs outside it)
#: Only files up to this size are kept, and at most this many bytes (on disk) in all.
CACHE_MAX_FILE = 64 * 2**20
CACHE_MAX_TOTAL = 256 * 2**20


def read_cached(key: str, path: Path, geometry: bool) -> Any:
    """A Parquet file through the memory cache (see :func:`lichtenberg_data.load`); its
    provenance entries read-only (:func:`~lichtenberg_data._provenance.freeze`)."""
    stat = path.stat()
    identity = (str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino)
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None and cached[0] == identity:
            _CACHE.move_to_end(key)
        else:
            cached = None
    if cached is not None:
        return private_copy(cached[1])
    if geometry:
        import geopandas as gpd

        df = gpd.read_parquet(path)
    else:
        import pandas as pd

        df = pd.read_parquet(path)
    if "provenance" in df.attrs:  # read-only entries: pandas' copies of attrs share them
        df.attrs["provenance"] = freeze(df.attrs["provenance"])
    _remember(key, identity, df)
    return private_copy(df)


def _remember(dataset_id: str, identity: tuple[str, int, int, int], df: Any) -> None:
    with _LOCK:
        _CACHE.pop(dataset_id, None)
        if identity[2] > CACHE_MAX_FILE:
            return
        _CACHE[dataset_id] = (identity, df)
        while sum(entry[0][2] for entry in _CACHE.values()) > CACHE_MAX_TOTAL:
            _CACHE.popitem(last=False)


def private_copy(df: Any) -> Any:
    """A copy the caller may change freely: pandas' copy-on-write shares the data until written;
    the read-only provenance entries are shared, the lists holding them are the copy's own."""
    out = df.copy(deep=False)
    out.attrs = copy.deepcopy(df.attrs)
    return out


def data_state() -> tuple:
    """What identifies the data folder's processed tables now: each file's path, modification
    time, size and inode (a refresh or import changes it; the inode, as for the memory cache,
    where a file is replaced within one tick of a coarse file-system clock with the same size);
    for caches of results computed from them."""
    root = settings.processed_dir
    found: list[tuple[str, int, int, int]] = []
    folders = [root]
    while folders:
        try:
            entries = list(os.scandir(folders.pop()))
        except OSError:
            continue
        for e in entries:
            if e.is_dir(follow_symlinks=False):
                folders.append(Path(e.path))
            else:
                st = e.stat()
                found.append((e.path, st.st_mtime_ns, st.st_size, st.st_ino))
    return (str(root), *sorted(found))


def forget(dataset_id: str) -> None:
    """Forget the tables of ``dataset_id`` (and of its months) kept in memory."""
    with _LOCK:
        for key in [k for k in _CACHE if k == dataset_id or k.startswith(f"{dataset_id}/")]:
            _CACHE.pop(key, None)


def clear_cache() -> None:
    """Forget the tables :func:`lichtenberg_data.load` keeps in memory (re-read on the next load)
    and the results :func:`remembered` keeps."""
    with _LOCK:
        _CACHE.clear()
        _RESULTS.clear()


#: Results of :func:`remembered`, keyed by function, arguments and data state; the newest last.
_RESULTS: OrderedDict[tuple, Any] = OrderedDict()
_RESULTS_MAX = 64  # a district's key-figure builds (about 30) and the analyses they share


def remembered(func: Any, *args: Any) -> Any:
    """``func(*args)`` computed once per data state (:func:`data_state`): a table computed from
    the loaded data only, asked for again and again (a notebook and its key figures ask for the
    study centres 17 times). Each caller gets its own deep copy: of a table, or of a dataclass
    whose fields are tables; the arguments must be hashable.
    Computed outside the lock: two threads may both compute it once.

    Examples
    --------
    >>> import pandas as pd
    >>> calls = []
    >>> def table(n):
    ...     calls.append(n)
    ...     return pd.DataFrame({"n": range(n)})
    >>> len(remembered(table, 3)), len(remembered(table, 3)), calls
    (3, 3, [3])
    """
    key = (func, args, data_state())
    with _LOCK:
        result = _RESULTS.get(key)
        if result is not None:
            _RESULTS.move_to_end(key)
    if result is None:
        result = func(*args)
        with _LOCK:
            _RESULTS[key] = result
            while len(_RESULTS) > _RESULTS_MAX:
                _RESULTS.popitem(last=False)
    return _own_copy(result)


def _own_copy(result: Any) -> Any:
    """What :func:`remembered` hands out: a deep copy of a table (its attrs too: copy-on-write does
    not guard a write through ``.array`` or ``.values`` of an extension column, and a kept kernel
    keeps the result for its next notebook), a dataclass with each field copied so, anything else
    as it is (numbers, text, ``None``). A results' table is small: 0.03-0.06 ms."""
    import dataclasses

    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return dataclasses.replace(result, **{f.name: _own_copy(getattr(result, f.name))
                                              for f in dataclasses.fields(result) if f.init})
    if hasattr(result, "attrs") and hasattr(result, "copy"):  # a pandas table or series
        out = result.copy(deep=True)
        out.attrs = copy.deepcopy(result.attrs)
        return out
    return result
