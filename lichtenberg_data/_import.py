"""Import files downloaded by hand, through the same checks as a download."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from . import _store, catalog
from ._arrival import resource_for, stored_names
from ._build import (
    _acquire,
    _Incoming,
    _lock,
    _workdir,
    build,
    check_file,
)
from ._commit import _drop_raw, _switches_kind, _would_switch, commit, drop_processed
from ._errors import (
    CutOffError,
    FormatError,
    LichtenbergDataError,
    dataset_error,
)
from ._filefacts import FileFacts
from ._readers import is_sample_file
from ._report import Outcome, write_report
from .settings import settings

__all__ = ["import_file"]

log = logging.getLogger("lichtenberg_data")


def import_file(dataset_id: str, paths: str | os.PathLike | Sequence[str | os.PathLike], *,
                stand: str | None = None, options: Mapping[str, str] | None = None,
                accept_fewer_rows: bool = False) -> Outcome:
    """Import files downloaded by hand, through the same checks as a download.

    Each file is checked (not empty, not an HTML page, not cut off), parsed and validated, then
    stored as a raw snapshot with provenance "imported from file" and the processed table rebuilt.
    Importing several editions of a history dataset (one population file per year) builds
    up its history. A file that does not fit raises and changes nothing.

    ``stand`` (``"YYYY-MM"``) names the month of one file of a dataset stored by month (e.g. the
    IHK register saved without the month in its name); otherwise the month comes from the file
    (its name ``…_MM-YYYY.csv`` or ``YYYY_MM__….csv`` for the IHK register).

    ``options`` are the import options the dataset declares (:attr:`catalog.Dataset.import_options`),
    e.g. ``{"business_type_swapped": "yes"}`` for an IHK file obtained before 24.04.2026 whose
    date the name does not tell. They are kept with the raw snapshot, so a rebuild applies them too.

    A new copy of a stored edition (same Stand) with more than 10 % fewer rows is refused as
    probably cut off; ``accept_fewer_rows=True`` (``--accept-fewer-rows``) takes it on purpose.

    The outcome's ``files`` say per file how many rows it gave and what it left out and why.

    Raises
    ------
    FormatError, ValidationError
        When a file does not fit the dataset (nothing is changed).
    CutOffError
        When a file ends before its format does, or gives far fewer rows than the stored copy of
        its edition (a FormatError too; nothing is changed).
    RefreshLockedError
        When a refresh or another import runs.

    Examples
    --------
    >>> import lichtenberg_data as ld
    >>> ld.import_file("einwohner_lor", ["EWR202012E_Matrix.csv"]).rows   # doctest: +SKIP
    448
    """
    ds = catalog.get(dataset_id)
    items = [Path(paths)] if isinstance(paths, (str, os.PathLike)) else [Path(p) for p in paths]
    if not items:
        raise FormatError(f"{dataset_id}: no files given. Name at least one file to import")
    stand = _stand_for(ds, stand, items)
    chosen = _options_for(ds, options)
    for p in items:
        if not p.is_file():
            raise FormatError(f"{dataset_id}: {p} does not exist or is not a file. Check the path")
    lock = _lock()
    _acquire(lock)
    try:
        work = _workdir()
        manifest = _store.read_manifest()
        hashing = ThreadPoolExecutor(max_workers=1)  # the files' SHA-256 while they are parsed (GIL released)
        try:
            incoming, sample = _incoming_files(ds, items, work)
            digests = [hashing.submit(_store.sha256_file, inc.tmp) for inc in incoming]
            for inc in incoming:
                inc.facts = FileFacts(stand=stand, options=chosen).as_dict()
            entry = manifest["datasets"].get(ds.id, {})
            built = build(ds, {} if _would_switch(entry, sample) else entry, incoming, stand=stand,
                          accept_fewer_rows=accept_fewer_rows)
            for inc, digest in zip(incoming, digests):
                inc.sha256 = digest.result()
            switched = _switches_kind(ds.id, entry, sample)  # only once the files parsed for this dataset
            dropped = manifest["datasets"].pop(ds.id, {}) if switched else {}
            if switched and ds.partition:
                drop_processed(ds)
            outcome = commit(ds, manifest, incoming, built, datetime.now().astimezone(), sample)
        except LichtenbergDataError as exc:
            cause = _without_paths(str(exc), work, items)
            if not any(p.name in cause for p in items):
                cause = f"{', '.join(p.name for p in items)}: {cause}"
            todo = (f"Nothing was changed; {exc.advice}" if isinstance(exc, CutOffError) else
                    f"Nothing was changed; `lichtenberg-data info {ds.id}` says which files it takes")
            error = dataset_error(type(exc), ds.id, cause, todo)
            if isinstance(exc, CutOffError):
                error.advice = exc.advice
            raise error from None
        finally:
            hashing.shutdown(wait=True)  # before the work folder goes
        if switched:
            _drop_raw(dropped)
            outcome.reason = switched
            log.warning("%s: %s", ds.id, switched)
        write_report([outcome], "import")
        return outcome
    finally:
        shutil.rmtree(settings.data_dir / ".tmp", ignore_errors=True)
        lock.release()


def _stand_for(ds: catalog.Dataset, stand: str | None, items: list[Path]) -> str | None:
    """The checked ``YYYY-MM`` of ``--stand``: only for one file of a dataset stored by month."""
    if stand is None:
        return None
    from . import _partitions

    if not ds.partition:
        raise FormatError(f"{ds.id}: --stand is for datasets stored by month; this one takes its Stand from "
                          "the file. Import without --stand")
    if len(items) != 1:
        raise FormatError(f"{ds.id}: --stand names the month of one file; import the {len(items)} files one "
                          "by one, each with its month")
    try:
        return _partitions.month_key(stand)
    except ValueError as exc:
        raise FormatError(f"{ds.id}: --stand {exc}") from None


def _options_for(ds: catalog.Dataset, options: Mapping[str, str] | None) -> dict[str, str]:
    """The checked import options: only those the dataset declares, with a declared value."""
    chosen = {k: v for k, v in (options or {}).items() if v is not None}
    for name, value in chosen.items():
        flag = "--" + name.replace("_", "-")
        if name not in ds.import_options:
            users = [d.id for d in catalog.datasets() if name in d.import_options]
            raise FormatError(f"{ds.id}: {flag} is an option of {', '.join(users) or 'no dataset'}, not of "
                              f"{ds.id}. Import without it")
        if value not in ds.import_options[name]:
            raise FormatError(f"{ds.id}: {flag} takes {' or '.join(ds.import_options[name])}, not {value!r}")
    return chosen


def _incoming_files(ds: catalog.Dataset, items: list[Path], work: Path) -> tuple[list[_Incoming], bool]:
    """Copy and check each file; whether they are generated sample files (all or none). The
    caller fills in each file's ``sha256`` (computed while the files are parsed)."""
    incoming, samples = [], []
    resources = [resource_for(ds, p) for p in items]
    names = stored_names(ds, [(p.name, res) for p, res in zip(items, resources)])
    for i, (p, res, name) in enumerate(zip(items, resources, names)):
        tmp = work / f"{i:03d}" / p.name
        tmp.parent.mkdir(parents=True)
        shutil.copyfile(p, tmp)
        check_file(tmp, res, p.name)
        samples.append(is_sample_file(tmp))
        incoming.append(_Incoming(name, tmp, "", tmp.stat().st_size, "import", f"file:{p.name}"))  # sha256: later
    if any(samples) and not all(samples):
        names = ", ".join(p.name for p, s in zip(items, samples) if s)
        raise FormatError(f"{names} are generated sample files and the others are real: import them separately "
                          "(sample and real data never share a table)")
    return incoming, all(samples)


def _without_paths(message: str, work: Path, items: list[Path]) -> str:
    """A message without the toolkit's temporary paths (the files are named by their own names)."""
    import re

    text = message.replace(str(work) + os.sep, "")
    text = re.sub(r"\b\d{3}/(?=[^/\s]+)", "", text)
    for p in items:
        text = text.replace(str(p.parent) + os.sep, "")
    return text
