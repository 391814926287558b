"""``{{ n|figure }}``: a count with thousands separators (15,000,000), as official
statistics print them in Chinese and in English alike. Applied to figures only: ids and
form values must never be grouped, so the project does not turn on
USE_THOUSAND_SEPARATOR (whose zh-Hans format groups nothing anyway)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def figure(value: object) -> str:
    if isinstance(value, bool) or value is None or value == "":
        return "—" if value in (None, "") else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}" if value % 1 else f"{int(value):,}"
    return str(value)
