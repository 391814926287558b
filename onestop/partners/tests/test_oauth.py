"""The OAuth 2.0 server: client credentials, authorization code with PKCE, refresh
rotation, revocation, consents, secrets rotated without downtime."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop.cases.tests.helpers import CITIZEN, logged_in
from onestop.core.errors import Conflict
from onestop.partners import actions
from onestop.partners.creditcode import credit_code_is_valid
from onestop.partners.models import ClientSecret, Consent, Token
from onestop.partners.tests.helpers import REDIRECT, SYSTEM, basic, challenge, make_partner_app

pytestmark = pytest.mark.django_db


def _token(client: Client, auth: str, **form: str):  # type: ignore[no-untyped-def]
    return client.post("/oauth/gd/token", form, headers={"Authorization": auth})


def test_client_credentials_give_a_token_with_the_granted_scopes_only() -> None:
    partner = make_partner_app(scopes=["catalogue:read", "webhooks:manage"])
    body = partner.token()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and "refresh_token" not in body
    assert set(body["scope"].split()) == {"catalogue:read", "webhooks:manage"}
    assert not Token.objects.filter(access_digest=body["access_token"]).exists()  # stored as a digest only
    refused = _token(
        partner.http,
        basic(partner.app.client_id, partner.secret),
        grant_type="client_credentials",
        scope="cases:process",
    )
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_scope"
    info = partner.call("get", "/tenants/gd/partner/token", body["access_token"]).json()
    assert info["scopes"] == ["catalogue:read", "webhooks:manage"] and info["acting_for_citizen"] is False


@pytest.mark.parametrize(
    ("form", "error", "status"),
    [
        ({"grant_type": "client_credentials"}, "invalid_client", 401),
        ({"grant_type": "password"}, "unsupported_grant_type", 400),
        ({"grant_type": "authorization_code", "code": "osac_nothing"}, "invalid_grant", 400),
        ({"grant_type": "refresh_token", "refresh_token": "osrt_nothing"}, "invalid_grant", 400),
    ],
)
def test_token_endpoint_errors_follow_rfc_6749(form: dict[str, str], error: str, status: int) -> None:
    partner = make_partner_app()
    secret = "oscs_wrong" if error == "invalid_client" else partner.secret
    response = _token(partner.http, basic(partner.app.client_id, secret), **form)
    assert response.status_code == status and response.json()["error"] == error
    assert response["Cache-Control"] == "no-store"


def test_rotating_a_secret_keeps_the_old_one_working_until_revoked() -> None:
    partner = make_partner_app()
    new = actions.do_rotate_secret(actor=SYSTEM, user=partner.developer, app=partner.app)
    for secret in (partner.secret, new):
        assert (
            _token(
                partner.http, basic(partner.app.client_id, secret), grant_type="client_credentials"
            ).status_code
            == 200
        )
    old = ClientSecret.objects.get(app=partner.app, hint=partner.secret[:9])
    assert old.expires_at is not None  # it ends by itself after the overlap
    actions.do_revoke_secret(actor=SYSTEM, user=partner.developer, app=partner.app, secret=old)
    assert (
        _token(
            partner.http,
            basic(partner.app.client_id, partner.secret),
            grant_type="client_credentials",
        ).status_code
        == 401
    )
    last = ClientSecret.objects.get(app=partner.app, hint=new[:9])
    with pytest.raises(Conflict):
        actions.do_revoke_secret(actor=SYSTEM, user=partner.developer, app=partner.app, secret=last)


def test_authorization_code_with_pkce_refresh_rotation_and_reuse_detection() -> None:
    partner = make_partner_app()
    tokens = partner.consent_of(logged_in(CITIZEN))
    assert partner.call("get", "/tenants/gd/cases", tokens["access_token"]).status_code == 200
    auth = basic(partner.app.client_id, partner.secret)
    renewed = _token(
        partner.http, auth, grant_type="refresh_token", refresh_token=tokens["refresh_token"]
    ).json()
    assert renewed["access_token"] != tokens["access_token"]
    assert partner.call("get", "/tenants/gd/cases", tokens["access_token"]).status_code == 401
    # The old refresh token again: someone copied it. Every token of the consent ends.
    reused = _token(partner.http, auth, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert reused.json()["error"] == "invalid_grant"
    assert partner.call("get", "/tenants/gd/cases", renewed["access_token"]).status_code == 401


def _authorize_query(partner, verifier: str, **extra: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        "response_type": "code",
        "client_id": partner.app.client_id,
        "redirect_uri": REDIRECT,
        "scope": "cases:read",
        "state": "x",
        "code_challenge": challenge(verifier),
        "code_challenge_method": "S256",
        **extra,
    }


def test_a_code_works_once_with_its_verifier_only() -> None:
    partner = make_partner_app()
    citizen = logged_in(CITIZEN)
    verifier = secrets.token_urlsafe(48)
    query = _authorize_query(partner, verifier)
    back = citizen.post("/oauth/gd/authorize", {**query, "decision": "allow"})
    code = parse_qs(urlsplit(back["Location"]).query)["code"][0]
    auth = basic(partner.app.client_id, partner.secret)
    wrong = _token(
        partner.http,
        auth,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT,
        code_verifier=secrets.token_urlsafe(48),
    )
    assert wrong.json()["error"] == "invalid_grant"
    again = _token(
        partner.http,
        auth,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT,
        code_verifier=verifier,
    )
    assert again.json()["error"] == "invalid_grant"  # spent by the first try


def test_the_consent_page_refuses_what_it_must_not_redirect() -> None:
    partner = make_partner_app()
    citizen = logged_in(CITIZEN)
    verifier = secrets.token_urlsafe(48)
    bad_uri = citizen.get(
        "/oauth/gd/authorize?"
        + urlencode(_authorize_query(partner, verifier, redirect_uri="https://evil.example/cb"))
    )
    assert bad_uri.status_code == 400 and "Location" not in bad_uri
    no_pkce = citizen.get(
        "/oauth/gd/authorize?" + urlencode(_authorize_query(partner, verifier, code_challenge_method="plain"))
    )
    assert "error=invalid_request" in no_pkce["Location"]
    too_much = citizen.get(
        "/oauth/gd/authorize?" + urlencode(_authorize_query(partner, verifier, scope="cases:process"))
    )
    assert "error=invalid_scope" in too_much["Location"]
    denied = citizen.post("/oauth/gd/authorize", {**_authorize_query(partner, verifier), "decision": "deny"})
    assert (
        "error=access_denied" in denied["Location"] and not Consent.objects.filter(app=partner.app).exists()
    )
    anonymous = Client().get("/oauth/gd/authorize?" + urlencode(_authorize_query(partner, verifier)))
    assert anonymous.status_code == 302 and "/gd/accounts/login/" in anonymous["Location"]


def test_the_citizen_sees_and_withdraws_an_apps_authorisation() -> None:
    partner = make_partner_app()
    citizen = logged_in(CITIZEN)
    tokens = partner.consent_of(citizen)
    page = citizen.get("/gd/me/apps/")
    assert partner.app.name in page.content.decode()
    consent = Consent.objects.get(app=partner.app)
    assert citizen.post("/gd/me/apps/", {"consent": consent.pk}).status_code == 302
    assert partner.call("get", "/tenants/gd/cases", tokens["access_token"]).status_code == 401
    refreshed = _token(
        partner.http,
        basic(partner.app.client_id, partner.secret),
        grant_type="refresh_token",
        refresh_token=tokens["refresh_token"],
    )
    assert refreshed.json()["error"] == "invalid_grant"


def test_revocation_and_metadata() -> None:
    partner = make_partner_app()
    token = partner.token()["access_token"]
    revoked = partner.http.post(
        "/oauth/gd/revoke",
        {"token": token},
        headers={"Authorization": basic(partner.app.client_id, partner.secret)},
    )
    assert revoked.status_code == 200
    assert partner.call("get", "/tenants/gd/partner/token", token).status_code == 401
    metadata = Client().get("/.well-known/oauth-authorization-server/oauth/gd").json()
    assert metadata["issuer"].endswith("/oauth/gd") and metadata["code_challenge_methods_supported"] == [
        "S256"
    ]


def test_unified_social_credit_codes_are_checked() -> None:
    assert credit_code_is_valid("91110000600037341L")
    assert not credit_code_is_valid("91110000600037341M")
    assert not credit_code_is_valid("9111000060003734")


FORM_VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["client_credentials", "authorization_code", "refresh_token", "S256", "code", REDIRECT]),
)
FIELDS = st.sampled_from(
    [
        "grant_type",
        "scope",
        "code",
        "redirect_uri",
        "code_verifier",
        "refresh_token",
        "client_id",
        "client_secret",
        "response_type",
        "code_challenge",
        "code_challenge_method",
        "state",
        "decision",
        "token",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    form=st.dictionaries(FIELDS, FORM_VALUES, max_size=8),
    header=st.sampled_from(["", "Basic", "Basic !!", "Basic Og==", "Bearer x"]),
)
def test_whatever_is_sent_the_oauth_endpoints_answer_without_a_server_error(
    form: dict[str, str], header: str
) -> None:
    client = Client(raise_request_exception=False)
    headers = {"Authorization": header} if header else {}
    token = client.post("/oauth/gd/token", form, headers=headers)
    assert token.status_code in (200, 400, 401) and "error" in token.json()
    assert client.post("/oauth/gd/revoke", form, headers=headers).status_code in (200, 400, 401)
    citizen_page = client.get("/oauth/gd/authorize?" + urlencode(form))
    assert citizen_page.status_code in (200, 302, 400, 422)  # 422: characters no form may hold


def test_the_metadata_names_the_address_being_served() -> None:
    from django.test import override_settings

    served = Client(HTTP_HOST="localhost:9000").get("/.well-known/oauth-authorization-server/oauth/gd").json()
    assert served["issuer"] == "http://localhost:9000/oauth/gd"
    assert served["token_endpoint"] == "http://localhost:9000/oauth/gd/token"
    with override_settings(ONESTOP_PUBLIC_URL="https://hub.example.gov.cn/"):
        fixed = Client().get("/.well-known/oauth-authorization-server/oauth/gd").json()
    assert fixed["issuer"] == "https://hub.example.gov.cn/oauth/gd"
    assert (
        Client(HTTP_HOST="evil.example").get("/.well-known/oauth-authorization-server/oauth/gd").status_code
        == 400
    )
