"""`onestop loadgen`: synthetic citizens and cases stored exactly as real ones, on both
databases, numbered so that later submissions never collide, and the catalogue grown by
local implementations that search finds."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from onestop.cases.access import cases_of_applicant
from onestop.cases.models import Case, CaseSequence
from onestop.catalogue.access import ServiceQuery, published_items, search_service_items
from onestop.core.crypto import decrypt, keyed_hash
from onestop.identity.idnumber import parse_id_number
from onestop.identity.models import AccountKind, User
from onestop.messaging.phones import phone_hash
from onestop.tenancy.models import Tenant
from onestop_dev.bulk import loading
from onestop_dev.bulk.cases import CasePlan
from onestop_dev.bulk.citizens import CitizenPlan, phones_in_key_order, synthetic_id_number

pytestmark = pytest.mark.django_db


def test_loadgen_adds_real_name_citizens_and_their_cases() -> None:
    tenant = Tenant.objects.get(code="gd")
    users_before, cases_before = User.objects.count(), Case.objects.count()
    first_id = loading.next_id(User)

    handler = signal.getsignal(signal.SIGTERM)
    call_command("loadgen", tenant="gd", users=300, cases=700, workers=2, verbosity=0)
    # The command's SIGTERM handler ends with it: forked later, other code's workers would
    # inherit it (and outlive the SIGTERM their pool ends them with).
    assert signal.getsignal(signal.SIGTERM) is handler

    citizens = list(User.objects.filter(pk__gte=first_id).order_by("pk"))
    assert len(citizens) == 300 and User.objects.count() == users_before + 300
    id_hashes, phones = set(), set()
    for user in citizens:
        phone = decrypt(user.phone_encrypted)
        number = decrypt(user.id_number_encrypted)
        phones.add(phone)
        assert user.login_key == f"gd:{phone_hash(phone)}" and user.phone_hash == phone_hash(phone)
        assert parse_id_number(number).value == number  # a well-formed GB 11643 number
        assert user.id_number_hash == keyed_hash("id-number", number)
        assert user.id_number_masked[:2] == number[:2] and "*" in user.id_number_masked
        assert 2 <= len(decrypt(user.real_name_encrypted)) <= 3
        assert (user.tenant_id, user.kind, user.trust_level) == (tenant.pk, AccountKind.CITIZEN, 3)
        assert not user.has_usable_password()
        id_hashes.add(user.id_number_hash)
    assert len(id_hashes) == 300
    # The load's own numbers, handed out so that login keys grow with ids.
    assert phones == {f"199{user.pk:08d}" for user in citizens}
    assert [u.login_key for u in citizens] == sorted(u.login_key for u in citizens)

    cases = list(Case.objects.filter(tenant=tenant).order_by("-pk")[:700])
    assert Case.objects.count() == cases_before + 700
    assert {c.applicant_id for c in cases} <= {u.pk for u in citizens}
    assert len({c.number for c in cases}) == 700
    assert Counter(c.state for c in cases)["concluded"] > 400  # most older cases are done
    # Stored as the actions store a case: a running clock has its due day, a closed case none.
    running = [c for c in cases if c.state in ("received", "accepted", "under_review")]
    assert all(c.due_on and c.due_on >= c.received_on for c in running)
    assert all(c.due_on is None for c in cases if c.state in ("concluded", "withdrawn", "not_accepted"))
    # The day's counter is past every loaded number: the next real submission is new.
    for case in cases[:50]:
        last = CaseSequence.objects.get(tenant=tenant, day=case.received_on).last
        assert int(case.number[-5:]) <= last
    # A loaded citizen sees their cases as "my applications".
    owner = User.objects.get(pk=cases[0].applicant_id)
    assert cases[0] in list(cases_of_applicant(tenant, owner))
    # New accounts and cases made afterwards get fresh ids.
    assert User.objects.create(login_key="gd:after-load", phone_encrypted="x").pk > citizens[-1].pk


def test_the_same_rows_whether_built_by_workers_or_not() -> None:
    now = timezone.now()
    phones = phones_in_key_order(10_000, 90, workers=2)
    assert phones == phones_in_key_order(10_000, 90, workers=0)
    assert sorted(phones) == list(range(10_000, 10_090))
    citizens = CitizenPlan(1, "gd", 10_000, ["440103", "440104"], 7, [now], phones=phones)
    parallel = [row for rows in loading.build_in_parallel(citizens.rows, 90, 25, workers=2) for row in rows]
    alone = [row for rows in loading.build_in_parallel(citizens.rows, 90, 25, workers=0) for row in rows]
    # Encryption is randomised (Fernet): compare what the rows say, not their ciphertext.
    columns = loading.columns_of(User)
    encrypted = {columns.index(c) for c in ("phone_encrypted", "real_name_encrypted", "id_number_encrypted")}
    plain = [[decrypt(v) if i in encrypted else v for i, v in enumerate(r)] for r in parallel]
    assert plain == [[decrypt(v) if i in encrypted else v for i, v in enumerate(r)] for r in alone]
    assert sorted(r[columns.index("id")] for r in parallel) == list(range(10_000, 10_090))


def _signal_dispositions(start: int, count: int) -> list[tuple[bool, bool]]:
    default = [signal.getsignal(s) is signal.SIG_DFL for s in (signal.SIGTERM, signal.SIGINT)]
    return [(default[0], default[1])] * count


def test_row_building_workers_die_of_sigterm_whatever_their_parent_handles() -> None:
    before = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        built = [
            row for rows in loading.build_in_parallel(_signal_dispositions, 4, 2, workers=2) for row in rows
        ]
    finally:
        signal.signal(signal.SIGTERM, before)
    assert built == [(True, True)] * 4  # SIGTERM and SIGINT as a plain process has them


def test_case_numbers_continue_the_days_sequence() -> None:
    from onestop.workdays.calendar import WorkCalendar

    day = date(2026, 3, 2)
    plan = CasePlan(
        tenant_id=1,
        prefix="GD",
        first_id=1,
        applicants=range(1, 4),
        days=[day],
        base={day: 41},
        items=[(1, 1, 1, 1, 10)],
        cumulative=[1],
        today=date(2026, 11, 1),
        seed=1,
        calendar=WorkCalendar.from_entries(),
    )
    number = loading.columns_of(Case).index("number")
    numbers = [row[number] for row in plan.rows(0, 3)]
    assert numbers == ["GD2026030200042", "GD2026030200043", "GD2026030200044"]


def test_the_last_two_weeks_cases_are_open_with_their_clocks_running() -> None:
    from onestop.workdays.calendar import WorkCalendar

    today = date(2026, 11, 2)
    plan = CasePlan(
        tenant_id=1,
        prefix="GD",
        first_id=1,
        applicants=range(1, 4),
        days=[today - timedelta(days=3)],
        base={},
        items=[(1, 1, 1, 1, 10)],
        cumulative=[1],
        today=today,
        seed=1,
        calendar=WorkCalendar.from_entries(),
    )
    columns = loading.columns_of(Case)
    rows = [dict(zip(columns, row, strict=True)) for row in plan.rows(0, 30)]
    assert {row["state"] for row in rows} == {"received", "accepted", "under_review"}
    assert all(row["due_on"] for row in rows)
    # Unanswered, the decision's due day should the case count as accepted on receipt.
    assert all(bool(row["deemed_due_on"]) == (row["state"] == "received") for row in rows)


def test_the_catalogue_grows_by_local_implementations_that_search_finds() -> None:
    tenant = Tenant.objects.get(code="gd")
    before = published_items(tenant).count()
    call_command("loadgen", tenant="gd", users=0, cases=0, items=before + 30, verbosity=0)
    assert published_items(tenant).count() == before + 30
    local = published_items(tenant).filter(code__contains="-").order_by("code").first()
    assert local is not None and local.exercise_level == "county"
    found = search_service_items(tenant, ServiceQuery(q=local.name, page_size=50))
    assert local.code in [item.code for item in found.items]


def test_an_unknown_tenant_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="No tenant 'nowhere'"):
        call_command("loadgen", tenant="nowhere", users=1, cases=0, verbosity=0)


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite's own path: workers write")
def test_on_sqlite_the_workers_write_their_own_batches(tmp_path: Path) -> None:
    """Outside a transaction the workers take turns at SQLite's write lock: a real run in
    its own database file, checked afterwards with SQLite itself."""
    _load_in_a_subprocess(tmp_path)
    database = sqlite3.connect(tmp_path / "onestop.sqlite3")
    indexes = {name for (name,) in database.execute("select name from sqlite_master where type = 'index'")}
    _check_the_load(lambda sql, *params: database.execute(sql.replace("%s", "?"), params).fetchone(), indexes)
    assert database.execute("pragma integrity_check").fetchone() == ("ok",)
    assert database.execute("pragma foreign_key_check").fetchall() == []


def _check_the_load(one: Callable[..., Any], indexes: set[str]) -> None:
    """What both databases must hold after the subprocess load: every citizen and case,
    distinct, and the indexes set aside for the load made again."""
    (tenant,) = one("select id from tenancy_tenant where code = 'sandbox'")
    citizens = one(
        "select count(*), count(distinct id_number_hash) from identity_user"
        " where tenant_id = %s and phone_masked like %s and trust_level = 3",
        tenant,
        "199%",
    )
    assert tuple(citizens) == (4500, 4500)
    cases = one("select count(*), count(distinct number) from cases_case where tenant_id = %s", tenant)
    assert tuple(cases) == (5200, 5200)
    assert {
        "case_applicant_idx",
        "case_queue_idx",
        "user_trust_idx",
        "one_account_per_person_per_tenant",
    } <= indexes


@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="PostgreSQL's own path")
def test_on_postgresql_the_workers_copy_their_own_batches(tmp_path: Path) -> None:
    """Outside a transaction each worker COPYs its batches on its own connection: a real
    run into a database of its own, its foreign keys and indexes made again after."""
    import psycopg

    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = f"onestop_loadgen_{os.getpid()}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    try:
        _load_in_a_subprocess(tmp_path, database_url=f"{base}/{name}")
        with psycopg.connect(f"{base}/{name}") as database:
            indexes = {name for (name,) in database.execute("select indexname from pg_indexes")}
            _check_the_load(lambda sql, *params: database.execute(sql, params).fetchone(), indexes)
            keys = database.execute(
                "select count(*) from pg_constraint where conrelid = 'cases_case'::regclass and contype = 'f'"
            ).fetchone()
            assert keys is not None and keys[0] >= 4  # tenant, item, department, applicant, ...
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _load_in_a_subprocess(var: Path, *, database_url: str = "") -> None:
    env = {
        **os.environ,
        "ONESTOP_VAR_DIR": str(var),
        "ONESTOP_ANALYTICS_BACKGROUND": "0",
        "DATABASE_URL": database_url,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    cli = str(Path(sys.executable).with_name("onestop"))
    subprocess.run([cli, "migrate", "--no-input", "-v", "0"], env=env, check=True)
    subprocess.run(
        [cli, "shell", "-c", "from onestop_dev.demo.loader import load_sandbox; load_sandbox()"],
        env=env,
        check=True,
    )
    subprocess.run(
        [
            cli,
            "loadgen",
            "--tenant",
            "sandbox",
            "--users",
            "4500",
            "--cases",
            "5200",
            "--batch",
            "1000",
            "--workers",
            "2",
            "-v",
            "0",
        ],
        env=env,
        check=True,
    )


def test_a_synthetic_id_number_somebody_has_is_moved_to_another_county() -> None:
    now = timezone.now()
    counties = ["440103", "440104", "440105"]
    taken = frozenset({keyed_hash("id-number", synthetic_id_number(500, counties))})
    plan = CitizenPlan(1, "gd", 500, counties, 7, [now], taken)
    (row,) = plan.rows(0, 1)
    columns = loading.columns_of(User)
    assert row[columns.index("id_number_hash")] not in taken
    assert decrypt(row[columns.index("id_number_encrypted")]) == synthetic_id_number(500, counties, shift=1)


LOAD_UNDER_A_SIGTERM_HANDLER = """
import signal, sys, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.utils import timezone
from onestop_dev.bulk import loading
from onestop.workdays.models import CalendarYear
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # as `onestop loadgen` does

def build(start, count):
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        raise RuntimeError("a worker kept the command's SIGTERM handler")
    now = loading.db_datetime(timezone.now())
    return [(2000 + start + i, now, "test") for i in range(count)]

loading.load(CalendarYear, ["year", "entered_at", "entered_by"], build, 60, chunk_size=10, workers=2)
print(CalendarYear.objects.count())
"""


def test_loading_workers_die_of_sigterm_whatever_the_command_handles(tmp_path: Path) -> None:
    """The pool ends its workers with SIGTERM. A worker that kept the command's Python
    handler (loadgen rebuilds indexes on SIGTERM) could outlive it: the handler runs only
    in the main thread, and a worker blocked on the pool's queue lock while a database
    pool thread took the signal waited for ever, and the load with it (seen once on a busy
    machine, on PostgreSQL)."""
    env = {
        **os.environ,
        "ONESTOP_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "onestop.settings",
    }
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", LOAD_UNDER_A_SIGTERM_HANDLER],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("60")
