"""Refresh datasets from the portals (or a mirror); :mod:`._import` imports files by hand.

Both take the same path: fetch or copy into a temporary file, check it, parse it, validate
the table, and only then store the raw snapshot, the processed table and the manifest entry,
each by atomic rename. A failure leaves the dataset's last good data exactly as they were and
the other datasets go on. One lock per data folder keeps two runs from colliding.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from . import _store, catalog
from ._build import (
    Built,
    _acquire,
    _current_editions,
    _Incoming,
    _lock,
    _reparsed,
    _workdir,
    build,
    rebuild_table,
)
from ._commit import _drop_raw, _switches_kind, _would_switch, commit, drop_processed
from ._errors import (
    CutOffError,
    DataNotAvailableError,
    DownloadError,
    FormatError,
    LichtenbergDataError,
    dataset_message,
)
from ._fetch import _fetch_resource, _from_folder, _is_url, _mirror_is_sample
from ._reach import NO_NETWORK, HostUnreachableError
from ._report import Outcome, write_report
from .settings import settings

__all__ = ["Outcome", "refresh", "rebuild", "reset"]

log = logging.getLogger("lichtenberg_data")


def _todo(ds_id: str, exc: Exception, has_data: bool) -> str:
    kept = "Last good data kept" if has_data else "No data yet"
    if getattr(exc, "cause", None) == NO_NETWORK:
        return f"{kept}; connect to the internet and run `lichtenberg-data refresh {ds_id}` again"
    if isinstance(exc, DataNotAvailableError) and getattr(exc, "dataset", None) not in (None, ds_id):
        return f"{kept}; it needs {exc.dataset} first: load that, then run `lichtenberg-data refresh {ds_id}` again"
    if isinstance(exc, CutOffError):
        return f"{kept}; {exc.advice} (`lichtenberg-data refresh {ds_id}`)"
    if isinstance(exc, DownloadError):
        return (f"{kept}; check the portal or your connection and run "
                f"`lichtenberg-data refresh {ds_id}` again, or download the file in a browser and "
                f"run `lichtenberg-data import {ds_id} FILE`")
    return (f"{kept}; the portal may have changed the file: open it, check it, "
            f"and report it or import a corrected file with `lichtenberg-data import {ds_id} FILE`")


def _failure(ds_id: str, exc: Exception) -> Outcome:
    """A failed outcome; "last good data kept" only where the dataset has data."""
    has_data = _store.processed_path(ds_id).exists()
    return Outcome(ds_id, "failed", dataset_message(ds_id, str(exc), _todo(ds_id, exc, has_data)))


def _urls(mirror: str | None) -> list[str | None]:
    """The hosts the offline check may try: the mirror, else every portal of the catalogue
    (also when only some datasets are refreshed, so one unresolvable portal is told apart
    from no network)."""
    if mirror:
        return [mirror] if _is_url(mirror) else []
    return [u for ds in catalog.datasets() for r in ds.resources
            for u in (r.url, r.wfs.service_url if r.wfs else None)]


def _refresh_one(ds: catalog.Dataset, http: Any, manifest: dict, mirror: str | None, force: bool,
                 work: Path, sample: bool, accept_fewer_rows: bool = False) -> Outcome:
    entry = manifest["datasets"].get(ds.id, {})
    if not mirror and all(r.url is None and r.fetcher is None and r.wfs is None for r in ds.resources):
        return Outcome(ds.id, "skipped", f"no download address; import it: lichtenberg-data import {ds.id} FILE")
    incoming: list[_Incoming] = []
    left_out: list[str] = []  # optional files the portal did not give
    if mirror and not _is_url(mirror):
        folder = Path(mirror)
        if not (folder / ds.id).is_dir():
            return Outcome(ds.id, "skipped", f"not in the mirror {mirror}")
        incoming, files_sample = _from_folder(ds, folder, entry, work, force)
        sample = sample or files_sample
    else:
        missing_editions: list[str] = []
        for res in ds.resources:
            if not mirror and res.url is None and res.fetcher is None and res.wfs is None:
                continue
            prev = entry.get("resources", {}).get(res.name, {})
            dest = work / ds.id / res.name
            dest.parent.mkdir(parents=True, exist_ok=True)
            try:
                got = _fetch_resource(http, ds, res, prev, dest, mirror, force)
            except (DownloadError, FormatError) as exc:
                if res.optional and not mirror and not prev and not isinstance(exc, HostUnreachableError):
                    # never had: built from the other files; a stored one that fails fails the dataset
                    left_out.append(f"{res.name} ({str(exc)[:160]})")
                    continue
                if not isinstance(exc, DownloadError) or not (mirror and ds.history and exc.status == 404) or prev:
                    raise  # a file the dataset already has that is gone is an error
                missing_editions.append(res.name)  # a mirror may hold some editions of a history only
                continue
            if got is not None:
                incoming.append(got)
        if missing_editions and len(missing_editions) == len(ds.resources):
            return Outcome(ds.id, "skipped", f"not in the mirror {mirror}")
    switching = bool(incoming) and _would_switch(entry, sample)
    base = {} if switching else entry
    processed_ok = _store.processed_path(ds.id).exists()
    same_parser = entry.get("processed", {}).get("parser_version") == ds.parser_version
    if not incoming and processed_ok and same_parser:
        return Outcome(ds.id, "unchanged", rows=entry.get("processed", {}).get("rows"))
    retrieved = datetime.now().astimezone()
    if not incoming:  # only the parser changed: rebuild from the raw snapshots
        df = rebuild_table(ds, entry)
        if df is None:
            raise DataNotAvailableError("no raw snapshots to rebuild from")
        return commit(ds, manifest, [], Built(df), retrieved, bool(entry.get("processed", {}).get("sample")))
    if not ds.history:
        stored = {ds.resource_name(name) for name, meta in base.get("resources", {}).items()
                  if (settings.data_dir / meta["raw_path"]).exists()}
        have = stored | {ds.resource_name(inc.resource) for inc in incoming}
        missing = [r.name for r in ds.resources if r.name not in have and not (r.optional and have)]
        if missing and not (mirror and not _is_url(mirror)):  # a mirror folder, like an import, may hold some parts
            raise DownloadError(f"no copy of {', '.join(missing)} yet")
    built = build(ds, base, incoming, accept_fewer_rows=accept_fewer_rows)
    if switching and sample and mirror and not _is_url(mirror):  # checked once the files parsed for this dataset
        return Outcome(ds.id, "skipped", "holds real data; generated sample data do not replace it "
                       f"(`lichtenberg-data reset {ds.id}` first, if that is what you want)")
    switched = _switches_kind(ds.id, entry, sample) if switching else ""
    dropped: dict = {}
    if switched:
        dropped = manifest["datasets"].pop(ds.id, {})
        if ds.partition:
            drop_processed(ds)
    outcome = commit(ds, manifest, incoming, built, retrieved, sample)
    if switched:
        _drop_raw(dropped)
        outcome.reason = switched
    if left_out:
        outcome.reason = "; ".join(filter(None, [outcome.reason, "built without the optional "
                                                 + ", ".join(left_out)]))
    return outcome


def _progress(items: Sequence[Any]) -> Iterable[Any]:
    if sys.stderr.isatty():
        from tqdm import tqdm

        return tqdm(items, desc="refresh", unit="dataset", leave=False)
    return items


def refresh(ids: Sequence[str] | None = None, *, force: bool = False, mirror: str | os.PathLike | None = None,
            report: bool = True, accept_fewer_rows: bool = False) -> list[Outcome]:
    """Refresh datasets from their portals, or from a mirror.

    Parameters
    ----------
    ids
        Dataset ids; all datasets of the catalogue when empty.
    force
        Download again even when the server says the file is unchanged.
    mirror
        A folder or base URL laid out as ``<mirror>/<dataset id>/<file name>``, used instead
        of the portals (the demo, tests, an office's own copy).
    report
        Write a change report to ``data/reports/``.
    accept_fewer_rows
        Take a new copy of a stored edition (same Stand) even when it has more than 10 % fewer
        rows; by default such a copy is refused as probably cut off (``--accept-fewer-rows``).

    Returns
    -------
    list of Outcome
        One per dataset: ``fresh``, ``unchanged``, ``skipped`` or ``failed`` with a one-line reason;
        ``files`` of a fresh one say per new file what it kept and dropped.

    Raises
    ------
    RefreshLockedError
        When another refresh or import runs on the same data folder.
    KeyError
        For an unknown dataset id (nothing is touched).

    Examples
    --------
    >>> import lichtenberg_data as ld
    >>> [o.state for o in ld.refresh(["bezirke"], mirror="demo-mirror")]   # doctest: +SKIP
    ['fresh']
    """
    chosen = [catalog.get(i) for i in ids] if ids else catalog.datasets()
    mirror_s = None if mirror is None else str(mirror)
    lock = _lock()
    _acquire(lock)
    from ._http import Http

    http = Http()
    http.reach.expect(_urls(mirror_s))
    outcomes: list[Outcome] = []
    try:
        work = _workdir()
        manifest = _store.read_manifest()
        sample = bool(mirror_s) and _mirror_is_sample(http, mirror_s)
        for ds in _progress(chosen):
            start = time.monotonic()
            try:
                outcome = _refresh_one(ds, http, manifest, mirror_s, force, work, sample, accept_fewer_rows)
            except LichtenbergDataError as exc:
                manifest = _store.read_manifest()  # drop any in-memory change of the failed dataset
                outcome = _failure(ds.id, exc)
            log.log(logging.WARNING if outcome.failed else logging.INFO, "%s: %s%s (%.1f s)", ds.id,
                    outcome.state, f" – {outcome.reason}" if outcome.reason else "", time.monotonic() - start)
            outcomes.append(outcome)
        if report:
            write_report(outcomes, "refresh")
    finally:
        http.close()
        shutil.rmtree(settings.data_dir / ".tmp", ignore_errors=True)
        lock.release()
    return outcomes


def rebuild(ids: Sequence[str] | None = None, *, report: bool = True) -> list[Outcome]:
    """Parse the stored raw files of datasets again and rewrite their processed tables.

    For use after a parser was corrected: nothing is downloaded, every edition keeps its Stand
    and the table is the one an import of the same files gives. The manifest's record of the
    raw files stays as it is.

    Parameters
    ----------
    ids
        Dataset ids; by default every dataset that holds data here.
    report
        Write a change report (rows and totals before and after) to ``data/reports/``.

    Returns
    -------
    list of Outcome
        One per dataset: ``rebuilt``, ``skipped`` (no raw files stored) or ``failed`` (the last
        good table is kept).

    Examples
    --------
    >>> import lichtenberg_data as ld
    >>> [o.state for o in ld.rebuild(["einwohner_lor"])]   # doctest: +SKIP
    ['rebuilt']
    """
    manifest = _store.read_manifest()
    chosen = [catalog.get(i) for i in ids] if ids else [d for d in catalog.datasets() if d.id in manifest["datasets"]]
    lock = _lock()
    _acquire(lock)
    outcomes: list[Outcome] = []
    try:
        _workdir()
        manifest = _store.read_manifest()
        for ds in chosen:
            try:
                outcome = _rebuild_one(ds, manifest)
            except LichtenbergDataError as exc:
                manifest = _store.read_manifest()
                outcome = Outcome(ds.id, "failed", dataset_message(ds.id, str(exc), "The last good table is kept"))
            log.log(logging.WARNING if outcome.failed else logging.INFO, "%s: %s%s", ds.id, outcome.state,
                    f" – {outcome.reason}" if outcome.reason else "")
            outcomes.append(outcome)
        if report:
            write_report(outcomes, "rebuild")
    finally:
        shutil.rmtree(settings.data_dir / ".tmp", ignore_errors=True)
        lock.release()
    return outcomes


def _rebuild_one(ds: catalog.Dataset, manifest: dict) -> Outcome:
    entry = manifest["datasets"].get(ds.id, {})
    stored = [s for s in entry.get("snapshots", []) if (settings.data_dir / s["raw_path"]).exists()]
    if not stored:
        return Outcome(ds.id, "skipped", f"no raw files stored here; refresh or import it first "
                                         f"(`lichtenberg-data info {ds.id}`)")
    sample = bool(entry.get("processed", {}).get("sample"))
    now = datetime.now().astimezone()
    if ds.partition:  # month by month: a register of many months never sits in memory at once
        outcomes = [commit(ds, manifest, [], Built(_reparsed(ds, snap)), now, sample)
                    for snap in _current_editions(ds, entry) if (settings.data_dir / snap["raw_path"]).exists()]
        outcome = outcomes[-1]
    else:
        df = rebuild_table(ds, entry)
        if df is None:
            raise DataNotAvailableError("no raw files to rebuild from")
        outcome = commit(ds, manifest, [], Built(df), now, sample)
    outcome.state = "rebuilt"
    return outcome


def reset(ids: Sequence[str] | None = None) -> list[str]:
    """Empty datasets (all when ``ids`` is ``None``): processed table, raw snapshots, manifest entry.

    Takes the refresh lock, so it never runs beside a refresh. Returns the ids that held data.
    """
    chosen = [catalog.get(i).id for i in ids] if ids else catalog.ids()
    lock = _lock()
    _acquire(lock)
    try:
        return _store.reset(chosen)
    finally:
        lock.release()
