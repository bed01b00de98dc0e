"""Input shapes of the equipment pages; related choices limited to the user's scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from watchroom.accounts.models import User
from watchroom.sites.forms import ImportForm
from watchroom.sites.models import Area, AreaType, Camera, Campus

from .models import ChangeKind, CoverageRule, Device, DeviceType, Fault, MaintenancePlan, SlaSetting

__all__ = ["ImportForm"]


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm")


class DeviceForm(forms.ModelForm):
    class Meta:
        model = Device
        fields = [
            "device_type",
            "campus",
            "area",
            "name",
            "vendor",
            "model",
            "serial",
            "ip",
            "mac",
            "installed_on",
            "commissioned_on",
            "warranty_until",
            "supplier",
            "maintenance_contract",
            "resolution",
            "infrared",
            "notes",
        ]
        widgets = {
            "installed_on": forms.DateInput(attrs={"type": "date"}),
            "commissioned_on": forms.DateInput(attrs={"type": "date"}),
            "warranty_until": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campus"].queryset = Campus.objects.visible_to(user)
        self.fields["area"].queryset = Area.objects.visible_to(user).select_related("campus")
        self.fields["infrared"] = forms.NullBooleanField(
            label=_("infrared night vision"),
            required=False,
            widget=forms.NullBooleanSelect,
        )
        if self.instance.pk and (self.instance.camera_id or self.instance.recorder_id):
            self.fields["device_type"].disabled = True
            self.fields["campus"].disabled = True
        _style(self)

    def validate_unique(self) -> None:  # the service checks the serial number
        return None

    def _post_clean(self) -> None:  # the service assigns and validates
        return None

    def service_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields if name in self.cleaned_data}


class RetireForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class FaultReportForm(forms.Form):
    device = forms.ModelChoiceField(label=_("Device"), queryset=Device.objects.none())
    category = forms.ChoiceField(label=_("Category"), choices=Fault.Category.choices, initial="other")
    symptom = forms.CharField(label=_("Symptom"), widget=forms.Textarea(attrs={"rows": 3}))
    occurred_at = forms.DateTimeField(
        label=_("Occurred at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty for now."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["device"].queryset = (
            Device.objects.visible_to(user).in_service().select_related("campus").order_by("name")
        )
        _style(self)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class RequiredNoteForm(NoteForm):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))


class PlanForm(forms.ModelForm):
    class Meta:
        model = MaintenancePlan
        fields = [
            "name",
            "campus",
            "device_type",
            "device",
            "interval_months",
            "checklist",
            "assignee",
            "next_due",
            "lead_days",
            "is_active",
        ]
        widgets = {
            "next_due": forms.DateInput(attrs={"type": "date"}),
            "checklist": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campus"].queryset = Campus.objects.visible_to(user)
        self.fields["device"].queryset = Device.objects.visible_to(user).in_service().order_by("name")
        self.fields["device"].help_text = _("Empty: every device of this type on the campus.")
        self.fields["assignee"].queryset = (
            User.objects.filter(
                is_active=True, role_rows__role__in=["engineer", "director", "deputy", "operator"]
            )
            .distinct()
            .order_by("username")
        )
        self.fields["lead_days"].help_text = _(
            "The work order is issued this many days before it is due (daily, or at once with the "
            "button on the plan list)."
        )
        _style(self)

    def _post_clean(self) -> None:
        return None

    def service_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields if name in self.cleaned_data}


class WorkOrderCompleteForm(forms.Form):
    """One pass/fail and note per checklist item, the notes, and the signature (password, code)."""

    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    password = forms.CharField(label=_("Your password (signature)"), widget=forms.PasswordInput)
    otp = forms.CharField(label=_("Dynamic code (if enrolled)"), required=False)

    def __init__(self, *args: Any, items: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for i, item in enumerate(items):
            self.fields[f"ok_{i}"] = forms.ChoiceField(
                label=item, choices=[("1", _("Passed")), ("0", _("Failed"))], widget=forms.RadioSelect
            )
            self.fields[f"note_{i}"] = forms.CharField(label=_("Note"), required=False, max_length=300)
        self.order_fields([*(f for i in range(len(items)) for f in (f"ok_{i}", f"note_{i}")), "notes"])
        _style(self)
        for i in range(len(items)):
            self.fields[f"ok_{i}"].widget.attrs["class"] = "form-check-inline"

    def results(self) -> list[dict[str, Any]]:
        return [
            {
                "item": item,
                "ok": self.cleaned_data[f"ok_{i}"] == "1",
                "note": self.cleaned_data.get(f"note_{i}", ""),
            }
            for i, item in enumerate(self.items)
        ]


class ChangeRequestForm(forms.Form):
    camera = forms.ModelChoiceField(label=_("Camera"), queryset=Camera.objects.none())
    kind = forms.ChoiceField(label=_("Change"), choices=ChangeKind.choices)
    before_value = forms.CharField(label=_("Before"), widget=forms.Textarea(attrs={"rows": 2}))
    after_value = forms.CharField(label=_("After"), widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    snapshot = forms.FileField(
        label=_("Reference snapshot (JPEG, PNG or PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["camera"].queryset = Camera.objects.visible_to(user).in_service().order_by("number")
        _style(self)


class SlaForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = dict(SlaSetting.objects.values_list("device_type", "hours"))
        for value, label in DeviceType.choices:
            self.fields[value] = forms.IntegerField(
                label=label, min_value=1, max_value=720, initial=current.get(value, 24)
            )
        _style(self)


class FileUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (JPEG, PNG or PDF, at most 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}),
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)

    def __init__(self, *args: Any, photos_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["caption"].widget.attrs["placeholder"] = _("Caption")
        if photos_only:
            self.fields["file"].label = _("Photo (JPEG or PNG, at most 10 MB)")
            self.fields["file"].widget.attrs["accept"] = ".jpg,.jpeg,.png"
        _style(self)


class CoverageRuleForm(forms.Form):
    scope = forms.ChoiceField(label=_("What must be covered"), choices=CoverageRule.Scope.choices)
    campus = forms.ModelChoiceField(
        label=_("Campus"),
        queryset=Campus.objects.none(),
        required=False,
        empty_label=_("Every campus"),
    )
    area_type = forms.ChoiceField(
        label=_("Area type"), choices=[("", "—"), *AreaType.choices], required=False
    )
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none(), required=False)
    note = forms.CharField(label=_("Why"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campus"].queryset = Campus.objects.visible_to(user)
        self.fields["area"].queryset = (
            Area.objects.visible_to(user)
            .filter(is_active=True)
            .select_related("campus")
            .order_by("campus", "code")
        )
        _style(self)


class ViolationForm(forms.Form):
    camera = forms.ModelChoiceField(label=_("Camera"), queryset=Camera.objects.none())
    kind = forms.ChoiceField(label=_("Change found"), choices=ChangeKind.choices)
    how_found = forms.CharField(label=_("How it was found"), max_length=50)
    detail = forms.CharField(label=_("Detail"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["camera"].queryset = Camera.objects.visible_to(user).order_by("number")
        self.fields["how_found"].widget.attrs["placeholder"] = _("e.g. patrol, video review")
        _style(self)


class ColumnMappingForm(forms.Form):
    """Which column of the uploaded file holds each ledger column (EQP-1 import); `token` names the
    uploaded file kept by `spreadsheet.stage_upload`."""

    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, headers: list[str], columns: list[str], required: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.columns = list(columns)
        self.required = set(required)
        choices = [("", _("(not in the file)"))] + [(h, h) for h in headers if h]
        for i, column in enumerate(self.columns):
            self.fields[f"col_{i}"] = forms.ChoiceField(
                label=column, choices=choices, required=column in self.required
            )
        _style(self)

    def lines(self) -> list[tuple[str, bool, Any]]:
        """(ledger column, required, bound field) per ledger column, for the template."""
        return [(column, column in self.required, self[f"col_{i}"]) for i, column in enumerate(self.columns)]

    def mapping(self) -> dict[str, str]:
        return {column: self.cleaned_data.get(f"col_{i}") or "" for i, column in enumerate(self.columns)}
