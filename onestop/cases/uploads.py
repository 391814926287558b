"""Checking and storing uploaded materials.

A file is accepted by what it is, not by what it is called: its first bytes must be a PDF,
JPEG or PNG signature, and it is stored in the tenant's folder under a random name with
the extension of its real type.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from onestop.core.images import ImageProblem, image_problem

MAX_BYTES = 10 * 1024 * 1024
SIGNATURES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
}


@dataclass(frozen=True, slots=True)
class CheckedFile:
    content: bytes
    content_type: str
    extension: str
    sha256: str


def detect(content: bytes) -> tuple[str, str] | None:
    for signature, kind in SIGNATURES.items():
        if content.startswith(signature):
            return kind
    return None


def check_file(content: bytes) -> CheckedFile | str:
    """The checked file, or the reason it is refused: "too_large", "empty", "type" or
    "pixels" (an image claiming more pixels than anyone should decode)."""
    if not content:
        return "empty"
    if len(content) > MAX_BYTES:
        return "too_large"
    kind = detect(content)
    if kind is None:
        return "type"
    if kind[0].startswith("image/"):
        problem = image_problem(content)
        if problem == ImageProblem.TOO_MANY_PIXELS:
            return "pixels"
        if problem:
            return "type"
    return CheckedFile(content, kind[0], kind[1], hashlib.sha256(content).hexdigest())


def store(tenant_code: str, checked: CheckedFile) -> str:
    """Write the file under ``uploads/<tenant>/<year>/<month>/<random>.<ext>``."""
    now = timezone.now()
    name = f"uploads/{tenant_code}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{checked.extension}"
    return str(default_storage.save(name, ContentFile(checked.content)))


def read(storage_name: str) -> bytes:
    with default_storage.open(storage_name, "rb") as handle:
        return bytes(handle.read())
