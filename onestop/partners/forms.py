"""Parsing of the developer portal's and the console's partner pages. Rules of the domain
are checked by the actions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from onestop.core.scopes import Scope
from onestop.identity.forms import RegisterForm
from onestop.partners.webhook_events import EVENT_TYPES


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("Organisation name"), max_length=128)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=18,
        min_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    contact_email = forms.EmailField(label=_("Contact email"), required=False)


class DeveloperSignupForm(RegisterForm, PartnerForm):
    """A new developer account and its organisation, in one step after the SMS code."""


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class AppForm(forms.Form):
    name = forms.CharField(label=_("App name"), max_length=64)
    description = forms.CharField(
        label=_("What it does"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    redirect_uris = forms.CharField(
        label=_("Redirect URIs, one a line"),
        required=False,
        max_length=5000,
        help_text=_("Where citizens come back after authorising the app."),
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
    )

    def clean_redirect_uris(self) -> list[str]:
        return _lines(self.cleaned_data.get("redirect_uris", ""))


class NewAppForm(AppForm):
    is_service_module = forms.BooleanField(
        label=_("A service module: it handles the cases of items a tenant installs it for"),
        required=False,
    )


SCOPE_CHOICES = [(s.value, f"{s.value} — {s.label}") for s in Scope]


class GrantForm(forms.Form):
    tenant = forms.ChoiceField(label=_("Tenant"))
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=SCOPE_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, tenants: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["tenant"].choices = tenants  # type: ignore[attr-defined]


class AdmissionRequestForm(forms.Form):
    tenant = forms.ChoiceField(label=_("Tenant"))

    def __init__(self, *args: object, tenants: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["tenant"].choices = tenants  # type: ignore[attr-defined]


class SubscriptionForm(GrantForm):
    url = forms.CharField(label=_("URL"), max_length=500)
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=[(e, e) for e in EVENT_TYPES], widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, tenants: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, tenants=tenants, **kwargs)
        del self.fields["scopes"]


class DecisionForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approved", _("Approve")), ("rejected", _("Reject")), ("suspended", _("Suspend"))],
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes its apps may have"),
        choices=SCOPE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class LimitsForm(forms.Form):
    rate_per_minute = forms.IntegerField(label=_("Requests a minute"), min_value=1, max_value=1_000_000)
    quota_per_day = forms.IntegerField(label=_("Requests a day"), min_value=1, max_value=1_000_000_000)


class ModuleForm(forms.Form):
    items = forms.CharField(
        label=_("Service item codes, one a line"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
    )
    install = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_items(self) -> list[str]:
        return _lines(self.cleaned_data.get("items", ""))
