from enum import StrEnum


class MessagingErrorCode(StrEnum):
    SMS_NUMBER_INVALID = "sms_number_invalid"
    SMS_TEXT_INVALID = "sms_text_invalid"
    SMS_RATE_LIMITED = "sms_rate_limited"
    # The carrier refused this text to this number (unsubscribed, blocked, content refused).
    SMS_REFUSED = "sms_refused"
    # The provider refuses the platform's own settings (credentials, sign, templates, balance).
    SMS_PROVIDER_MISCONFIGURED = "sms_provider_misconfigured"
    # The provider is out of reach or failed for a moment; sending again later may succeed.
    SMS_PROVIDER_UNAVAILABLE = "sms_provider_unavailable"
    EMAIL_ADDRESS_INVALID = "email_address_invalid"
    EMAIL_INVALID = "email_invalid"
    # The mail server refused the recipient.
    EMAIL_REFUSED = "email_refused"
    EMAIL_PROVIDER_MISCONFIGURED = "email_provider_misconfigured"
    EMAIL_PROVIDER_UNAVAILABLE = "email_provider_unavailable"
