"""From checked files to a table: the lock, parsing with the report of what each file kept,
the guards against cut files, histories and the rebuild from stored raw files.

:func:`build` is the one path of an import and a refresh; :func:`rebuild_table` parses a
dataset's stored raw files again. Each parser sees a file under its own name, never under the
store's dated name (``raw/<dataset>/<retrieved date>_<name>``): a date in that prefix is not the
file's Stand. The commit of what was built is in :mod:`._commit`.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _arrival, _filefacts, _guards, _kept, _store, catalog
from ._errors import (
    FormatError,
    LichtenbergDataError,
    RefreshLockedError,
)
from ._kept import FileTally
from ._validate import validate
from .settings import settings

if TYPE_CHECKING:  # pragma: no cover
    from filelock import FileLock

log = logging.getLogger("lichtenberg_data")


@dataclass
class _Incoming:
    """A checked file waiting to become a raw snapshot."""

    resource: str
    tmp: Path
    sha256: str
    size: int
    arrived: str
    source: str
    etag: str | None = None
    last_modified: str | None = None
    source_retrieved_at: str | None = None
    #: What is known of the file beyond its bytes (:mod:`._filefacts`), kept in the manifest.
    facts: dict = field(default_factory=dict)

    @property
    def filename(self) -> str:
        """The file name kept in the raw snapshot (an imported file keeps its own name)."""
        return self.tmp.name


@dataclass
class Built:
    """A parsed table ready to commit: the Stand of each new file (by its temporary path), what
    each new file kept and dropped (one tally per new file, in their order) and the stored files
    that give no row any more, with why (e.g. an export replaced by an Overpass answer)."""

    df: Any
    stands: dict[str, str] = field(default_factory=dict)
    files: list[FileTally] = field(default_factory=list)
    emptied: list[FileTally] = field(default_factory=list)


def _lock() -> FileLock:
    from filelock import FileLock

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return FileLock(str(settings.data_dir / ".refresh.lock"), timeout=0)


def _acquire(lock: FileLock) -> None:
    from filelock import Timeout

    try:
        lock.acquire()
    except Timeout:
        raise RefreshLockedError(
            f"another refresh or import is running on {settings.data_dir} (lock {lock.lock_file}); "
            "nothing was changed. Wait for it to finish and try again"
        ) from None


def _workdir() -> Path:
    work = settings.data_dir / ".tmp"
    shutil.rmtree(work, ignore_errors=True)  # leftovers of a killed run; we hold the lock
    work.mkdir(parents=True)
    return work


def check_file(path: Path, res: catalog.Resource, what: str) -> None:
    """The checks every new file passes before a parser sees it: not empty, not an HTML page, of
    a kind the resource takes, and complete (not cut off)."""
    from ._sniff import check_kind

    _guards.check_body(path, res.format, what=what)  # in _guards, not _http: an import needs no HTTP client
    check_kind(path, (res.format, *res.accepts), what=what, takes=res.name)
    _guards.check_complete(path, (res.format, *res.accepts), what=what)


# ------------------------------------------------------------------------------- parsing
def _parse(ds: catalog.Dataset, files: dict[str, Path]) -> Any:
    """Run the dataset's parser and validate its table (see :func:`_tallied`)."""
    return _tallied(ds, files)[0]


def _tallied(ds: catalog.Dataset, files: dict[str, Path],
             new: set[str] | None = None) -> tuple[Any, dict[str, FileTally]]:
    """Run the parser inside :func:`._kept.tally`: the table, and per file name what it kept and
    dropped (a single file's rows are the table's where the parser did not say). A file (of the
    ``new`` ones, by default of all) that gives no row is a :class:`FormatError` naming it;
    crashes of the parser become one too."""
    with _kept.tally() as tallies:
        try:
            df = ds.parser(files)
        except LichtenbergDataError:
            raise
        except UnicodeDecodeError as exc:
            raise FormatError(f"the file is not in the expected encoding ({exc.reason} at byte {exc.start})") from None
        except Exception as exc:  # noqa: BLE001 - any crash means the file is not what we expect
            raise FormatError(f"could not parse {', '.join(p.name for p in files.values())}: "
                              f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from None
    if len(files) == 1:
        name = Path(next(iter(files.values()))).name
        tally = tallies.setdefault(name, FileTally(name))
        if tally.kept is None:
            tally.kept = int(len(df))
    empty = [t for name, t in tallies.items() if t.kept == 0 and (new is None or name in new)]
    if empty:
        raise FormatError("; ".join(f"{t.line()}: the file gives no row" for t in empty))
    validate(ds, df)
    return df, tallies


def _only(tallies: dict[str, FileTally], incoming: list[_Incoming]) -> list[FileTally]:
    """The tallies of the new files, in their order (a file the parser did not name is ``read``)."""
    return [tallies.get(inc.tmp.name) or FileTally(inc.tmp.name) for inc in incoming]


# ------------------------------------------------------------------------------- stored files
def _stored_file(raw_path: str) -> Path:
    """A stored raw snapshot under its own file name (a hard link in the run's work folder),
    for a parser that reads the Stand from the name."""
    src = settings.data_dir / raw_path
    folder = Path(tempfile.mkdtemp(prefix="stored-", dir=_work()))
    target = folder / _store.original_name(raw_path)
    try:
        os.link(src, target)
    except OSError:
        shutil.copyfile(src, target)
    return target


def _work() -> Path:
    work = settings.data_dir / ".tmp"
    work.mkdir(parents=True, exist_ok=True)
    return work


def _latest_snapshots(entry: dict) -> dict[str, Path]:
    """The current raw file of each resource, under its own name, by resource name (the order
    of the manifest, which keeps its keys sorted: a rebuild hands a parser its files in the
    order an import did)."""
    return {name: _stored_file(meta["raw_path"]) for name, meta in sorted(entry.get("resources", {}).items())
            if (settings.data_dir / meta["raw_path"]).exists()}


def _files_for(ds: catalog.Dataset, entry: dict, incoming: list[_Incoming]) -> dict[str, Path]:
    """The files to parse: the stored ones (under their own names), of which the arriving files
    replace every file of their resources (all stored files of a resource that takes several),
    and the arriving ones."""
    arriving = {ds.resource_name(inc.resource) for inc in incoming}
    stored = {k: m for k, m in entry.get("resources", {}).items() if ds.resource_name(k) not in arriving}
    files = _latest_snapshots({"resources": stored})
    files.update({inc.resource: inc.tmp for inc in incoming})
    return dict(sorted(files.items()))  # as a rebuild reads them (:func:`_latest_snapshots`)


def _period(ds: catalog.Dataset) -> str:
    return "month" if ds.partition else ds.edition_period


def _edition_key(snapshot: dict, ds: catalog.Dataset) -> tuple[str, ...]:
    """Snapshots of one edition replace each other: the same Stand and file name, or (edition
    period ``month``, and datasets stored by month) the same month."""
    period = _period(ds)
    stand = _guards.edition(snapshot.get("reference_date"), period)
    if period == "month" and stand:
        return (stand,)
    return (stand or snapshot["raw_path"], _store.original_name(snapshot["raw_path"]))


def _current_editions(ds: catalog.Dataset, entry: dict) -> list[dict]:
    """The latest stored snapshot of each edition, oldest first (by when it arrived)."""
    latest: dict[tuple, dict] = {}
    for snap in sorted(entry.get("snapshots", []), key=lambda s: s["retrieved_at"]):
        latest[_edition_key(snap, ds)] = snap
    return sorted(latest.values(), key=lambda s: s["retrieved_at"])


def _reparsed(ds: catalog.Dataset, snap: dict) -> Any:
    """A stored raw snapshot parsed again (with the facts kept with it); a partitioned dataset
    keeps the month it was stored as."""
    with _filefacts.given(_filefacts.of_snapshot(snap)):
        part = _parse(ds, {snap["resource"]: _stored_file(snap["raw_path"])})
    if ds.partition and snap.get("reference_date"):
        import pandas as pd

        from . import _partitions

        part[_partitions.COLUMN] = pd.Timestamp(_partitions.month_start(snap["reference_date"][:7]))
    return part


def _reparse_history(ds: catalog.Dataset, entry: dict) -> Any:
    """The history parsed again from the latest stored snapshot of each edition."""
    import pandas as pd

    parts = [_reparsed(ds, s) for s in _current_editions(ds, entry) if (settings.data_dir / s["raw_path"]).exists()]
    if not parts:
        return None
    return _finish(ds, pd.concat(parts, ignore_index=True))


def _finish(ds: catalog.Dataset, table: Any) -> Any:
    if ds.schema.key:
        table = table.drop_duplicates(list(ds.schema.key), keep="last")
    return table.sort_values(list(ds.schema.key) or ["date"], ignore_index=True, kind="stable")


def rebuild_table(ds: catalog.Dataset, entry: dict) -> Any:
    """The table parsed again from the stored raw files (``None`` when none is stored)."""
    if ds.history:
        df = _reparse_history(ds, entry)
        if df is not None:
            validate(ds, df)
        return df
    files = _latest_snapshots(entry)
    return _parse(ds, files) if files else None


# ------------------------------------------------------------------------------- building
def build(ds: catalog.Dataset, entry: dict, incoming: list[_Incoming], *, stand: str | None = None,
          accept_fewer_rows: bool = False) -> Built:
    """Parse new files into the dataset's table: a history merges each new edition, a dataset
    stored by month gives one month per file, any other dataset parses its stored files with the
    new ones. An edition with more than 10 % fewer rows than its stored copy is refused
    (:class:`CutOffError`) unless ``accept_fewer_rows``."""
    if ds.partition:
        return _build_partitions(ds, entry, incoming, stand, accept_fewer_rows)
    if ds.history:
        return _build_history(ds, entry, incoming, accept_fewer_rows)
    # a stored file may give no row now (e.g. an export an Overpass answer replaces): reported, no error
    new = {inc.tmp.name for inc in incoming}
    df, tallies = _tallied(ds, _files_for(ds, entry, incoming), new=new)
    processed = entry.get("processed", {})
    new_stand = ds.stand(df)
    built = Built(df, {}, _only(tallies, incoming), [t for name, t in tallies.items() if name not in new and t.kept == 0])
    if processed.get("rows") and _store.processed_path(ds.id).exists() and \
            _guards.same_edition(new_stand, processed.get("reference_date"), ds.edition_period):
        copies = [_arrival.stored_copy(ds, entry, inc.resource, inc.tmp.name) for inc in incoming]
        for inc, tally, copy in zip(incoming, built.files, copies):  # each file against its stored copy, where both counts are known
            rows = (copy or {}).get("rows")
            if tally.kept is not None and rows is not None:
                _guards.check_rows(ds.id, inc.tmp.name, new_stand, tally.kept, int(rows), period=ds.edition_period,
                                   accept=accept_fewer_rows)
        arrived = [(inc.resource, inc.tmp.name) for inc in incoming]
        if all(copy is not None for copy in copies) and _arrival.recopied(ds, entry, arrived):  # new copies of stored files
            _guards.check_rows(ds.id, ", ".join(inc.tmp.name for inc in incoming), new_stand, len(df),
                               int(processed["rows"]), period=ds.edition_period, accept=accept_fewer_rows)
    return built


def _build_partitions(ds: catalog.Dataset, entry: dict, incoming: list[_Incoming], stand: str | None,
                      accept: bool) -> Built:
    """Parse each file of a dataset stored by month on its own: one month each (``stand``, when
    given, names it for a single file). Only the new months are returned; the stored ones stay."""
    import pandas as pd

    from . import _partitions

    parts: dict[str, Any] = {}
    built = Built(None)
    stored = set(_partitions.months(ds.id)) if entry else set()  # none when real data replace sample data
    for inc in incoming:
        with _filefacts.given(inc.facts):
            part, tallies = _tallied(ds, {inc.resource: inc.tmp})
        if stand is not None:
            part[_partitions.COLUMN] = pd.Timestamp(_partitions.month_start(stand))
        key = _partitions.single_month(part, inc.tmp.name)
        if key in stored:
            _guards.check_rows(ds.id, inc.tmp.name, key, len(part), _partitions.rows(ds.id, key),
                               period="month", accept=accept)
        built.stands[str(inc.tmp)] = _partitions.month_start(key).isoformat()
        built.files += _only(tallies, [inc])
        parts[key] = part  # two files of one month: the later one counts
    built.df = pd.concat([parts[k] for k in sorted(parts)], ignore_index=True)
    return built


def _build_history(ds: catalog.Dataset, entry: dict, incoming: list[_Incoming], accept: bool) -> Built:
    """Parse each new edition on its own and merge it into the dataset's history: a new copy of
    a stored edition replaces all rows of that edition."""
    import pandas as pd

    built = Built(None)
    parts = []
    for inc in incoming:
        with _filefacts.given(inc.facts):
            part, tallies = _tallied(ds, {inc.resource: inc.tmp})
        stand = ds.stand(part)
        built.stands[str(inc.tmp)] = stand.isoformat() if stand else ""
        built.files += _only(tallies, [inc])
        parts.append((inc, part, stand))
    old = _previous_table(ds, entry)
    if old is not None and entry.get("processed", {}).get("parser_version") != ds.parser_version:
        old = _reparse_history(ds, entry)
    stale = []
    for inc, part, stand in parts:
        previous = _stored_edition(ds, entry, inc.tmp.name, stand)
        if previous is None:
            continue
        _guards.check_rows(ds.id, inc.tmp.name, stand, len(part), len(previous), period=ds.edition_period,
                           accept=accept)
        stale.append(previous)
    new = pd.concat([p for _, p, _ in parts], ignore_index=True) if len(parts) > 1 else parts[0][1]
    if old is not None and len(old):
        gone = _replaced(old, new, ds)
        for previous in stale:
            gone = gone | _replaced(old, previous, ds)
        new = pd.concat([old[~gone], new], ignore_index=True)
    new = _finish(ds, new)
    validate(ds, new)
    built.df = new
    return built


def _stored_edition(ds: catalog.Dataset, entry: dict, name: str, stand: Any) -> Any:
    """The stored copy of the edition a new file brings, parsed again (``None`` when there is none
    or it no longer parses): the snapshot of the same Stand and file name (one edition may be
    several files, e.g. the tables of one MSS report), or with ``edition_period="month"`` the
    snapshot of the same month, whatever its name."""
    if stand is None:
        return None
    period = ds.edition_period
    same = [s for s in _current_editions(ds, entry) if _guards.same_edition(s.get("reference_date"), stand, period)
            and (settings.data_dir / s["raw_path"]).exists()]
    if period != "month":
        same = [s for s in same if _store.original_name(s["raw_path"]) == name]
    if not same:
        return None
    try:
        return _reparsed(ds, same[-1])
    except LichtenbergDataError as exc:
        log.warning("%s: the stored copy of %s does not parse any more (%s); not compared", ds.id, name, exc)
        return None


def _replaced(old: Any, new: Any, ds: catalog.Dataset) -> Any:
    """Rows of the old history that the new rows replace: same key (or same date without a key);
    with ``edition_period="month"`` every row of a month the new rows bring."""
    if ds.edition_period == "month" and "date" in old.columns and "date" in new.columns:
        months = set(new["date"].dt.to_period("M").dropna())
        by_month = old["date"].dt.to_period("M").isin(months).to_numpy()
        if not ds.schema.key:
            return by_month
        return by_month | _replaced_by_key(old, new, ds)
    if not ds.schema.key:
        return old["date"].isin(set(new["date"])).to_numpy()
    return _replaced_by_key(old, new, ds)


def _replaced_by_key(old: Any, new: Any, ds: catalog.Dataset) -> Any:
    import pandas as pd

    key = list(ds.schema.key)
    return pd.MultiIndex.from_frame(old[key]).isin(pd.MultiIndex.from_frame(new[key]))


def _previous_table(ds: catalog.Dataset, entry: dict, *, whole: bool = True) -> Any:
    """The stored table (of a dataset stored by month: its latest month), ``None`` when there is
    none. ``whole=False`` (the change report) gives a month as :class:`._report.Stored`: rows and
    columns from its Parquet footer, totals from its numeric columns alone."""
    if not entry or not _store.processed_path(ds.id).exists():
        return None
    if whole or not ds.partition:
        return _store.load(ds.id)
    from . import _partitions
    from ._report import Stored

    stored = _partitions.months(ds.id)
    if not stored:
        return None
    return Stored(_partitions.rows(ds.id, stored[-1]), *_partitions.totals(ds.id, stored[-1]))
