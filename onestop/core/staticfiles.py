"""Static file storage: cache-busting names once collectstatic has run, plain ones before.

Tests and development serve static files straight from the app folders (whitenoise's
finders) without running collectstatic; production pages name compressed, hashed files.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestOrAppStaticStorage(CompressedManifestStaticFilesStorage):
    def stored_name(self, name: str) -> str:
        if not self.hashed_files:  # no manifest: collectstatic has not run here
            return name
        return str(super().stored_name(name))
