from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from onestop.certificates.actions import NOTE_MAX
from onestop.certificates.models import RevocationReason


class RevocationForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "—"), *RevocationReason.choices])
    note = forms.CharField(
        label=_("What happened (the holder reads it)"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CertificateLookupForm(forms.Form):
    number = forms.CharField(label=_("Certificate number"), max_length=40)
