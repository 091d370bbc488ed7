"""Provenance carried by every loaded table, and the German source line built from it.

A loaded frame carries ``df.attrs["provenance"]``: a list of dicts, one per source, each with
``dataset``, ``title``, ``source_title``, ``publisher``, ``license`` (short id), ``license_url``,
``source_url``, ``reference_date`` and ``retrieved_at`` (ISO dates) and ``sample`` (True for the
demo's generated sample data). A table derived from several inputs carries all their entries
(see :func:`with_sources`).

The entries are read-only dicts (:class:`Entry`, its lists :class:`ReadOnlyList`): they read,
compare, print and serialise like plain dicts and lists, but changing one raises ``TypeError``;
build a new one instead (``dict(entry, sample=True)``). Read-only, they are shared rather than
copied: pandas deep-copies ``attrs`` on nearly every operation (``df[col]``, a filter, a merge),
and a frozen entry is its own deep copy. The list in ``attrs["provenance"]`` itself is an ordinary
list, so a frame's provenance can still be replaced (:func:`freeze` makes entries read-only).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, NoReturn

__all__ = ["provenance", "with_sources", "source_note", "source_entry", "source_parts", "resolve_source",
           "is_sample", "freeze", "Entry", "ReadOnlyList", "SAMPLE_NOTE"]

SAMPLE_NOTE = "BEISPIELDATEN (synthetisch erzeugt, keine amtlichen Zahlen)"

_ENTRY_FIXED = "a provenance entry cannot be changed; build a new one: dict(entry, key=value)"
_LIST_FIXED = "a list in a provenance entry cannot be changed; build a new one: [*items, value]"


def _frozen(value: Any) -> Any:
    """``value`` with its dicts and lists (at any depth) read-only."""
    if isinstance(value, (Entry, ReadOnlyList)):
        return value
    if isinstance(value, Mapping):
        return Entry(value)
    if isinstance(value, list):
        return ReadOnlyList(value)
    if isinstance(value, tuple):
        return tuple(_frozen(v) for v in value)
    return value


class _Shared:
    """What the read-only types share: a change raises ``TypeError`` saying what to do instead, a
    copy or deep copy is the object itself, and it pickles as its plain value."""

    __slots__ = ()
    _FIXED = ""
    _PLAIN: type = object

    def _fixed(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(self._FIXED)

    def __copy__(self) -> Any:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self._PLAIN(self),))


class Entry(_Shared, dict):
    """A read-only provenance entry: a dict (``isinstance(e, dict)``, ``e["publisher"]``,
    ``json.dumps``, ``==`` with plain dicts all work) that cannot be changed, and so is shared, not
    copied, by ``copy.deepcopy`` (and pandas' copying of ``attrs``). Nested dicts and lists are
    read-only too.

    Examples
    --------
    >>> e = Entry({"dataset": "a", "editions": [{"file": "x.csv"}]})
    >>> e == {"dataset": "a", "editions": [{"file": "x.csv"}]}
    True
    >>> e["sample"] = True
    Traceback (most recent call last):
    TypeError: a provenance entry cannot be changed; build a new one: dict(entry, key=value)
    >>> dict(e, sample=True)["sample"]
    True
    """

    __slots__ = ()
    _FIXED, _PLAIN = _ENTRY_FIXED, dict

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if len(self):
            raise TypeError(_ENTRY_FIXED)
        super().__init__({k: _frozen(v) for k, v in dict(*args, **kwargs).items()})

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = __ior__ = _Shared._fixed


class ReadOnlyList(_Shared, list):
    """A read-only list inside a provenance entry (e.g. its ``editions``): equal to the plain list
    of the same items, its dicts read-only :class:`Entry`; shared, not copied, by ``copy.deepcopy``."""

    __slots__ = ()
    _FIXED, _PLAIN = _LIST_FIXED, list

    def __init__(self, items: Iterable[Any] = ()) -> None:
        if len(self):
            raise TypeError(_LIST_FIXED)
        super().__init__(_frozen(v) for v in items)

    __setitem__ = __delitem__ = append = extend = insert = pop = remove = clear = sort = reverse = _Shared._fixed
    __iadd__ = __imul__ = _Shared._fixed


def freeze(entries: Iterable[Mapping[str, Any]]) -> list[Entry]:
    """``entries`` as read-only :class:`Entry` objects, in an ordinary (new) list; entries that are
    read-only already are kept as they are (the same objects).

    Examples
    --------
    >>> frozen = freeze([{"dataset": "a"}])
    >>> frozen == [{"dataset": "a"}], type(frozen[0]).__name__, freeze(frozen)[0] is frozen[0]
    (True, 'Entry', True)
    """
    return [e if isinstance(e, Entry) else Entry(e) for e in entries]


def provenance(obj: Any) -> list[dict[str, Any]]:
    """The list of source entries of a frame (or of a list of entries), empty if it has none."""
    if isinstance(obj, list):
        return obj
    if isinstance(obj, dict):
        return [obj]
    attrs = getattr(obj, "attrs", None) or {}
    return list(attrs.get("provenance", []))


def _merge(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[tuple, dict[str, Any]] = {}
    for e in entries:
        key = (e.get("dataset"), e.get("reference_date"), e.get("retrieved_at"))
        seen.setdefault(key, e)
    return list(seen.values())


def with_sources(result: Any, *inputs: Any) -> Any:
    """Attach the combined provenance of ``inputs`` to ``result`` and return it.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"x": [1]}); a.attrs["provenance"] = [{"dataset": "a"}]
    >>> b = pd.DataFrame({"x": [2]}); b.attrs["provenance"] = [{"dataset": "b"}]
    >>> [p["dataset"] for p in provenance(with_sources(pd.concat([a, b]), a, b))]
    ['a', 'b']
    """
    entries = _merge(e for obj in inputs for e in provenance(obj))
    result.attrs["provenance"] = freeze(entries)
    return result


def _german_date(value: str | date | None) -> str:
    if not value:
        return "unbekannt"
    d = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return d.strftime("%d.%m.%Y")


#: How a file came (``arrived`` in the manifest) → the German verb of the source line.
ARRIVAL_WORDS = {"download": "abgerufen am", "mirror": "abgerufen am", "snapshot": "abgerufen am",
                 "import": "importiert am", "sample": "erzeugt am"}


def source_entry(entry: dict[str, Any]) -> str:
    """One source as text: publisher, title, Stand, licence, retrieval, and the sample mark when
    this entry (not another one beside it) is generated sample data. An unknown Stand or date is
    left out here (the briefing's appendix says once that it is unknown).

    Examples
    --------
    >>> source_entry({"publisher": "IHK Berlin", "license": "CC0 1.0", "sample": True})
    'IHK Berlin; Lizenz: CC0 1.0 – BEISPIELDATEN (synthetisch erzeugt, keine amtlichen Zahlen)'
    """
    parts = [entry.get("publisher") or "unbekannte Quelle"]
    if entry.get("source_title"):
        parts.append(entry["source_title"])
    text = ", ".join(parts)
    if entry.get("reference_date"):
        text += f", Stand {_german_date(entry['reference_date'])}"
    if entry.get("license"):
        text += f"; Lizenz: {entry['license']}"
    if entry.get("retrieved_at"):
        word = ARRIVAL_WORDS.get(entry.get("arrived") or "download", "abgerufen am")
        text += f"; {word} {_german_date(entry['retrieved_at'])}"
    if entry.get("sample"):
        text += f" – {SAMPLE_NOTE}"
    return text


def source_note(*frames: Any) -> str:
    """The German source line for one or more loaded (or derived) frames.

    Each source that is generated sample data carries the mark itself (see
    :func:`source_entry`), so a line never marks a real source beside a sample one.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame()
    >>> df.attrs["provenance"] = [{"publisher": "Amt für Statistik Berlin-Brandenburg",
    ...     "source_title": "Einwohnerregisterstatistik", "reference_date": "2024-12-31",
    ...     "license": "CC BY 3.0 DE", "retrieved_at": "2026-11-25"}]
    >>> source_note(df)
    'Quelle: Amt für Statistik Berlin-Brandenburg, Einwohnerregisterstatistik, Stand 31.12.2024; Lizenz: CC BY 3.0 DE; abgerufen am 25.11.2026'
    """
    entries = _merge(e for f in frames for e in provenance(f))
    if not entries:
        return ""
    label = "Quelle: " if len(entries) == 1 else "Quellen: "
    return label + " | ".join(source_entry(e) for e in entries)


def is_sample(*frames: Any) -> bool:
    """Whether any source of these frames is generated sample data."""
    return any(e.get("sample") for f in frames for e in provenance(f))


def source_parts(source: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """The provenance entries and the free texts of ``source`` (as :func:`resolve_source` takes it).

    Examples
    --------
    >>> source_parts([{"dataset": "a"}, "Eigene Schätzung"])
    ([{'dataset': 'a'}], ['Eigene Schätzung'])
    """
    if source is None:
        items: list[Any] = []
    elif isinstance(source, (list, tuple)):
        items = list(source)
    else:
        items = [source]
    texts = [s for s in items if isinstance(s, str) and s.strip()]
    entries = _merge(e for s in items if not isinstance(s, str) for e in provenance(s))
    return entries, texts


def resolve_source(source: Any) -> tuple[str, list[dict[str, Any]]]:
    """The source line and the provenance entries of ``source``.

    ``source`` is a frame, a provenance entry, a text, or a list/tuple of these; texts are
    appended to the line built from the frames.

    Examples
    --------
    >>> resolve_source("Eigene Zusammenstellung")
    ('Eigene Zusammenstellung', [])
    """
    entries, texts = source_parts(source)
    line = source_note(entries) if entries else ""
    if texts:
        line = " | ".join([line, *texts]) if line else " | ".join(texts)
    return line, entries
