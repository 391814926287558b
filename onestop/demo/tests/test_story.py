"""The story the demo tells from the start: its past cases end as live ones do."""

from __future__ import annotations

import pytest
from django.utils import timezone

from onestop.cases.models import Case, CaseEvent
from onestop.certificates.access import credential_of, wallet_of
from onestop.certificates.models import Certificate, CertificateType
from onestop.certificates.verification import verify_credential
from onestop.core.models import AuditEntry
from onestop.tenancy.access import access_tenant_by_code

pytestmark = pytest.mark.django_db


def test_every_approved_past_case_of_a_certificate_item_ends_with_its_certificate() -> None:
    tenant = access_tenant_by_code("gd")
    types = {code: kind for kind in CertificateType.objects.filter(tenant=tenant).select_related("issuer")
             for code in kind.item_codes}  # fmt: skip
    # The history's applicants (135…) never log in: their cases are the demo's past.
    past = Case.objects.filter(tenant=tenant, applicant__phone_masked__startswith="135", decision="approved",
                               concluded_on__isnull=False).select_related("item", "applicant")  # fmt: skip
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
        assert AuditEntry.objects.filter(
            action="certificates.issue", object_id=certificate.number
        ).exists()
        assert AuditEntry.objects.filter(
            action="cases.issue_certificate", object_id=case.number
        ).exists()
