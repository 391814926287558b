"""Parsing of the identity pages' input. Rules of the domain are checked by the actions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

PHONE = {"inputmode": "numeric", "autocomplete": "tel", "maxlength": "20"}
CODE = {"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "6"}


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=20, widget=forms.TextInput(attrs=PHONE))


class RegisterForm(PhoneForm):
    code = forms.CharField(label=_("SMS code"), max_length=6, widget=forms.TextInput(attrs=CODE))
    password = forms.CharField(
        label=_("Password"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class PasswordLoginForm(PhoneForm):
    password = forms.CharField(
        label=_("Password"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeLoginForm(PhoneForm):
    code = forms.CharField(label=_("SMS code"), max_length=6, widget=forms.TextInput(attrs=CODE))


class VerifyForm(forms.Form):
    name = forms.CharField(
        label=_("Name as on your ID card"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=22,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class FaceForm(forms.Form):
    session = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(
        label=_("The digits you read aloud"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    photo = forms.FileField(
        label=_("Your photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "user"}),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ContactForm(forms.Form):
    email = forms.CharField(
        label=_("Email for messages (optional)"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    language = forms.ChoiceField(
        label=_("Language of messages"), choices=[("zh-hans", "简体中文"), ("en", "English")]
    )


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
