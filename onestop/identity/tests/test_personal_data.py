"""Personal data: encrypted at rest, masked everywhere, revealed only with a permission and
audited, exported to its owner; key rotation; KPIs."""

from __future__ import annotations

import json
import logging

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from onestop.core import crypto
from onestop.core.logging import MaskPersonalData, mask_personal_data
from onestop.core.models import AuditEntry
from onestop.identity.models import User
from onestop.identity.tests.helpers import PASSWORD, login, register
from onestop_dev.demo.accounts import DEMO_PASSWORD, sample_residents

pytestmark = pytest.mark.django_db


@pytest.fixture
def verified() -> tuple[Client, str, str]:
    client = Client()
    register(client, "13712345678")
    name, number = sample_residents()[0]
    client.post("/gd/me/verify/", {"name": name, "id_number": number})
    return client, name, number


def _all_text_in_database() -> str:
    """Every text value of every table, as the database holds it."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            chunks.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(chunks)


def test_no_table_holds_a_phone_id_number_or_name_in_plaintext(
    verified: tuple[Client, str, str],
) -> None:
    _client, name, number = verified
    text = _all_text_in_database()
    for secret in (number, "13712345678", name):
        assert secret not in text


def test_the_owner_downloads_everything_after_confirming_the_password(
    verified: tuple[Client, str, str],
) -> None:
    client, name, number = verified
    page = client.get("/gd/me/data/").content.decode()
    assert number not in page and "4" in page
    refused = client.post("/gd/me/data/", {"password": "wrong-password-1"})
    assert refused.status_code == 422
    export = client.post("/gd/me/data/", {"password": PASSWORD})
    assert export["Content-Disposition"].startswith("attachment")
    data = json.loads(export.content)
    assert data["account"]["id_number"] == number and data["account"]["real_name"] == name
    assert data["account"]["phone"] == "13712345678"
    assert {v["method"] for v in data["verifications"]} >= {
        "sms_code",
        "id_format",
        "population_registry",
    }
    assert any(a["action"] == "identity.verify" for a in data["activity"])
    assert any("验证码" in m["text"] for m in data["messages"])
    assert AuditEntry.objects.filter(action="identity.export").exists()


def test_an_operator_reveals_with_a_record_an_officer_cannot(
    verified: tuple[Client, str, str],
) -> None:
    _client, _name, number = verified
    user = User.objects.get(phone_masked="137****5678")
    operator, officer = Client(), Client()
    login(operator, "13900139003", DEMO_PASSWORD)
    login(officer, "13900139001", DEMO_PASSWORD)
    lookup = operator.get("/console/gd/users/", {"phone": "13712345678"}).content.decode()
    assert "137****5678" in lookup and number not in lookup
    revealed = operator.post(f"/console/gd/users/{user.pk}/reveal/", {"field": "id_number"})
    assert number in revealed.content.decode() and revealed["Cache-Control"] == "no-store"
    entry = AuditEntry.objects.filter(action="identity.reveal").latest("sequence")
    assert (entry.object_id, entry.detail, entry.outcome) == (
        str(user.pk),
        {"field": "id_number"},
        "success",
    )
    assert number not in json.dumps(entry.detail)

    denied = officer.post(f"/console/gd/users/{user.pk}/reveal/", {"field": "id_number"})
    assert denied.status_code == 403 and number not in denied.content.decode()
    assert AuditEntry.objects.filter(outcome="denied", actor_label="陈科员").exists()


def test_log_lines_never_hold_a_full_number(caplog: pytest.LogCaptureFixture) -> None:
    assert (
        mask_personal_data("id 44010619900101123X phone 13812345678")
        == "id 4401**********123X phone 138****5678"
    )
    logger = logging.getLogger("onestop.test")
    logger.addFilter(MaskPersonalData())
    with caplog.at_level(logging.INFO):
        logger.info("looked up %s for %s", "44010619900101123X", "13812345678")
    assert "44010619900101123X" not in caplog.text and "4401**********123X" in caplog.text
    assert "13812345678" not in caplog.text


def test_keys_rotate_and_old_values_still_read(
    monkeypatch: pytest.MonkeyPatch, verified: tuple[Client, str, str]
) -> None:
    from cryptography.fernet import Fernet

    _client, _name, number = verified
    user = User.objects.get(phone_masked="137****5678")
    old_key = crypto._generated_keys()["data"]
    new_key = Fernet.generate_key().decode()
    monkeypatch.setenv("ONESTOP_DATA_KEYS", f"{new_key},{old_key}")
    crypto.reset_key_cache()
    try:
        assert crypto.decrypt(user.id_number_encrypted) == number  # the old key still reads
        call_command("keys", "rotate", verbosity=0)
        user.refresh_from_db()
        assert Fernet(new_key.encode()).decrypt(user.id_number_encrypted.encode()).decode() == number
    finally:
        monkeypatch.delenv("ONESTOP_DATA_KEYS")
        crypto.reset_key_cache()


def test_kpis_count_users_by_level(client: Client) -> None:
    before = client.get("/api/v1/tenants/gd/kpis").json()
    register(Client(), "13712345679")
    after = client.get("/api/v1/tenants/gd/kpis").json()
    citizens = User.objects.filter(tenant__code="gd", kind="citizen")
    assert after["users_total"] == before["users_total"] + 1 == citizens.count()
    assert after["users_by_level"]["L1"] == before["users_by_level"]["L1"] + 1
    assert after["real_name_users"] == citizens.filter(trust_level__gte=3).count() >= 1
    assert set(after["users_by_level"]) == {"L1", "L2", "L3", "L4", "L5"}


def test_my_data_page_says_everything_in_words() -> None:
    """The page showed stored codes (identity.login, sms_code, success, date_joined)."""
    from onestop.identity.tests.helpers import login
    from onestop_dev.demo.accounts import DEMO_PASSWORD

    client = Client()
    login(client, "13800138000", DEMO_PASSWORD)
    page = client.get("/gd/me/data/").content.decode()
    table = page.split("<h1>", 1)[1].split("<form", 1)[0]
    for code in (
        "identity.login",
        "sms_code",
        "population_registry",
        ">success<",
        "date_joined",
        "trust_level",
        "T0",
        "+00:00",
    ):
        assert code not in table, code
    assert "登录" in table and "人口信息库" in table and "注册时间" in table
