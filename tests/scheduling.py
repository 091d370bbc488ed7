"""How the suite is spread over the pytest-xdist workers (``-n logical --dist loadgroup``).

pytest-xdist sends each *group* of tests to one worker as a whole; every other test is a group of
its own. Three rules make each expensive set-up run once per test run, not once per worker:

1. A test marked ``xdist_group(NAME)`` belongs to group ``NAME`` (the demo papers: the tests of
   one paper share its session fixture, built once).
2. A test that uses a module- or class-scoped fixture belongs to its module's group, so that the
   fixture (a data folder filled once, a notebook run, a parsed real file) is set up on one worker.
3. The groups that build a demo paper go first (:data:`FIRST`), each to its own worker as soon as
   it starts, so that the longest work never waits for the end of the run; the rest keeps the order
   of collection (``--no-loadscope-reorder``).

pytest-xdist 3.8 names a test's group by appending ``@NAME`` to ``item._nodeid``; pytest 9.2 keeps
the node id in ``item._id``, so the mark had no effect (every worker built every paper it met).
:func:`assign` writes the suffix itself where xdist's did not take.
"""

from __future__ import annotations

import warnings

import pytest

#: Groups started first, in this order (each builds a demo paper: 40-120 s).
FIRST = ("real-paper", "sample-paper", "imported-paper")

#: Fixture scopes shared by the tests of one module.
_SHARED_SCOPES = {"module", "class", "package"}


def group_of(item: pytest.Item) -> str | None:
    """The group of ``item``: its ``xdist_group`` mark(s), else its module where it uses a
    module-scoped fixture, else ``None`` (a group of its own)."""
    names = {str(m.args[0] if m.args else m.kwargs.get("name", "default"))
             for m in item.iter_markers("xdist_group")}
    if names:
        return "_".join(sorted(names))  # as pytest-xdist names a test with several marks
    info = getattr(item, "_fixtureinfo", None)
    for defs in (info.name2fixturedefs.values() if info is not None else ()):
        if any(d.scope in _SHARED_SCOPES for d in defs):
            return item.nodeid.split("::")[0]
    return None


def _with_suffix(item: pytest.Item, group: str) -> None:
    if item.nodeid.endswith(f"@{group}"):
        return  # pytest-xdist's own suffix took
    from _pytest.nodeid import NodeId

    item._id = NodeId.parse(f"{item.nodeid}@{group}")  # pytest 9.2: what `nodeid` returns
    if not item.nodeid.endswith(f"@{group}"):
        warnings.warn(f"xdist_group {group!r} has no effect on {item.nodeid}: each worker may build "
                      "the same paper", pytest.PytestWarning, stacklevel=1)


def assign(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On a pytest-xdist worker under ``--dist loadgroup``: name each test's group in its node id
    (what the scheduler reads) and put the :data:`FIRST` groups in front. The order must be the
    same on every worker (it is: it depends on the collection alone)."""
    if not getattr(config.option, "loadgroup", False) or not hasattr(config, "workerinput"):
        return
    groups = {}
    for item in items:
        group = group_of(item)
        groups[item] = group
        if group is not None:
            _with_suffix(item, group)
    rank = {name: i for i, name in enumerate(FIRST)}
    items.sort(key=lambda it: rank.get(groups[it], len(FIRST)))  # stable: the rest keeps its order
