"""Declarative application forms: a JSON Schema (2020-12) of the answers, ``x-steps``
grouping fields into the steps shown one at a time, ``title``/``title_en`` labels and
``x-enum-labels`` for choices. The same schema builds the step forms and validates the
whole set of answers on the server at submission."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator


@dataclass(frozen=True, slots=True)
class Step:
    key: str
    title: str
    fields: list[str]


def _text(node: dict[str, Any], key: str = "title") -> str:
    if (get_language() or "").startswith("en") and node.get(f"{key}_en"):
        return str(node[f"{key}_en"])
    return str(node.get(key, ""))


def _choice_label(prop: dict[str, Any], value: Any) -> Any:
    """``x-enum-labels`` maps a value to {"zh": ..., "en": ...}."""
    label = prop.get("x-enum-labels", {}).get(value)
    if not isinstance(label, dict):
        return value
    return label.get("en" if (get_language() or "").startswith("en") else "zh", value)


def steps(schema: dict[str, Any]) -> list[Step]:
    return [Step(s["key"], _text(s), list(s["fields"])) for s in schema.get("x-steps", [])]


def _field(name: str, prop: dict[str, Any], required: bool) -> forms.Field:
    label = _text(prop) or name
    help_text = _text(prop, "description")
    common: dict[str, Any] = {"label": label, "required": required, "help_text": help_text}
    if "enum" in prop:
        choices = [("", "—")] + [(v, _choice_label(prop, v)) for v in prop["enum"]]
        return forms.ChoiceField(choices=choices, **common)
    kind = prop.get("type")
    if kind == "integer":
        return forms.IntegerField(min_value=prop.get("minimum"), max_value=prop.get("maximum"), **common)
    if kind == "boolean":
        return forms.BooleanField(**{**common, "required": required})
    if prop.get("format") == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    validators = [RegexValidator(prop["pattern"])] if prop.get("pattern") else []
    widget = forms.Textarea(attrs={"rows": 3}) if prop.get("x-widget") == "textarea" else None
    return forms.CharField(
        max_length=prop.get("maxLength"),
        min_length=prop.get("minLength"),
        validators=validators,
        widget=widget,
        **common,
    )


def step_form(
    schema: dict[str, Any], step: Step, data: Any = None, initial: dict[str, Any] | None = None
) -> forms.Form:
    """A Django form with the fields of one step, labelled in the active language."""
    properties, required = schema.get("properties", {}), set(schema.get("required", []))
    form = forms.Form(data=data, initial=initial)
    for name in step.fields:
        form.fields[name] = _field(name, properties[name], name in required)
    return form


def to_json(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def unknown_fields(schema: dict[str, Any], answers: dict[str, Any]) -> list[str]:
    """Answers to fields the form does not have (refused where the form says
    ``additionalProperties: false``)."""
    if schema.get("additionalProperties", True) is not False:
        return []
    known = schema.get("properties", {})
    return sorted(str(name) for name in answers if name not in known)


def field_label(schema: dict[str, Any], name: str) -> str:
    """The field's title in the language at hand, or its name."""
    return _text(schema.get("properties", {}).get(name, {})) or name


def validation_errors(schema: dict[str, Any], answers: dict[str, Any]) -> dict[str, str]:
    """Every problem of a complete set of answers, by field ("" for the whole form).
    Unknown fields are ``unknown_fields``'s to name."""
    problems: dict[str, str] = {}
    for error in Draft202012Validator(schema).iter_errors(answers):
        if error.validator == "additionalProperties":
            continue
        field = str(error.path[0]) if error.path else ""
        if error.validator == "required" and not field:
            missing = error.message.split("'")[1] if "'" in error.message else ""
            field = missing
        problems.setdefault(field, error.message)
    return problems


def labelled_answers(schema: dict[str, Any], answers: dict[str, Any]) -> list[tuple[str, Any]]:
    """(label, shown value) of every answer, in the order of the steps."""
    properties = schema.get("properties", {})
    rows = []
    for step in steps(schema):
        for name in step.fields:
            if name in answers and answers[name] not in ("", None):
                prop = properties.get(name, {})
                value = answers[name]
                shown = (
                    (_("Yes") if value else _("No"))
                    if isinstance(value, bool)
                    else _choice_label(prop, value)
                )
                rows.append((_text(prop) or name, shown))
    return rows
