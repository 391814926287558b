"""Parsing of the portal's search parameters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from onestop.catalogue.access import MAX_QUERY_LENGTH, ServiceQuery
from onestop.catalogue.models import Audience


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search services"), required=False, max_length=MAX_QUERY_LENGTH)
    department = forms.CharField(label=_("Department"), required=False, max_length=32)
    theme = forms.CharField(label=_("Theme"), required=False, max_length=48)
    audience = forms.ChoiceField(
        label=_("For"), required=False, choices=[("", _("Everyone")), *Audience.choices]
    )
    zero_trip = forms.ChoiceField(
        label=_("Zero trips"),
        required=False,
        choices=[("", _("All items")), ("1", _("Zero trips only")), ("0", _("Needs a visit"))],
    )
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=100000)

    PAGE_SIZE = 20

    def to_query(self) -> ServiceQuery:
        data = self.cleaned_data
        zero_trip = {"1": True, "0": False}.get(data.get("zero_trip") or "")
        return ServiceQuery(
            q=(data.get("q") or "").strip(),
            department=data.get("department") or "",
            theme=data.get("theme") or "",
            audience=data.get("audience") or "",
            zero_trip=zero_trip,
            page=data.get("page") or 1,
            page_size=self.PAGE_SIZE,
        )
