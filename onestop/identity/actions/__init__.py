"""Every write of identity, and the login checks.

Actions take a keyword-only ``actor``, run in one transaction and record themselves in the
audit log. Logins and refusals are recorded too (outcome failed or denied). Nothing
personal goes into the log: masked values and account ids only."""

from onestop.identity.actions.accounts import (
    do_change_password,
    do_log_in_with_code,
    do_log_in_with_password,
    do_logout,
    do_register_citizen,
    do_register_partner_developer,
    do_set_contact,
)
from onestop.identity.actions.codes import (
    CODE_COOLDOWN,
    CODE_LIFETIME,
    CODE_MAX_ATTEMPTS,
    do_request_code,
    login_key,
)
from onestop.identity.actions.provisioning import (
    AccountSpec,
    ResidentSpec,
    do_load_sandbox_residents,
    do_provision_account,
    do_reencrypt_personal_data,
)
from onestop.identity.actions.staff import (
    REVEALABLE,
    PermissionDenied,
    do_create_staff,
    do_export_personal_data,
    do_reveal_personal_data,
    do_set_account_active,
    require,
)
from onestop.identity.actions.verification import (
    FACE_CHECK_LIFETIME,
    VerificationOutcome,
    do_complete_face_check,
    do_start_face_check,
    do_verify_identity,
)

__all__ = [
    "CODE_COOLDOWN",
    "CODE_LIFETIME",
    "CODE_MAX_ATTEMPTS",
    "FACE_CHECK_LIFETIME",
    "REVEALABLE",
    "AccountSpec",
    "PermissionDenied",
    "ResidentSpec",
    "VerificationOutcome",
    "do_change_password",
    "do_complete_face_check",
    "do_create_staff",
    "do_export_personal_data",
    "do_load_sandbox_residents",
    "do_log_in_with_code",
    "do_log_in_with_password",
    "do_logout",
    "do_provision_account",
    "do_reencrypt_personal_data",
    "do_register_citizen",
    "do_register_partner_developer",
    "do_request_code",
    "do_reveal_personal_data",
    "do_set_account_active",
    "do_set_contact",
    "do_start_face_check",
    "do_verify_identity",
    "login_key",
    "require",
]
