"""The rules every app's actions keep, checked on the code itself: each public action
(``do_*`` in ``<app>.actions``) takes a keyword-only actor, opens a durable transaction
(``databases.action()``: Django refuses one nested in another transaction), records an
audit entry (``core.audit.record_action``, whose action must be a member of the app's
``AuditAction`` enum), and calls no other public action: a composition is an action of
its own that calls the steps it needs inside its one transaction."""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from django.apps import apps
from django.conf import settings


def _actions_modules() -> Iterator[ModuleType]:
    for config in apps.get_app_configs():
        if not config.name.startswith("onestop."):
            continue
        try:
            actions = importlib.import_module(f"{config.name}.actions")
        except ModuleNotFoundError:
            continue
        yield actions
        if hasattr(actions, "__path__"):
            for info in pkgutil.iter_modules(actions.__path__):
                yield importlib.import_module(f"{actions.__name__}.{info.name}")


def _functions(module: ModuleType) -> dict[str, ast.FunctionDef]:
    tree = ast.parse(Path(inspect.getfile(module)).read_text())
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def _called(node: ast.AST) -> set[str]:
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            if isinstance(call.func, ast.Name):
                names.add(call.func.id)
            elif isinstance(call.func, ast.Attribute):
                names.add(call.func.attr)
    return names


def _opens_an_action_transaction(node: ast.FunctionDef) -> bool:
    for with_ in (n for n in ast.walk(node) if isinstance(n, ast.With)):
        for item in with_.items:
            call = item.context_expr
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "action"
                and isinstance(call.func.value, ast.Name)
                and call.func.value.id == "databases"
            ):
                return True
    # Or its writes handed to the group commit, which runs them in one (``core.groupcommit``).
    return any(
        isinstance(n, ast.Call) and getattr(n.func, "id", getattr(n.func, "attr", None)) == "commit_grouped"
        for n in ast.walk(node)
    )


def _public_actions() -> list[tuple[str, ModuleType, ast.FunctionDef]]:
    found = []
    for module in _actions_modules():
        for name, node in _functions(module).items():
            function = getattr(module, name, None) if name.startswith("do_") else None
            if function is not None and function.__module__ == module.__name__:
                found.append((f"{module.__name__}.{name}", module, node))
    return found


ACTIONS = _public_actions() if apps.ready else []


def test_there_are_actions_to_check() -> None:
    assert len(ACTIONS) > 60


@pytest.mark.parametrize(("name", "module", "node"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_a_public_action_keeps_the_rules(name: str, module: ModuleType, node: ast.FunctionDef) -> None:
    function = getattr(module, node.name)
    actor = inspect.signature(function).parameters.get("actor")
    assert actor is not None and actor.kind is inspect.Parameter.KEYWORD_ONLY, f"{name}: a keyword-only actor"
    nested = {called for called in _called(node) if called.startswith("do_") and called != node.name}
    assert not nested, f"{name} calls the public actions {sorted(nested)}: compose their steps instead"
    # The transaction and the audit entry: the action's own, or those of a private step
    # of its app's actions it calls.
    steps = _app_functions(module.__name__.split(".")[1])
    reached = _reached(node.name, steps)
    assert any(
        _opens_an_action_transaction(steps[f]) for f in reached if f == node.name or f.startswith("_")
    ), f"{name}: opens databases.action()"
    assert any("record_action" in _called(steps[f]) for f in reached), f"{name}: records no audit entry"


def _app_functions(app: str) -> dict[str, ast.FunctionDef]:
    """Every function of an app's modules (its steps may live beside its actions: a
    tenant's move, say), actions modules last so that their names win."""
    package = importlib.import_module(f"onestop.{app}")
    found: dict[str, ast.FunctionDef] = {}
    for info in pkgutil.walk_packages(package.__path__, f"onestop.{app}."):
        if ".tests" in info.name or ".migrations" in info.name or info.name.endswith(".actions"):
            continue
        found.update(_functions(importlib.import_module(info.name)))
    for module in _actions_modules():
        if module.__name__.split(".")[1] == app:
            found.update(_functions(module))
    return found


def _reached(start: str, steps: dict[str, ast.FunctionDef]) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        current = todo.pop()
        if current in seen or current not in steps:
            continue
        seen.add(current)
        todo.extend(c for c in _called(steps[current]) if c in steps and not c.startswith("do_"))
    return seen


def test_no_actions_module_calls_a_public_action() -> None:
    """Not even a step or a sweep: an action inside another's transaction is refused at
    run time (durable), and a sweep runs its actions from a task, one after the other."""
    offenders = []
    for module in _actions_modules():
        for name, node in _functions(module).items():
            nested = {called for called in _called(node) if called.startswith("do_") and called != name}
            if nested and not name.startswith("do_"):
                offenders.append(f"{module.__name__}.{name} -> {sorted(nested)}")
    assert not offenders, offenders


# --- a production install -------------------------------------------------------------

WITHOUT_DEV = """
import sys

sys.modules["onestop_dev"] = None  # as where it is not installed: nothing finds it
import django
from django.conf import settings
from django.core.management import call_command, get_commands
django.setup()
call_command("check", "--fail-level", "ERROR", verbosity=0)
import onestop.urls, onestop.wsgi, onestop.cli
print(sorted(a for a in settings.INSTALLED_APPS if not a.startswith("django")))
print(" ".join(sorted(get_commands())))
"""


def test_a_production_install_ships_no_development_code() -> None:
    import tomllib

    from setuptools import find_packages

    root = Path(settings.BASE_DIR)
    found = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    shipped = find_packages(str(root), include=found["include"], exclude=found.get("exclude", ()))
    assert "onestop" in shipped and "onestop.cases" in shipped
    assert not [p for p in shipped if "onestop_dev" in p or p.split(".")[-1] in ("demo", "tests")]
    assert not [p for p in shipped if (root / p.replace(".", "/") / "bulk.py").exists()]


def test_the_product_runs_without_the_development_tools() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "onestop.settings", "ONESTOP_DEMO": "1"}
    result = subprocess.run([sys.executable, "-c", WITHOUT_DEV], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    apps, commands = result.stdout.splitlines()[-2:]
    assert "onestop.cases" in apps and "onestop_dev" not in apps
    assert (
        "serve" in commands.split() and "demo" not in commands.split() and "loadgen" not in commands.split()
    )
