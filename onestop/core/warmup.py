"""Work a served process does once when it starts instead of on its first requests
(loading dictionaries, say): apps register it in their ``ready()``, the WSGI entry point
runs it.

Then what the process has loaded (Django, the apps, jieba's and pypinyin's tables: some
290,000 objects the garbage collector tracks) is moved out of the collector's sight
(``gc.freeze``): it lives as long as the process, and a full collection walking it took
50 ms or more, a pause that fell on whichever requests were being served."""

from __future__ import annotations

import gc
from collections.abc import Callable

_steps: list[Callable[[], object]] = []


def register(step: Callable[[], object]) -> None:
    if step not in _steps:
        _steps.append(step)


def run() -> None:
    for step in _steps:
        step()
    gc.collect()  # what start-up left behind is freed, not kept for good
    gc.freeze()
