from enum import StrEnum


class MessagingErrorCode(StrEnum):
    SMS_NUMBER_INVALID = "sms_number_invalid"
    SMS_TEXT_INVALID = "sms_text_invalid"
    SMS_RATE_LIMITED = "sms_rate_limited"
    EMAIL_ADDRESS_INVALID = "email_address_invalid"
    EMAIL_INVALID = "email_invalid"
