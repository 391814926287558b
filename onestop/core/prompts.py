"""Secrets an operator's command needs (a password, a passphrase): from an environment
variable for unattended set-ups, else asked on the terminal, twice when it is new."""

from __future__ import annotations

import getpass
import os
import sys

from django.core.management.base import CommandError


def ask_secret(variable: str, prompt: str, *, confirm: bool) -> str:
    if given := os.environ.get(variable):
        return given
    if not sys.stdin.isatty():
        raise CommandError(f"No terminal to ask the {prompt.lower()} on: set {variable}.")
    first = getpass.getpass(f"{prompt}: ")
    if confirm and first != getpass.getpass(f"{prompt} (again): "):
        raise CommandError(f"The {prompt.lower()}s differ.")
    return first
