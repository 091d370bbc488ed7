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


def mark(data: bytes) -> bytes:
    """``data`` with the sample token where its format allows (xlsx, JSON); other bytes as given
    (the CSV writers put the token into a text field themselves)."""
    if data[:4] == b"PK\x03\x04":
        return _mark_xlsx(data)
    if data.lstrip()[:1] == b"{":
        return _mark_json(data)
    return data
