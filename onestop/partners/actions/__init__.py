"""Every write of the open platform: partners, admissions, apps and their secrets, grants,
service modules, citizens' consents, tokens and webhook subscriptions.

Each action checks first, writes in one transaction and leaves an audit entry. Secrets
are returned once, by the action that makes them, and stored only as digests."""

from onestop.partners.actions.admissions import do_decide_admission, do_register_partner, do_request_admission
from onestop.partners.actions.checks import ALL_SCOPES, check_member, check_operator, valid_scopes
from onestop.partners.actions.clients import (
    SECRET_OVERLAP,
    do_create_app,
    do_grant_app,
    do_install_module,
    do_revoke_secret,
    do_rotate_secret,
    do_set_limits,
    do_uninstall_module,
    do_update_app,
)
from onestop.partners.actions.tokens import (
    ACCESS_TOKEN_LIFETIME,
    CODE_LIFETIME,
    REFRESH_TOKEN_LIFETIME,
    GrantRefused,
    do_authorize,
    do_exchange_code,
    do_issue_client_token,
    do_refresh_tokens,
    do_revoke_consent,
    do_revoke_token,
)
from onestop.partners.actions.webhooks import do_replay, do_subscribe, do_unsubscribe

__all__ = [
    "ACCESS_TOKEN_LIFETIME",
    "ALL_SCOPES",
    "CODE_LIFETIME",
    "REFRESH_TOKEN_LIFETIME",
    "SECRET_OVERLAP",
    "GrantRefused",
    "check_member",
    "check_operator",
    "do_authorize",
    "do_create_app",
    "do_decide_admission",
    "do_exchange_code",
    "do_grant_app",
    "do_install_module",
    "do_issue_client_token",
    "do_refresh_tokens",
    "do_register_partner",
    "do_replay",
    "do_request_admission",
    "do_revoke_consent",
    "do_revoke_secret",
    "do_revoke_token",
    "do_rotate_secret",
    "do_set_limits",
    "do_subscribe",
    "do_uninstall_module",
    "do_unsubscribe",
    "do_update_app",
    "valid_scopes",
]
