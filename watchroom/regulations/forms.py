from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RegulationForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    title = forms.CharField(label=_("Title"), max_length=200)
    issuing_department = forms.CharField(label=_("Issuing department"), max_length=100)
    interpretation_authority = forms.CharField(label=_("Interpretation authority"), max_length=100)


class VersionForm(forms.Form):
    effective_date = forms.DateField(
        label=_("Effective date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    change_note = forms.CharField(label=_("What changed"), max_length=300, required=False)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 18}))
