"""One archive that brings an installation back: every database (SQLite's online backup,
or ``pg_dump``), the uploaded files, and the keys, sealed under the operator's passphrase
(a database backup alone is useless: personal data is encrypted, and the audit log cannot
be verified without its key). A manifest records each table's rows and each audit chain's
root, and a restore checks both.

The archive (a tar file)::

    manifest.json         version, time, engine, rows per table, audit root per database
    databases/<alias>     the database (SQLite file, or pg_dump's custom format)
    media/...             uploaded files
    keys.sealed.json      the keys, AES-256-GCM under a key scrypt derives from the passphrase
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

from onestop.core import crypto, databases
from onestop.core.sqlite import is_sqlite

FORMAT = 1
MIN_PASSPHRASE = 12


class BackupError(Exception):
    """A backup or restore that cannot go on; nothing was changed by a refused restore."""


@dataclass(frozen=True)
class Restored:
    tables: int
    rows: int
    files: int
    audit_entries: int
    key_settings: dict[str, Path]


def _is_sqlite(alias: str) -> bool:
    return is_sqlite(settings.DATABASES[alias]["ENGINE"])


def _libpq(alias: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump and pg_restore, the password in the environment."""
    db = settings.DATABASES[alias]
    args = [f"--host={db['HOST'] or 'localhost'}", f"--port={db['PORT'] or 5432}", f"--username={db['USER']}"]
    return [*args, f"--dbname={db['NAME']}"], {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}


def _postgres_tool(tool: str, arguments: list[str], env: dict[str, str]) -> None:
    """Run pg_dump or pg_restore (Debian's postgresql-client, the server's version)."""
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(f"{tool} is not installed (Debian: postgresql-client)")
    done = subprocess.run([executable, *arguments], env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"{tool} failed: {done.stderr.strip()[-500:]}")


def _counts(alias: str) -> dict[str, int]:
    connection = connections[alias]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 (introspected names)
            counts[table] = int(cursor.fetchone()[0])
    return counts


def _audit(alias: str) -> dict[str, Any]:
    from onestop.core.audit import verify_audit_log

    with databases.using(alias):
        result = verify_audit_log()
    if not result.ok:
        raise BackupError(f"the audit log of {alias!r} does not verify: {result.problem}")
    return {"entries": result.entries, "root": result.root}


def _sqlite_snapshot(alias: str, dump: Path) -> tuple[dict[str, int], dict[str, Any]]:
    """A consistent copy made while the platform runs (SQLite's online backup), and its
    rows and audit root, read from the copy itself."""
    source = sqlite3.connect(str(settings.DATABASES[alias]["NAME"]))
    target = sqlite3.connect(dump)
    with target:
        source.backup(target)
    source.close()
    target.close()
    with _as_database(alias, dump) as copy:
        return _counts(copy), _audit(copy)


@contextmanager
def _as_database(alias: str, path: Path) -> Iterator[str]:
    """The SQLite file ``path`` as a database of this process, configured as ``alias``."""
    copy = f"backup-of-{alias}"
    settings.DATABASES[copy] = connections.settings[copy] = {**connections.settings[alias], "NAME": str(path)}
    try:
        yield copy
    finally:
        connections[copy].close()
        settings.DATABASES.pop(copy, None)
        connections.settings.pop(copy, None)


def _postgres_snapshot(alias: str, dump: Path) -> tuple[dict[str, int], dict[str, Any]]:
    """pg_dump of one snapshot, and that snapshot's rows and audit root: a transaction
    exports its snapshot, pg_dump reads it, and the counts are taken in the transaction."""
    with databases.using(alias), databases.atomic(), connections[alias].cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        args, env = _libpq(alias)
        command = [
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--snapshot={snapshot}",
            f"--file={dump}",
        ]
        _postgres_tool("pg_dump", [*command, *args], env)
        return _counts(alias), _audit(alias)


def make_backup(path: Path, passphrase: str) -> dict[str, Any]:
    """Write the archive to ``path``; its manifest."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise BackupError(f"the passphrase must be at least {MIN_PASSPHRASE} characters")
    manifest: dict[str, Any] = {"format": FORMAT, "created_at": timezone.now().isoformat(), "databases": {}}
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(path, "w") as archive:
        for alias in settings.DATABASES:
            dump = Path(scratch) / alias
            if _is_sqlite(alias):
                rows, audit = _sqlite_snapshot(alias, dump)
            else:
                rows, audit = _postgres_snapshot(alias, dump)
            manifest["databases"][alias] = {
                "engine": "sqlite" if _is_sqlite(alias) else "postgresql",
                "rows": rows,
                "audit": audit,
            }
            archive.add(dump, arcname=f"databases/{alias}")
        media = Path(settings.MEDIA_ROOT)
        files = sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []
        for file in files:
            archive.add(file, arcname=f"media/{file.relative_to(media)}")
        manifest["media_files"] = len(files)
        sealed = crypto.seal(json.dumps(crypto.export_keys()).encode(), passphrase)
        _add_bytes(archive, "keys.sealed.json", json.dumps(sealed).encode())
        _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
    return manifest


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), 0o600
    archive.addfile(info, io.BytesIO(data))


def _empty(alias: str) -> bool:
    if _is_sqlite(alias):
        name = Path(str(settings.DATABASES[alias]["NAME"]))
        if not name.exists():
            return True
    with connections[alias].cursor() as cursor:
        return not connections[alias].introspection.table_names(cursor)


def restore_backup(path: Path, passphrase: str, keys_dir: Path, audit_dir: Path) -> Restored:
    """Bring the archive into this fresh installation (its databases empty), write its
    keys to ``keys_dir`` and ``audit_dir``, then check every table's rows and every audit
    chain against the manifest. A wrong passphrase, a database already in use or an
    archive of other databases changes nothing."""
    with tarfile.open(path, "r") as archive:
        manifest = json.loads(_read(archive, "manifest.json"))
        if manifest.get("format") != FORMAT:
            raise BackupError(f"an archive of format {manifest.get('format')}, not {FORMAT}")
        keys = json.loads(crypto.unseal(json.loads(_read(archive, "keys.sealed.json")), passphrase))
        wanted = set(manifest["databases"])
        if wanted != set(settings.DATABASES):
            raise BackupError(
                f"the archive holds databases {sorted(wanted)}; this installation has {sorted(settings.DATABASES)}"
            )
        if busy := [alias for alias in wanted if not _empty(alias)]:
            raise BackupError(f"not a fresh installation: database {', '.join(busy)} already has tables")
        key_settings = crypto.key_files(keys, keys_dir, audit_dir)
        with tempfile.TemporaryDirectory() as scratch:
            archive.extractall(scratch, filter="data")
            for alias, found in manifest["databases"].items():
                _load(alias, found["engine"], Path(scratch) / "databases" / alias)
            media = Path(scratch) / "media"
            files = 0
            if media.exists():
                for file in media.rglob("*"):
                    if file.is_file():
                        target = Path(settings.MEDIA_ROOT) / file.relative_to(media)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(file, target)
                        files += 1
    return _check(manifest, keys, key_settings, files)


def _read(archive: tarfile.TarFile, name: str) -> bytes:
    member = archive.extractfile(name)
    if member is None:
        raise BackupError(f"the archive has no {name}")
    return member.read()


def _load(alias: str, engine: str, dump: Path) -> None:
    if (engine == "sqlite") != _is_sqlite(alias):
        raise BackupError(f"database {alias!r} is {engine} in the archive, not here")
    connections[alias].close()
    if _is_sqlite(alias):
        name = Path(str(settings.DATABASES[alias]["NAME"]))
        name.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (name, Path(f"{name}-wal"), Path(f"{name}-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(dump, name)
        return
    args, env = _libpq(alias)
    _postgres_tool("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", *args, str(dump)], env)


def _check(
    manifest: dict[str, Any], keys: dict[str, str], key_settings: dict[str, Path], files: int
) -> Restored:
    # The restored keys, for the audit chains' MACs.
    for setting, path in key_settings.items():
        os.environ[setting] = str(path)
    for variable in ("ONESTOP_DATA_KEYS", "ONESTOP_HASH_KEY", "ONESTOP_AUDIT_KEY", "ONESTOP_AUDIT_HEAD_KEY"):
        os.environ.pop(variable, None)
    settings.ONESTOP_AUDIT_HEAD_KEY_PATH = key_settings["ONESTOP_AUDIT_HEAD_KEY_PATH"]
    crypto.reset_key_cache()
    tables = rows = entries = 0
    for alias, found in manifest["databases"].items():
        counts = _counts(alias)
        if counts != found["rows"]:
            differ = sorted(
                t for t in set(counts) | set(found["rows"]) if counts.get(t) != found["rows"].get(t)
            )
            raise BackupError(f"database {alias!r}: rows differ from the backup's in {', '.join(differ)}")
        audit = _audit(alias)
        if audit != found["audit"]:
            raise BackupError(f"database {alias!r}: the audit log's root differs from the backup's")
        tables, rows, entries = tables + len(counts), rows + sum(counts.values()), entries + audit["entries"]
    if files != manifest["media_files"]:
        raise BackupError(f"{files} uploaded files restored, the backup has {manifest['media_files']}")
    return Restored(tables, rows, files, entries, key_settings)
