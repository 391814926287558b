"""What other apps add to the officer's case page, registered when they are ready: a
section of their own (the data exchange's lookup form, say) and notes on materials met
without an upload (the data service a material is fetched from). Cases knows nothing of
them; each renders its own template."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.http import HttpRequest

    from onestop.cases.models import Case
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant

# (request, tenant, officer, case, the officer may act on it) -> HTML
CaseSection = Callable[["HttpRequest", "Tenant", "User", "Case", bool], str]
# (the same) -> HTML per material order
MaterialNotes = Callable[["HttpRequest", "Tenant", "User", "Case", bool], Mapping[int, str]]

_sections: list[CaseSection] = []
_notes: list[MaterialNotes] = []


def officer_case_section(render: CaseSection) -> CaseSection:
    _sections.append(render)
    return render


def officer_material_notes(render: MaterialNotes) -> MaterialNotes:
    _notes.append(render)
    return render


def case_sections(
    request: HttpRequest, tenant: Tenant, officer: User, case: Case, can_act: bool
) -> list[str]:
    return [html for render in _sections if (html := render(request, tenant, officer, case, can_act))]


def material_notes(
    request: HttpRequest, tenant: Tenant, officer: User, case: Case, can_act: bool
) -> dict[int, list[str]]:
    notes: dict[int, list[str]] = {}
    for render in _notes:
        for order, html in render(request, tenant, officer, case, can_act).items():
            notes.setdefault(order, []).append(html)
    return notes
