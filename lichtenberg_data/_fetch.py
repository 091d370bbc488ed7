"""Fetch the files of a dataset: download (conditional GET, WFS paging) or copy from a mirror folder."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

from . import _guards, _store, catalog
from ._arrival import resource_for, stored_names
from ._build import _Incoming, check_file
from ._errors import (
    FormatError,
)
from ._readers import is_sample_file
from ._sniff import check_kind

log = logging.getLogger("lichtenberg_data")


__all__ = ["SAMPLE_MARKER", "SAMPLE_SOURCE"]

#: A file at the root of a mirror that marks its contents as generated sample data.
SAMPLE_MARKER = "SAMPLE_DATA.txt"
#: The source recorded for a generated sample file (in place of the path of its mirror).
SAMPLE_SOURCE = "lichtenberg_data.demo (erzeugte Beispieldaten, keine amtlichen Zahlen)"


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
        written = res.fetcher(http, res, dest)
        if isinstance(written, Path):  # a name of its own in dest's folder (e.g. with the edition's date)
            dest = written
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
    check_kind(dest, (res.format, *res.accepts), what=res.name, advice=False)  # what the portal sent, named truly
    _guards.check_complete(dest, (res.format, *res.accepts), what=res.name)
    sha = got.sha256 if got is not None else _store.sha256_file(dest)
    if not force and sha == prev.get("sha256"):
        return None
    from datetime import date

    facts = {"obtained": date.today().isoformat()} if arrived == "download" else {}
    return _Incoming(res.name, dest, sha, dest.stat().st_size, arrived, url,
                     getattr(got, "etag", None), getattr(got, "last_modified", None), facts=facts)


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
    listed = _folder_manifest(folder)
    known = {_store.original_name(s["raw_path"]): s.get("sha256") for s in entry.get("snapshots", [])}
    incoming, samples, unchanged = [], [], []
    sources = sorted(p for p in (folder / ds.id).iterdir() if p.is_file() and not p.name.startswith("."))
    resources = [resource_for(ds, src) for src in sources]
    names = stored_names(ds, [(src.name, res) for src, res in zip(sources, resources)])
    for i, (src, res, name) in enumerate(zip(sources, resources, names)):
        tmp = work / ds.id / f"{i:03d}" / src.name
        tmp.parent.mkdir(parents=True)
        shutil.copyfile(src, tmp)
        check_file(tmp, res, src.name)
        sha = _store.sha256_file(tmp)
        meta = listed.get(f"{ds.id}/{src.name}")
        if meta is not None and meta.get("sha256") != sha:
            raise FormatError(f"{src.name} differs from the checksum in {folder / 'MANIFEST.json'} (changed or "
                              "damaged); restore the file (e.g. `git checkout -- snapshot`)")
        samples.append(is_sample_file(tmp))
        if meta:
            arrived, source, dated = "snapshot", meta["source_url"], meta.get("copied_from_repository_on")
        elif samples[-1]:  # a generated file: say so, not where the temporary mirror happened to be
            arrived, source, dated = "sample", SAMPLE_SOURCE, None
        else:
            arrived, source, dated = "mirror", str(src), None
        incoming.append(_Incoming(name, tmp, sha, tmp.stat().st_size, arrived, source, source_retrieved_at=dated))
        unchanged.append(not force and known.get(src.name) == sha)
    if any(samples) and not all(samples):
        raise FormatError("the mirror mixes generated sample files and real files for this dataset")
    # a file already stored is skipped, unless another file of its resource changed (they arrive together)
    changed = {ds.resource_name(inc.resource) for inc, same in zip(incoming, unchanged) if not same}
    incoming = [inc for inc, same in zip(incoming, unchanged) if not same or ds.resource_name(inc.resource) in changed]
    return incoming, bool(samples) and all(samples)
