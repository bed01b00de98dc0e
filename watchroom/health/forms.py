"""Forms of the health pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from watchroom.sites.models import Area, Camera, CameraGroup, PrivacyClass

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


class OnvifRegisterForm(forms.Form):
    """Register a camera by its ONVIF address: the device gives vendor, model, serial and addresses."""

    address = forms.CharField(
        label=_("ONVIF address"),
        max_length=200,
        help_text=_("host:port of the camera's ONVIF service, e.g. 192.168.1.64:80"),
    )
    username = forms.CharField(label=_("User name"), max_length=64)
    password = forms.CharField(
        label=_("Password"), max_length=128, strip=False, widget=forms.PasswordInput(render_value=False)
    )
    number = forms.CharField(label=_("Camera number"), max_length=30)
    name = forms.CharField(label=_("Camera name"), max_length=100)
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none())
    group = forms.ModelChoiceField(
        label=_("Camera group"), queryset=CameraGroup.objects.none(), required=False
    )
    kind = forms.ChoiceField(label=_("Type"), choices=Camera.Kind.choices, initial=Camera.Kind.FIXED)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = (  # type: ignore[attr-defined]
            Area.objects.visible_to(user)
            .filter(is_active=True)
            .exclude(privacy_class=PrivacyClass.PROHIBITED)
            .select_related("campus")
        )
        self.fields["group"].queryset = CameraGroup.objects.visible_to(user).filter(is_active=True)  # type: ignore[attr-defined]
        for field in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)

    def clean_address(self) -> str:
        from .probe.onvif import parse_address

        address = self.cleaned_data["address"].strip()
        try:
            parse_address(address)
        except ValueError:
            raise forms.ValidationError(_("Give the address as host:port, e.g. 192.168.1.64:80."))
        return address
