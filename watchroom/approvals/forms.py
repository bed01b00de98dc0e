"""Input shapes for the approval pages. Rules live in services.py."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from watchroom.sites.models import Campus

from . import kinds
from .models import ApprovalStep

_DT = {"type": "datetime-local", "class": "form-control form-control-sm"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={"class": "form-control form-control-sm", "accept": ".pdf,.jpg,.jpeg,.png"}
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), widget=forms.Select(attrs={"class": "form-select form-select-sm"})
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"class": "form-control form-control-sm", "rows": 4})
    )
    campus = forms.ModelChoiceField(
        label=_("Campus"),
        queryset=Campus.objects.none(),
        required=False,
        empty_label=_("Whole hospital"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    valid_from = forms.DateTimeField(
        label=_("Valid from"), required=False, widget=forms.DateTimeInput(attrs=_DT)
    )
    valid_until = forms.DateTimeField(
        label=_("Valid until"), required=False, widget=forms.DateTimeInput(attrs=_DT)
    )
    attachments = MultipleFileField(
        label=_("Attachments"), required=False, help_text=_("PDF, JPEG or PNG, at most 10 MB each.")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.slug, k.label) for k in kinds.all_kinds()]
        self.fields["campus"].queryset = Campus.objects.visible_to(user).filter(is_active=True)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=ApprovalStep.Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"class": "form-control form-control-sm", "rows": 3})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(
            attrs={"class": "form-control form-control-sm", "autocomplete": "current-password"}
        ),
    )
    otp = forms.CharField(
        label=_("Dynamic code"),
        required=False,
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-sm",
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
            }
        ),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )


class PolicyForm(forms.Form):
    levels = forms.CharField(
        label=_("Levels"),
        widget=forms.Textarea(attrs={"class": "form-control form-control-sm font-monospace", "rows": 5}),
        help_text=_(
            'A JSON list, for example [{"role": "director", "same_campus": true}, {"role": "leader"}]'
        ),
    )
    validity_hours = forms.IntegerField(
        label=_("Validity (hours)"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
        help_text=_("How long an approval stays valid; empty means no limit."),
    )
    pending_expiry_hours = forms.IntegerField(
        label=_("Pending expiry (hours)"),
        min_value=1,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )
    active = forms.BooleanField(
        label=_("Active"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )

    def clean_levels(self) -> Any:
        try:
            return json.loads(self.cleaned_data["levels"])
        except ValueError:
            raise forms.ValidationError(_("This is not valid JSON."), code="json") from None
