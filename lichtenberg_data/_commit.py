"""Store what :mod:`._build` built: the raw snapshots, the processed table with its provenance and
the manifest entry, each by atomic rename, and prune old snapshots; real data replacing sample data."""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from . import _store, catalog
from ._build import Built, _current_editions, _edition_key, _Incoming, _previous_table
from ._errors import FormatError
from ._provenance import freeze
from ._report import Outcome, change_report
from .settings import settings


def _editions(ds: catalog.Dataset, entry: dict) -> list[dict]:
    """The files a processed table was built from: one per edition of a history, else one per
    resource; each with its Stand, when and how it arrived; oldest Stand first."""
    if ds.history:
        snaps = _current_editions(ds, entry)
    else:
        latest: dict[str, dict] = {}
        for snap in sorted(entry.get("resources", {}).values(), key=lambda s: s["retrieved_at"]):
            latest[snap["resource"]] = snap
        snaps = list(latest.values())
    out = [{"file": _store.original_name(s["raw_path"]), "reference_date": s.get("reference_date"),
            "retrieved_at": (s.get("source_retrieved_at") or s["retrieved_at"])[:10],
            "arrived": s.get("arrived")} for s in snaps]
    return sorted(out, key=lambda e: (str(e["reference_date"] or ""), e["file"]))  # by Stand, however they came


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


def commit(ds: catalog.Dataset, manifest: dict, incoming: list[_Incoming], built: Built,
           retrieved: datetime, sample: bool) -> Outcome:
    """Store the new raw files, the processed table and the manifest entry; the outcome says
    what each new file kept. Without new files (a rebuild) the entry keeps its retrieval time."""
    df, stands = built.df, built.stands
    entry = manifest["datasets"].setdefault(ds.id, {"resources": {}, "snapshots": []})
    old = _previous_table(ds, entry, whole=False)  # for the change report
    before = entry.get("processed", {})
    source = incoming[-1].source if incoming else before.get("source", "")
    stand_all = ds.stand(df)
    kept = {str(inc.tmp): t.kept for inc, t in zip(incoming, built.files)}  # built.files: one per new file, in order
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
            "parser_version": ds.parser_version, "rows": kept.get(str(inc.tmp)),
        }
        if inc.facts:
            meta["facts"] = inc.facts
        entry["resources"][inc.resource] = meta
        entry["snapshots"] = [s for s in entry["snapshots"] if s["raw_path"] != meta["raw_path"]] + [meta]
    when = retrieved.isoformat(timespec="seconds") if incoming or not before.get("retrieved_at") \
        else before["retrieved_at"]
    df.attrs["provenance"] = freeze([_provenance(ds, df, datetime.fromisoformat(when), source, sample,
                                                 _editions(ds, entry))])
    _store.write_processed(ds.id, df)
    entry["processed"] = {
        "path": _store.processed_path(ds.id).relative_to(settings.data_dir).as_posix(),
        "rows": int(len(df)), "reference_date": df.attrs["provenance"][0]["reference_date"],
        "retrieved_at": when, "parser_version": ds.parser_version,
        "arrived": incoming[-1].arrived if incoming else before.get("arrived"),
        "source": source, "sample": sample,
    }
    if ds.partition:  # rows and Stand of the latest month (what load() gives), and every month stored
        from . import _partitions

        stored = _partitions.months(ds.id)
        entry["processed"].update(rows=_partitions.rows(ds.id, stored[-1]), months=stored,
                                  reference_date=_partitions.month_start(stored[-1]).isoformat())
    _prune(ds, entry)
    _store.write_manifest(manifest)
    return Outcome(ds.id, "fresh", rows=entry["processed"]["rows"], report=change_report(old, df),
                   files=[*built.files, *built.emptied])


def _prune(ds: catalog.Dataset, entry: dict) -> None:
    """Keep at most ``settings.keep_snapshots`` raw snapshots per resource (per edition for history)."""
    keep = settings.keep_snapshots
    groups: dict[Any, list[dict]] = {}
    for snap in entry["snapshots"]:
        key = _edition_key(snap, ds) if ds.history else snap["resource"]
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


def drop_processed(ds: catalog.Dataset) -> None:
    """Remove a dataset's processed table (before real data replace sample data stored by month,
    whose other months would stay otherwise)."""
    import shutil

    path = _store.processed_path(ds.id)
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _would_switch(entry: dict, sample: bool) -> bool:
    """Whether files of this kind (sample or real) would replace data of the other kind."""
    before = entry.get("processed", {}).get("sample")
    return before is not None and bool(before) != sample


def _switches_kind(dataset_id: str, entry: dict, sample: bool) -> str:
    """The note when real files replace sample data, else ``""``; sample files never replace
    real data (:class:`FormatError` saying how to do it on purpose). Called once the files parsed
    for this dataset: a file of another dataset gets the parser's message, not this advice."""
    if not _would_switch(entry, sample):
        return ""
    if sample:
        raise FormatError("these are generated sample files, and the dataset holds real data, which they "
                          f"would replace; run `lichtenberg-data reset {dataset_id}` first if that is what you want")
    return "replaced the generated sample data by real data (sample and real data never share a table)"


def _drop_raw(entry: dict) -> None:
    """Delete the raw files of a replaced manifest entry (after the new data are stored)."""
    for snap in entry.get("snapshots", []):
        (settings.data_dir / snap["raw_path"]).unlink(missing_ok=True)
