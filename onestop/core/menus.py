"""The console's menu, filled by the apps: each declares the entries of its own console
pages (a label, the URL name taking the tenant's code, the permission a reader needs)
when it is ready. The console shell shows the entries the reader may open, in order; a
new business area adds its pages without touching the shell."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True, slots=True)
class MenuEntry:
    key: str  # the page's name in templates' ``page`` (the entry shown as current)
    label: str | Promise
    url_name: str  # reversed with the tenant's code
    permission: str  # an identity Permission's value
    order: int
    shown: Callable[[], bool] | None = None  # whether the page exists at all just now


_entries: dict[str, MenuEntry] = {}


def console_entry(
    *,
    key: str,
    label: str | Promise,
    url_name: str,
    permission: str,
    order: int,
    shown: Callable[[], bool] | None = None,
) -> None:
    _entries[key] = MenuEntry(key, label, url_name, permission, order, shown)


def console_entries() -> list[MenuEntry]:
    return sorted(_entries.values(), key=lambda entry: (entry.order, entry.key))
