"""Marks every generated sample file as such, in a way its format allows (see ``SAMPLE_TOKEN``)."""

from __future__ import annotations

import io
import json
import re
import zipfile

from .._readers import SAMPLE_TOKEN

__all__ = ["mark"]

_KEYWORDS = f"<cp:keywords>{SAMPLE_TOKEN} BEISPIELDATEN</cp:keywords>"


def _mark_xlsx(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                text = re.sub(r"<cp:keywords>.*?</cp:keywords>|<cp:keywords/>", "", body.decode("utf-8"))
                body = text.replace("</cp:coreProperties>", _KEYWORDS + "</cp:coreProperties>").encode("utf-8")
            dst.writestr(item, body)
    return out.getvalue()


def _mark_json(data: bytes) -> bytes:
    doc = json.loads(data)
    doc[SAMPLE_TOKEN] = "generated sample data of lichtenberg_data (BEISPIELDATEN)"
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _mark_xml(data: bytes) -> bytes:
    """A comment after the XML declaration (GML, a WFS answer)."""
    comment = f"<!-- {SAMPLE_TOKEN}: BEISPIELDATEN -->".encode()
    end = data.find(b"?>") + 2 if data.lstrip().startswith(b"<?xml") else 0
    return data[:end] + comment + data[end:]


def _mark_csv(data: bytes) -> bytes:
    """A last column named by the token, empty in every row, where a CSV writer put the token in
    no text field (files whose records span lines stay as they are)."""
    lines = data.split(b"\n")
    if any(line.count(b'"') % 2 for line in lines):
        return data
    header = lines[0].rstrip(b"\r")
    sep = max((b";", b",", b"\t"), key=header.count)
    out = []
    for i, line in enumerate(lines):
        body, cr = (line[:-1], b"\r") if line.endswith(b"\r") else (line, b"")
        if not body:
            out.append(line)
            continue
        out.append(body + sep + (SAMPLE_TOKEN.encode() if i == 0 else b"") + cr)
    return b"\n".join(out)


def mark(data: bytes) -> bytes:
    """``data`` with the sample token where its format allows: xlsx (document keywords), JSON (a
    top-level member), XML/GML (a comment), CSV (a text field the writer filled, else an empty last
    column named by the token). :func:`lichtenberg_data._readers.is_sample_file` finds it also in a
    zip or gzip around the file."""
    if SAMPLE_TOKEN.encode() in data and data[:4] != b"PK\x03\x04":
        return data
    if data[:4] == b"PK\x03\x04":
        return _mark_xlsx(data)
    head = data.lstrip()[:1]
    if head == b"{":
        return _mark_json(data)
    if head == b"<":
        return _mark_xml(data)
    if data[:4] == b"\xd0\xcf\x11\xe0" or b"\x00" in data[:4096]:
        return data
    return _mark_csv(data)
