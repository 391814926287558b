"""Synthetic real-name citizens in bulk, for `onestop loadgen` (never for real people).

Each citizen is stored exactly as registration and verification store one (``User.take_phone``
and ``take_identity``): phone, name and ID number encrypted, keyed hashes to find them,
masked forms to show, trust level L3.
Everything is derived from the account's id and the seed, so a citizen is the same on
every run and no two collide: the phone numbers of a load are 199 followed by the load's
ids in eight digits, handed out in the order of the login keys they make (so that the
unique login-key index grows at its end, like the table, instead of everywhere at once);
the ID number is a well-formed GB 11643 number of a county of the tenant, its birth day
and sequence taken from the id. They have no usable password (a password starting with "!": they cannot log in).
"""

from __future__ import annotations

import random
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from onestop.core.trust import TrustLevel
from onestop.identity.idnumber import make_id_number
from onestop.identity.models import AccountKind, User, id_number_hash
from onestop.messaging.phones import phone_hash
from onestop.tenancy.access import regions_for_tenant
from onestop.tenancy.models import Tenant
from onestop_dev.bulk import loading

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华玉兰萍鹏辉建国红梅志飞宇浩晨欣怡子轩雨涵梓萱思远嘉俊佳琪婷晓东海燕文博泽宁慧颖"
MAX_ID = 99_999_999  # the phone number has eight digits for it
BIRTH_DAYS = 20_000  # birth days from 1950 on: about 55 years
FIRST_BIRTH_DAY = date(1950, 1, 1)


def synthetic_phone(user_id: int) -> str:
    return f"199{user_id:08d}"


def synthetic_id_number(user_id: int, counties: list[str], shift: int = 0) -> str:
    """Unique for up to 20 million accounts (1,000 sequences a day over 20,000 days); a
    ``shift`` moves it to another county, away from a number somebody already has."""
    sequence, rest = user_id % 1000, user_id // 1000
    birth = FIRST_BIRTH_DAY + timedelta(days=rest % BIRTH_DAYS)
    return make_id_number(counties[(rest // BIRTH_DAYS + shift) % len(counties)], birth, sequence)


@dataclass(frozen=True)
class CitizenPlan:
    tenant_id: int
    tenant_code: str
    first_id: int
    counties: list[str]
    seed: int
    joined: list[datetime]  # date_joined values to take in turn
    taken: frozenset[str] = frozenset()  # ID number hashes the tenant's accounts already have
    phones: Sequence[int] = ()  # the phone number of each account of the load (else its id)

    def rows(self, start: int, count: int) -> list[loading.Row]:
        rows = []
        rng = random.Random(self.seed * 1_000_003 + self.first_id + start)
        for user_id in range(self.first_id + start, self.first_id + start + count):
            phone = synthetic_phone(self.phones[user_id - self.first_id] if self.phones else user_id)
            number, shift = synthetic_id_number(user_id, self.counties), 0
            id_hash = id_number_hash(number)
            while id_hash in self.taken:
                shift += 1
                number = synthetic_id_number(user_id, self.counties, shift)
                id_hash = id_number_hash(number)
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
            joined = self.joined[user_id % len(self.joined)]
            user = User(
                id=user_id,
                password=f"!{user_id}",
                tenant_id=self.tenant_id,
                kind=AccountKind.CITIZEN,
                trust_level=TrustLevel.L3,
                verified_at=joined,
                date_joined=joined,
            )
            user.take_phone(phone, tenant_code=self.tenant_code)
            user.take_identity(name, number)
            rows.append(loading.row_of(user))
        return rows


def phones_in_key_order(first_id: int, count: int, workers: int | None = None) -> array[int]:
    """The numbers (as in ``synthetic_phone``) of ``range(first_id, first_id + count)``
    sorted by the login key each makes: given to consecutive ids, they make ids and login
    keys grow together, and every batch writes to the end of both indexes."""

    def keys(start: int, n: int) -> list[int]:
        # The first 64 bits of the key's hash, then the position: ties keep their order.
        return [
            (int(phone_hash(synthetic_phone(first_id + k))[:16], 16) << 32) | k
            for k in range(start, start + n)
        ]

    ordered: list[int] = []
    for part in loading.build_in_parallel(keys, count, 250_000, workers):  # type: ignore[arg-type]
        ordered.extend(part)  # type: ignore[arg-type]
    ordered.sort()
    return array("Q", (first_id + (key & 0xFFFFFFFF) for key in ordered))


def add_citizens(
    tenant: Tenant,
    count: int,
    *,
    seed: int = 2019,
    chunk_size: int = 20_000,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> range:
    """Add ``count`` synthetic L3 citizens to ``tenant``; returns their ids."""
    first_id = loading.next_id(User)
    if first_id + count - 1 > MAX_ID:
        raise ValueError(f"at most {MAX_ID} accounts in all")
    counties = list(
        regions_for_tenant(tenant).filter(level="county").order_by("code").values_list("code", flat=True)
    )
    if not counties:
        raise ValueError(f"tenant {tenant.code} has no counties")
    now = timezone.now()
    joined = [now - timedelta(minutes=7 * k) for k in range(1, 150_000)]
    taken = frozenset(
        User.objects.filter(tenant=tenant).exclude(id_number_hash="").values_list("id_number_hash", flat=True)
    )
    phones = phones_in_key_order(first_id, count, workers)
    plan = CitizenPlan(tenant.pk, tenant.code, first_id, counties, seed, joined, taken, phones)
    loading.load_table(
        User,
        loading.columns_of(User),
        plan.rows,
        count,
        chunk_size=chunk_size,
        workers=workers,
        progress=progress,
    )
    return range(first_id, first_id + count)
