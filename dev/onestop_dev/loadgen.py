"""The seed hub's scale in one tenant, for `onestop loadgen` and the benchmark: real-name
citizens, cases and, for catalogue search at scale, the items as each county and its
towns implement them (a province's catalogue grows that way: one item, many local
implementations)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from onestop.catalogue.access import catalogue_specs, published_items
from onestop.catalogue.actions import do_publish_service_items
from onestop.catalogue.specs import ServiceItemSpec
from onestop.identity.access import citizens_of
from onestop.tenancy.access import regions_for_tenant
from onestop_dev.bulk.cases import add_cases
from onestop_dev.bulk.citizens import add_citizens
from onestop_dev.demo.accounts import DEMO_ACTOR

if TYPE_CHECKING:
    from onestop.tenancy.models import Tenant

TOWNS = ("", "城关镇", "东城街道", "西城街道")
ITEMS_PER_ACTION = 2_000
LOCAL_CODE = re.compile(r"-\d{6}-\d$")  # <provincial code>-<county>-<town>

Progress = Callable[[int], None]


def local_items(tenant: Tenant, wanted: int) -> list[ServiceItemSpec]:
    """Up to ``wanted`` local implementations of the tenant's provincial items that it
    does not have yet: for each county (then each of its towns), every item."""
    _themes, items, _events, _forms = catalogue_specs(tenant)
    bases = [i for i in items if not LOCAL_CODE.search(i.code)]
    counties = list(regions_for_tenant(tenant).filter(level="county").order_by("code"))
    have = set(published_items(tenant).values_list("code", flat=True))
    specs: list[ServiceItemSpec] = []
    for round_, town in enumerate(TOWNS):
        for county in counties:
            for base in bases:
                code = f"{base.code}-{county.code}-{round_}"
                if code in have:
                    continue
                if len(specs) >= wanted:
                    return specs
                specs.append(
                    replace(
                        base,
                        code=code,
                        name=f"{county.name}{town}{base.name}"[:128],
                        name_en=f"{base.name_en} ({county.name_en}{', town ' + str(round_) if round_ else ''})"[
                            :200
                        ],
                        exercise_level="county",
                        themes=(),
                        popularity=max(0, base.popularity // 20),
                    )
                )
    return specs


def grow_catalogue(tenant: Tenant, total: int, progress: Progress | None = None) -> int:
    """Publish local implementations until the tenant has ``total`` published items."""
    missing = total - published_items(tenant).count()
    if missing <= 0:
        return 0
    specs = local_items(tenant, missing)
    for start in range(0, len(specs), ITEMS_PER_ACTION):
        batch = specs[start : start + ITEMS_PER_ACTION]
        do_publish_service_items(actor=DEMO_ACTOR, tenant=tenant, items=batch)
        if progress:
            progress(len(batch))
    return len(specs)


def load(
    tenant: Tenant,
    *,
    users: int,
    cases: int,
    today: date,
    seed: int,
    workers: int | None,
    batch: int,
    progress: Callable[[str, int], Progress],
) -> None:
    applicants = None
    if users:
        applicants = add_citizens(
            tenant, users, seed=seed, workers=workers, chunk_size=batch, progress=progress("citizens", users)
        )
    if cases:
        pool = (
            applicants if applicants is not None else list(citizens_of(tenant).values_list("id", flat=True))
        )
        add_cases(
            tenant,
            cases,
            pool,
            seed=seed,
            today=today,
            workers=workers,
            chunk_size=batch,
            progress=progress("cases", cases),
        )
