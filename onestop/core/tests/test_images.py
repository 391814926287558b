"""Images are judged by their header before anything keeps or decodes them."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

from onestop.core.images import ImageProblem, image_problem


def png_claiming(width: int, height: int, size: int = 20_000) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` pixels, padded to ``size`` bytes
    (what the probe sent: 20 KB claiming 50,000 x 50,000)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    body = chunk(b"IDAT", zlib.compress(b"\x00" * 4096) + b"\x00" * (size - 4200))
    return b"\x89PNG\r\n\x1a\n" + header + body + chunk(b"IEND", b"")


def real_png(width: int = 64, height: int = 48) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_small_file_claiming_a_huge_picture_is_refused_by_its_header() -> None:
    bomb = png_claiming(50_000, 50_000)
    assert len(bomb) < 21_000
    assert image_problem(bomb) == ImageProblem.TOO_MANY_PIXELS
    assert image_problem(png_claiming(10_001, 10)) == ImageProblem.TOO_MANY_PIXELS
    assert image_problem(png_claiming(8_000, 8_000)) == ImageProblem.TOO_MANY_PIXELS  # 64 MP
    assert image_problem(real_png()) == ImageProblem.NONE
    jpeg = io.BytesIO()
    Image.new("RGB", (640, 480)).save(jpeg, format="JPEG")
    assert image_problem(jpeg.getvalue()) == ImageProblem.NONE


def test_a_broken_image_is_unreadable() -> None:
    assert image_problem(real_png()[:60]) == ImageProblem.UNREADABLE
    assert image_problem(b"\x89PNG\r\n\x1a\n" + b"nonsense" * 50) == ImageProblem.UNREADABLE
