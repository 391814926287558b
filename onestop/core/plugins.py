"""Typed registries of pluggable integrations (SMS, population registry, face check ...).

Each integration has a base class and a registry; each plugin registers under a name and
the settings choose one by that name. Every integration ships a sandbox plugin that says
plainly that it is one and behaves like the real service, so that the demo and the tests
exercise the same paths as production.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._plugins: dict[str, type[T]] = {}

    def register(self, name: str) -> Callable[[type[T]], type[T]]:
        def decorator(plugin: type[T]) -> type[T]:
            if name in self._plugins:
                raise ImproperlyConfigured(f"{self.kind} plugin {name!r} is registered twice")
            self._plugins[name] = plugin
            return plugin

        return decorator

    def create(self, name: str) -> T:
        try:
            return self._plugins[name]()
        except KeyError:
            known = ", ".join(sorted(self._plugins)) or "none"
            raise ImproperlyConfigured(
                f"unknown {self.kind} plugin {name!r} (known: {known})"
            ) from None

    def names(self) -> list[str]:
        return sorted(self._plugins)
