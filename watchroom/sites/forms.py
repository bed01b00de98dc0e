"""Input shape for the sites pages. Choices of related objects are limited to the user's scope; the
rules themselves live in `services`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Area, Building, Camera, CameraGroup, Campus, Floor, PrivacyClass, Recorder


class _Bootstrap:
    def _style(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")


KEY_AREA_CHOICES = [("", _("By area type")), ("yes", _("Yes")), ("no", _("No"))]


class AreaForm(_Bootstrap, forms.ModelForm):
    key_area_choice = forms.ChoiceField(label=_("Key area"), choices=KEY_AREA_CHOICES, required=False)

    class Meta:
        model = Area
        fields = ["campus", "building", "floor", "code", "name", "area_type", "privacy_class"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campus"].queryset = Campus.objects.visible_to(user).filter(is_active=True)
        self.fields["building"].queryset = Building.objects.visible_to(user).select_related("campus")
        self.fields["floor"].queryset = Floor.objects.visible_to(user).select_related("building__campus")
        privacy = self.fields["privacy_class"]
        privacy.required = False
        privacy.choices = [("", _("By area type")), *PrivacyClass.choices]
        privacy.help_text = _(
            "Toilets, changing rooms and nursing rooms: cameras prohibited (State Council Order 799)."
        )
        if self.instance.pk:
            self.fields["campus"].disabled = True
            self.fields["code"].disabled = True
            self.initial["key_area_choice"] = "yes" if self.instance.key_area else "no"
        self._style()

    def service_values(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "key_area_choice"}
        if self.instance.pk:
            data.pop("campus", None)
            data.pop("code", None)
        choice = self.cleaned_data.get("key_area_choice")
        data["key_area"] = {"yes": True, "no": False}.get(choice or "")
        return data

    def validate_unique(self) -> None:  # the service validates (and reports) uniqueness
        pass

    def _post_clean(self) -> None:  # do not build the instance: the service does
        pass


class CameraForm(_Bootstrap, forms.ModelForm):
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored encrypted. Leave blank to keep the current password."),
    )

    class Meta:
        model = Camera
        fields = [
            "number",
            "name",
            "area",
            "group",
            "kind",
            "vendor",
            "model",
            "ip",
            "stream_url",
            "snapshot_url",
            "onvif_url",
            "recorder",
            "channel",
            "status",
            "notes",
            "username",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = (
            Area.objects.visible_to(user)
            .filter(is_active=True)
            .exclude(privacy_class=PrivacyClass.PROHIBITED)
            .select_related("campus")
        )
        if self.instance.pk and self.instance.area_id:  # keep the current area selectable
            self.fields["area"].queryset = self.fields["area"].queryset | Area.objects.filter(
                pk=self.instance.area_id
            )
        self.fields["group"].queryset = CameraGroup.objects.visible_to(user).filter(is_active=True)
        self.fields["recorder"].queryset = Recorder.objects.visible_to(user).exclude(status="retired")
        self.fields["status"].choices = [c for c in self.fields["status"].choices if c[0] != "retired"]
        if self.instance.pk:
            self.fields["number"].disabled = True
            if self.instance.status == "retired":
                self.fields["status"].disabled = True
        self._style()

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if self.instance.pk:
            data.pop("number", None)
            if self.instance.status == "retired":
                data.pop("status", None)
        if not data.get("password"):
            data.pop("password", None)
        return data

    def validate_unique(self) -> None:
        pass

    def _post_clean(self) -> None:
        pass


class RetireForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control form-control-sm", "accept": ".xlsx,.csv"}
        ),
    )

    MAX_BYTES = 10 * 1024 * 1024

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        if not f.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        return f
