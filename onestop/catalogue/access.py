"""Reads of the catalogue, always within one tenant.

An item, theme or life event of another tenant answers exactly like one that does not
exist. Lists are built with a fixed number of queries whatever their length.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onestop.catalogue import search, search_index
from onestop.catalogue.error_codes import CatalogueErrorCode
from onestop.catalogue.models import (
    Audience,
    ItemStatus,
    LifeEvent,
    Material,
    ProcessStep,
    ServiceForm,
    ServiceItem,
    Theme,
)
from onestop.catalogue.specs import (
    LifeEventSpec,
    MaterialSpec,
    PlaceSpec,
    ServiceItemSpec,
    StepSpec,
    ThemeSpec,
)
from onestop.core import generations
from onestop.core.errors import NotFound, ValidationFailed
from onestop.tenancy.access import departments_for_tenant
from onestop.tenancy.models import Department, Tenant

T = TypeVar("T")
MAX_QUERY_LENGTH = 100
MAX_PAGE_SIZE = 100


def published_items(tenant: Tenant) -> QuerySet[ServiceItem]:
    return ServiceItem.objects.filter(tenant=tenant, status=ItemStatus.PUBLISHED)


def access_service_item(tenant: Tenant, code: str) -> ServiceItem:
    """One published item with everything its guide shows: read in five queries, then
    kept until the catalogue changes (``cached_until_changed``; every submission and
    every guide reads it)."""

    def read() -> ServiceItem | bool:
        found = (
            published_items(tenant)
            .filter(code=code)
            .select_related("tenant", "department", "department__region")
            .prefetch_related(
                Prefetch("materials", queryset=Material.objects.of(tenant).order_by("order")),
                Prefetch("steps", queryset=ProcessStep.objects.of(tenant).order_by("order")),
                Prefetch("themes", queryset=Theme.objects.of(tenant).order_by("order")),
            )
            .first()
        )
        return found if found is not None else False  # a miss is kept too (None is "not cached")

    asked = hashlib.sha256(code.encode(errors="replace")).hexdigest()[:32]
    item = cached_until_changed(tenant, f"item:{asked}", read)
    if not item:
        raise NotFound(CatalogueErrorCode.SERVICE_ITEM_NOT_FOUND, _("No such service item."))
    return cast(ServiceItem, item)


@dataclass(frozen=True, slots=True)
class ServiceQuery:
    q: str = ""
    department: str = ""
    theme: str = ""
    zero_trip: bool | None = None
    audience: str = ""
    page: int = 1
    page_size: int = 20


@dataclass(frozen=True, slots=True)
class ServicePage:
    query: ServiceQuery
    count: int
    items: list[ServiceItem]
    department: Department | None = None
    theme: Theme | None = None

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.query.page_size))

    @property
    def has_next(self) -> bool:
        return self.query.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.query.page > 1


def search_service_items(tenant: Tenant, query: ServiceQuery) -> ServicePage:
    """Search and filter the tenant's published items; a page of results and the count.

    Filters naming a department or theme the tenant does not have are refused (422) rather
    than silently ignored, so that a typo does not look like an empty catalogue.
    """
    if len(query.q) > MAX_QUERY_LENGTH:
        raise ValidationFailed(
            CatalogueErrorCode.QUERY_TOO_LONG,
            _("The search text is limited to %(limit)d characters.") % {"limit": MAX_QUERY_LENGTH},
            field="q",
        )
    filters = Q()
    department = theme = None
    if query.department:
        department = departments_for_tenant(tenant).filter(code=query.department).first()
        if department is None:
            raise ValidationFailed(
                CatalogueErrorCode.DEPARTMENT_UNKNOWN, _("Unknown department."), field="department"
            )
        filters &= Q(department=department)
    if query.theme:
        theme = Theme.objects.filter(tenant=tenant, code=query.theme).first()
        if theme is None:
            raise ValidationFailed(CatalogueErrorCode.THEME_UNKNOWN, _("Unknown theme."), field="theme")
        filters &= Q(themes=theme)
    if query.zero_trip is not None:
        filters &= Q(visits_required=0) if query.zero_trip else Q(visits_required__gt=0)
    if query.audience:
        if query.audience not in Audience.values:
            raise ValidationFailed(
                CatalogueErrorCode.ITEM_FIELD_INVALID, _("Unknown audience."), field="audience"
            )
        filters &= Q(audience=query.audience)

    start = (query.page - 1) * query.page_size
    words = search.analyse_query(query.q)
    filtered_by = f"{query.department}|{query.theme}|{query.zero_trip}|{query.audience}"
    if not words:
        matching = published_items(tenant).filter(filters)
        count = cached_until_changed(tenant, f"count:{filtered_by}", matching.count)
        page_ids = list(
            matching.order_by("-popularity", "code").values_list("id", flat=True)[
                start : start + query.page_size
            ]
        )
    else:
        # Ranked in the database's full-text index, a page at a time; portal queries
        # repeat (社保, 公积金, 营业执照), so each page is cached like the counts, until
        # the catalogue changes.
        asked = hashlib.sha256(repr((words, filtered_by, start, query.page_size)).encode()).hexdigest()[:32]
        count, page_ids = cached_until_changed(
            tenant,
            f"search:{asked}",
            lambda: search_index.search(
                tenant.pk, words, published_items(tenant).filter(filters), start, query.page_size
            ),
        )
    items = {item.id: item for item in _list_items().filter(tenant=tenant, id__in=page_ids)}
    return ServicePage(
        query=query,
        count=count,
        items=[items[item_id] for item_id in page_ids],
        department=department,
        theme=theme,
    )


def _list_items() -> QuerySet[ServiceItem]:
    return ServiceItem.objects.select_related("department")


def hot_items(tenant: Tenant, limit: int = 10) -> list[ServiceItem]:
    return list(
        _list_items()
        .filter(tenant=tenant, status=ItemStatus.PUBLISHED)
        .order_by("-popularity", "code")[:limit]
    )


# --- counts behind the catalogue's filters, cached --------------------------------------
# They change only when the catalogue does, and counting a large catalogue on every page
# is the portal's dearest read: they are cached per tenant and catalogue generation for a
# minute. Catalogue actions move the generation when they commit: at once in every
# process when the cache is Redis; a process with its own memory cache sees it within
# the minute.
FACETS_SECONDS = 60


def _generation_key(tenant_code: str) -> str:
    return f"catalogue:{tenant_code}:generation"


def page_generation(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    """What a public catalogue page of the tenant in the address shows: its catalogue's
    generation (read without touching the database)."""
    code = str(kwargs["tenant"])
    return f"catalogue:{code}:{generations.current(_generation_key(code))}"


def catalogue_changed(tenant: Tenant) -> None:
    """Called by a catalogue action inside its transaction (``core.generations``)."""
    generations.changed(_generation_key(tenant.code))


def cached_until_changed(tenant: Tenant, name: str, compute: Callable[[], T]) -> T:
    generation = generations.current(_generation_key(tenant.code))
    key = f"catalogue:{tenant.pk}:{generation}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, FACETS_SECONDS)
    return cast(T, value)


def themes_with_counts(tenant: Tenant, audience: str | None = None) -> list[Theme]:
    """The tenant's themes, each annotated with ``item_count`` of published items."""

    def count() -> list[Theme]:
        themes = Theme.objects.filter(tenant=tenant)
        if audience:
            themes = themes.filter(audience=audience)
        return list(
            themes.annotate(item_count=Count("items", filter=Q(items__status=ItemStatus.PUBLISHED))).order_by(
                "audience", "order"
            )
        )

    return cached_until_changed(tenant, f"themes:{audience or ''}", count)


def departments_with_counts(tenant: Tenant) -> list[Department]:
    """Departments that implement at least one published item, annotated ``item_count``."""

    def count() -> list[Department]:
        counts = dict(
            published_items(tenant)
            .values("department")
            .annotate(n=Count("id"))
            .values_list("department", "n")
        )
        departments = list(departments_for_tenant(tenant).filter(id__in=list(counts)))
        for department in departments:
            department.item_count = counts[department.id]  # type: ignore[attr-defined]
        return departments

    return cached_until_changed(tenant, "departments", count)


def life_events_for_tenant(tenant: Tenant) -> list[LifeEvent]:
    return list(
        LifeEvent.objects.filter(tenant=tenant)
        .annotate(item_count=Count("items", filter=Q(items__status=ItemStatus.PUBLISHED)))
        .order_by("order")
    )


def access_life_event(tenant: Tenant, code: str) -> tuple[LifeEvent, list[ServiceItem]]:
    event = LifeEvent.objects.filter(tenant=tenant, code=code).first()
    if event is None:
        raise NotFound(CatalogueErrorCode.LIFE_EVENT_NOT_FOUND, _("No such life event."))
    items = list(
        _list_items()
        .filter(tenant=tenant, status=ItemStatus.PUBLISHED, life_events=event)
        .order_by("-popularity", "code")
    )
    return event, items


def current_form_versions(tenant: Tenant) -> dict[int, int]:
    """The newest form version of each of the tenant's items that has a form, by item id."""
    return dict(
        ServiceForm.objects.filter(tenant=tenant)
        .values("item_id")
        .annotate(v=Max("version"))
        .values_list("item_id", "v")
    )


def current_form(item: ServiceItem) -> ServiceForm:
    """The newest version of an item's application form."""
    form = ServiceForm.objects.of(item.tenant_id).filter(item=item).order_by("-version").first()
    if form is None:
        raise NotFound(CatalogueErrorCode.FORM_NOT_FOUND, _("This service cannot be applied for online yet."))
    return form


FORM_SECONDS = 3600


def form_version(item: ServiceItem, version: int) -> ServiceForm:
    """A version of an item's form: published versions never change, so each is kept."""
    key = f"catalogue:form:{item.pk}:{version}"
    form = cache.get(key)
    if form is None:
        form = ServiceForm.objects.of(item.tenant_id).filter(item=item, version=version).first()
        if form is None:
            raise NotFound(
                CatalogueErrorCode.FORM_NOT_FOUND, _("This service cannot be applied for online yet.")
            )
        cache.set(key, form, FORM_SECONDS)
    return cast(ServiceForm, form)


def items_handled_by(tenant: Tenant, app_client_id: str) -> QuerySet[ServiceItem]:
    """The published items whose cases a partner app's back office handles."""
    return published_items(tenant).filter(back_office_app=app_client_id).exclude(back_office_app="")


# --- a tenant as a template ---------------------------------------------------------------


def catalogue_specs(
    tenant: Tenant,
) -> tuple[list[ThemeSpec], list[ServiceItemSpec], list[LifeEventSpec], dict[str, dict[str, Any]]]:
    """The tenant's themes, published items, life events and current forms, as the
    catalogue's actions take them (to provision another tenant from this one)."""
    themes = [
        ThemeSpec(code=t.code, name=t.name, audience=t.audience, name_en=t.name_en)
        for t in Theme.objects.filter(tenant=tenant).order_by("order", "code")
    ]
    items = (
        published_items(tenant)
        .select_related("department")
        .order_by("code")
        .prefetch_related(
            Prefetch("materials", queryset=Material.objects.of(tenant).order_by("order")),
            Prefetch("steps", queryset=ProcessStep.objects.of(tenant).order_by("order")),
            "themes",
        )
    )
    item_specs = [
        ServiceItemSpec(
            code=i.code,
            name=i.name,
            item_type=i.item_type,
            department_code=i.department.code,
            exercise_level=i.exercise_level,
            audience=i.audience,
            legal_basis=i.legal_basis,
            acceptance_conditions=i.acceptance_conditions,
            statutory_limit_days=i.statutory_limit_days,
            committed_limit_days=i.committed_limit_days,
            consultation_phone=i.consultation_phone,
            complaint_phone=i.complaint_phone,
            visits_required=i.visits_required,
            materials=tuple(
                MaterialSpec(
                    name=m.name,
                    form=m.form,
                    quantity=m.quantity,
                    required=m.required,
                    notes=m.notes,
                    certificate_type=m.certificate_type,
                    filled_online=m.filled_online,
                )
                for m in i.materials.all()
            ),
            steps=tuple(
                StepSpec(name=s.name, description=s.description, requires_visit=s.requires_visit)
                for s in i.steps.all()
            ),
            places=tuple(PlaceSpec(**{"phone": "", **p}) for p in i.places),
            name_en=i.name_en,
            sub_item=i.sub_item,
            variant=i.variant,
            summary=i.summary,
            fee_amount=i.fee_amount,
            fee_basis=i.fee_basis,
            online_depth=i.online_depth,
            min_trust_level=i.min_trust_level,
            keywords=tuple(k for k in i.keywords.split(",") if k),
            themes=tuple(t.code for t in i.themes.all()),
            popularity=i.popularity,
            issues_paper_licence=i.issues_paper_licence,
        )
        for i in items
    ]
    events = [
        LifeEventSpec(
            code=e.code,
            name=e.name,
            audience=e.audience,
            name_en=e.name_en,
            description=e.description,
            item_codes=tuple(sorted(i.code for i in e.items.all())),
        )
        for e in LifeEvent.objects.filter(tenant=tenant).prefetch_related("items").order_by("order", "code")
    ]
    forms: dict[str, dict[str, Any]] = {}
    for form in (
        ServiceForm.objects.filter(tenant=tenant, item__status=ItemStatus.PUBLISHED)
        .select_related("item")
        .order_by("item__code", "version")
    ):
        forms[form.item.code] = form.schema  # the last version wins
    return themes, item_specs, events, forms


def item_names(tenant: Tenant, codes: list[str]) -> dict[str, str]:
    """Display names of the tenant's items by code (for figures that name items)."""
    return {i.code: i.display_name for i in ServiceItem.objects.filter(tenant=tenant, code__in=codes)}


def items_by_code(tenant: Tenant, codes: Iterable[str]) -> dict[str, ServiceItem]:
    """A tenant's items by code (with their departments), for work on many at once."""
    return {
        item.code: item
        for item in ServiceItem.objects.filter(tenant=tenant, code__in=set(codes)).select_related(
            "department"
        )
    }
