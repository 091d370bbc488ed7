"""Bad files for every dataset, built from its declared formats, and the checks on their refusal.

Each refusal is asserted on the message (one line, naming the file and the true cause) and on the
data folder: the processed tables, the raw files and the manifest stay byte-for-byte as they were.

:func:`good_files` gives a good file for any dataset (the demo's sample writer, else the shipped
snapshot's real file); :func:`bad_cases` turns it into the bad kinds of the sweep (empty, cut in
half, cut at a line break, an HTML error page, random bytes, another dataset's file, UTF-16,
Latin-1, a renamed column, JSON of the wrong shape), each with the words its message must carry.
"""

from __future__ import annotations

import contextlib
import functools
import json
import random
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

import lichtenberg_data as ld
from lichtenberg_data import catalog
from lichtenberg_data._errors import FormatError, LichtenbergDataError

HTML = (b"<!DOCTYPE html>\n<html><head><title>Wartungsarbeiten</title></head>\n"
        b"<body><h1>Diese Seite ist vor\xc3\xbcbergehend nicht erreichbar</h1></body></html>\n")

#: The words a message must carry for each bad kind (the true cause, in any of its spellings).
CAUSES = {
    "empty": r"empty",
    "half": r"cut off|ends in the middle",
    "line": r"fewer rows|only \d+ rows|\d+ \w+ instead of \d+",
    "html": r"HTML",
    "random": r"binary",
    "other": r"",  # set per case: what the file is, or what it lacks
    "utf16": r"UTF-16",
    "latin1": r"Latin-1",
    "renamed": r"",  # set per case: the column that is missing
    "shape": r"",  # set per case
}

_SAMPLE_TOKEN = b"LICHTENBERG_DATA_SAMPLE"


def html_page(folder: Path, name: str) -> Path:
    """A portal's error page saved under the name of a data file."""
    path = folder / name
    path.write_bytes(HTML)
    return path


def truncated(src: Path, folder: Path, fraction: float = 0.5) -> Path:
    """The first part of a real file, as an interrupted download leaves it."""
    data = src.read_bytes()
    path = folder / src.name
    path.write_bytes(data[: int(len(data) * fraction)])
    return path


def assert_refused(data_dir: Path, dataset_id: str, path: Path, cause: str) -> str:
    """Import ``path``, expect a one-line FormatError matching ``cause``, and nothing changed."""
    before = folder_state(data_dir)
    with pytest.raises(FormatError) as info:
        ld.import_file(dataset_id, path)
    message = str(info.value)
    assert "\n" not in message, message
    assert path.name in message, message
    assert re.search(cause, message), message
    assert folder_state(data_dir) == before
    return message


def folder_state(data_dir: Path) -> dict[str, object]:
    """What must stay as it was after a refusal: the bytes of the manifest, and size and time of
    change of every raw and processed file (a file written anew changes its time).
    Reports and logs are written for refusals too and are left out."""
    state: dict[str, object] = {}
    manifest = data_dir / "manifest.json"
    state["manifest.json"] = manifest.read_bytes() if manifest.exists() else None
    for part in ("raw", "processed"):
        for p in sorted((data_dir / part).rglob("*")) if (data_dir / part).is_dir() else ():
            st = p.stat()
            state[p.relative_to(data_dir).as_posix()] = (st.st_size, st.st_mtime_ns, st.st_ino)
    return state


# -- good files -------------------------------------------------------------------------------

def _unmarked(data: bytes) -> bytes:
    """Sample bytes without the sample mark (same length), so that they import as real data do."""
    return data.replace(_SAMPLE_TOKEN, b"LICHTENBERG_DATA_EXAMPL")


def _light_ihk(res: catalog.Resource) -> dict[str, bytes]:
    from lichtenberg_data.demo.business import sample_ihk_history

    return sample_ihk_history(months=1, n=2000)


#: Lighter writers where the demo's writes much more than one good file (the IHK register: 15
#: months of 15,000 businesses, 4 s).
_LIGHT = {"ihk_gewerbedaten": _light_ihk}


def good_files(ds: catalog.Dataset, real_data: Path | None = None) -> dict[str, bytes]:
    """Files that import into ``ds``, as the demo loads it: one edition of a history, every file
    of the others.

    The shipped snapshot's real files where it has the dataset (the smallest edition), else the
    demo's sample writer (without the sample mark, so that they import as real files do), else
    the real file of ``real_data`` named like a resource. Empty when there is none.
    """
    from lichtenberg_data.demo import SAMPLES, SNAPSHOT, TEST_SAMPLES

    first = ds.resources[0]
    shipped = sorted((SNAPSHOT / ds.id).glob("*")) if (SNAPSHOT / ds.id).is_dir() else []
    # a file of the first resource's formats first (the cases are built from the first file)
    shipped.sort(key=lambda p: (p.suffix.lstrip(".").lower() not in (first.format, *first.accepts),
                                p.stat().st_size if ds.history else 0, p.name))
    if shipped:
        return {p.name: p.read_bytes() for p in shipped[:1 if ds.history else None]}
    writer = _LIGHT.get(ds.id) or SAMPLES.get(ds.id) or TEST_SAMPLES.get(ds.id)
    files: dict[str, bytes] = {}
    for res in ds.resources if writer is not None else ():
        data = writer(res)
        if data is None:
            continue
        items = data if isinstance(data, dict) else {res.name: data}
        if ds.history:
            name = sorted(items)[0]
            return {name: _unmarked(items[name])}
        files.update({k: _unmarked(v) for k, v in items.items()})
    if not files and real_data is not None:
        names = {r.name for r in ds.resources}
        files = {p.name: p.read_bytes() for p in sorted(real_data.rglob("*")) if p.name in names}
    return files


@functools.cache  # the same good files are asked about for every dataset of the sweep
def kind_of(name: str, data: bytes) -> str:
    """``csv``, ``json``, ``xml``, ``xlsx``, ``xls`` (or ``sqlite``, ``zip`` …): what a good file is,
    as the toolkit's sniffer tells it."""
    from lichtenberg_data._sniff import sniff

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        kind = sniff(path).kind
    return {"text": "csv", "geojson": "json", "overpass": "json", "json-list": "json", "gml": "xml"}.get(kind, kind)


# -- bad files ---------------------------------------------------------------------------------

@dataclass
class Case:
    """One bad file for one dataset: its kind, file name, bytes and the words its refusal needs."""

    kind: str
    name: str
    data: bytes
    cause: str
    note: str = ""


def _text(data: bytes) -> str:
    return data.decode("utf-8-sig")


def _decodes(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _cut_at_line(data: bytes) -> bytes | None:
    """A complete CSV with the rows up to the last line break before the middle."""
    cut = data.rfind(b"\n", 0, len(data) // 2)
    return data[: cut + 1] if cut > 0 else None


def _records(doc) -> tuple[object, str | None]:
    """The list of records of a JSON document (``features``, ``elements`` ...: the longest list of
    objects, searched five levels down) and the key it sits under."""
    best: tuple[list, str | None] = ([], None)

    def walk(node, key, depth):
        nonlocal best
        if depth > 5:
            return
        if isinstance(node, list):
            if len(node) > len(best[0]) and node and isinstance(node[0], dict):
                best = (node, key)
            for item in node[:50]:
                walk(item, key, depth + 1)
        elif isinstance(node, dict):
            for k, v in node.items():
                walk(v, k, depth + 1)

    walk(doc, None, 0)
    return best


def _half_records(data: bytes) -> bytes | None:
    """The JSON document with the first half of its records (every list under the records' key,
    e.g. the job offers of each query): complete, but fewer rows."""
    doc = json.loads(_text(data))
    rows, key = _records(doc)
    if len(rows) < 4:
        return None

    def halve(node, at):
        if isinstance(node, list):
            if at == key and node and isinstance(node[0], dict):
                del node[len(node) // 2:]
            for item in node:
                halve(item, at)
        elif isinstance(node, dict):
            for k, v in node.items():
                halve(v, k)

    halve(doc, None)
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _wrong_shape(data: bytes) -> bytes:
    """The records as a bare JSON list of flat objects (what a CSV-to-JSON converter writes)."""
    rows, _ = _records(json.loads(_text(data)))
    flat = [r.get("properties", r) if isinstance(r, dict) else {"value": r} for r in rows[:20]]
    return json.dumps(flat, ensure_ascii=False).encode("utf-8")


def _renamed_csv(data: bytes, column: str) -> bytes:
    text = _text(data)
    head, _, rest = text.partition("\n")
    fields = re.split(r"([;,\t])", head)
    out = ["Spalte_X" if f.strip('"') == column else f for f in fields]
    return ("".join(out) + "\n" + rest).encode("utf-8")


def _csv_columns(data: bytes) -> list[str]:
    head = _text(data).partition("\n")[0].rstrip("\r")
    return [f.strip('"') for f in re.split(r"[;,\t]", head)]


def _renamed_json(data: bytes, key: str) -> bytes:
    doc = json.loads(_text(data))
    rows, _ = _records(doc)
    for r in rows:
        target = r.get("properties", r) if isinstance(r, dict) else None
        if isinstance(target, dict) and key in target:
            target["Feld_X"] = target.pop(key)
        tags = r.get("tags") if isinstance(r, dict) else None
        if isinstance(tags, dict) and key in tags:
            tags["Feld_X"] = tags.pop(key)
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _json_keys(data: bytes) -> list[str]:
    rows, _ = _records(json.loads(_text(data)))
    first = rows[0] if rows and isinstance(rows[0], dict) else {}
    inner = first.get("properties") or first.get("tags") or first
    return list(inner) if isinstance(inner, dict) else []


def random_bytes(n: int = 4096, seed: int = 18) -> bytes:
    """Noise: what a wrong download or a damaged disk gives."""
    return random.Random(seed).randbytes(n)


#: A table saved from a spreadsheet program as "Unicode text": UTF-16 with BOM, tab-separated.
UNICODE_TEXT = "Bezirk\tEinwohner\nMitte\t397134\nFriedrichshain-Kreuzberg\t293454\nLichtenberg\t311881\n"


def bad_cases(ds: catalog.Dataset, good: dict[str, bytes], other: tuple[str, bytes], probe=None) -> list[Case]:
    """The bad files of the sweep for ``ds``, built from its good file (the first of ``good``)
    and a file of another dataset (``other``: its dataset id and bytes); ``probe(bytes)`` tells
    whether a variant of the good file parses (to find a column the dataset needs)."""
    name, data = next(iter(good.items()))
    kind = kind_of(name, data)
    text = kind in ("csv", "json", "xml")
    cases = [
        Case("empty", name, b"", CAUSES["empty"]),
        Case("half", name, data[: len(data) // 2], CAUSES["half"]),
        Case("html", name, HTML, CAUSES["html"]),
        Case("random", name, random_bytes(), CAUSES["random"]),
        Case("other", name, other[1], _other_cause(kind, kind_of(name, other[1])), f"a file of {other[0]}"),
        Case("utf16", name, (_text(data) if text else UNICODE_TEXT).encode("utf-16"), CAUSES["utf16"]),
    ]
    if text and any(ord(c) > 127 for c in _text(data)):
        with contextlib.suppress(UnicodeEncodeError):
            latin = _text(data).encode("cp1252")
            if not _decodes(latin):  # text that was double-encoded stays UTF-8: no bad file
                cases.append(Case("latin1", name, latin, CAUSES["latin1"]))
    if kind == "csv":
        cut = _cut_at_line(data)
        if cut is not None:
            cases.append(Case("line", name, cut, CAUSES["line"]))
    if kind == "json":
        half = _half_records(data)
        if half is not None:
            cases.append(Case("line", name, half, CAUSES["line"], "half the records, complete JSON"))
        cases.append(Case("shape", name, _wrong_shape(data), r"\blist\b", "a bare list of flat records"))
    if kind in ("csv", "json") and probe is not None:
        renamed = _renamed(name, data, kind, probe)
        if renamed is not None:
            cases.append(renamed)
    return cases


def _renamed(name: str, data: bytes, kind: str, probe) -> Case | None:
    """The file with one column (CSV) or attribute (JSON) renamed: the first one, in the file's
    order, without which ``probe`` (a parse of the file) fails; ``None`` when no column is needed.

    Each column is first tried on the first rows only (the parser alone, fast); a failure there is
    confirmed on the whole file (parser and schema checks).
    """
    columns = _csv_columns(data) if kind == "csv" else _json_keys(data)
    rename = _renamed_csv if kind == "csv" else _renamed_json
    few = _first_rows(data, kind)
    quick = few is not None and probe(few, quick=True)
    for column in columns[:MAX_PROBES]:
        if quick and probe(rename(few, column), quick=True):
            continue
        variant = rename(data, column)
        if not probe(variant):
            what = "column" if kind == "csv" else "attribute"
            return Case("renamed", name, variant, "(?i)" + re.escape(column), f"{what} {column!r} renamed")
    return None


def _first_rows(data: bytes, kind: str, n: int = 40) -> bytes | None:
    """The file with its first ``n`` rows (CSV lines or JSON records) only."""
    if kind == "csv":
        return b"\n".join(data.split(b"\n")[: n + 1]) + b"\n"
    doc = json.loads(_text(data))
    rows, _ = _records(doc)
    if not isinstance(rows, list) or len(rows) <= n:
        return None
    del rows[n:]
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


#: How many columns the search for a needed one tries.
MAX_PROBES = 8


def _other_cause(kind: str, other_kind: str) -> str:
    """What the refusal of another dataset's file must say: what it is (another format) or what
    it lacks (the same format)."""
    if kind != other_kind:
        return "(?i)" + {"csv": r"CSV|text", "json": r"JSON", "xml": r"XML|GML", "xlsx": r"workbook|xlsx",
                "xls": r"workbook|xls"}.get(other_kind, other_kind) + "|" + OTHER
    return "(?i)" + OTHER


#: The words of a refusal that says what a file of the same format lacks or is instead.
OTHER = r"lacks|missing|without|\bno\b|\bnot\b|neither|none of|takes|holds .* not|instead"


def other_file(ds: catalog.Dataset, goods: dict[str, dict[str, bytes]]) -> tuple[str, bytes]:
    """A good file of another dataset: the next one in the catalogue with the same kind of file
    (the harder case: only the content tells them apart), else the next one."""
    ids = list(goods)
    name, mine = next(iter(goods[ds.id].items()))
    my_kind = kind_of(name, mine)
    order = [i for i in ids[ids.index(ds.id) + 1:] + ids[: ids.index(ds.id)] if goods[i]]
    order = [i for i in order if mine not in goods[i].values()]
    same = [i for i in order if kind_of(*next(iter(goods[i].items()))) == my_kind]
    pick = (same or order)[0]
    return pick, next(iter(goods[pick].values()))


def good_imports(folder: Path, real_data: Path | None = None) -> tuple[dict[str, dict[str, bytes]], dict[str, str]]:
    """Import a good file of every dataset (catalogue order: the areas before what is placed in
    them) into the current data folder; the good files by dataset, and the datasets skipped
    with the reason (no good file at hand, or its import failed)."""
    goods, skipped = {}, {}
    for ds in catalog.datasets():
        goods[ds.id] = good_files(ds, real_data)
        if not goods[ds.id]:
            skipped[ds.id] = "no good file at hand (no sample writer, no real file)"
            continue
        paths = []
        for name, body in goods[ds.id].items():
            (folder / ds.id).mkdir(parents=True, exist_ok=True)
            (folder / ds.id / name).write_bytes(body)
            paths.append(folder / ds.id / name)
        try:
            ld.import_file(ds.id, paths)
        except LichtenbergDataError as exc:
            skipped[ds.id] = f"the good import failed: {exc}"
    return goods, skipped


def parses(ds: catalog.Dataset, good: dict[str, bytes], folder: Path):
    """A probe for :func:`bad_cases`: whether the good files, the first replaced by ``data``, parse
    and validate (``quick``: the parser alone); stored files of other datasets are read as an
    import reads them."""
    from lichtenberg_data._arrival import resource_for
    from lichtenberg_data._build import _parse

    def probe(data: bytes, quick: bool = False) -> bool:
        files = {}
        for i, (name, body) in enumerate(good.items()):
            path = folder / "probe" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data if i == 0 else body)
            files[name if ds.history else resource_for(ds, path).name] = path
        try:
            return len(ds.parser(files)) > 0 if quick else len(_parse(ds, files)) > 0
        except Exception:  # noqa: BLE001 - any failure of the parser is a refusal
            return False

    return probe


# -- running a case ----------------------------------------------------------------------------

@dataclass
class Result:
    """What became of one bad file."""

    dataset: str
    case: Case
    refused: bool
    message: str
    true_cause: bool
    unchanged: bool
    seconds: float

    @property
    def ok(self) -> bool:
        return self.refused and self.true_cause and self.unchanged


def run_case(data_dir: Path, ds: catalog.Dataset, case: Case, folder: Path) -> Result:
    """Import the bad file of ``case``; whether it was refused in one line naming the file and
    the true cause, and whether the data folder stayed as it was."""
    path = folder / case.kind / case.name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(case.data)
    before = folder_state(data_dir)
    start = time.process_time()
    try:
        ld.import_file(ds.id, path)
        refused, message = False, "accepted"
    except LichtenbergDataError as exc:
        refused, message = True, str(exc)
    seconds = time.process_time() - start
    one_line = "\n" not in message and case.name in message
    cause = refused and one_line and re.search(case.cause, message) is not None and "reset" not in message
    return Result(ds.id, case, refused, message, cause, folder_state(data_dir) == before, seconds)


def table(results: list[Result]) -> str:
    """The sweep as a Markdown table per dataset: tries, refused, with the true cause, data unchanged."""
    rows = ["| dataset | tries | refused | true cause | data unchanged | wrong or vague |",
            "|---|---|---|---|---|---|"]
    by: dict[str, list[Result]] = {}
    for r in results:
        by.setdefault(r.dataset, []).append(r)
    for ds, rs in by.items():
        wrong = ", ".join(r.case.kind for r in rs if not r.ok)
        rows.append(f"| {ds} | {len(rs)} | {sum(r.refused for r in rs)} | {sum(r.true_cause for r in rs)} | "
                    f"{sum(r.unchanged for r in rs)} | {wrong} |")
    n = len(results)
    rows.append(f"| **all** | {n} | {sum(r.refused for r in results)} | {sum(r.true_cause for r in results)} | "
                f"{sum(r.unchanged for r in results)} | {sum(not r.ok for r in results)} |")
    return "\n".join(rows)

