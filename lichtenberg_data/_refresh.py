"""Refresh datasets from the portals (or a mirror) and import files by hand.

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
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from . import _store, catalog
from ._errors import (
    DataNotAvailableError,
    DownloadError,
    FormatError,
    LichtenbergDataError,
    RefreshLockedError,
    dataset_error,
    dataset_message,
)
from ._reach import NO_NETWORK
from ._readers import check_kind, is_sample_file
from ._report import Outcome, change_report, write_report
from ._validate import validate
from .settings import settings

if TYPE_CHECKING:  # pragma: no cover
    from filelock import FileLock

__all__ = ["Outcome", "refresh", "import_file", "reset", "SAMPLE_MARKER"]

log = logging.getLogger("lichtenberg_data")

#: A file at the root of a mirror that marks its contents as generated sample data.
SAMPLE_MARKER = "SAMPLE_DATA.txt"


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

    @property
    def filename(self) -> str:
        """The file name kept in the raw snapshot (an imported file keeps its own name)."""
        return self.tmp.name


# --------------------------------------------------------------------------- locking

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


# --------------------------------------------------------------------------- fetching

def _is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def _mirror_is_sample(http: Any, mirror: str) -> bool:
    if not _is_url(mirror):
        return (Path(mirror) / SAMPLE_MARKER).exists()
    try:  # through the run's Http: an unreachable mirror is probed once, with the short connect timeout
        with http.get(f"{mirror.rstrip('/')}/{SAMPLE_MARKER}") as resp:
            return resp.status_code == 200
    except Exception:  # noqa: BLE001 - a missing marker just means real data
        return False


def _fetch_resource(http: Any, ds: catalog.Dataset, res: catalog.Resource, prev: dict, dest: Path,
                    mirror: str | None, force: bool) -> _Incoming | None:
    """Fetch one resource to ``dest``; ``None`` when the server says it is unchanged."""
    from ._http import fetch_wfs

    cond = {} if force else {"etag": prev.get("etag"), "last_modified": prev.get("last_modified")}
    if mirror:
        url = f"{mirror.rstrip('/')}/{quote(ds.id)}/{quote(res.name)}"
        if prev.get("source") != url:
            cond = {}
        got = http.download(url, dest, expect=res.format, **cond)
        arrived = "mirror"
    elif res.fetcher is not None:
        res.fetcher(http, res, dest)
        got = None
        url, arrived = res.url or "", "download"
    elif res.wfs is not None:
        got = fetch_wfs(http, res.wfs, dest)
        url, arrived = res.wfs.service_url, "download"
    else:
        got = http.download(res.url, dest, expect=res.format, headers=dict(res.headers), **cond)
        url, arrived = res.url, "download"
    if got is not None and got.unchanged:
        return None
    sha = got.sha256 if got is not None else _store.sha256_file(dest)
    if not force and sha == prev.get("sha256"):
        return None
    return _Incoming(res.name, dest, sha, dest.stat().st_size, arrived, url,
                     getattr(got, "etag", None), getattr(got, "last_modified", None))


def _folder_manifest(folder: Path) -> dict[str, dict]:
    """A mirror folder's ``MANIFEST.json`` (the shipped snapshot has one) by file path."""
    import json

    path = folder / "MANIFEST.json"
    if not path.is_file():
        return {}
    return {f["file"]: f for f in json.loads(path.read_text(encoding="utf-8")).get("files", [])}


def _from_folder(ds: catalog.Dataset, folder: Path, entry: dict, work: Path,
                 force: bool) -> tuple[list[_Incoming], bool]:
    """The files of a mirror folder for ``ds`` (``<folder>/<dataset>/*``), checked like an import.

    Each file is matched to a resource by name as an imported file is; in a history dataset
    every file is an edition. A file listed in the folder's ``MANIFEST.json`` must have its
    SHA-256 there and brings its source address and date; a file already stored is skipped
    unless ``force``. Returns the new files and whether they are generated sample files.
    """
    from ._http import check_body

    listed = _folder_manifest(folder)
    known = {Path(s["raw_path"]).name.split("_", 1)[-1]: s.get("sha256") for s in entry.get("snapshots", [])}
    incoming, samples = [], []
    for i, src in enumerate(sorted(p for p in (folder / ds.id).iterdir() if p.is_file() and not p.name.startswith("."))):
        res = _resource_for(ds, src)
        tmp = work / ds.id / f"{i:03d}" / src.name
        tmp.parent.mkdir(parents=True)
        shutil.copyfile(src, tmp)
        check_body(tmp, res.format, what=src.name)
        check_kind(tmp, (res.format, *res.accepts), what=src.name, takes=res.name)
        sha = _store.sha256_file(tmp)
        meta = listed.get(f"{ds.id}/{src.name}")
        if meta is not None and meta.get("sha256") != sha:
            raise FormatError(f"{src.name} differs from the checksum in {folder / 'MANIFEST.json'} (changed or "
                              "damaged); restore the file (e.g. `git checkout -- snapshot`)")
        samples.append(is_sample_file(tmp))
        if not force and known.get(src.name) == sha:
            continue
        arrived, source, dated = ("snapshot", meta["source_url"], meta.get("copied_from_repository_on")) if meta \
            else ("mirror", str(src), None)
        incoming.append(_Incoming(src.name if ds.history else res.name, tmp, sha, tmp.stat().st_size, arrived,
                                  source, source_retrieved_at=dated))
    if any(samples) and not all(samples):
        raise FormatError("the mirror mixes generated sample files and real files for this dataset")
    return incoming, bool(samples) and all(samples)


# --------------------------------------------------------------------------- parsing

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


def _edition_key(snapshot: dict) -> tuple[str, str]:
    """Snapshots of one file of one edition (same reference date, same file name) replace each other."""
    name = Path(snapshot["raw_path"]).name.split("_", 1)[-1]
    return (snapshot.get("reference_date") or snapshot["raw_path"], name)


def _build_partitions(ds: catalog.Dataset, incoming: list[_Incoming],
                      stand: str | None = None) -> tuple[Any, dict[str, str]]:
    """Parse each file of a dataset stored by month on its own: one month each (``stand``, when
    given, names it for a single file). Only the new months are returned; the stored ones stay."""
    import pandas as pd

    from . import _partitions

    parts: dict[str, Any] = {}
    stands: dict[str, str] = {}
    for inc in incoming:
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
    parts, stands = [], {}
    for inc in incoming:
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
    """A stored raw snapshot parsed again; a partitioned dataset keeps the month it was stored as."""
    part = _parse(ds, {snap["resource"]: settings.data_dir / snap["raw_path"]})
    if ds.partition and snap.get("reference_date"):
        import pandas as pd

        from . import _partitions

        part[_partitions.COLUMN] = pd.Timestamp(_partitions.month_start(snap["reference_date"][:7]))
    return part


# --------------------------------------------------------------------------- storing

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


# --------------------------------------------------------------------------- one dataset

def _todo(ds_id: str, exc: Exception, has_data: bool) -> str:
    kept = "Last good data kept" if has_data else "No data yet"
    if getattr(exc, "cause", None) == NO_NETWORK:
        return f"{kept}; connect to the internet and run `lichtenberg-data refresh {ds_id}` again"
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
                 work: Path, sample: bool) -> Outcome:
    entry = manifest["datasets"].get(ds.id, {})
    if not mirror and all(r.url is None and r.fetcher is None and r.wfs is None for r in ds.resources):
        return Outcome(ds.id, "skipped", f"no download address; import it: lichtenberg-data import {ds.id} FILE")
    incoming: list[_Incoming] = []
    switched = ""
    if mirror and not _is_url(mirror):
        folder = Path(mirror)
        if not (folder / ds.id).is_dir():
            return Outcome(ds.id, "skipped", f"not in the mirror {mirror}")
        incoming, files_sample = _from_folder(ds, folder, entry, work, force)
        sample = sample or files_sample
        if incoming:
            try:
                switched = _switches_kind(ds.id, entry, sample)
            except FormatError:
                return Outcome(ds.id, "skipped", "holds real data; generated sample data do not replace it "
                               f"(`lichtenberg-data reset {ds.id}` first, if that is what you want)")
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
            except DownloadError as exc:
                if not (mirror and ds.history and exc.status == 404) or prev:
                    raise  # a file the dataset already has that is gone is an error
                missing_editions.append(res.name)  # a mirror may hold some editions of a history only
                continue
            if got is not None:
                incoming.append(got)
        if missing_editions and len(missing_editions) == len(ds.resources):
            return Outcome(ds.id, "skipped", f"not in the mirror {mirror}")
    dropped: dict = {}
    if switched:
        dropped, entry = manifest["datasets"].pop(ds.id, {}), {}
    processed_ok = _store.processed_path(ds.id).exists()
    same_parser = entry.get("processed", {}).get("parser_version") == ds.parser_version
    if not incoming and processed_ok and same_parser:
        return Outcome(ds.id, "unchanged", rows=entry.get("processed", {}).get("rows"))
    retrieved = datetime.now().astimezone()
    if ds.history:
        if not incoming:  # only the parser changed: rebuild from the raw snapshots
            df = _reparse_history(ds, entry)
            if df is None:
                raise DataNotAvailableError("no raw snapshots to rebuild from")
            validate(ds, df)
            stands = {}
        else:
            df, stands = _build_history(ds, entry, incoming)
    else:
        files = _latest_snapshots(entry)
        files.update({inc.resource: inc.tmp for inc in incoming})
        missing = [r.name for r in ds.resources if r.name not in files and not (r.optional and files)]
        if missing and not (mirror and not _is_url(mirror)):  # a mirror folder, like an import, may hold some parts
            raise DownloadError(f"no copy of {', '.join(missing)} yet")
        df = _parse(ds, files)
        stands = {}
    outcome = _commit(ds, manifest, incoming, df, retrieved, sample, stands)
    if switched:
        _drop_raw(dropped)
        outcome.reason = switched
    return outcome


# --------------------------------------------------------------------------- public API

def _progress(items: Sequence[Any]) -> Iterable[Any]:
    if sys.stderr.isatty():
        from tqdm import tqdm

        return tqdm(items, desc="refresh", unit="dataset", leave=False)
    return items


def refresh(ids: Sequence[str] | None = None, *, force: bool = False, mirror: str | os.PathLike | None = None,
            report: bool = True) -> list[Outcome]:
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

    Returns
    -------
    list of Outcome
        One per dataset: ``fresh``, ``unchanged``, ``skipped`` or ``failed`` with a one-line reason.

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
                outcome = _refresh_one(ds, http, manifest, mirror_s, force, work, sample)
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


def _resource_for(ds: catalog.Dataset, path: Path) -> catalog.Resource:
    if len(ds.resources) == 1:
        return ds.resources[0]
    hits = [r for r in ds.resources if r.match and r.matches(path.name)]
    if ds.history:  # every file is an edition; the resource only tells the format
        hits = hits[:1] or [ds.resources[0]]
    if len(hits) != 1:
        names = ", ".join(f"{r.name} (pattern {r.match})" for r in ds.resources)
        raise FormatError(f"{ds.id}: cannot tell which file {path.name} is; expected one of: {names}. "
                          "Keep the portal's file names")
    return hits[0]


def import_file(dataset_id: str, paths: str | os.PathLike | Sequence[str | os.PathLike], *,
                stand: str | None = None) -> Outcome:
    """Import files downloaded by hand, through the same checks as a download.

    Each file is checked (not empty, not an HTML page), parsed and validated, then stored as
    a raw snapshot with provenance "imported from file" and the processed table rebuilt.
    Importing several editions of a history dataset (one population file per year) builds
    up its history. A file that does not fit raises and changes nothing.

    ``stand`` (``"YYYY-MM"``) names the month of one file of a dataset stored by month (e.g. the
    IHK register saved without the month in its name); otherwise the month comes from the file
    (its name ``…_MM-YYYY.csv`` for the IHK register).

    Raises
    ------
    FormatError, ValidationError
        When a file does not fit the dataset (nothing is changed).
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
    for p in items:
        if not p.is_file():
            raise FormatError(f"{dataset_id}: {p} does not exist or is not a file. Check the path")
    lock = _lock()
    _acquire(lock)
    try:
        work = _workdir()
        manifest = _store.read_manifest()
        try:
            incoming, sample = _incoming_files(ds, items, work)
            entry = manifest["datasets"].get(ds.id, {})
            switched = _switches_kind(ds.id, entry, sample)
            dropped = manifest["datasets"].pop(ds.id, {}) if switched else {}
            if switched:
                entry = {}
            if ds.history:
                df, stands = _build_history(ds, entry, incoming, stand)
            else:
                files = _latest_snapshots(entry)
                files.update({inc.resource: inc.tmp for inc in incoming})
                df, stands = _parse(ds, files), {}
            outcome = _commit(ds, manifest, incoming, df, datetime.now().astimezone(), sample, stands)
        except LichtenbergDataError as exc:
            cause = _without_paths(str(exc), work, items)
            if not any(p.name in cause for p in items):
                cause = f"{', '.join(p.name for p in items)}: {cause}"
            raise dataset_error(type(exc), ds.id, cause,
                                f"Nothing was changed; `lichtenberg-data info {ds.id}` says which files it "
                                "takes") from None
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


def _incoming_files(ds: catalog.Dataset, items: list[Path], work: Path) -> tuple[list[_Incoming], bool]:
    """Copy and check each file; whether they are generated sample files (all or none)."""
    from ._http import check_body

    incoming, samples = [], []
    for i, p in enumerate(items):
        res = _resource_for(ds, p)
        tmp = work / f"{i:03d}" / p.name
        tmp.parent.mkdir(parents=True)
        shutil.copyfile(p, tmp)
        check_body(tmp, res.format, what=p.name)
        check_kind(tmp, (res.format, *res.accepts), what=p.name, takes=res.name)
        samples.append(is_sample_file(tmp))
        incoming.append(_Incoming(p.name if ds.history else res.name, tmp, _store.sha256_file(tmp),
                                  tmp.stat().st_size, "import", f"file:{p.name}"))
    if any(samples) and not all(samples):
        names = ", ".join(p.name for p, s in zip(items, samples) if s)
        raise FormatError(f"{names} are generated sample files and the others are real: import them separately "
                          "(sample and real data never share a table)")
    return incoming, all(samples)


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


def _without_paths(message: str, work: Path, items: list[Path]) -> str:
    """A message without the toolkit's temporary paths (the files are named by their own names)."""
    import re

    text = message.replace(str(work) + os.sep, "")
    text = re.sub(r"\b\d{3}/(?=[^/\s]+)", "", text)
    for p in items:
        text = text.replace(str(p.parent) + os.sep, "")
    return text


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
