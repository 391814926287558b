"""A logging filter that masks ID numbers and mobile numbers in every log line.

Code never logs them on purpose; this catches what slips through (a path, an exception
message with user input), so that no log line holds one in full.
"""

from __future__ import annotations

import logging
import re

ID_NUMBER = re.compile(r"(?<![0-9])([1-8][0-9]{3})[0-9]{10}([0-9]{3}[0-9Xx])(?![0-9])")
MOBILE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")


def mask_personal_data(text: str) -> str:
    text = ID_NUMBER.sub(lambda m: f"{m.group(1)}**********{m.group(2)}", text)
    return MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


class MaskPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = mask_personal_data(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
