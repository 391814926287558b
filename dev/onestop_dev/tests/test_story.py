"""The story the demo tells from the start: its past cases end as live ones do, the demo
citizen has an application in every state and a certificate from one of them, and the
residents `onestop demo` offers for verification are still free."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.test import Client
from django.utils import timezone

from onestop.cases.lifecycle import PublicState
from onestop.cases.models import Application, Case, CaseEvent, Rating
from onestop.cases.tests.helpers import logged_in
from onestop.certificates.access import credential_of, wallet_of
from onestop.certificates.models import Certificate, CertificateType
from onestop.certificates.verification import verify_credential
from onestop.core.models import AuditEntry
from onestop.identity.models import User
from onestop.tenancy.access import access_tenant_by_code
from onestop_dev.management.commands.demo import Command

pytestmark = pytest.mark.django_db


def test_every_approved_past_case_of_a_certificate_item_ends_with_its_certificate() -> None:
    tenant = access_tenant_by_code("gd")
    types = {
        code: kind
        for kind in CertificateType.objects.filter(tenant=tenant).select_related("issuer")
        for code in kind.item_codes
    }
    # The history's applicants (135…) never log in: their cases are the demo's past.
    past = Case.objects.filter(
        tenant=tenant,
        applicant__phone_masked__startswith="135",
        decision="approved",
        concluded_on__isnull=False,
    ).select_related("item", "applicant")
    approved = [case for case in past if case.item.code in types]
    assert len(approved) >= 10, "the session's 300 past cases hold a few dozen"
    certificates = {
        c.case_number: c
        for c in Certificate.objects.filter(
            tenant=tenant, case_number__in=[case.number for case in approved]
        ).select_related("certificate_type")
    }
    with_certificate = [
        case
        for case in approved
        if case.state == "certificate_issued"
        and case.number in certificates
        and verify_credential(credential_of(certificates[case.number])).valid
    ]
    assert len(with_certificate) / len(approved) == 1.0
    for case in approved:
        certificate, kind = certificates[case.number], types[case.item.code]
        credential = credential_of(certificate)
        # Signed by the issuing department's key, held by the applicant, issued on the day
        # the case concluded, and the case's last step names it, as for a live case.
        assert credential["issuer"]["id"].endswith(f"/issuers/gd/{kind.issuer.code}")
        assert certificate.certificate_type == kind and certificate.holder == case.applicant
        assert certificate in wallet_of(tenant, case.applicant)
        assert timezone.localtime(certificate.issued_at).date() == case.concluded_on
        last = CaseEvent.objects.filter(case=case).order_by("at", "id").last()
        assert last is not None
        assert (last.action, last.to_state, last.comment) == (
            "issue_certificate",
            "certificate_issued",
            certificate.number,
        )
        assert AuditEntry.objects.filter(action="certificates.issue", object_id=certificate.number).exists()
        assert AuditEntry.objects.filter(action="cases.issue_certificate", object_id=case.number).exists()


def test_the_demo_citizen_starts_with_an_application_in_every_state_and_a_certificate(
    citizen: Client,
) -> None:
    tenant = access_tenant_by_code("gd")
    user = User.objects.get(tenant=tenant, phone_masked="138****8000")
    cases = Case.objects.filter(tenant=tenant, applicant=user)
    assert set(cases.values_list("state", flat=True)) >= {
        "received",
        "correction_requested",
        "accepted",
        "under_review",
        "special_procedure",
        "concluded",
        "certificate_issued",
    }
    assert set(cases.values_list("public_state", flat=True)) == set(PublicState)
    # Each went through the live steps: submitted, then answered by the demo officer's
    # bureau (Guangzhou human resources and social security).
    assert set(cases.values_list("department__code", flat=True)) == {"440100-rs"}
    for case in cases:
        assert AuditEntry.objects.filter(action="cases.submit", object_id=case.number).exists()
    correction = cases.get(state="correction_requested")
    assert correction.events.get(action="request_correction").detail["missing"]
    rated = Rating.objects.get(case__applicant=user)
    assert rated.case.state == "concluded" and rated.score == 5
    # The approved renewal's certificate is in her wallet, and verifies.
    issued = cases.get(state="certificate_issued")
    certificate = wallet_of(tenant, user).get(case_number=issued.number)
    assert certificate.certificate_type.code == "social_security_card"
    assert verify_credential(credential_of(certificate)).valid
    assert certificate.number in citizen.get("/gd/me/wallet/").content.decode()
    # "My applications" shows the six progress states.
    page = citizen.get("/gd/me/cases/").content.decode()
    for label in ("已收件", "已受理", "审查中", "特别程序", "已办结", "已出证"):
        assert label in page, label
    # The draft waits at its item's "Apply online", its first step answered.
    draft = Application.objects.get(applicant=user, submitted_at__isnull=True)
    assert draft.data["county"] and draft.data["address"]
    reopened = citizen.post(f"/gd/services/{draft.item.code}/apply/")
    assert reopened["Location"] == f"/gd/me/applications/{draft.pk}/1/"


def _printed_residents() -> list[tuple[str, str]]:
    out = StringIO()
    Command(stdout=out).print_accounts("gd")
    text = out.getvalue()
    block = text.split("to verify a new account to L3:")[1].split("Sandbox SMS")[0]
    return re.findall(r"^  (\S+)  (\d{17}[\dX])$", block, flags=re.MULTILINE)


def test_the_residents_printed_for_verification_are_ones_nobody_has_verified_with() -> None:
    printed = _printed_residents()
    assert len(printed) == 3
    name, number = printed[0]
    # The demo's new citizen verifies with the first of them, as the printout suggests.
    newcomer = logged_in("13800138001")
    assert newcomer.post("/gd/me/verify/", {"name": name, "id_number": number}).status_code == 302
    assert User.objects.get(tenant__code="gd", phone_masked="138****8001").trust_level == 3
    after = _printed_residents()
    assert (name, number) not in after
    assert len(after) == 3 and after[:2] == printed[1:]
