"""The audit actions identity records (``core.audit.AuditAction``): the only names its
entries carry, so that the log reads the same across releases."""

from __future__ import annotations

from onestop.core.audit import AuditAction


class IdentityAudit(AuditAction):
    CHANGE_PASSWORD = "identity.change_password"
    CREATE_STAFF = "identity.create_staff"
    DENIED_AUDIT_VIEW = "identity.denied.audit.view"
    DENIED_CASES_ESCALATIONS = "identity.denied.cases.escalations"
    DENIED_CASES_HANDLE = "identity.denied.cases.handle"
    DENIED_CERTIFICATES_REVOKE = "identity.denied.certificates.revoke"
    DENIED_CONSOLE_VIEW = "identity.denied.console.view"
    DENIED_DASHBOARD_VIEW = "identity.denied.dashboard.view"
    DENIED_PARTNERS_MANAGE = "identity.denied.partners.manage"
    DENIED_PERSONAL_DATA_REVEAL = "identity.denied.personal_data.reveal"
    DENIED_SMS_VIEW = "identity.denied.sms.view"
    DENIED_STAFF_MANAGE = "identity.denied.staff.manage"
    DENIED_USERS_VIEW = "identity.denied.users.view"
    DISABLE = "identity.disable"
    ENABLE = "identity.enable"
    EXPORT = "identity.export"
    FACE_CHECK = "identity.face_check"
    FACE_CHECK_STARTED = "identity.face_check_started"
    LOAD_SANDBOX_RESIDENTS = "identity.load_sandbox_residents"
    LOGIN = "identity.login"
    LOGOUT = "identity.logout"
    PROVISION_ACCOUNT = "identity.provision_account"
    REENCRYPT = "identity.reencrypt"
    REGISTER = "identity.register"
    REQUEST_CODE = "identity.request_code"
    REVEAL = "identity.reveal"
    SET_CONTACT = "identity.set_contact"
    VERIFY = "identity.verify"
