"""Production mode is its own thing: no demo data, keys provided by the operator (the
audit key apart), the platform's own host names over HTTPS, no sandbox unless told, no
loopback webhooks; the first operator and the first tenant come from commands."""

from __future__ import annotations

import http.client
import io
import json
import os
import signal
import ssl
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from onestop.core import crypto
from onestop.core.actors import Actor
from onestop.identity.models import User
from onestop.messaging.tests.test_sms_providers import TENCENT_TEMPLATES
from onestop.tenancy.actions import do_create_tenant
from onestop.tenancy.checks import check_no_demo_tenants
from onestop.tenancy.models import Region, Tenant
from onestop_dev.testing import free_port

pytestmark = [pytest.mark.django_db, pytest.mark.own_data]
CLI = str(Path(sys.executable).with_name("onestop"))
INSECURE = ["E001", "E006", "E007", "E008", "E009", "E010", "E011", "E012"]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A production process's environment: nothing of the suite's (no demo flag, no test
    settings, its own var/ on SQLite) but what is given."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("ONESTOP_", "DJANGO_", "EMAIL_"))}
    kept.pop("DATABASE_URL", None)
    return {
        **kept,
        "DJANGO_SETTINGS_MODULE": "onestop.settings",
        "ONESTOP_VAR_DIR": str(tmp_path / "var"),
        **extra,
    }


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], env=env, capture_output=True, text=True, timeout=120)


def _real_settings(tmp_path: Path) -> dict[str, str]:
    """What an operator provides: key files (`onestop keys init`), host names, HTTPS, a
    real SMS carrier and mail server; the integrations that have no real plugin yet are
    allowed as sandboxes by name."""
    made = _run(
        _env(tmp_path / "init"),
        "keys",
        "init",
        str(tmp_path / "keys"),
        "--audit-dir",
        str(tmp_path / "audit"),
    )
    assert made.returncode == 0, made.stderr
    keys = dict(line.split("=", 1) for line in made.stdout.split())
    return {
        **keys,
        "ONESTOP_ALLOWED_HOSTS": "hub.example.gov.cn",
        "ONESTOP_HTTPS": "1",
        "ONESTOP_SMS_BACKEND": "tencent",
        "ONESTOP_SMS_TENCENT_SECRET_ID": "AKIDexample",
        "ONESTOP_SMS_TENCENT_SECRET_KEY": "example-secret",
        "ONESTOP_SMS_TENCENT_SDK_APP_ID": "1400006666",
        "ONESTOP_SMS_SIGN_NAME": "某省政务服务",
        "ONESTOP_SMS_TEMPLATES": json.dumps(TENCENT_TEMPLATES),
        "ONESTOP_EMAIL_BACKEND": "smtp",
        "EMAIL_HOST": "smtp.example.gov.cn",
        "DEFAULT_FROM_EMAIL": "hub@example.gov.cn",
        "ONESTOP_SANDBOX_ALLOWED": "registry,face,data",
        **_wechatpay_merchant(tmp_path / "wechatpay"),
    }


def _wechatpay_merchant(directory: Path) -> dict[str, str]:
    """A WeChat Pay merchant's settings, with key files made here."""
    directory.mkdir(parents=True)
    paths = {}
    for name in ("merchant", "platform"):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        paths[name] = directory / f"{name}.pem"
        paths[name].write_bytes(
            key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
            if name == "merchant"
            else key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
        )
    return {
        "ONESTOP_PAYMENT_CHANNELS": "wechatpay",
        "ONESTOP_WECHATPAY_MCHID": "1900000109",
        "ONESTOP_WECHATPAY_APPID": "wx8888888888888888",
        "ONESTOP_WECHATPAY_CERT_SERIAL_NO": "444F4864EA9B34415",
        "ONESTOP_WECHATPAY_PRIVATE_KEY_PATH": str(paths["merchant"]),
        "ONESTOP_WECHATPAY_APIV3_KEY": "a" * 32,
        "ONESTOP_WECHATPAY_PUBLIC_KEY_PATH": str(paths["platform"]),
        "ONESTOP_WECHATPAY_PUBLIC_KEY_ID": "PUB_KEY_ID_0000000000000001",
    }


def test_the_deployment_checks_refuse_defaults_and_pass_real_settings(tmp_path: Path) -> None:
    refused = _run(_env(tmp_path / "insecure"), "check", "--deploy", "--fail-level", "ERROR")
    assert refused.returncode != 0
    assert [code for code in INSECURE if f"onestop.{code}" not in refused.stderr] == []

    real = _env(tmp_path, **_real_settings(tmp_path))
    checked = _run(real, "check", "--deploy", "--fail-level", "ERROR")
    assert checked.returncode == 0, checked.stderr
    assert "onestop.E" not in checked.stderr
    # The keys the files hold are the ones in use, and none was generated under var/.
    assert not (tmp_path / "var" / "keys.json").exists() and not (tmp_path / "var" / "secret_key").exists()

    # A clean start: migrated, the first operator, still nothing to refuse.
    assert _run(real, "migrate", "--no-input", "-v", "0").returncode == 0
    created = _run(
        {**real, "ONESTOP_OPERATOR_PASSWORD": "Correct-Horse-2026"},
        "createoperator",
        "--phone",
        "13912345678",
    )
    assert created.returncode == 0, created.stderr
    assert _run(real, "check", "--deploy", "--fail-level", "ERROR").returncode == 0
    _serves_https(real, tmp_path)

    # Demo data in the database: the checks and the server refuse.
    made = _run(
        real,
        "shell",
        "-c",
        "from onestop.core.actors import Actor\n"
        "from onestop.tenancy.actions import do_create_tenant\n"
        "from onestop.identity.actions import AccountSpec, do_provision_account\n"
        "actor = Actor.system('demo loader')\n"
        "do_create_tenant(actor=actor, code='fake', name='演示省', kind='province', demo=True)\n"
        "do_provision_account(actor=actor, tenant=None, spec=AccountSpec(phone='13700137001',"
        " password=None, kind='partner_developer', demo=True))",
    )
    assert made.returncode == 0, made.stderr
    again = _run(real, "check", "--deploy", "--fail-level", "ERROR")
    assert again.returncode != 0 and "onestop.E004" in again.stderr and "onestop.E005" in again.stderr
    assert "fake" in again.stderr
    served = _run(real, "serve", "--port", "1", "--no-worker")
    assert served.returncode != 0 and "onestop.E004" in served.stderr and "serving on" not in served.stdout


def _serves_https(env: dict[str, str], tmp_path: Path) -> None:
    """`onestop serve` with the operator's certificate: HTTPS only, HSTS on every answer."""
    certificate, key = _self_signed(tmp_path, "hub.example.gov.cn")
    port = free_port()
    server = subprocess.Popen(
        [CLI, "serve", "--port", str(port), "--tls-certificate", str(certificate), "--tls-key", str(key)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        assert server.stdout is not None
        assert f"serving on https://127.0.0.1:{port}/" in server.stdout.readline()
        trusted = ssl.create_default_context(cafile=str(certificate))
        trusted.check_hostname = False  # the certificate names the public host; this is 127.0.0.1
        for _ in range(300):  # until granian listens
            try:
                connection = http.client.HTTPSConnection("127.0.0.1", port, context=trusted, timeout=5)
                connection.request("GET", "/healthz", headers={"Host": "hub.example.gov.cn"})
                answer = connection.getresponse()
                break
            except ConnectionRefusedError:
                time.sleep(0.1)
        assert answer.status == 200 and answer.read() == b"ok"
        assert answer.getheader("Strict-Transport-Security", "").startswith("max-age=")
        # Plain HTTP to the same port is not answered.
        with pytest.raises((http.client.HTTPException, OSError)):
            _plain_get(port, "/healthz")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _plain_get(port: int, path: str) -> bytes:
    plain = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    plain.request("GET", path, headers={"Host": "hub.example.gov.cn"})
    return plain.getresponse().read()


def _self_signed(folder: Path, host: str) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certificate_path, key_path = folder / "tls.crt", folder / "tls.key"
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return certificate_path, key_path


def test_keys_come_from_the_operators_files_with_the_audit_key_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    call_command(
        "keys",
        "init",
        str(tmp_path / "keys"),
        "--audit-dir",
        str(tmp_path / "audit"),
        stdout=io.StringIO(),
    )
    keys = json.loads((tmp_path / "keys" / "keys.json").read_text())
    assert oct((tmp_path / "keys" / "keys.json").stat().st_mode & 0o777) == "0o600"
    with pytest.raises(CommandError, match="overwrite"):
        call_command("keys", "init", str(tmp_path / "keys"), "--audit-dir", str(tmp_path / "audit"))
    with pytest.raises(CommandError, match="apart"):
        call_command("keys", "init", str(tmp_path / "k"), "--audit-dir", str(tmp_path / "k"))
    for name in ("ONESTOP_DATA_KEYS", "ONESTOP_HASH_KEY", "ONESTOP_AUDIT_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ONESTOP_KEYS_FILE", str(tmp_path / "keys" / "keys.json"))
    monkeypatch.setenv("ONESTOP_AUDIT_KEY_FILE", str(tmp_path / "audit" / "audit.key"))
    crypto.reset_key_cache()
    try:
        assert crypto.key_source("data") == crypto.FILE and crypto.key_source("audit") == crypto.FILE
        token = crypto.encrypt("13800138000")
        assert crypto.decrypt(token) == "13800138000"
        from cryptography.fernet import Fernet

        assert Fernet(keys["data"].encode()).decrypt(token.encode()).decode() == "13800138000"
        assert crypto.audit_key_apart()
        # In the data keys' file, or beside the database, the audit key is not apart.
        monkeypatch.setenv("ONESTOP_AUDIT_KEY_FILE", str(tmp_path / "keys" / "keys.json"))
        assert not crypto.audit_key_apart()
        monkeypatch.setenv("ONESTOP_AUDIT_KEY_FILE", str(Path(settings.VAR_DIR) / "audit.key"))  # type: ignore[attr-defined]
        assert not crypto.audit_key_apart()
    finally:
        monkeypatch.undo()
        crypto.reset_key_cache()


def test_the_first_operator_needs_a_good_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONESTOP_OPERATOR_PASSWORD", "123")
    with pytest.raises(CommandError, match="password_invalid"):
        call_command("createoperator", phone="13912345670", name="运维", verbosity=0)
    assert not User.objects.filter(display_name="运维").exists()  # nothing half-made
    monkeypatch.setenv("ONESTOP_OPERATOR_PASSWORD", "Correct-Horse-2026")
    call_command("createoperator", phone="13912345670", name="运维", verbosity=0)
    operator = User.objects.get(display_name="运维", kind="platform_operator")
    assert operator.tenant is None and operator.check_password("Correct-Horse-2026") and not operator.demo
    assert [role.kind for role in operator.roles.all()] == ["platform_operator"]
    monkeypatch.delenv("ONESTOP_OPERATOR_PASSWORD")
    with pytest.raises(CommandError, match="ONESTOP_OPERATOR_PASSWORD"):
        call_command("createoperator", phone="13912345671", verbosity=0)


def test_an_empty_tenant_of_a_province_from_the_division_table() -> None:
    call_command(
        "tenant",
        "create",
        "--code",
        "hunan",
        "--name",
        "湖南省",
        "--region",
        "430000",
        verbosity=0,
        stdout=io.StringIO(),
    )
    tenant = Tenant.objects.get(code="hunan")
    regions = Region.objects.filter(tenant=tenant)
    assert regions.filter(level="province").get().code == "430000"
    assert regions.filter(level="city").count() == 14 and regions.filter(level="county").count() > 100
    assert not tenant.demo
    with pytest.raises(CommandError, match="--region"):
        call_command("tenant", "create", "--code", "nowhere", "--name", "无处")


def test_demo_tenants_are_named_outside_the_demo_and_the_demo_is_marked_on_every_page() -> None:
    do_create_tenant(
        actor=Actor.system("demo loader"), code="fakeprov", name="演示省", kind="province", demo=True
    )
    with override_settings(ONESTOP_DEMO=False):
        (problem,) = check_no_demo_tenants(None)
    assert problem.id == "onestop.E004" and "fakeprov" in problem.msg
    with override_settings(ONESTOP_DEMO=True):
        assert check_no_demo_tenants(None) == []
    with override_settings(ONESTOP_DEMO=True, ONESTOP_MARK_DEMO=True):
        page = Client(headers={"accept-language": "zh-CN"}).get("/fakeprov/").content.decode()
    assert "演示" in page and "sandbox-banner" in page
    with override_settings(ONESTOP_DEMO=True, ONESTOP_MARK_DEMO=False):
        assert "sandbox-banner" not in Client().get("/fakeprov/").content.decode()
