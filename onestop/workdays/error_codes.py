from enum import StrEnum


class WorkdaysErrorCode(StrEnum):
    CALENDAR_KIND_INVALID = "calendar_kind_invalid"
    CALENDAR_WORKDAY_ON_WEEKDAY = "calendar_workday_on_weekday"
