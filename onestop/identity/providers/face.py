"""Face checks (trust level L4): a liveness challenge and a photo, compared by a provider
with a trusted source. Settings: ONESTOP_FACE_PROVIDER (default "sandbox")."""

from __future__ import annotations

import abc
import secrets
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from onestop.core.plugins import Plugin, Registry

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MIN_PHOTO_BYTES = 1024
PHOTO_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


@dataclass(frozen=True, slots=True)
class FaceResult:
    passed: bool
    reason: str  # passed | photo_invalid | challenge_wrong | no_match


class FaceCheckProvider(Plugin, abc.ABC):
    def new_challenge(self) -> str:
        """Digits the person reads aloud on camera, proving a live capture."""
        return f"{secrets.randbelow(10_000):04d}"

    @abc.abstractmethod
    def check(self, *, challenge: str, answer: str, photo: bytes) -> FaceResult: ...


face_providers: Registry[FaceCheckProvider] = Registry(
    kind="face", label=_("Face check"), setting="ONESTOP_FACE_PROVIDER"
)


@face_providers.register("sandbox")
class SandboxFaceCheck(FaceCheckProvider):
    """Checks what it can without a trusted photo source: that the photo is a real JPEG or
    PNG of a plausible size and that the challenge was answered. It compares no faces; the
    page says so."""

    verbose_name = _("Sandbox face check (compares no faces)")
    is_sandbox = True

    def check(self, *, challenge: str, answer: str, photo: bytes) -> FaceResult:
        if not (MIN_PHOTO_BYTES <= len(photo) <= MAX_PHOTO_BYTES) or not photo.startswith(PHOTO_SIGNATURES):
            return FaceResult(False, "photo_invalid")
        if not secrets.compare_digest(challenge, answer.strip()):
            return FaceResult(False, "challenge_wrong")
        return FaceResult(True, "passed")


def face_provider() -> FaceCheckProvider:
    return face_providers.enabled()
