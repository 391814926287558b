"""The documented demo accounts, one per role. Demo data only: never use these anywhere
else. `onestop demo` prints them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from onestop.core.actors import Actor
from onestop.identity.access import verified_id_numbers
from onestop.identity.actions import AccountSpec
from onestop_dev.demo.residents import build_residents

if TYPE_CHECKING:
    from onestop.tenancy.models import Tenant

DEMO_PASSWORD = "Onestop-Demo-2019"  # noqa: S105 - the documented demo password
DEMO_ACTOR = Actor.system("demo loader")  # who writes every piece of the demo


def demo_accounts() -> list[tuple[str, AccountSpec]]:
    residents = [r for r in build_residents() if r.status == "normal"]
    return [
        (
            "citizen, verified L3",
            AccountSpec(phone="13800138000", password=DEMO_PASSWORD, demo=True, identity=residents[0]),
        ),
        (
            "citizen, new (L1): verify with a demo resident below",
            AccountSpec(phone="13800138001", password=DEMO_PASSWORD, demo=True),
        ),
        (
            "officer, Guangzhou human resources and social security bureau",
            AccountSpec(
                phone="13900139001",
                password=DEMO_PASSWORD,
                demo=True,
                kind="staff",
                display_name="陈科员",
                roles=(("officer", "440100-rs"),),
            ),
        ),
        (
            "department head, Guangzhou human resources and social security bureau",
            AccountSpec(
                phone="13900139002",
                password=DEMO_PASSWORD,
                demo=True,
                kind="staff",
                display_name="黄处长",
                roles=(("department_head", "440100-rs"),),
            ),
        ),
        (
            "tenant operator",
            AccountSpec(
                phone="13900139003",
                password=DEMO_PASSWORD,
                demo=True,
                kind="staff",
                display_name="林运营",
                roles=(("tenant_operator", ""),),
            ),
        ),
        (
            "platform operator",
            AccountSpec(
                phone="13900139009",
                password=DEMO_PASSWORD,
                demo=True,
                kind="platform_operator",
                display_name="平台运维",
                roles=(("platform_operator", ""),),
            ),
        ),
        (
            "partner developer",
            AccountSpec(
                phone="13700137001",
                password=DEMO_PASSWORD,
                demo=True,
                kind="partner_developer",
                display_name="伙伴开发者",
            ),
        ),
    ]


def sample_residents(count: int = 3) -> list[tuple[str, str]]:
    """Residents no demo account uses, to try verification with."""
    residents = [r for r in build_residents() if r.status == "normal"]
    return [(r.name, r.id_number) for r in residents[1 : 1 + count]]


def residents_to_verify_with(tenant: Tenant, count: int = 3) -> list[tuple[str, str]]:
    """The first residents of the sandbox registry whose ID number no account of the
    tenant holds yet: one person has one account, so these are the ones a new account
    can still verify with (run on the tenant's database)."""
    residents = [r for r in build_residents() if r.status == "normal"]
    free: list[tuple[str, str]] = []
    for start in range(0, len(residents), 4 * count):
        batch = residents[start : start + 4 * count]
        held = verified_id_numbers(tenant, [r.id_number for r in batch])
        free += [(r.name, r.id_number) for r in batch if r.id_number not in held]
        if len(free) >= count:
            break
    return free[:count]
