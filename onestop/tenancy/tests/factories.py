"""A small tenant for tests that need one, written through the same actions as an
operator's import: a province, one city, one county and the human resources bureau of
each (department codes ``gd-rs``, ``440100-rs``, ``440106-rs``, as the demo's)."""

from __future__ import annotations

import itertools

from onestop.core.actors import Actor
from onestop.tenancy.actions import do_create_tenant, do_import_departments, do_import_regions
from onestop.tenancy.models import Tenant
from onestop.tenancy.specs import DepartmentSpec, RegionSpec

FACTORY = Actor.system("test factories")
PROVINCE, CITY, COUNTY = "440000", "440100", "440106"
_codes = itertools.count(1)


def make_tenant(code: str | None = None, *, kind: str = "province") -> Tenant:
    code = code or f"t{next(_codes)}"
    tenant = do_create_tenant(
        actor=FACTORY, code=code, name=f"测试省{code}", name_en=f"Test {code}", kind=kind
    )
    do_import_regions(
        actor=FACTORY,
        tenant=tenant,
        regions=[
            RegionSpec(PROVINCE, "测试省", "province", name_en="Test province"),
            RegionSpec(CITY, "测试市", "city", PROVINCE, name_en="Test city"),
            RegionSpec(COUNTY, "测试区", "county", CITY, name_en="Test county"),
        ],
    )
    do_import_departments(
        actor=FACTORY,
        tenant=tenant,
        departments=[
            DepartmentSpec("gd-rs", "测试省人力资源社会保障厅", "rs", PROVINCE, name_en="Test HR department"),
            DepartmentSpec(
                f"{CITY}-rs", "测试市人力资源社会保障局", "rs", CITY, name_en="Test city HR bureau"
            ),
            DepartmentSpec(
                f"{COUNTY}-rs", "测试区人力资源社会保障局", "rs", COUNTY, name_en="Test county HR bureau"
            ),
        ],
    )
    return tenant
