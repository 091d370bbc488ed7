"""Charts on the briefing's pages as their PNG files' own data (briefing/_pictures.py)."""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from lichtenberg_data.briefing._layout import A4_CM, PT_PER_CM, _image
from lichtenberg_data.briefing._pictures import number_stand_ins, png_parts, put_pictures


def _chart_png(path: Path, mode: str, size: tuple[int, int] = (60, 40), **save: object) -> Path:
    """A PNG of ``mode``: red on top, blue below, a grey stripe of 20 shades (so a PDF shows
    whether it is upright and every pixel is kept)."""
    pixels = np.zeros((size[1], size[0], 3), dtype=np.uint8)
    pixels[: size[1] // 2] = (200, 30, 30)
    pixels[size[1] // 2:] = (30, 30, 200)
    pixels[:, :20] = (np.arange(20, dtype=np.uint8) * 10)[None, :, None]
    image = Image.fromarray(pixels)
    if mode == "P":
        image = image.quantize(colors=32, dither=Image.Dither.NONE)
    elif mode == "I;16":
        image = Image.fromarray(np.asarray(image.convert("L")).astype(np.uint16) * 257)
    elif mode != "RGB":
        image = image.convert(mode)
    image.save(path, **save)
    return path


def _draft(draft: Path, placed: list[tuple[Path, float]]) -> list[tuple[Path, tuple[int, int]]]:
    """A page with the PNGs ``placed`` (path, share cropped at the foot), 8 x 5 cm each, drawn as
    the briefing draws its pages, its stand-ins not yet filled; what they stand for."""
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    pictures: list[tuple[Path, tuple[int, int]]] = []
    with PdfPages(draft) as pdf:
        fig = Figure(figsize=(A4_CM[0] / 2.54, A4_CM[1] / 2.54))
        for i, (path, crop) in enumerate(placed):
            _image(fig, str(path), 2.5, 3.0 + 7 * i, 8.0, 5.0, crop)
        number_stand_ins(fig, pictures)
        pdf.savefig(fig)
    return pictures


def _draw_page(draft: Path, placed: list[tuple[Path, float]]) -> None:
    """:func:`_draft` with its stand-ins filled."""
    put_pictures(draft, _draft(draft, placed))


def _images_as_placed(draft: Path) -> list[tuple[object, list[float]]]:
    """Each image drawn on the first page: (its XObject, the matrix it is drawn with)."""
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    reader = PdfReader(draft)
    page = reader.pages[0]
    xobjects = page["/Resources"]["/XObject"]
    ctm, stack, found = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], [], []
    for operands, op in ContentStream(page.get_contents(), reader).operations:
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop()
        elif op == b"cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            A, B, C, D, E, F = ctm
            ctm = [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F]
        elif op == b"Do":
            found.append((xobjects[operands[0]].get_object(), ctm))
    return found


def _as_seen(image: object, ctm: list[float]) -> np.ndarray:
    """The pixels of ``image`` as they appear on the page, top row first (an image's first row
    lies at the top of its unit square: drawn with a negative height, it appears last)."""
    pixels = np.asarray(image.decode_as_image().convert("RGB"))
    return pixels if ctm[3] > 0 else pixels[::-1]


def _box_pt(i: int) -> tuple[float, float, float, float]:
    """Left, top, width, height in PDF points of the i-th picture of :func:`_draw_page`."""
    return 2.5 * PT_PER_CM, (A4_CM[1] - 3.0 - 7 * i) * PT_PER_CM, 8.0 * PT_PER_CM, 5.0 * PT_PER_CM


@pytest.mark.parametrize("mode", ["P", "RGB", "L"])
def test_a_chart_is_placed_as_its_pngs_own_data_upright_in_its_box(tmp_path, mode):
    png = _chart_png(tmp_path / f"chart-{mode}.png", mode)
    draft = tmp_path / "page.pdf"
    _draw_page(draft, [(png, 0.0)])
    ((image, ctm),) = _images_as_placed(draft)
    parts = png_parts(png)
    assert image._data == parts.data  # the PNG's compressed bytes, not compressed again
    assert (image["/Width"], image["/Height"]) == (60, 40)
    with Image.open(png) as original:
        assert np.array_equal(_as_seen(image, ctm), np.asarray(original.convert("RGB")))  # upright
    left, top, width, height = _box_pt(0)
    a, b, c, d, e, f = ctm  # the image's unit square: its first row at y = 1
    assert (b, c) == pytest.approx((0, 0), abs=1e-6)
    assert (e, a, d) == pytest.approx((left, width, height), abs=0.01)
    assert f + d == pytest.approx(top, abs=0.01)


def test_a_cropped_chart_shows_its_top_rows_in_its_box_and_the_rest_is_clipped(tmp_path):
    png = _chart_png(tmp_path / "chart.png", "P", size=(60, 40))
    draft = tmp_path / "page.pdf"
    _draw_page(draft, [(png, 0.25)])  # the chart's own source line, 10 of its 40 rows
    ((image, ctm),) = _images_as_placed(draft)
    left, top, width, height = _box_pt(0)
    assert image["/Height"] == 40  # the whole PNG
    assert ctm[3] == pytest.approx(height * 40 / 30, abs=0.01)  # 30 rows fill the box ...
    assert ctm[5] + ctm[3] == pytest.approx(top, abs=0.01)  # ... from its top
    assert _clips(draft) == [pytest.approx((left, top - height, width, height), abs=0.01)]  # the rest cut


def _clips(draft: Path) -> list[tuple[float, ...]]:
    """The clipping rectangles (x, y, width, height) of the first page's content."""
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    reader = PdfReader(draft)
    operations = ContentStream(reader.pages[0].get_contents(), reader).operations
    return [tuple(float(v) for v in operands) for (operands, op), (_, after) in zip(operations, operations[1:])
            if op == b"re" and after == b"W"]


def test_several_charts_on_a_page_each_get_their_own_data(tmp_path):
    pngs = [_chart_png(tmp_path / f"c{i}.png", mode) for i, mode in enumerate(["P", "RGB", "P"])]
    draft = tmp_path / "page.pdf"
    _draw_page(draft, [(p, 0.0) for p in pngs])
    placed = _images_as_placed(draft)
    assert [image._data for image, _ in placed] == [png_parts(p).data for p in pngs]
    assert [round(ctm[5] + ctm[3], 2) for _, ctm in placed] == [round(_box_pt(i)[1], 2) for i in range(3)]


def test_a_png_a_pdf_cannot_take_as_it_is_is_placed_from_its_pixels(tmp_path):
    with Image.open(_chart_png(tmp_path / "chart.png", "RGB")) as chart:
        pixels = np.asarray(chart.convert("RGBA")).copy()
    pixels[0, 0, 3] = 0  # one pixel not opaque: RGBA
    png = tmp_path / "clear.png"
    Image.fromarray(pixels, "RGBA").save(png)
    assert png_parts(png) is None
    draft = tmp_path / "page.pdf"
    _draw_page(draft, [(png, 0.25)])
    ((image, ctm),) = _images_as_placed(draft)
    assert (image["/Width"], image["/Height"], image["/ColorSpace"]) == (60, 40, "/DeviceRGB")
    assert np.array_equal(_as_seen(image, ctm), pixels[:, :, :3])  # as they are, the transparency dropped
    assert ctm[3] == pytest.approx(_box_pt(0)[3] * 40 / 30, abs=0.01)  # clipped like any other


def test_a_png_drawn_again_at_another_size_while_the_paper_is_drawn_stops_the_build(tmp_path):
    png = _chart_png(tmp_path / "chart.png", "RGB", size=(60, 40))
    pictures = _draft(tmp_path / "page.pdf", [(png, 0.25)])
    _chart_png(png, "RGB", size=(60, 120))  # a notebook run again meanwhile
    with pytest.raises(RuntimeError, match=r"chart\.png: 60 x 120 pixels, laid out for 60 x 40 .*build the briefing again"):
        put_pictures(tmp_path / "page.pdf", pictures)


def test_a_picture_drawn_on_a_page_other_than_as_a_stand_in_is_refused(tmp_path):
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    png = _chart_png(tmp_path / "chart.png", "RGB")
    draft, pictures = tmp_path / "page.pdf", []
    with PdfPages(draft) as pdf:
        fig = Figure(figsize=(A4_CM[0] / 2.54, A4_CM[1] / 2.54))
        _image(fig, str(png), 2.5, 3.0, 8.0, 5.0)
        fig.add_axes((0.1, 0.1, 0.1, 0.1)).imshow(np.zeros((1, 1, 3)))  # one pixel high, like a stand-in
        number_stand_ins(fig, pictures)
        pdf.savefig(fig)
    with pytest.raises(RuntimeError, match="1 pictures not drawn as stand-ins"):
        put_pictures(draft, pictures)


def test_png_parts_of_palettes_grey_and_rgb_and_of_what_a_pdf_cannot_take(tmp_path):
    small = Image.fromarray(np.array([[0, 1], [2, 3]], dtype=np.uint8), "P")
    small.putpalette(bytes(range(12)))
    small.save(tmp_path / "four.png")
    parts = png_parts(tmp_path / "four.png")
    assert (parts.bits, parts.channels, parts.palette) == (2, 1, bytes(range(12)))  # 4 colours: 2 bits
    assert png_parts(_chart_png(tmp_path / "grey.png", "L")).channels == 1
    rgb = png_parts(_chart_png(tmp_path / "rgb.png", "RGB"))
    assert (rgb.width, rgb.height, rgb.bits, rgb.channels, rgb.palette) == (60, 40, 8, 3, None)
    assert zlib.decompress(rgb.data)[:1] in {bytes([f]) for f in range(5)}  # rows start with their filter
    interlaced = _chart_png(tmp_path / "interlaced.png", "RGB")  # Pillow writes none: set the flag
    head = bytearray(interlaced.read_bytes())
    head[28] = 1  # IHDR: width, height, bits, colour type, compression, filter, interlace
    head[29:33] = zlib.crc32(bytes(head[12:29])).to_bytes(4, "big")
    interlaced.write_bytes(bytes(head))
    assert png_parts(interlaced) is None
    assert png_parts(_chart_png(tmp_path / "la.png", "LA")) is None
    assert png_parts(_chart_png(tmp_path / "wide.png", "I;16")) is None


def test_a_cut_or_foreign_file_is_named_with_what_to_do(tmp_path):
    png = _chart_png(tmp_path / "chart.png", "RGB")
    whole = png.read_bytes()
    png.write_bytes(whole[: len(whole) - 30])  # cut in its last chunks
    with pytest.raises(ValueError, match=r"chart\.png: the PNG file is cut or damaged .*draw the chart again"):
        png_parts(png)
    damaged = bytearray(whole)
    damaged[60] ^= 0xFF  # a byte of the image data: its chunk's checksum no longer holds
    png.write_bytes(bytes(damaged))
    with pytest.raises(ValueError, match="cut or damaged"):
        png_parts(png)
    (tmp_path / "chart.txt").write_text("Quelle: Amt für Statistik")
    with pytest.raises(ValueError, match=r"chart\.txt: not a PNG file"):
        png_parts(tmp_path / "chart.txt")


def test_a_draft_whose_stand_ins_do_not_match_its_charts_is_refused(tmp_path):
    png = _chart_png(tmp_path / "chart.png", "RGB")
    pictures = _draft(tmp_path / "page.pdf", [(png, 0.0)])
    with pytest.raises(RuntimeError, match=r"page\.pdf: 2 charts drawn, stand-ins \[1\] found"):
        put_pictures(tmp_path / "page.pdf", pictures * 2)
