from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from onestop.identity.forms import PHONE


class StaffForm(forms.Form):
    display_name = forms.CharField(label=_("Name"), max_length=64)
    phone = forms.CharField(label=_("Mobile number"), max_length=20, widget=forms.TextInput(attrs=PHONE))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            ("officer", _("Department officer")),
            ("department_head", _("Department head")),
            ("tenant_operator", _("Tenant operator")),
        ],
    )
    department = forms.CharField(
        label=_("Department code (officers and heads)"), max_length=32, required=False
    )
    password = forms.CharField(
        label=_("First password"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class LookupForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=20, widget=forms.TextInput(attrs=PHONE))
