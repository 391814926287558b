"""Certificates in the console: found by number or from the case that issued them. Staff
of the departments that issued a certificate or decided its case see it; their heads
revoke it, with a reason and after a confirmation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onestop.certificates.access import (
    access_certificate_for_staff,
    certificates_for_staff,
    may_revoke,
    revocation_reason_label,
)
from onestop.certificates.actions import do_revoke
from onestop.certificates.forms import CertificateLookupForm, RevocationForm
from onestop.core.errors import NotFound, OnestopError
from onestop.core.responses import render_error
from onestop.identity import actions as identity
from onestop.identity.access import actor_for
from onestop.identity.pages import console_page, staff_context
from onestop.identity.permissions import Permission

if TYPE_CHECKING:
    from onestop.certificates.models import Certificate
    from onestop.identity.models import User
    from onestop.tenancy.models import Tenant

RECENT = 20


@console_page(Permission.HANDLE_CASES)
def certificates(request: HttpRequest, tenant: Tenant, user: User) -> HttpResponse:
    """Find a certificate by its number; the department's latest ones below."""
    form = CertificateLookupForm(request.GET or None)
    status = 200
    if form.is_bound and form.is_valid():
        try:
            found = access_certificate_for_staff(tenant, user, form.cleaned_data["number"])
            return redirect("certificates:console_certificate", tenant.code, found.number)
        except NotFound as missing:
            form.add_error("number", str(missing.message))
            status = 404  # another department's or tenant's certificate: the same answer
    recent = list(certificates_for_staff(tenant, user)[:RECENT])
    context = staff_context(request, tenant, user, form=form, recent=recent)
    return render(request, "certificates/console/certificates.html", context, status=status)


@console_page(Permission.HANDLE_CASES)
def certificate_page(request: HttpRequest, tenant: Tenant, user: User, number: str) -> HttpResponse:
    certificate = access_certificate_for_staff(tenant, user, number)
    return _render(request, tenant, user, certificate, RevocationForm())


def _render(
    request: HttpRequest,
    tenant: Tenant,
    user: User,
    certificate: Certificate,
    form: RevocationForm,
    *,
    confirming: bool = False,
    status: int = 200,
) -> HttpResponse:
    context = staff_context(
        request,
        tenant,
        user,
        certificate=certificate,
        form=form,
        confirming=confirming,
        can_revoke=certificate.revoked_at is None and may_revoke(user, tenant, certificate),
        reason=revocation_reason_label(certificate.revocation_reason),
        chosen_reason=revocation_reason_label(form.cleaned_data["reason"]) if confirming else "",
    )
    return render(request, "certificates/console/certificate.html", context, status=status)


@require_POST
@console_page(Permission.REVOKE_CERTIFICATES)
def revoke(request: HttpRequest, tenant: Tenant, user: User, number: str) -> HttpResponse:
    """Two steps: the reason is checked and shown for confirmation; the confirmed form
    revokes."""
    certificate = access_certificate_for_staff(tenant, user, number)
    actor = actor_for(user, request)
    if not may_revoke(user, tenant, certificate):
        # Seen through another role (an officer of the department that decided it): the
        # refusal is recorded like every other.
        try:
            identity.require(
                user,
                Permission.REVOKE_CERTIFICATES,
                tenant=tenant,
                actor=actor,
                department=certificate.certificate_type.issuer,
                what=request.path,
            )
        except identity.PermissionDenied as denied:
            return render_error(request, str(denied.code), str(denied.message), 403)
    form = RevocationForm(request.POST)
    if not form.is_valid():
        return _render(request, tenant, user, certificate, form, status=422)
    if request.POST.get("confirm") != "1":
        return _render(request, tenant, user, certificate, form, confirming=True)
    try:
        do_revoke(
            actor=actor,
            certificate=certificate,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except OnestopError as error:
        messages.error(request, f"{error.message} ({error.code})")
        certificate = access_certificate_for_staff(tenant, user, number)  # revoked meanwhile?
        return _render(request, tenant, user, certificate, form, status=error.status)
    messages.success(request, _("The certificate is revoked. Its holder is told."))
    return redirect("certificates:console_certificate", tenant.code, certificate.number)
