from enum import StrEnum


class PaymentsErrorCode(StrEnum):
    BILL_NOT_FOUND = "bill_not_found"
    BILL_NOT_DUE = "bill_not_due"
    BILL_LINES_INVALID = "bill_lines_invalid"
    BILL_DUE_DATE_INVALID = "bill_due_date_invalid"
    BILL_EXISTS = "bill_exists"
    BILL_PAYER_UNKNOWN = "bill_payer_unknown"
    BILL_DEPARTMENT_UNKNOWN = "bill_department_unknown"
    PAYMENT_NOTIFICATION_INVALID = "payment_notification_invalid"
    ORDER_NOT_FOUND = "order_not_found"
    ORDER_CLOSED = "order_closed"
    IDEMPOTENCY_KEY_INVALID = "idempotency_key_invalid"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    CHANNEL_UNKNOWN = "channel_unknown"
    CHANNEL_UNAVAILABLE = "channel_unavailable"
