"""The operator's command line: ``onestop <command>``.

Every Django management command is available (``onestop migrate``, ``onestop demo``,
``onestop serve`` ...); ``onestop help`` lists them.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "onestop"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
