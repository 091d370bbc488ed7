"""From checked files to stored data: the lock, parsing and validation, histories, and the commit
of raw snapshot, processed table and manifest entry (each by atomic rename)."""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _store, catalog
from ._errors import (
    FormatError,
    LichtenbergDataError,
    RefreshLockedError,
)
from ._report import Outcome, change_report
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


def _parse(ds: catalog.Dataset, files: dict[str, Path]) -> Any:
    """Run the dataset's parser, turning unexpected parser crashes into a FormatError."""
    try:
        df = ds.parser(files)
    except LichtenbergDataError:
        raise
    except UnicodeDecodeError as exc:
        raise FormatError(f"the file is not in the expected encoding ({exc.reason} at byte {exc.start})") from None
    except Exception as exc:  # noqa: BLE001 - any crash means the file is not what we expect
        raise FormatError(f"could not parse {', '.join(p.name for p in files.values())}: "
                          f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from None
    validate(ds, df)
    return df


def _latest_snapshots(entry: dict) -> dict[str, Path]:
    return {name: settings.data_dir / meta["raw_path"] for name, meta in entry.get("resources", {}).items()
            if (settings.data_dir / meta["raw_path"]).exists()}


def _files_for(ds: catalog.Dataset, entry: dict, incoming: list[_Incoming]) -> dict[str, Path]:
    """The files to parse: the stored ones, of which the arriving files replace every file of
    their resources (all stored files of a resource that takes several), and the arriving ones."""
    arriving = {ds.resource_name(inc.resource) for inc in incoming}
    files = {k: p for k, p in _latest_snapshots(entry).items() if ds.resource_name(k) not in arriving}
    files.update({inc.resource: inc.tmp for inc in incoming})
    return files


def _stored_names(ds: catalog.Dataset, arriving: list[tuple[str, catalog.Resource]]) -> list[str]:
    """The name each arriving file (its own name, its resource) is stored under: its resource's
    name, numbered where one arrival brings several files of a resource that takes several
    (:attr:`~lichtenberg_data.catalog.Resource.several`). Several files of any other resource are
    refused, naming them: all but one would be lost."""
    names = [res.name for _, res in arriving]
    if ds.history:  # every file is an edition of its own
        return [name for name, _ in arriving]
    groups: dict[str, list[int]] = {}
    for i, (_, res) in enumerate(arriving):
        groups.setdefault(res.name, []).append(i)
    for resource, where in groups.items():
        if len(where) < 2:
            continue
        files = [arriving[i][0] for i in where]
        res = arriving[where[0]][1]
        if not res.several:
            raise FormatError(f"{', '.join(files)} are all the file {resource} of {ds.id}, which takes one such "
                              "file: all but one would be lost. Import only the one you want")
        for n, i in enumerate(sorted(where, key=lambda i: arriving[i][0]), start=1):
            names[i] = res.stored_name(n)
    return names


def _edition_key(snapshot: dict) -> tuple[str, str]:
    """Snapshots of one file of one edition (same reference date, same file name) replace each other."""
    name = Path(snapshot["raw_path"]).name.split("_", 1)[-1]
    return (snapshot.get("reference_date") or snapshot["raw_path"], name)


def _build_partitions(ds: catalog.Dataset, incoming: list[_Incoming],
                      stand: str | None = None) -> tuple[Any, dict[str, str]]:
    """Parse each file of a dataset stored by month on its own: one month each (``stand``, when
    given, names it for a single file). Only the new months are returned; the stored ones stay."""
    import pandas as pd

    from . import _filefacts, _partitions

    parts: dict[str, Any] = {}
    stands: dict[str, str] = {}
    for inc in incoming:
        with _filefacts.given(inc.facts):
            part = _parse(ds, {inc.resource: inc.tmp})
        if stand is not None:
            part[_partitions.COLUMN] = pd.Timestamp(_partitions.month_start(stand))
        key = _partitions.single_month(part, inc.tmp.name)
        stands[str(inc.tmp)] = _partitions.month_start(key).isoformat()
        parts[key] = part  # two files of one month: the later one counts
    new = pd.concat([parts[k] for k in sorted(parts)], ignore_index=True)
    return new, stands


def _build_history(ds: catalog.Dataset, entry: dict, incoming: list[_Incoming],
                   stand: str | None = None) -> tuple[Any, dict[str, str]]:
    """Parse each new edition on its own and merge it into the dataset's history."""
    import pandas as pd

    if ds.partition:
        return _build_partitions(ds, incoming, stand)
    from . import _filefacts

    parts, stands = [], {}
    for inc in incoming:
        with _filefacts.given(inc.facts):
            part = _parse(ds, {inc.resource: inc.tmp})
        stand = ds.stand(part)
        stands[str(inc.tmp)] = stand.isoformat() if stand else ""
        parts.append(part)
    new = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    old = _previous_table(ds, entry)
    if old is not None:
        if entry.get("processed", {}).get("parser_version") != ds.parser_version:
            old = _reparse_history(ds, entry)
        if old is not None and len(old):
            new = pd.concat([old[~_replaced(old, new, ds)], new], ignore_index=True)
    if ds.schema.key:
        new = new.drop_duplicates(list(ds.schema.key), keep="last")
    new = new.sort_values(list(ds.schema.key) or ["date"], ignore_index=True)
    validate(ds, new)
    return new, stands


def _replaced(old: Any, new: Any, ds: catalog.Dataset) -> Any:
    """Rows of the old history that the new files replace: same key (or same date without a key)."""
    if not ds.schema.key:
        return old["date"].isin(set(new["date"]))
    import pandas as pd

    key = list(ds.schema.key)
    return pd.MultiIndex.from_frame(old[key]).isin(pd.MultiIndex.from_frame(new[key]))


def _previous_table(ds: catalog.Dataset, entry: dict) -> Any:
    if not entry or not _store.processed_path(ds.id).exists():
        return None
    return _store.load(ds.id)


def _reparse_history(ds: catalog.Dataset, entry: dict) -> Any:
    import pandas as pd

    latest: dict[Any, dict] = {}
    for snap in sorted(entry.get("snapshots", []), key=lambda s: s["retrieved_at"]):
        # a month of a partitioned dataset is its stored reference date (also one given by --stand)
        key = (snap.get("reference_date") or "")[:7] if ds.partition else _edition_key(snap)
        latest[key] = snap
    parts = [_reparsed(ds, s) for s in latest.values() if (settings.data_dir / s["raw_path"]).exists()]
    if not parts:
        return None
    table = pd.concat(parts, ignore_index=True)
    if ds.schema.key:
        table = table.drop_duplicates(list(ds.schema.key), keep="last")
    return table.sort_values(list(ds.schema.key) or ["date"], ignore_index=True)


def _reparsed(ds: catalog.Dataset, snap: dict) -> Any:
    """A stored raw snapshot parsed again (with the facts kept with it); a partitioned dataset
    keeps the month it was stored as."""
    from . import _filefacts

    with _filefacts.given(_filefacts.of_snapshot(snap)):
        part = _parse(ds, {snap["resource"]: settings.data_dir / snap["raw_path"]})
    if ds.partition and snap.get("reference_date"):
        import pandas as pd

        from . import _partitions

        part[_partitions.COLUMN] = pd.Timestamp(_partitions.month_start(snap["reference_date"][:7]))
    return part


def _editions(ds: catalog.Dataset, entry: dict) -> list[dict]:
    """The files a processed table was built from: one per edition of a history, else one per
    resource; each with its Stand, when and how it arrived."""
    snaps = entry.get("snapshots", []) if ds.history else list(entry.get("resources", {}).values())
    latest: dict[tuple, dict] = {}
    for snap in sorted(snaps, key=lambda s: s["retrieved_at"]):
        latest[_edition_key(snap) if ds.history else (snap["resource"],)] = snap
    return [{"file": Path(s["raw_path"]).name.split("_", 1)[-1], "reference_date": s.get("reference_date"),
             "retrieved_at": (s.get("source_retrieved_at") or s["retrieved_at"])[:10],
             "arrived": s.get("arrived")} for s in latest.values()]


def _provenance(ds: catalog.Dataset, df: Any, retrieved: datetime, source: str, sample: bool,
                editions: list[dict]) -> dict:
    stand = ds.stand(df)
    newest = max(editions, key=lambda e: str(e.get("reference_date") or ""), default={})
    return {
        "dataset": ds.id, "title": ds.title, "source_title": ds.source_title, "publisher": ds.publisher,
        "license": ds.license.id, "license_url": ds.license.url, "source_url": source,
        "landing_page": ds.landing_page, "reference_date": stand.isoformat() if stand else None,
        "retrieved_at": newest.get("retrieved_at") or retrieved.date().isoformat(),
        "arrived": newest.get("arrived"), "editions": editions, "sample": sample,
    }


def _commit(ds: catalog.Dataset, manifest: dict, incoming: list[_Incoming], df: Any,
            retrieved: datetime, sample: bool, stands: dict[str, str]) -> Outcome:
    entry = manifest["datasets"].setdefault(ds.id, {"resources": {}, "snapshots": []})
    old = _previous_table(ds, entry)
    source = incoming[-1].source if incoming else entry.get("processed", {}).get("source", "")
    stand_all = ds.stand(df)
    if not ds.history:  # the arriving files replace every stored file of their resources
        arriving = {ds.resource_name(inc.resource) for inc in incoming}
        entry["resources"] = {k: m for k, m in entry["resources"].items() if ds.resource_name(k) not in arriving}
    for inc in incoming:
        target = _store.snapshot_path(ds.id, inc.filename, retrieved, inc.sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(inc.tmp, target)
        meta = {
            "resource": inc.resource, "raw_path": target.relative_to(settings.data_dir).as_posix(),
            "sha256": inc.sha256, "size": inc.size, "etag": inc.etag, "last_modified": inc.last_modified,
            "retrieved_at": retrieved.isoformat(timespec="seconds"), "arrived": inc.arrived,
            "source": inc.source, "source_retrieved_at": inc.source_retrieved_at,
            "reference_date": stands.get(str(inc.tmp)) or (stand_all.isoformat() if stand_all else None),
            "parser_version": ds.parser_version,
        }
        if inc.facts:
            meta["facts"] = inc.facts
        entry["resources"][inc.resource] = meta
        entry["snapshots"] = [s for s in entry["snapshots"] if s["raw_path"] != meta["raw_path"]] + [meta]
    df.attrs["provenance"] = [_provenance(ds, df, retrieved, source, sample, _editions(ds, entry))]
    _store.write_processed(ds.id, df)
    entry["processed"] = {
        "path": _store.processed_path(ds.id).relative_to(settings.data_dir).as_posix(),
        "rows": int(len(df)), "reference_date": df.attrs["provenance"][0]["reference_date"],
        "retrieved_at": retrieved.isoformat(timespec="seconds"), "parser_version": ds.parser_version,
        "arrived": incoming[-1].arrived if incoming else entry.get("processed", {}).get("arrived"),
        "source": source, "sample": sample,
    }
    if ds.partition:  # rows and Stand of the latest month (what load() gives), and every month stored
        from . import _partitions

        stored = _partitions.months(ds.id)
        entry["processed"].update(rows=_partitions.rows(ds.id, stored[-1]), months=stored,
                                  reference_date=_partitions.month_start(stored[-1]).isoformat())
    _prune(ds, entry)
    _store.write_manifest(manifest)
    return Outcome(ds.id, "fresh", rows=entry["processed"]["rows"], report=change_report(old, df))


def _prune(ds: catalog.Dataset, entry: dict) -> None:
    """Keep at most ``settings.keep_snapshots`` raw snapshots per resource (per edition for history)."""
    keep = settings.keep_snapshots
    groups: dict[str, list[dict]] = {}
    for snap in entry["snapshots"]:
        key = _edition_key(snap) if ds.history else snap["resource"]
        groups.setdefault(key, []).append(snap)
    current = {m["raw_path"] for m in entry["resources"].values()}
    kept = []
    for snaps in groups.values():
        snaps.sort(key=lambda s: s["retrieved_at"])
        drop = [s for s in snaps[:-keep] if s["raw_path"] not in current]
        for s in drop:
            (settings.data_dir / s["raw_path"]).unlink(missing_ok=True)
        kept += [s for s in snaps if s not in drop]
    entry["snapshots"] = sorted(kept, key=lambda s: s["retrieved_at"])


def _resource_for(ds: catalog.Dataset, path: Path) -> catalog.Resource:
    if len(ds.resources) == 1:
        return ds.resources[0]
    if ds.resource_of is not None and (by_content := ds.resource_of(path)) is not None:
        return ds.resource(by_content)
    hits = [r for r in ds.resources if r.match and r.matches(path.name)]
    if ds.history:  # every file is an edition; the resource only tells the format
        hits = hits[:1] or [ds.resources[0]]
    if len(hits) != 1:
        names = ", ".join(f"{r.name} (pattern {r.match})" for r in ds.resources)
        raise FormatError(f"{ds.id}: cannot tell which file {path.name} is; expected one of: {names}. "
                          "Keep the portal's file names")
    return hits[0]


def _switches_kind(dataset_id: str, entry: dict, sample: bool) -> str:
    """The note when real files replace sample data, else ``""``; sample files never replace
    real data (:class:`FormatError` saying how to do it on purpose)."""
    before = entry.get("processed", {}).get("sample")
    if before is None or bool(before) == sample:
        return ""
    if sample:
        raise FormatError("these are generated sample files, and the dataset holds real data, which they "
                          f"would replace; run `lichtenberg-data reset {dataset_id}` first if that is what you want")
    return "replaced the generated sample data by real data (sample and real data never share a table)"


def _drop_raw(entry: dict) -> None:
    """Delete the raw files of a replaced manifest entry (after the new data are stored)."""
    for snap in entry.get("snapshots", []):
        (settings.data_dir / snap["raw_path"]).unlink(missing_ok=True)
