"""Writes the demo province through the same actions an operator's import uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from onestop.cases.actions import do_import_case_history
from onestop.catalogue.actions import (
    do_define_life_events,
    do_define_themes,
    do_publish_service_forms,
    do_publish_service_items,
)
from onestop.certificates.access import certificate_types_of
from onestop.certificates.actions import do_define_certificate_types, do_import_certificate
from onestop.core.errors import NotFound
from onestop.exchange.actions import do_publish_data_services
from onestop.identity.actions import AccountSpec, do_load_sandbox_residents, do_provision_account
from onestop.tenancy.access import access_tenant_by_code
from onestop.tenancy.actions import do_create_tenant, do_import_departments, do_import_regions
from onestop_dev.demo.accounts import DEMO_ACTOR, DEMO_PASSWORD, demo_accounts
from onestop_dev.demo.certificates import build_certificate_types
from onestop_dev.demo.exchange import SERVICES
from onestop_dev.demo.forms import build_forms
from onestop_dev.demo.generator import DEFAULT_SEED, DemoProvince, build_province
from onestop_dev.demo.history import build_history
from onestop_dev.demo.partners import load_demo_partner
from onestop_dev.demo.residents import build_residents
from onestop_dev.demo.story import STORY_BUREAU, load_citizen_story

if TYPE_CHECKING:
    from onestop.tenancy.models import Tenant

HISTORY_APPLICANTS = 200


def demo_is_loaded(code: str = "gd") -> bool:
    try:
        access_tenant_by_code(code, public_only=False)
    except NotFound:
        return False
    return True


def load_province(
    province: DemoProvince | None = None,
    *,
    seed: int = DEFAULT_SEED,
    code: str | None = None,
    name: str | None = None,
    name_en: str | None = None,
    kind: str = "province",
    progress: Callable[[int], None] | None = None,
    step: Callable[[str], None] | None = None,
    with_people: bool = True,
    history_cases: int = 3000,
) -> Tenant:
    """Create the demo province as a new tenant. ``code`` and ``name`` give another
    tenant the same data (used by tests for tenant isolation); ``with_people`` adds the
    sandbox registry's residents, the demo accounts, ``history_cases`` past cases and the
    demo citizen's own applications (``story``). ``progress`` is told how many items are
    published, ``step`` what the loader starts next."""
    say = step or (lambda _what: None)
    province = province or build_province(seed)
    tenant = do_create_tenant(
        actor=DEMO_ACTOR,
        code=code or province.code,
        name=name or province.name,
        name_en=name_en if name_en is not None else (province.name_en if name is None else name),
        kind=kind,
        demo=True,
    )
    do_import_regions(actor=DEMO_ACTOR, tenant=tenant, regions=province.regions)
    do_import_departments(actor=DEMO_ACTOR, tenant=tenant, departments=province.departments)
    do_define_themes(actor=DEMO_ACTOR, tenant=tenant, themes=province.themes)
    do_publish_service_items(actor=DEMO_ACTOR, tenant=tenant, items=province.items, progress=progress)
    say("life events, forms, certificate types and data services")
    do_define_life_events(actor=DEMO_ACTOR, tenant=tenant, life_events=province.life_events)
    do_publish_service_forms(actor=DEMO_ACTOR, tenant=tenant, forms=build_forms(province.items))
    do_define_certificate_types(
        actor=DEMO_ACTOR, tenant=tenant, types=build_certificate_types(province.items)
    )
    do_publish_data_services(actor=DEMO_ACTOR, tenant=tenant, services=SERVICES)
    if not with_people:
        return tenant
    residents = build_residents(seed=seed)
    say(f"{len(residents):,} residents of the sandbox population registry")
    do_load_sandbox_residents(actor=DEMO_ACTOR, tenant=tenant, residents=residents)
    say("the demo accounts, the partner and the demo citizen's certificates")
    accounts = [
        do_provision_account(actor=DEMO_ACTOR, tenant=tenant, spec=spec) for _role, spec in demo_accounts()
    ]
    developer = next(a for a in accounts if a.kind == "partner_developer")
    load_demo_partner(developer, tenant)
    # The verified demo citizen's ID card and household register, from the registries.
    kinds = {kind.code: kind for kind in certificate_types_of(tenant)}
    for code in ("id_card", "household_register"):
        do_import_certificate(actor=DEMO_ACTOR, kind=kinds[code], holder=accounts[0], answers={})
    if history_cases:
        say(f"{history_cases:,} past cases of {HISTORY_APPLICANTS} citizens, as the officers decided them")
        # The people behind the history: verified citizens who never log in here.
        normal = [r for r in residents if r.status == "normal"][10:]
        applicants = [
            do_provision_account(
                actor=DEMO_ACTOR,
                tenant=tenant,
                spec=AccountSpec(phone=f"135{n:08d}", password=None, identity=normal[n], demo=True),
            )
            for n in range(HISTORY_APPLICANTS)
        ]
        history = build_history(
            province.items,
            [a.pk for a in applicants],
            today=timezone.localdate(),
            count=history_cases,
            seed=seed,
        )
        do_import_case_history(actor=DEMO_ACTOR, tenant=tenant, histories=history)
    # The demo citizen's own applications, answered by the officer of their bureau.
    say("the demo citizen's own applications")
    officer = next(
        account
        for (_role, spec), account in zip(demo_accounts(), accounts, strict=True)
        if ("officer", STORY_BUREAU) in spec.roles
    )
    load_citizen_story(province, tenant, citizen=accounts[0], officer=officer)
    return tenant


SANDBOX_ITEMS = 60
SANDBOX_CITIZENS = (
    ("13600136001", "测试市民一"),
    ("13600136002", "测试市民二"),
    ("13600136003", "测试市民三"),
)


def load_sandbox(seed: int = DEFAULT_SEED, *, code: str | None = None) -> Tenant:
    """The developer sandbox: a tenant of kind ``sandbox`` with the first demo items, the
    sandbox registry's residents and three verified test citizens (password
    ``Onestop-Demo-2019``), where every partner may try everything on fake data."""
    province = build_province(seed)
    small = replace(province, items=province.items[:SANDBOX_ITEMS], life_events=[])
    tenant = load_province(
        small,
        seed=seed,
        code=code or settings.ONESTOP_SANDBOX_TENANT,
        name="开发者沙箱",
        name_en="Developer sandbox",
        kind="sandbox",
        with_people=False,
    )
    residents = build_residents(seed=seed)
    do_load_sandbox_residents(actor=DEMO_ACTOR, tenant=tenant, residents=residents)
    normal = [r for r in residents if r.status == "normal"]
    for (phone, label), resident in zip(SANDBOX_CITIZENS, normal, strict=False):
        do_provision_account(
            actor=DEMO_ACTOR,
            tenant=tenant,
            spec=AccountSpec(
                phone=phone, password=DEMO_PASSWORD, display_name=label, identity=resident, demo=True
            ),
        )
    return tenant
