from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from onestop.cases.models import RatingTag


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=[
            (5, _("5 · very satisfied")),
            (4, _("4 · satisfied")),
            (3, _("3 · fair")),
            (2, _("2 · dissatisfied")),
            (1, _("1 · very dissatisfied")),
        ],
    )
    tags = forms.MultipleChoiceField(
        label=_("What stood out"),
        choices=RatingTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why you withdraw (optional)"), max_length=200, required=False)


class OfficerActionForm(forms.Form):
    transition = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[("", "—"), ("approved", _("Approve")), ("refused", _("Refuse"))],
    )
    redirect_to = forms.CharField(label=_("Where to go instead"), max_length=200, required=False)
    missing = forms.MultipleChoiceField(
        label=_("Everything that is missing"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, materials: list[str] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        missing = self.fields["missing"]
        assert isinstance(missing, forms.MultipleChoiceField)
        missing.choices = [(name, name) for name in materials or []]
