"""Submitting through the API: uploads, Idempotency-Key semantics, case status."""

from __future__ import annotations

import pytest
from django.test import Client

from onestop.cases.models import Case, IdempotencyRecord
from onestop.cases.tests.helpers import CITIZEN, PDF, logged_in, rs_person_item
from onestop_dev.demo.generator import build_province

pytestmark = pytest.mark.django_db


def _payload(client: Client, item_code: str) -> dict[str, object]:
    item = next(i for i in build_province().items if i.code == item_code)
    uploads = {}
    for order, material in enumerate(item.materials):
        if material.filled_online:
            continue
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = client.post(
            "/api/v1/tenants/gd/uploads",
            {
                "material_order": order,
                "file": SimpleUploadedFile("m.pdf", PDF, content_type="application/pdf"),
            },
        )
        assert response.status_code == 201, response.content
        uploads[str(order)] = response.json()["id"]
    return {
        "item": item_code,
        "answers": {
            "address": "广东省广州市天河区演示路1号",
            "county": "440106",
            "purpose": "接口申请",
            "pledge": True,
        },
        "uploads": uploads,
    }


def _post(client: Client, payload: dict[str, object], key: str | None):  # type: ignore[no-untyped-def]
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(
        "/api/v1/tenants/gd/applications", payload, content_type="application/json", headers=headers
    )


def test_submitting_through_the_api_makes_a_case_and_a_retry_gives_the_first_answer() -> None:
    client = logged_in(CITIZEN)
    payload = _payload(client, rs_person_item().code)
    first = _post(client, payload, "key-1")
    assert first.status_code == 201, first.content
    number = first.json()["number"]
    again = _post(client, payload, "key-1")
    assert again.status_code == 201 and again.json() == first.json()
    assert Case.objects.filter(number=number).count() == 1
    status = client.get(f"/api/v1/tenants/gd/cases/{number}").json()
    assert (status["state"], status["public_state"]) == ("received", "received")
    assert number in [c["number"] for c in client.get("/api/v1/tenants/gd/cases").json()]


def test_the_same_key_with_another_payload_is_refused() -> None:
    client = logged_in(CITIZEN)
    payload = _payload(client, rs_person_item().code)
    assert _post(client, payload, "key-2").status_code == 201
    other = {**payload, "answers": {**payload["answers"], "purpose": "别的"}}  # type: ignore[dict-item]
    refused = _post(client, other, "key-2")
    assert refused.status_code == 422 and refused.json()["code"] == "idempotency_key_reused"


def test_a_concurrent_duplicate_gets_409() -> None:
    client = logged_in(CITIZEN)
    payload = _payload(client, rs_person_item().code)
    # The first request with the key is still running: its record has no answer yet.
    from onestop.cases.actions import request_fingerprint
    from onestop.identity.models import User
    from onestop.tenancy.access import access_tenant_by_code

    user = User.objects.get(phone_masked="138****8000")
    IdempotencyRecord.objects.create(
        tenant=access_tenant_by_code("gd"), user=user, key="key-3", request_hash=request_fingerprint(payload)
    )
    response = _post(client, payload, "key-3")
    assert response.status_code == 409 and response.json()["code"] == "idempotency_in_progress"

    # A claim that nobody finished for longer than the stale period belonged to a request
    # that died before committing: the retry takes it over and is answered once.
    from datetime import timedelta

    from django.utils import timezone

    IdempotencyRecord.objects.filter(key="key-3").update(created_at=timezone.now() - timedelta(minutes=5))
    taken_over = _post(client, payload, "key-3")
    assert taken_over.status_code == 201, taken_over.content
    assert _post(client, payload, "key-3").json() == taken_over.json()
    assert Case.objects.filter(number=taken_over.json()["number"]).count() == 1


def test_refusals_are_answered_again_on_retry_and_cases_need_a_login() -> None:
    client = logged_in(CITIZEN)
    bad = {"item": rs_person_item().code, "answers": {"address": "x"}, "uploads": {}}
    first = _post(client, bad, "key-4")
    assert first.status_code == 422 and first.json()["code"] == "form_invalid"
    assert _post(client, bad, "key-4").json() == first.json()
    anonymous = Client().get("/api/v1/tenants/gd/cases")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_logged_in"


def test_a_case_of_someone_else_answers_like_a_missing_one() -> None:
    mine = Case.objects.filter(applicant__phone_masked="135****0000").first()
    assert mine is not None
    client = logged_in(CITIZEN)
    foreign = client.get(f"/api/v1/tenants/gd/cases/{mine.number}")
    missing = client.get("/api/v1/tenants/gd/cases/GD0000")
    assert foreign.status_code == missing.status_code == 404 and foreign.json() == missing.json()


def test_an_incomplete_or_unknown_answer_is_named_in_words() -> None:
    """ "表单未填写完整：。" named nothing: unknown fields are named, missing ones by label."""
    client = logged_in(CITIZEN)
    item = rs_person_item()
    unknown = {
        "item": item.code,
        "answers": {"address": "广东省广州市天河区演示路1号", "nickname": "x", "shoe_size": 42},
        "uploads": {},
    }
    answer = _post(client, unknown, "key-9")
    assert answer.status_code == 422 and answer.json()["code"] == "form_unknown_fields"
    assert "nickname" in answer.json()["message"] and "shoe_size" in answer.json()["message"]
    missing = _post(client, {"item": item.code, "answers": {}, "uploads": {}}, "key-10").json()
    assert missing["code"] == "form_invalid" and "：。" not in missing["message"]
    assert missing["message"].removeprefix("表单未填写完整：").rstrip("。")  # a label, not nothing


def test_a_submission_takes_over_the_applicants_open_draft_of_the_item() -> None:
    from onestop.cases.models import Application

    client = logged_in(CITIZEN)
    item = rs_person_item().code
    started = client.post(f"/gd/services/{item}/apply/")  # a draft in the portal
    assert started.status_code == 302
    draft = Application.objects.get(item__code=item, submitted_at__isnull=True)
    answered = _post(client, _payload(client, item), "take-over")
    assert answered.status_code == 201, answered.content
    draft.refresh_from_db()
    case = Case.objects.get(number=answered.json()["number"])
    assert draft.submitted_at is not None and draft.data["purpose"] == "接口申请"
    assert case.materials.filter(upload__application=draft).count() == len(_payload_orders(item))
    assert not Application.objects.filter(item__code=item, submitted_at__isnull=True).exists()


def _payload_orders(item_code: str) -> list[int]:
    item = next(i for i in build_province().items if i.code == item_code)
    return [order for order, material in enumerate(item.materials) if not material.filled_online]


def test_files_that_change_hands_after_they_were_read_are_taken_over_in_the_transaction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What a submission read before its transaction is not trusted there: a file that is
    no longer the applicant's when the transaction claims it sends the submission down
    the path that reads everything inside the transaction, where it is missing."""
    from onestop.cases.actions import submission
    from onestop.cases.models import Application, Upload
    from onestop.identity.tests.factories import make_citizen
    from onestop.tenancy.access import access_tenant_by_code

    client = logged_in(CITIZEN)
    payload = _payload(client, rs_person_item().code)
    someone = make_citizen(access_tenant_by_code("gd"))
    read = submission._prepare_in_one_go

    def read_then_lose_a_file(asked):  # type: ignore[no-untyped-def]
        prepared = read(asked)
        Upload.objects.filter(pk__in=asked.upload_ids).update(owner=someone)  # meanwhile
        return prepared

    monkeypatch.setattr(submission, "_prepare_in_one_go", read_then_lose_a_file)
    applications, cases = Application.objects.count(), Case.objects.count()
    refused = _post(client, payload, "lost-file")
    assert refused.status_code == 422 and refused.json()["code"] == "material_missing"
    assert (Application.objects.count(), Case.objects.count()) == (
        applications,
        cases,
    )  # nothing half-written
    assert IdempotencyRecord.objects.get(key="lost-file").status == 422  # the answer kept for the key
