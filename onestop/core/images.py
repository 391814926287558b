"""Checking an uploaded image before anything keeps it: a real JPEG or PNG whose pixel
dimensions are sensible. A small file can claim a huge picture (a 20 KB PNG of 50,000 x
50,000 pixels): whatever decodes it later (a reviewer's browser, a thumbnailer, a face
check service) would spend gigabytes, so such files are refused by their header alone."""

from __future__ import annotations

import io
import warnings
from enum import StrEnum

from PIL import Image, UnidentifiedImageError

MAX_SIDE = 10_000  # pixels on either side
MAX_PIXELS = 40_000_000  # a 40-megapixel camera's photo


class ImageProblem(StrEnum):
    NONE = ""
    UNREADABLE = "unreadable"
    TOO_MANY_PIXELS = "too_many_pixels"


def image_problem(content: bytes) -> ImageProblem:
    """Reads the header only (and checks the file's structure), never the pixels."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size
                if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                    return ImageProblem.TOO_MANY_PIXELS
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return ImageProblem.TOO_MANY_PIXELS
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return ImageProblem.UNREADABLE
    return ImageProblem.NONE
