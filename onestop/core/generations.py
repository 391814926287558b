"""Generations: a number per kind of data, kept in the cache, that moves whenever the data
changes, so that whatever was worked out from the data can be kept under it (cached
counts and pages, a process's copy of a table) and is no longer found once it changes.

An action moves its data's generation inside its transaction (its own later reads see
the change) and again when the transaction commits (nothing worked out from before the
commit outlives it). With Redis every process sees a move at once; a process with its own
memory cache sees only its own, so whatever is kept under a generation is also kept for a
short while only.
"""

from __future__ import annotations

from functools import partial

from django.core.cache import cache

from onestop.core import databases
from onestop.core.frontcache import generation_read


def current(key: str) -> int:
    found: int = cache.get_or_set(key, 0, None) or 0
    generation_read(key, found)  # a page kept in front of Django is checked against it
    return found


def move(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not there (yet, or evicted): any new number will do
        cache.set(key, 1, None)


def changed(key: str) -> None:
    """Called by an action inside its transaction."""
    move(key)
    databases.on_commit(partial(move, key))
