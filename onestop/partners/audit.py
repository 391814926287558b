"""The audit actions partners records (``core.audit.AuditAction``): the only names its
entries carry, so that the log reads the same across releases."""

from __future__ import annotations

from onestop.core.audit import AuditAction


class PartnersAudit(AuditAction):
    ADMISSION_APPROVED = "partners.admission.approved"
    ADMISSION_PENDING = "partners.admission.pending"
    ADMISSION_REJECTED = "partners.admission.rejected"
    ADMISSION_SUSPENDED = "partners.admission.suspended"
    CONSENT = "partners.consent"
    CREATE_APP = "partners.create_app"
    GRANT_APP = "partners.grant_app"
    INSTALL_MODULE = "partners.install_module"
    REGISTER = "partners.register"
    REPLAY = "partners.replay"
    REQUEST_ADMISSION = "partners.request_admission"
    REVOKE_CONSENT = "partners.revoke_consent"
    REVOKE_SECRET = "partners.revoke_secret"
    ROTATE_SECRET = "partners.rotate_secret"
    SET_LIMITS = "partners.set_limits"
    SUBSCRIBE = "partners.subscribe"
    TOKEN_AUTHORIZATION_CODE = "partners.token.authorization_code"
    TOKEN_CLIENT_CREDENTIALS = "partners.token.client_credentials"
    TOKEN_REFRESH = "partners.token.refresh"
    TOKEN_REVOKE = "partners.token.revoke"
    UNINSTALL_MODULE = "partners.uninstall_module"
    UNSUBSCRIBE = "partners.unsubscribe"
    UPDATE_APP = "partners.update_app"
