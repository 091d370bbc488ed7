"""Arriving files: which resource each is, the name it is stored under, and which stored file it
is a new copy of (for the row guard of :mod:`._build`).

A resource that takes several files (:attr:`lichtenberg_data.catalog.Resource.several`, e.g. the
answers of one ``osm_pois`` group) stores those of one arrival numbered in the order of their
names, and they replace every stored file of the resource together; so the stored copy of a new
file of such a resource is the stored file of the same name, not the one of the same number.
"""

from __future__ import annotations

from pathlib import Path

from . import _store, catalog
from ._errors import FormatError

__all__ = ["resource_for", "stored_names", "stored_copy", "recopied"]


def resource_for(ds: catalog.Dataset, path: Path) -> catalog.Resource:
    """The resource an arriving file is: the only one, the one its content names
    (:attr:`~lichtenberg_data.catalog.Dataset.resource_of`), else the one its name matches."""
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


def stored_names(ds: catalog.Dataset, arriving: list[tuple[str, catalog.Resource]]) -> list[str]:
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


def stored_copy(ds: catalog.Dataset, entry: dict, resource: str, name: str) -> dict | None:
    """The manifest record of the stored file a new file (stored as ``resource``, its own
    ``name``) is a copy of: the stored file of its resource; of a resource that takes several files (stored numbered, in no fixed order), the
    stored file of that resource with the same name."""
    stored = entry.get("resources", {})
    group = ds.resource_name(resource)
    if not _takes_several(ds, group):
        return stored.get(resource)
    same = [m for k, m in stored.items()
            if ds.resource_name(k) == group and _store.original_name(m["raw_path"]) == name]
    return same[-1] if same else None


def recopied(ds: catalog.Dataset, entry: dict, arrived: list[tuple[str, str]]) -> bool:
    """Whether the ``arrived`` files (``(resource, own name)`` each) bring a new copy of every
    stored file they replace: not so when
    a stored file of a resource that takes several has no namesake among them (the resource is
    now these files alone, on purpose: no cut copy)."""
    arriving: dict[str, set[str]] = {}
    for resource, name in arrived:
        arriving.setdefault(ds.resource_name(resource), set()).add(name)
    return all(_store.original_name(m["raw_path"]) in arriving[group]
               for k, m in entry.get("resources", {}).items()
               if (group := ds.resource_name(k)) in arriving and _takes_several(ds, group))


def _takes_several(ds: catalog.Dataset, resource: str) -> bool:
    return any(r.name == resource and r.several for r in ds.resources)
