"""Slowing down the guessing of passwords and codes with growing delays, never a lock
(OWASP: Authentication Cheat Sheet, "Blocking Brute Force Attacks"; Credential Stuffing
Prevention Cheat Sheet).

Failures are counted per key in hourly windows; a key's failures are those of the current
hour and the one before. Each kind of key follows a ``Schedule``: its first ``free``
failures cost nothing; after them the next evaluation waits ``first_wait`` seconds after
the last failure, twice as long after each further failure, never longer than
``longest_wait``. Someone who mistyped waits seconds, a guesser slows to one try per
``longest_wait``, and two quiet hours forget everything.

What holds a login attempt back (``login_counters``):

- its account and address together: the brake on one guesser;
- its account alone (passwords only), so that many addresses together gain little;
- its address alone: a generous guard against one address trying many accounts, which
  never applies to an account that has logged in from that address before
  (``KnownAddress``), so a carrier's NAT or an office full of others' failures still lets
  its regulars in;
- from a known device (a signed cookie given at a successful login, ``identity.devices``):
  that device's own counter only, so that its owner logs in while guesses from elsewhere
  hold the account's password back. Codes are counted apart from passwords: password
  guesses never hold back a login with an SMS code.

An attempt takes its turn (``take_turn``) before anything is evaluated: the waits are
checked and the attempt counted as a failure in one transaction, so parallel attempts
cannot all slip through before the first failure is counted; a success gives the turn
back (``login_succeeded``). A refused turn counts nothing and evaluates nothing. Unknown
numbers are counted exactly like known ones: the answers never tell whether a number has
an account.

Counters live in the tenant's database so that every server process sees the same
numbers. Keys are keyed hashes; an IPv6 address counts by its /64 network, which one
subscriber holds whole.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, Max, Sum
from django.utils import timezone

from onestop.core import databases
from onestop.core.crypto import keyed_hash
from onestop.identity.models import KnownAddress, ThrottleCounter
from onestop.tenancy.models import Tenant

HOUR = timedelta(hours=1)
KNOWN_ADDRESS_LIFETIME = timedelta(days=180)


@dataclass(frozen=True, slots=True)
class Schedule:
    free: int  # failures in the window that cost no wait
    first_wait: int  # seconds, after the first failure beyond the free ones
    longest_wait: int  # seconds
    cleared_by_success: bool  # a success forgets the key; otherwise it gives its turn back

    def wait(self, failures: int, last: datetime, now: datetime) -> int:
        """Whole seconds still to wait after ``failures`` failures, the last at ``last``."""
        if failures < self.free:
            return 0
        delay = min(self.longest_wait, self.first_wait * 2 ** min(failures - self.free, 32))
        return max(0, math.ceil((last + timedelta(seconds=delay) - now).total_seconds()))


# One address guessing one account: five tries, then 1 s, 2 s, 4 s ... up to 15 minutes:
# fewer than 20 tries an hour, however fast it asks.
PAIR = Schedule(free=5, first_wait=1, longest_wait=15 * 60, cleared_by_success=True)
# Many addresses guessing one account. Above what one address can try in two hours, so a
# single guesser never slows the account down for its owner elsewhere.
ACCOUNT = Schedule(free=30, first_wait=1, longest_wait=15 * 60, cleared_by_success=False)
# One address trying many accounts: generous, and a minute at most.
ADDRESS = Schedule(free=100, first_wait=1, longest_wait=60, cleared_by_success=False)
# A known device: its owner's own mistakes only.
DEVICE = Schedule(free=10, first_wait=1, longest_wait=15 * 60, cleared_by_success=True)
# Code requests from one address (each an SMS): every request counts, not only failures.
CODE_REQUESTS = Schedule(free=30, first_wait=1, longest_wait=60, cleared_by_success=False)

_METHOD_TAGS = {"password": "pw", "sms_code": "code"}


@dataclass(frozen=True, slots=True)
class Counter:
    key: str
    schedule: Schedule


def throttle_key(kind: str, value: str) -> str:
    return f"{kind}:{keyed_hash('throttle', value)[:64]}"


def address_scope(address: str | None) -> str:
    """The part of an address that counts: all of an IPv4 address, the /64 network of an
    IPv6 one (a subscriber gets at least a /64 and may use any address in it)."""
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return address or ""
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def _account(tenant: Tenant, number: str) -> str:
    return f"{tenant.code}:{number}"


def _place(tenant: Tenant, address: str | None) -> str:
    # Per tenant, like everything here: the same wherever the tenant's database is.
    return f"{tenant.code}|{address_scope(address)}"


def _known_key(tenant: Tenant, number: str, address: str | None) -> str:
    return throttle_key("known", f"{_account(tenant, number)}|{_place(tenant, address)}")


def login_counters(
    *, tenant: Tenant, number: str, address: str | None, method: str, device: str | None
) -> list[Counter]:
    """The counters that hold back a login by ``method`` ("password" or "sms_code"); with
    ``device`` (the id of a valid device cookie of this account), that device's only."""
    if device is not None:
        return [Counter(throttle_key("device", device), DEVICE)]
    tag, account = _METHOD_TAGS[method], _account(tenant, number)
    counters = [Counter(throttle_key(f"{tag}-pair", f"{account}|{_place(tenant, address)}"), PAIR)]
    if method == "password":
        counters.append(Counter(throttle_key(f"{tag}-account", account), ACCOUNT))
    known = KnownAddress.objects.filter(
        tenant=tenant,
        key=_known_key(tenant, number, address),
        last_login_at__gte=timezone.now() - KNOWN_ADDRESS_LIFETIME,
    ).exists()
    if not known:
        counters.append(Counter(throttle_key(f"{tag}-address", _place(tenant, address)), ADDRESS))
    return counters


def code_request_counters(tenant: Tenant, address: str | None) -> list[Counter]:
    return [Counter(throttle_key("code-request", _place(tenant, address)), CODE_REQUESTS)]


def _window(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def take_turn(counters: Sequence[Counter]) -> int:
    """Count an attempt against every counter and answer 0; or, while any of them asks
    for a wait, count nothing and answer the longest wait in seconds."""
    now = timezone.now()
    current = _window(now)
    keys = sorted({counter.key for counter in counters})
    recent = ThrottleCounter.objects.filter(key__in=keys, window_start__gte=current - HOUR)
    with databases.atomic():
        # Lock the rows there are (SQLite's IMMEDIATE transactions already run one at a
        # time), then read again: a turn another process took meanwhile is seen.
        list(recent.select_for_update().order_by("key", "window_start").values_list("pk"))
        seen = {
            row["key"]: (row["failures"], row["last"])
            for row in recent.values("key").annotate(failures=Sum("count"), last=Max("last_at"))
        }
        wait = max(
            (counter.schedule.wait(*seen[counter.key], now) for counter in counters if counter.key in seen),
            default=0,
        )
        if wait:
            return wait
        for key in keys:
            row, created = ThrottleCounter.objects.get_or_create(
                key=key, window_start=current, defaults={"count": 1, "last_at": now}
            )
            if not created:
                ThrottleCounter.objects.filter(pk=row.pk).update(count=F("count") + 1, last_at=now)
    return 0


def login_succeeded(counters: Sequence[Counter], *, tenant: Tenant, number: str, address: str | None) -> None:
    """After a successful login (inside its transaction): the pair and the device forget
    their failures, the account and the address get the turn back, and the address is
    known to the account from now on."""
    for counter in counters:
        rows = ThrottleCounter.objects.filter(key=counter.key)
        if counter.schedule.cleared_by_success:
            rows.delete()
            continue
        newest = rows.filter(count__gt=0).order_by("-window_start").values_list("pk", flat=True)
        ThrottleCounter.objects.filter(pk__in=list(newest[:1])).update(count=F("count") - 1)
    KnownAddress.objects.of(tenant).update_or_create(
        key=_known_key(tenant, number, address),
        defaults={"tenant": tenant, "last_login_at": timezone.now()},
    )


def forget_old_counters() -> int:
    """Delete counters older than the two hours that are looked at, and addresses no
    login has come from for ``KNOWN_ADDRESS_LIFETIME``; the number of rows deleted."""
    now = timezone.now()
    counters, _ = ThrottleCounter.objects.filter(window_start__lt=_window(now) - 2 * HOUR).delete()
    known, _ = (
        KnownAddress.objects.platform_wide().filter(last_login_at__lt=now - KNOWN_ADDRESS_LIFETIME).delete()
    )
    return counters + known
