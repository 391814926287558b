"""Verification to L2, L3 (population registry) and L4 (face check), through the portal."""

from __future__ import annotations

import base64
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from onestop.identity.idnumber import make_id_number, mask_id_number
from onestop.identity.models import FaceCheckSession, User
from onestop.identity.tests.helpers import register
from onestop_dev.demo.accounts import sample_residents
from onestop_dev.demo.residents import build_residents

pytestmark = pytest.mark.django_db
# A 1x1 PNG, padded past the sandbox's minimum size with a text chunk.
PNG = (
    base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
    )
    + b"\0" * 2048
)


@pytest.fixture
def citizen(client: Client) -> Client:
    register(client, "13612345678")
    return client


def _verify(client: Client, name: str, number: str):  # type: ignore[no-untyped-def]
    return client.post("/gd/me/verify/", {"name": name, "id_number": number})


def test_a_demo_resident_verifies_to_l3_and_sees_a_masked_profile(citizen: Client) -> None:
    name, number = sample_residents()[0]
    response = _verify(citizen, name, number)
    assert response.status_code == 302
    user = User.objects.get(phone_masked="136****5678")
    assert user.trust_level == 3 and user.is_real_name
    page = citizen.get("/gd/me/").content.decode()
    assert mask_id_number(number) in page and number not in page
    assert name not in page and user.real_name_masked in page
    api = citizen.get("/api/v1/tenants/gd/me").json()
    assert api == {
        "phone": "136****5678",
        "real_name": user.real_name_masked,
        "id_number": mask_id_number(number),
        "trust_level": 3,
    }


def test_a_well_formed_number_the_registry_does_not_know_gives_l2(citizen: Client) -> None:
    response = _verify(citizen, "王小明", make_id_number("440106", date(1990, 5, 17), 123))
    assert response.status_code == 302
    assert User.objects.get(phone_masked="136****5678").trust_level == 2


def test_a_wrong_name_for_a_known_number_gives_l2(citizen: Client) -> None:
    _name, number = sample_residents()[1]
    _verify(citizen, "不对的名字", number)
    assert User.objects.get(phone_masked="136****5678").trust_level == 2


def test_a_cancelled_registry_record_does_not_verify(citizen: Client) -> None:
    cancelled = next(r for r in build_residents() if r.status == "cancelled")
    _verify(citizen, cancelled.name, cancelled.id_number)
    assert User.objects.get(phone_masked="136****5678").trust_level == 2


@pytest.mark.parametrize(
    ("number", "code", "words"),
    [
        ("44010619900101123", "id_format", "18"),
        ("440106199001011230", "id_check_digit", "check digit"),
        (
            make_id_number("440106", date(1990, 1, 1), 1)[:10] + "1345" + "1231",
            "id_birth_date_invalid",
            "date of birth",
        ),
        (make_id_number("449906", date(1990, 1, 1), 1), "id_region_unknown", "region"),
    ],
)
def test_invalid_numbers_are_refused_naming_the_problem(
    citizen: Client, number: str, code: str, words: str
) -> None:
    english = Client(headers={"accept-language": "en"})
    english.cookies = citizen.cookies
    response = _verify(english, "王小明", number)
    page = response.content.decode()
    assert response.status_code == 422 and code in page and words in page
    assert User.objects.get(phone_masked="136****5678").trust_level == 1


def test_one_person_one_account(citizen: Client) -> None:
    name, number = sample_residents()[2]
    _verify(citizen, name, number)
    other = Client()
    register(other, "13612345679")
    response = _verify(other, name, number)
    assert response.status_code == 422 and "id_taken" in response.content.decode()


def test_face_check_needs_l3_then_raises_to_l4(citizen: Client) -> None:
    assert citizen.get("/gd/me/face-check/").status_code == 302  # L1: verify first
    name, number = sample_residents()[0]
    _verify(citizen, name, number)
    page = citizen.get("/gd/me/face-check/")
    assert page.status_code == 200
    assert "沙箱人脸核验" in page.content.decode() or "Sandbox face check" in page.content.decode()
    session = FaceCheckSession.objects.latest("id")
    wrong = citizen.post(
        "/gd/me/face-check/",
        {
            "session": session.pk,
            "answer": "0000" if session.challenge != "0000" else "1111",
            "photo": _photo(),
        },
    )
    assert wrong.status_code == 422 and "face_check_failed" in wrong.content.decode()
    session = FaceCheckSession.objects.latest("id")
    not_an_image = citizen.post(
        "/gd/me/face-check/",
        {"session": session.pk, "answer": session.challenge, "photo": _photo(b"GIF89a" + b"\0" * 2048)},
    )
    assert not_an_image.status_code == 422
    session = FaceCheckSession.objects.latest("id")
    passed = citizen.post(
        "/gd/me/face-check/",
        {"session": session.pk, "answer": session.challenge, "photo": _photo()},
    )
    assert passed.status_code == 302
    assert User.objects.get(phone_masked="136****5678").trust_level == 4


def test_an_expired_face_check_is_refused(citizen: Client) -> None:
    name, number = sample_residents()[0]
    _verify(citizen, name, number)
    citizen.get("/gd/me/face-check/")
    session = FaceCheckSession.objects.latest("id")
    FaceCheckSession.objects.filter(pk=session.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = citizen.post(
        "/gd/me/face-check/",
        {"session": session.pk, "answer": session.challenge, "photo": _photo()},
    )
    assert response.status_code == 422 and "face_check_expired" in response.content.decode()


def _photo(content: bytes = PNG):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("me.png", content, content_type="image/png")


def test_guides_show_the_minimum_level(client: Client) -> None:
    page = client.get("/gd/services/?q=养老金").content.decode()
    assert "养老金" in page
    from onestop_dev.demo.generator import build_province

    item = next(i for i in build_province().items if i.min_trust_level == 4)
    guide = client.get(f"/gd/services/{item.code}/").content.decode()
    assert "L4 · 经人脸核验确认本人" in guide


def test_a_photo_claiming_too_many_pixels_is_refused_before_any_check(citizen: Client) -> None:
    from onestop.core.tests.test_images import png_claiming
    from onestop.identity.models import VerificationRecord

    name, number = sample_residents()[0]
    _verify(citizen, name, number)
    citizen.get("/gd/me/face-check/")
    session = FaceCheckSession.objects.latest("id")
    records = VerificationRecord.objects.count()
    bomb = citizen.post(
        "/gd/me/face-check/",
        {"session": session.pk, "answer": session.challenge, "photo": _photo(png_claiming(50_000, 50_000))},
    )
    assert bomb.status_code == 422 and "photo_too_large" in bomb.content.decode()
    assert VerificationRecord.objects.count() == records  # nothing checked, nothing written
    assert FaceCheckSession.objects.get(pk=session.pk).completed_at is None
