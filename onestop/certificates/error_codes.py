from enum import StrEnum


class CertificateErrorCode(StrEnum):
    CERTIFICATE_NOT_FOUND = "certificate_not_found"
    TYPE_UNKNOWN = "certificate_type_unknown"
    NO_CERTIFICATE_FOR_ITEM = "no_certificate_for_item"
    ALREADY_REVOKED = "certificate_already_revoked"
    CREDENTIAL_INVALID = "credential_invalid"
    REVOCATION_REASON_INVALID = "revocation_reason_invalid"
    REVOCATION_NOTE_INVALID = "revocation_note_invalid"
