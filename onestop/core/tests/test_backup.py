"""Backup and restore round-trip: one archive brings an installation back into a fresh
one, with its keys, and the restore checks rows and audit roots; a wrong passphrase or a
database in use changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

CLI = str(Path(sys.executable).with_name("onestop"))
PASSPHRASE = "a long passphrase for the backups"
pytestmark = pytest.mark.own_data


@pytest.fixture
def two_databases() -> Iterator[tuple[str, str]]:
    """On the PostgreSQL run, two empty databases of the cluster (the instance backed up,
    the fresh one); on SQLite, none (each instance has its file under its own var/)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        yield "", ""
        return
    import psycopg

    base = url.rsplit("/", 1)[0]
    names = [f"onestop_backup_{which}_{os.getpid()}" for which in ("a", "b")]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {name}")
    yield f"{base}/{names[0]}", f"{base}/{names[1]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _env(var: Path, database_url: str, **extra: str) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("ONESTOP_", "DJANGO_", "DATABASE_URL"))}
    env = {**kept, "ONESTOP_VAR_DIR": str(var), "ONESTOP_DEMO": "1", "ONESTOP_BACKUP_PASSPHRASE": PASSPHRASE}
    if database_url:
        env["DATABASE_URL"] = database_url
    return {**env, **extra}


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], env=env, capture_output=True, text=True, timeout=300)


def test_a_backup_restores_into_a_fresh_installation(tmp_path: Path, two_databases: tuple[str, str]) -> None:
    first = _env(tmp_path / "first", two_databases[0])
    assert _run(first, "migrate", "--no-input", "-v", "0").returncode == 0
    made = _run(
        {**first, "ONESTOP_OPERATOR_PASSWORD": "Correct-Horse-2026"},
        "createoperator",
        "--phone",
        "13912345678",
    )
    assert made.returncode == 0, made.stderr
    assert (
        _run(
            first, "tenant", "create", "--code", "hunan", "--name", "湖南省", "--region", "430000"
        ).returncode
        == 0
    )
    upload = tmp_path / "first" / "media" / "uploads" / "2026" / "材料.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"%PDF-1.4 a citizen's material")
    archive = tmp_path / "onestop.backup.tar"
    backed = _run(first, "backup", str(archive))
    assert backed.returncode == 0, backed.stderr
    assert b"13912345678" not in archive.read_bytes()  # personal data stays encrypted, keys sealed

    fresh = _env(tmp_path / "fresh", two_databases[1])
    wrong = _run(
        {**fresh, "ONESTOP_BACKUP_PASSPHRASE": "not the passphrase"},
        "restore",
        str(archive),
        "--keys-dir",
        str(tmp_path / "k"),
        "--audit-dir",
        str(tmp_path / "a"),
    )
    assert wrong.returncode != 0 and "passphrase" in wrong.stderr
    assert not (tmp_path / "k").exists() and not (tmp_path / "fresh" / "media").exists()

    restored = _run(
        fresh, "restore", str(archive), "--keys-dir", str(tmp_path / "k"), "--audit-dir", str(tmp_path / "a")
    )
    assert restored.returncode == 0, restored.stderr
    assert "as in the backup" in restored.stdout and "audit log verified" in restored.stdout
    keys = dict(line.split("=", 1) for line in restored.stdout.splitlines() if line.startswith("ONESTOP_"))
    assert set(keys) == {
        "ONESTOP_SECRET_KEY_FILE",
        "ONESTOP_KEYS_FILE",
        "ONESTOP_AUDIT_KEY_FILE",
        "ONESTOP_AUDIT_HEAD_KEY_PATH",
    }
    assert (
        tmp_path / "fresh" / "media" / "uploads" / "2026" / "材料.pdf"
    ).read_bytes() == upload.read_bytes()

    # The restored installation, with its keys, reads what the first one wrote.
    again = {**fresh, **keys}
    read = _run(
        again,
        "shell",
        "-c",
        "from onestop.core.crypto import decrypt\n"
        "from onestop.identity.models import User\n"
        "from onestop.tenancy.models import Region, Tenant\n"
        "operator = User.objects.get(kind='platform_operator')\n"
        "print(decrypt(operator.phone_encrypted), operator.check_password('Correct-Horse-2026'),"
        " Region.objects.filter(tenant=Tenant.objects.get(code='hunan')).count())",
    )
    assert read.returncode == 0, read.stderr
    phone, password_ok, regions = read.stdout.splitlines()[-1].split()  # after the shell's own notice
    assert (phone, password_ok) == ("13912345678", "True") and int(regions) > 100
    verified = _run(again, "audit", "verify")
    assert verified.returncode == 0, verified.stderr + verified.stdout

    # Restoring again over it is refused: it is no longer fresh.
    twice = _run(
        fresh,
        "restore",
        str(archive),
        "--keys-dir",
        str(tmp_path / "k2"),
        "--audit-dir",
        str(tmp_path / "a2"),
    )
    assert twice.returncode != 0 and "not a fresh installation" in twice.stderr
