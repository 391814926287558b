"""Work a served process does once when it starts instead of on its first requests
(loading dictionaries, say): apps register it in their ``ready()``, the WSGI entry point
runs it."""

from __future__ import annotations

from collections.abc import Callable

_steps: list[Callable[[], object]] = []


def register(step: Callable[[], object]) -> None:
    if step not in _steps:
        _steps.append(step)


def run() -> None:
    for step in _steps:
        step()
