"""Helpers for the five bad files every dataset must refuse through ``import_file``.

Each refusal is asserted on the message (one line, naming the file and the cause) and on the
data folder: the processed table and the manifest stay byte-for-byte as they were.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import lichtenberg_data as ld
from lichtenberg_data._errors import FormatError

HTML = (b"<!DOCTYPE html>\n<html><head><title>Wartungsarbeiten</title></head>\n"
        b"<body><h1>Diese Seite ist vor\xc3\xbcbergehend nicht erreichbar</h1></body></html>\n")


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
    processed = data_dir / "processed" / f"{dataset_id}.parquet"
    if not processed.exists():  # a dataset stored by month: a folder of monthly files
        processed = data_dir / "processed" / dataset_id
    manifest = data_dir / "manifest.json"
    before, listing = _contents(processed), manifest.read_bytes()
    with pytest.raises(FormatError) as info:
        ld.import_file(dataset_id, path)
    message = str(info.value)
    assert "\n" not in message, message
    assert path.name in message, message
    assert re.search(cause, message), message
    assert _contents(processed) == before
    assert manifest.read_bytes() == listing
    return message


def _contents(path: Path) -> dict[str, bytes]:
    """The bytes of a file, or of every file under a folder."""
    if path.is_file():
        return {path.name: path.read_bytes()}
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}
