"""Compile the project's .po catalogues to .mo without GNU gettext.

Replaces Django's command of the same name, so that a fresh machine needs nothing
outside the pinned Python packages to run the translated pages.
"""

from __future__ import annotations

from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po into .mo files (pure Python)."

    def handle(self, *args: Any, **options: Any) -> None:
        compiled = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
                catalogue = polib.pofile(str(po_path))
                fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags and not e.obsolete]
                if fuzzy:
                    raise CommandError(f"{po_path}: fuzzy entries must be reviewed: {fuzzy[:3]}")
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                catalogue.save_as_mofile(str(mo_path))
                compiled += 1
        if options["verbosity"]:
            self.stdout.write(f"compiled {compiled} message catalogue(s)")
