"""Forms of the health pages."""

from __future__ import annotations

from django import forms

from .models import HealthThresholds


class ThresholdsForm(forms.ModelForm):
    class Meta:
        model = HealthThresholds
        fields = list(HealthThresholds.VALUE_FIELDS)
        widgets = {
            f: forms.NumberInput(attrs={"step": "any", "class": "form-control form-control-sm"})
            for f in fields
        }
