"""Forms of the health pages."""

from __future__ import annotations

from django import forms

from .models import HealthThresholds


class ThresholdsForm(forms.ModelForm):
    class Meta:
        model = HealthThresholds
        fields = ["probe_minutes", *HealthThresholds.VALUE_FIELDS]
        widgets = {
            f: forms.NumberInput(attrs={"step": "any", "class": "form-control form-control-sm"})
            for f in HealthThresholds.VALUE_FIELDS
        } | {
            "probe_minutes": forms.NumberInput(
                attrs={"min": 1, "max": 1440, "class": "form-control form-control-sm"}
            )
        }
