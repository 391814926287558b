"""The shared kernel: recording actions, translations, the operator CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.db import connections

from onestop.core import databases
from onestop.core.actors import Actor
from onestop.core.audit import Event, record_action
from onestop.core.models import AuditEntry, OutboxEvent
from onestop.core.tests.helpers import TEST_TOPIC, TestAudit

pytestmark = pytest.mark.own_data  # builds its own data: no demo province

PO_FILE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


@pytest.mark.django_db
def test_record_action_refuses_to_run_outside_a_transaction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Tests run inside a transaction; take that away for the call to see the guard work.
    monkeypatch.setattr(connections["default"], "in_atomic_block", False)
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError):
        record_action(actor=Actor.system(), action=TestAudit.OUTSIDE)
    monkeypatch.undo()
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_audit_and_events_roll_back_with_the_action() -> None:
    before = (AuditEntry.objects.count(), OutboxEvent.objects.count())

    def failing_action() -> None:
        with databases.atomic():
            record_action(actor=Actor.system(), action=TestAudit.ROLLBACK, events=[Event(TEST_TOPIC)])
            raise ZeroDivisionError  # the action fails after recording itself

    with pytest.raises(ZeroDivisionError):
        failing_action()
    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == before


def test_every_message_is_translated_into_chinese() -> None:
    catalogue = polib.pofile(str(PO_FILE))
    untranslated = [e.msgid for e in catalogue.untranslated_entries() if not e.obsolete]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated and not fuzzy, untranslated + fuzzy


def test_the_catalogue_holds_every_string_of_the_source(tmp_path: Path) -> None:
    """makemessages over a copy of the source finds no string the committed catalogue lacks.

    It runs on a copy because makemessages writes next to the sources it reads.
    """
    source = tmp_path / "src"
    shutil.copytree(
        Path(settings.BASE_DIR) / "onestop",
        source / "onestop",
        ignore=shutil.ignore_patterns("__pycache__", "tests"),
    )
    (source / "locale").mkdir()
    environment = {
        "PATH": "/usr/bin:/bin",
        "ONESTOP_LOCALE_DIR": str(source / "locale"),
        "ONESTOP_VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "onestop", "makemessages", "--locale", "zh_Hans", "--no-location"],
        cwd=source,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    extracted_po = source / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    extracted = {e.msgid for e in polib.pofile(str(extracted_po))}
    committed = {e.msgid for e in polib.pofile(str(PO_FILE))}
    assert len(extracted) > 100
    assert extracted - committed == set(), "run `make makemessages` and translate the new strings"


def test_operator_cli_lists_the_project_commands() -> None:
    cli = Path(sys.executable).with_name("onestop")
    assert cli.exists(), "the console entry point is installed"
    result = subprocess.run([str(cli), "help"], capture_output=True, text=True, check=True)
    for command in ("demo", "serve", "openapi", "compilemessages", "migrate"):
        assert command in result.stdout


def test_the_catalogue_is_valid_for_gnu_gettext() -> None:
    """makemessages merges with msgmerge, which refuses what polib forgives."""
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", str(PO_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_big_figures_have_thousands_separators_in_both_languages() -> None:
    from django.template import Context, Template
    from django.utils import translation

    from onestop.core.templatetags.figures import figure

    assert figure(15_000_000) == "15,000,000" and figure(712) == "712" and figure(2.5) == "2.5"
    assert figure(None) == "—" and figure(27_000_000.0) == "27,000,000"
    for language in ("zh-hans", "en"):
        with translation.override(language):
            text = Template("{% load figures %}{{ n|figure }} {{ id }}").render(
                Context({"n": 183000000, "id": 1099511627776})
            )
        assert text == "183,000,000 1099511627776"  # ids stay whole


def test_a_served_process_starts_warm_with_what_it_loaded_out_of_the_collectors_sight(
    tmp_path: Path,
) -> None:
    """The WSGI entry point runs the apps' start-up work (jieba's dictionary) and then
    freezes what is loaded, so that no full collection walks it during requests."""
    probe = (
        "import gc, sys\n"
        "import onestop.wsgi\n"
        "print(gc.get_freeze_count(), len(gc.get_objects()), 'jieba' in sys.modules)\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "ONESTOP_DEMO": "1",
        "ONESTOP_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "onestop.settings",
    }
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    frozen, tracked, jieba_loaded = done.stdout.split()
    assert jieba_loaded == "True"
    assert int(frozen) > 100_000 and int(tracked) < 1_000  # all but a few out of sight
