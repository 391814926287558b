"""Static file storage: cache-busting names once collectstatic has run, plain ones before.

Tests and development serve static files straight from the app folders (whitenoise's
finders) without running collectstatic; production pages name compressed, hashed files.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core import checks
from django.core.files.storage import FileSystemStorage, Storage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestOrAppStaticStorage(CompressedManifestStaticFilesStorage):
    def stored_name(self, name: str) -> str:
        if not self.hashed_files:  # no manifest: collectstatic has not run here
            return name
        return str(super().stored_name(name))


class VendorFileFinder(BaseFinder):
    """Single files of installed or built front-end packages, under the names the pages use
    (``ONESTOP_VENDOR_FILES``: static name to path), for packages whose folder holds far
    more than the pages need (ECharts' dist is 50 MB; the dashboards load one bundle of
    the part they use, built at `make setup`)."""

    def _files(self) -> dict[str, Path]:
        return {name: Path(path) for name, path in settings.ONESTOP_VENDOR_FILES.items()}

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        return [
            checks.Warning(f"{path} is missing: run `make setup`", id="onestop.W005")
            for name, path in self._files().items()
            if not path.exists()
        ]

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> str | list[str]:  # type: ignore[override]
        found = self._files().get(path)
        if found is None or not found.exists():
            return [] if find_all else ""
        return [str(found)] if find_all else str(found)

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, Storage]]:
        for name, path in self._files().items():
            if path.exists():
                yield name, _SingleFile(path, name)


class _SingleFile(FileSystemStorage):
    """A storage holding one file under its static name."""

    def __init__(self, path: Path, name: str) -> None:
        super().__init__(location=str(path.parent))
        self.file_name, self.static_name = path.name, name

    def path(self, name: str) -> str:
        return str(Path(self.location) / self.file_name)
