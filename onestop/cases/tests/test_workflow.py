"""The case workflow through the portal and the console: apply, route, accept, correct,
decide, conclude, rate; with permissions, uploads, notifications and the clock."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from onestop.cases.actions import do_deem_late_acceptances, do_escalate_overdue
from onestop.cases.models import Application, Case, RectificationTicket, Upload
from onestop.cases.tests.helpers import (
    CITIZEN,
    HEAD,
    PDF,
    act,
    apply,
    logged_in,
    rs_person_item,
)
from onestop.core.actors import Actor
from onestop.core.models import AuditEntry
from onestop.identity.tests.helpers import register
from onestop.messaging.phones import phone_hash
from onestop.workdays.calendar import WorkCalendar

pytestmark = pytest.mark.django_db


def test_a_citizen_applies_and_the_case_is_received_and_routed(citizen: Client) -> None:
    item = rs_person_item()
    number = apply(citizen, item.code)
    case = Case.objects.get(number=number)
    assert (case.state, case.public_state, case.item.code) == ("received", "received", item.code)
    assert number.startswith("GD") and case.department.line == "rs"
    # A city-level item goes to the office of its line in the applicant's city.
    assert case.department.region.code == "440100" and case.county.code == "440106"  # type: ignore[union-attr]
    assert case.due_on == WorkCalendar().add_working_days(case.received_on, 5).day
    page = citizen.get(f"/gd/me/cases/{number}/").content.decode()
    assert number in page and "已收件" in page
    assert number in citizen.get("/gd/me/cases/").content.decode()
    assert all(m.upload_id for m in case.materials.exclude(name="申请表"))


def test_only_a_post_starts_an_application_and_a_get_writes_nothing(citizen: Client) -> None:
    item = rs_person_item()
    drafts, entries = Application.objects.count(), AuditEntry.objects.count()
    # A link, a prefetch or the way back from the login page: led to the guide's button.
    guide_url = f"/gd/services/{item.code}/"
    looked = citizen.get(f"{guide_url}apply/")
    assert looked.status_code == 302 and looked["Location"] == guide_url
    assert Client().get(f"{guide_url}apply/")["Location"] == guide_url
    assert (Application.objects.count(), AuditEntry.objects.count()) == (drafts, entries)
    guide = citizen.get(f"/gd/services/{item.code}/").content.decode()
    assert re.search(rf'<form method="post" action="/gd/services/{item.code}/apply/">', guide)
    started = citizen.post(f"/gd/services/{item.code}/apply/")
    assert started.status_code == 302
    assert re.fullmatch(r"/gd/me/applications/\d+/1/", started["Location"])
    assert Application.objects.count() == drafts + 1
    # Not logged in, the button leads to the login page, which comes back to the guide.
    anonymous = Client().post(f"/gd/services/{item.code}/apply/")
    assert anonymous["Location"] == f"/gd/accounts/login/?next=/gd/services/{item.code}/apply/"
    assert Application.objects.count() == drafts + 1


def test_uploads_are_stored_under_our_name_and_checked_by_content(citizen: Client) -> None:
    item = rs_person_item()
    apply(citizen, item.code)
    upload = Upload.objects.latest("id")
    assert "我的材料" not in upload.storage_name and upload.storage_name.startswith("uploads/gd/")
    assert upload.original_name == "我的材料.pdf" and upload.content_type == "application/pdf"
    response = citizen.get(f"/gd/files/{upload.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    stranger = Client()
    register(stranger, "13812340000")
    assert stranger.get(f"/gd/files/{upload.pk}/").status_code == 404


def test_a_file_that_is_not_what_it_claims_is_refused(citizen: Client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = citizen.post(f"/gd/services/{rs_person_item().code}/apply/")
    base = response["Location"].rsplit("/", 2)[0]
    fake = SimpleUploadedFile("photo.pdf", b"MZ\x90\x00 not a pdf" * 200, content_type="application/pdf")
    refused = citizen.post(f"{base}/3/", {"material-1": fake})
    assert refused.status_code == 422 and "upload_invalid" in refused.content.decode()


def test_submitting_needs_the_items_identity_level() -> None:
    newcomer = Client()
    register(newcomer, "13812340001")
    response = newcomer.post(f"/gd/services/{rs_person_item().code}/apply/")
    base = response["Location"].rsplit("/", 2)[0]
    review = newcomer.post(f"{base}/4/")
    assert review.status_code == 403 and "trust_level_too_low" in review.content.decode()
    assert not Case.objects.filter(applicant__phone_masked="138****0001").exists()


def test_a_step_with_bad_answers_is_refused_naming_the_field(citizen: Client) -> None:
    response = citizen.post(f"/gd/services/{rs_person_item().code}/apply/")
    base = response["Location"].rsplit("/", 2)[0]
    refused = citizen.post(f"{base}/1/", {"address": "短", "county": "999999"})
    assert refused.status_code == 422
    submitted = citizen.post(f"{base}/4/")
    assert submitted.status_code == 422 and "form_invalid" in submitted.content.decode()


def test_the_officer_of_the_department_handles_the_case_to_the_end(citizen: Client, officer: Client) -> None:
    number = apply(citizen, rs_person_item().code)
    queue = officer.get("/console/gd/cases/").content.decode()
    assert number in queue
    assert act(officer, number, "accept", comment="").status_code == 422  # a comment is required
    assert Case.objects.get(number=number).state == "received"
    act(officer, number, "accept", "材料齐全")
    act(officer, number, "start_review", "开始审查")
    act(officer, number, "decide", "符合条件", decision="approved")
    act(officer, number, "conclude", "办结")
    case = Case.objects.get(number=number)
    # The social security card it issues is the case's last step.
    assert (case.state, case.decision, case.decided_on_time) == (
        "certificate_issued",
        "approved",
        True,
    )
    actions = [e.action for e in case.events.all()]
    assert actions == [
        "submit",
        "accept",
        "start_review",
        "decide",
        "conclude",
        "issue_certificate",
    ]
    assert "已出证" in citizen.get(f"/gd/me/cases/{number}/").content.decode()


def test_officers_of_other_departments_cannot_see_or_touch_the_case(citizen: Client) -> None:
    number = apply(citizen, rs_person_item().code)
    operator = logged_in("13900139003")
    other = Client()
    from onestop.identity.tests.helpers import login

    operator.post(
        "/console/gd/staff/",
        {
            "display_name": "外部门",
            "phone": "13900139201",
            "role": "officer",
            "department": "gd-crj",
            "password": "Officer-Pass-2026",
        },
    )
    login(other, "13900139201", "Officer-Pass-2026")
    assert number not in other.get("/console/gd/cases/").content.decode()
    assert other.get(f"/console/gd/cases/{number}/").status_code == 404
    assert act(other, number, "accept", "越权").status_code == 404
    assert Case.objects.get(number=number).state == "received"


def test_a_correction_lists_everything_and_the_resubmission_returns_the_case(
    citizen: Client, officer: Client
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    number = apply(citizen, rs_person_item().code)
    case = Case.objects.get(number=number)
    names = [m.name for m in case.materials.all()][:2]
    assert act(officer, number, "request_correction", "请补正").status_code == 422  # nothing listed
    act(officer, number, "request_correction", "材料不清晰，请补正", missing=names)
    case.refresh_from_db()
    assert case.state == "correction_requested" and case.public_state == "received"
    page = citizen.get(f"/gd/me/cases/{number}/").content.decode()
    assert "材料不清晰" in page and all(n in page for n in names)
    order = case.materials.get(name=names[-1]).order
    fixed = SimpleUploadedFile("new.pdf", PDF, content_type="application/pdf")
    citizen.post(f"/gd/me/cases/{number}/resubmit/", {f"material-{order}": fixed, "comment": "已补正"})
    case.refresh_from_db()
    assert case.state == "received" and case.received_on == timezone.localdate()


def test_not_accepting_says_where_to_go_and_closes(citizen: Client, officer: Client) -> None:
    number = apply(citizen, rs_person_item().code)
    act(officer, number, "not_accept", "不属于本部门职权", redirect_to="请向所在区人社局申请")
    case = Case.objects.get(number=number)
    assert (case.state, case.public_state) == ("not_accepted", "concluded")
    assert "请向所在区人社局申请" in citizen.get(f"/gd/me/cases/{number}/").content.decode()
    assert act(officer, number, "accept", "再受理").status_code == 422  # illegal now


def test_the_citizen_withdraws(citizen: Client) -> None:
    number = apply(citizen, rs_person_item().code)
    citizen.post(f"/gd/me/cases/{number}/withdraw/", {"reason": "不需要了"})
    assert Case.objects.get(number=number).state == "withdrawn"


def test_a_bad_rating_opens_a_rectification_ticket_due_in_15_working_days(
    citizen: Client, officer: Client
) -> None:
    number = apply(citizen, rs_person_item().code)
    for transition, comment in (("accept", "受理"), ("decide", "决定"), ("conclude", "办结")):
        act(officer, number, transition, comment, decision="approved")
    citizen.post(
        f"/gd/me/cases/{number}/rate/",
        {"score": "2", "tags": ["deadline_exceeded"], "comment": "太慢"},
    )
    ticket = RectificationTicket.objects.get(case__number=number)
    assert ticket.due_on == WorkCalendar().add_working_days(ticket.opened_on, 15).day
    again = citizen.post(f"/gd/me/cases/{number}/rate/", {"score": "5"})
    assert again.status_code == 302 and Case.objects.get(number=number).rating.score == 2
    act(officer, number, "", "")  # a form without a transition changes nothing
    officer.post(f"/console/gd/cases/{number}/rectification/", {"answer": "已核实并整改"})
    ticket.refresh_from_db()
    assert ticket.answered_at is not None
    ratings = logged_in("13900139003").get("/console/gd/ratings/").content.decode()
    assert "广东省人力资源和社会保障厅" in ratings or "人力资源和社会保障局" in ratings


def test_bulk_acceptance(citizen: Client, officer: Client) -> None:
    numbers = [apply(citizen, rs_person_item().code) for _ in range(2)]
    officer.post("/console/gd/cases/accept/", {"case": numbers, "comment": "批量受理"})
    assert set(Case.objects.filter(number__in=numbers).values_list("state", flat=True)) == {"accepted"}


def test_late_answers_deem_acceptance_and_overdue_cases_escalate(citizen: Client) -> None:
    number = apply(citizen, rs_person_item().code)
    long_ago = timezone.localdate() - timedelta(days=30)
    Case.objects.filter(number=number).update(received_on=long_ago, due_on=long_ago + timedelta(days=7))
    assert do_deem_late_acceptances(actor=Actor.system("clock")) >= 1
    case = Case.objects.get(number=number)
    assert case.state == "accepted" and case.accepted_on == long_ago
    Case.objects.filter(number=number).update(due_on=long_ago + timedelta(days=10))
    assert do_escalate_overdue(actor=Actor.system("clock")) >= 1
    head = logged_in(HEAD)
    assert number in head.get("/console/gd/cases/", {"escalated": "1"}).content.decode()


def test_my_applications_come_twenty_to_a_page(citizen: Client) -> None:
    from onestop.identity.models import User
    from onestop_dev.bulk.cases import add_cases

    def numbers(query: str) -> list[bytes]:
        response = citizen.get(f"/gd/me/cases/{query}")
        assert response.status_code == 200
        return re.findall(rb'href="/gd/me/cases/([A-Z0-9]+)/"', response.content)

    user = User.objects.get(tenant__code="gd", phone_hash=phone_hash(CITIZEN))
    before = Case.objects.filter(applicant=user).count()
    assert before < 45
    add_cases(user.tenant, 45 - before, [user.pk], today=timezone.localdate(), workers=0)  # type: ignore[arg-type]
    pages = [numbers(f"?page={page}") for page in (1, 2, 3)]
    assert [len(page) for page in pages] == [20, 20, 5]
    assert len({n for page in pages for n in page}) == 45  # every case once, none twice
    first = citizen.get("/gd/me/cases/").content
    assert b'rel="next"' in first and b'rel="prev"' not in first
    assert b'rel="next"' not in citizen.get("/gd/me/cases/?page=3").content
    assert numbers("?page=abc") == pages[0]  # a page that is not a number: the first


def test_an_image_claiming_too_many_pixels_is_refused_before_it_is_kept(citizen: Client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from onestop.core.tests.test_images import png_claiming, real_png

    started = citizen.post(f"/gd/services/{rs_person_item().code}/apply/")
    base = started["Location"].rsplit("/", 2)[0]
    before = Upload.objects.count()
    bomb = SimpleUploadedFile("scan.png", png_claiming(50_000, 50_000), content_type="image/png")
    refused = citizen.post(f"{base}/3/", {"material-1": bomb})
    assert refused.status_code == 422 and "upload_image_too_large" in refused.content.decode()
    api = citizen.post(
        "/api/v1/tenants/gd/uploads",
        {
            "material_order": 1,
            "file": SimpleUploadedFile("scan.png", png_claiming(50_000, 50_000), content_type="image/png"),
        },
    )
    assert api.status_code == 422 and api.json()["code"] == "upload_image_too_large"
    assert Upload.objects.count() == before
    fine = SimpleUploadedFile("scan.png", real_png(), content_type="image/png")
    assert citizen.post("/api/v1/tenants/gd/uploads", {"material_order": 1, "file": fine}).status_code == 201


def test_the_officer_finds_a_case_by_number_mobile_or_id_number(citizen: Client, officer: Client) -> None:
    from onestop.core.crypto import decrypt
    from onestop.identity.models import User

    number = apply(citizen, rs_person_item().code)
    act(officer, number, "not_accept", "请到窗口办理")  # closed: found by search all the same
    id_number = decrypt(User.objects.get(phone_hash=phone_hash(CITIZEN)).id_number_encrypted)

    link = f'href="/console/gd/cases/{number}/"'

    def found(term: str, client: Client = officer) -> bool:
        return link in client.get("/console/gd/cases/", {"q": term}).content.decode()

    assert link not in officer.get("/console/gd/cases/").content.decode()  # the open queue
    assert found(number) and found(number.lower()) and found(CITIZEN) and found(f"+86 {CITIZEN}")
    assert found(id_number) and found(id_number.lower())
    assert not found("13812349999") and not found("440106199001011234")
    # Another department's officer finds nothing by the same numbers.
    operator = logged_in("13900139003")
    operator.post(
        "/console/gd/staff/",
        {
            "display_name": "外部门",
            "phone": "13900139202",
            "role": "officer",
            "department": "gd-crj",
            "password": "Officer-Pass-2026",
        },
    )
    other = logged_in_as("13900139202", "Officer-Pass-2026")
    assert not any(found(term, other) for term in (number, CITIZEN, id_number))


def logged_in_as(phone: str, password: str) -> Client:
    from onestop.identity.tests.helpers import login

    client = Client()
    assert login(client, phone, password).status_code == 302
    return client


def test_an_instant_item_says_done_on_the_spot_not_zero_working_days(citizen: Client) -> None:
    from onestop.cases.tests.helpers import PROVINCE

    item = next(
        i
        for i in PROVINCE.items
        if i.committed_limit_days == 0 and i.min_trust_level <= 3 and i.audience == "person"
    )
    base = citizen.post(f"/gd/services/{item.code}/apply/")["Location"].rsplit("/", 2)[0]
    review = citizen.get(f"{base}/4/").content.decode()
    assert "即办" in review and "0 个工作日" not in review and "0 working days" not in review


def test_the_progress_bar_marks_only_the_steps_the_case_passed(citizen: Client, officer: Client) -> None:
    def steps(number: str) -> list[tuple[str, bool]]:
        page = citizen.get(f"/gd/me/cases/{number}/").content.decode()
        bar = page.split('<ol class="progress"', 1)[1].split("</ol>", 1)[0]
        return [
            (re.sub(r"<[^>]+>", "", label).strip(), "reached" in css)
            for css, label in re.findall(r'<li class="([^"]*)"[^>]*>(.*?)</li>', bar, re.S)
        ]

    refused = apply(citizen, rs_person_item().code)
    act(officer, refused, "not_accept", "请到窗口办理")
    assert steps(refused) == [("已收件", True), ("已办结", True)]  # never accepted, never reviewed
    accepted = apply(citizen, rs_person_item().code)
    act(officer, accepted, "accept")
    shown = steps(accepted)
    assert shown[:3] == [("已收件", True), ("已受理", True), ("审查中", False)]
    assert "特别程序" not in dict(shown)  # only when one happened
    act(officer, accepted, "start_review")
    act(officer, accepted, "suspend", "组织专家评审")
    assert ("特别程序", True) in steps(accepted)
