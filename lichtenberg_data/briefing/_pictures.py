"""Charts on the briefing's pages as their PNG files' own compressed data.

A PDF image takes a PNG's compressed pixels unchanged (the same zlib stream with the PNG's row
filters, ``/DecodeParms`` predictor 15) when the PNG is opaque, not interlaced and at most 8 bits
per channel: a palette, grey or RGB PNG, as :func:`lichtenberg_data.charts.save` writes them.
Placed through matplotlib, every chart would be decoded, turned into an array and compressed
again (about 1.5 CPU-s for the 37 charts of a paper, two fifths of drawing its pages).

So a page draws, where a chart goes, a *stand-in*: an image of 1 × n white pixels, n its number
on the draft, in an axes that shows the chart's visible part (:func:`stand_in`); matplotlib
places and clips it exactly as it would the chart. After the draft is written,
:func:`put_pictures` gives each stand-in the PNG's data, or, for a PNG a PDF cannot take as it is
(:func:`png_parts` is ``None``: transparency, 16 bits, interlaced), its pixels as RGB, compressed
here. The whole PNG is embedded and the part below the visible one clipped (the chart's own
source line, 10-30 % of its rows): the PDF is about a third larger than with the rows cut off,
which would mean decompressing and compressing each chart again.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Png", "png_parts", "png_size", "stand_in", "number_stand_ins", "put_pictures"]

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: PNG colour types a PDF image takes as they are: grey, RGB, palette (and their channels).
_CHANNELS = {0: 1, 2: 3, 3: 1}
#: The gid prefix of a stand-in image; the PNG's path follows it.
_GID = "lichtenberg-picture:"


@dataclass(frozen=True)
class Png:
    """The parts of a PNG a PDF image takes unchanged."""

    width: int
    height: int
    bits: int  #: per channel (a palette: 1, 2, 4 or 8)
    channels: int  #: 1 (grey or palette index) or 3 (RGB)
    palette: bytes | None  #: RGB triples of a palette PNG
    data: bytes  #: the IDAT chunks joined: one zlib stream of filtered rows


def _chunks(raw: bytes, path: Path) -> list[tuple[bytes, bytes]]:
    """The chunks of the PNG bytes ``raw`` up to IEND, each checked against its CRC."""
    if raw[:8] != _SIGNATURE:
        raise ValueError(f"{path}: not a PNG file; draw the chart again")
    chunks, pos = [], 8
    while pos + 12 <= len(raw):
        length, kind = struct.unpack(">I4s", raw[pos:pos + 8])
        body = raw[pos + 8:pos + 8 + length]
        crc = raw[pos + 8 + length:pos + 12 + length]
        if len(body) < length or len(crc) < 4 or zlib.crc32(kind + body) != struct.unpack(">I", crc)[0]:
            break
        chunks.append((kind, body))
        if kind == b"IEND":
            return chunks
        pos += 12 + length
    raise ValueError(f"{path}: the PNG file is cut or damaged (no intact end); draw the chart again")


def png_parts(path: str | Path) -> Png | None:
    """The parts of the PNG at ``path`` a PDF image takes unchanged; ``None`` for a PNG it cannot
    take as it is (transparency, interlaced, 16 bits, grey with alpha, RGBA).

    Raises
    ------
    ValueError
        The file is not a PNG, or cut or damaged (a chunk's checksum is wrong, no end).

    Examples
    --------
    >>> import io, tempfile, pathlib
    >>> from PIL import Image
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> Image.new("RGB", (3, 2), "white").save(folder / "white.png")
    >>> parts = png_parts(folder / "white.png")
    >>> parts.width, parts.height, parts.bits, parts.channels, parts.palette
    (3, 2, 8, 3, None)
    >>> Image.new("RGBA", (3, 2)).save(folder / "clear.png")
    >>> png_parts(folder / "clear.png") is None
    True
    """
    path = Path(path)
    chunks = _chunks(path.read_bytes(), path)
    head = dict(chunks)
    width, height, bits, colour, _, _, interlace = struct.unpack(">IIBBBBB", head[b"IHDR"])
    if colour not in _CHANNELS or interlace or bits > 8 or b"tRNS" in head:
        return None
    palette = head.get(b"PLTE") if colour == 3 else None
    if colour == 3 and not palette:
        raise ValueError(f"{path}: a palette PNG without its palette; draw the chart again")
    data = b"".join(body for kind, body in chunks if kind == b"IDAT")
    return Png(width, height, bits, _CHANNELS[colour], palette, data)


def png_size(path: str | Path) -> tuple[int, int]:
    """Width and height of the PNG at ``path``, from its header.

    Raises
    ------
    ValueError
        The file is not a PNG.
    """
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != _SIGNATURE or head[12:16] != b"IHDR":
        raise ValueError(f"{path}: not a PNG file; draw the chart again")
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def stand_in(ax: Any, path: str | Path, size: tuple[int, int], rows: int) -> None:
    """Draw in ``ax`` the stand-in of the PNG at ``path`` (``size`` = its width and height in
    pixels) of which the top ``rows`` show: the axes shows that part; the stand-in covers the
    whole PNG (its extent: the size), clipped like it. A PDF image's first row is its top, a
    matplotlib image's its bottom: the stand-in is drawn from the bottom up (``origin="lower"``)."""
    import numpy as np

    width, height = size
    ax.imshow(np.full((1, 1, 3), 255, dtype=np.uint8), extent=(0, width, height, 0),
              interpolation="none", aspect="auto", origin="lower", gid=f"{_GID}{Path(path)}")
    ax.set_xlim(0, width)
    ax.set_ylim(rows, 0)
    ax.set_axis_off()


def number_stand_ins(fig: Any, pictures: list[tuple[Path, tuple[int, int]]]) -> None:
    """Give each stand-in on ``fig`` its number on the draft (its width in pixels: 1 × n) and
    append its PNG and the size it was laid out for to ``pictures`` (the n-th is stand-in n)."""
    import numpy as np

    for ax in fig.axes:
        for image in ax.images:
            gid = image.get_gid() or ""
            if gid.startswith(_GID):
                left, right, bottom, top = image.get_extent()
                pictures.append((Path(gid[len(_GID):]), (round(right - left), round(bottom - top))))
                image.set_data(np.full((1, len(pictures), 3), 255, dtype=np.uint8))


def put_pictures(draft: Path, pictures: list[tuple[Path, tuple[int, int]]]) -> None:
    """Give stand-in n of the PDF ``draft`` the data of the PNG ``pictures[n - 1]``, in place.

    Raises
    ------
    RuntimeError
        A PNG has another size than its page was laid out for (drawn again meanwhile), or the
        draft's stand-ins do not match ``pictures``.
    """
    import io

    from pypdf import PdfWriter

    from .._store import atomic_write_bytes

    writer = PdfWriter(clone_from=str(draft))
    found: dict[int, Any] = {}
    others = 0
    for page in writer.pages:
        for ref in page.get("/Resources", {}).get("/XObject", {}).values():
            image = ref.get_object()
            if image.get("/Subtype") == "/Image" and image.get("/Height") == 1:
                found.setdefault(int(image["/Width"]), image)
            elif image.get("/Subtype") == "/Image":
                others += 1
    if others:  # a stand-in is told by its size: no other image may be on a page
        raise RuntimeError(f"{draft.name}: {others} pictures not drawn as stand-ins; draw each picture of a "
                           "page with briefing._layout._image")
    if sorted(found) != list(range(1, len(pictures) + 1)):
        raise RuntimeError(f"{draft.name}: {len(pictures)} charts drawn, stand-ins {sorted(found)} found")
    for number, (path, size) in enumerate(pictures, 1):
        parts = png_parts(path) or _decoded(path)
        if (parts.width, parts.height) != size:
            raise RuntimeError(f"{path}: {parts.width} x {parts.height} pixels, laid out for {size[0]} x "
                               f"{size[1]} (drawn again while the paper was drawn?); build the briefing again")
        _fill(found[number], parts)
    buffer = io.BytesIO()
    writer.write(buffer)
    atomic_write_bytes(draft, buffer.getvalue())


def _decoded(path: Path) -> Png:
    """The pixels of the PNG at ``path`` as RGB (any transparency dropped, as
    ``Image.convert("RGB")`` does), compressed for a PDF image (each row unfiltered)."""
    import numpy as np
    from PIL import Image

    with Image.open(path) as im:
        pixels = np.asarray(im.convert("RGB"))
    height, width = pixels.shape[:2]
    rows = np.concatenate([np.zeros((height, 1), dtype=np.uint8), pixels.reshape(height, width * 3)], axis=1)
    return Png(width, height, 8, 3, None, zlib.compress(rows.tobytes(), 6))


def _fill(image: Any, parts: Png) -> None:
    """Make the image XObject ``image`` the PNG ``parts``: its compressed data unchanged."""
    from pypdf.generic import (
        ArrayObject,
        ByteStringObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        StreamObject,
    )

    space: Any = NameObject("/DeviceRGB" if parts.channels == 3 else "/DeviceGray")
    if parts.palette is not None:
        space = ArrayObject([NameObject("/Indexed"), NameObject("/DeviceRGB"),
                             NumberObject(len(parts.palette) // 3 - 1), ByteStringObject(parts.palette)])
    for key in ("/SMask", "/Decode", "/DecodeParms", "/Filter"):
        image.pop(key, None)
    image.update({
        NameObject("/Width"): NumberObject(parts.width), NameObject("/Height"): NumberObject(parts.height),
        NameObject("/BitsPerComponent"): NumberObject(parts.bits), NameObject("/ColorSpace"): space,
        NameObject("/Filter"): NameObject("/FlateDecode"),
        NameObject("/DecodeParms"): DictionaryObject({
            NameObject("/Predictor"): NumberObject(15), NameObject("/Colors"): NumberObject(parts.channels),
            NameObject("/BitsPerComponent"): NumberObject(parts.bits), NameObject("/Columns"): NumberObject(parts.width)}),
    })
    StreamObject.set_data(image, parts.data)  # the bytes as they are (its own set_data compresses them again)
    image.decoded_self = None
