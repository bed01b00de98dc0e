"""Input shapes of the duty pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from watchroom.sites.models import Area, Camera, CameraGroup

from .models import CHECKLIST, Category, CertificateKind, DutySettings, Post, Violation

_T = {"class": "form-control form-control-sm"}
_S = {"class": "form-select form-select-sm"}


class MonthForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={**_T, "type": "month"}, format="%Y-%m"),
    )


class GenerateRotaForm(MonthForm):
    room = forms.ModelChoiceField(label=_("Room"), queryset=None, widget=forms.Select(attrs=_S))  # type: ignore[arg-type]

    def __init__(self, *args: Any, rooms: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms  # type: ignore[attr-defined]


class DayForm(forms.Form):
    """The people on the posts of one shift."""

    operator = forms.ModelChoiceField(label=Post.OPERATOR.label, queryset=None, widget=forms.Select(attrs=_S))  # type: ignore[arg-type]
    recorder = forms.ModelChoiceField(label=Post.RECORDER.label, queryset=None, widget=forms.Select(attrs=_S))  # type: ignore[arg-type]
    reason = forms.CharField(
        label=_("Reason for the change"), required=False, widget=forms.TextInput(attrs=_T)
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["operator"].queryset = people  # type: ignore[attr-defined]
        self.fields["recorder"].queryset = people  # type: ignore[attr-defined]


class PublishForm(forms.Form):
    accept_warnings = forms.BooleanField(label=_("Publish despite the warnings"), required=False)


def _labels_inside(form: forms.Form) -> None:
    """For a form shown without its labels: each field says what it is in its placeholder (a
    required one with "*") or empty choice, in its tooltip, and to a screen reader."""
    for field in form.fields.values():
        label = str(field.label)
        field.widget.attrs.setdefault("aria-label", label)
        field.widget.attrs.setdefault("title", label)
        if isinstance(field.widget, forms.TextInput | forms.PasswordInput | forms.Textarea):
            field.widget.attrs.setdefault("placeholder", f"{label} *" if field.required else label)
        if isinstance(field, forms.ModelChoiceField):
            field.empty_label = f"— {label} —"


class EntryForm(forms.Form):
    """The duty-log entry: keyboard-first, the category first, time defaults to now."""

    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, widget=forms.Select(attrs=_S))
    occurred_at = forms.DateTimeField(
        label=_("Time of the event"),
        required=False,
        widget=forms.DateTimeInput(attrs={**_T, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty: now."),
    )
    camera = forms.ModelChoiceField(
        label=_("Camera"), queryset=None, required=False, widget=forms.Select(attrs=_S)
    )  # type: ignore[arg-type]
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=None, required=False, widget=forms.Select(attrs=_S)
    )  # type: ignore[arg-type]
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={**_T, "rows": 2}))
    action_taken = forms.CharField(
        label=_("Action taken"), required=False, widget=forms.Textarea(attrs={**_T, "rows": 2})
    )
    reported_to = forms.CharField(label=_("Reported to"), required=False, widget=forms.TextInput(attrs=_T))
    reported_at = forms.DateTimeField(
        label=_("Reported at"),
        required=False,
        widget=forms.DateTimeInput(attrs={**_T, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    suspect_appearance = forms.CharField(
        label=_("Appearance"), required=False, widget=forms.TextInput(attrs=_T)
    )
    suspect_direction = forms.CharField(
        label=_("Direction of movement"), required=False, widget=forms.TextInput(attrs=_T)
    )
    suspect_cameras = forms.CharField(
        label=_("Cameras seen on"), required=False, widget=forms.TextInput(attrs=_T)
    )
    is_open = forms.BooleanField(label=_("Open item (needs follow-up)"), required=False)
    photo = forms.FileField(
        label=_("Photo or snapshot"),
        required=False,
        widget=forms.ClearableFileInput(attrs={**_T, "accept": "image/jpeg,image/png"}),
        help_text=_("JPEG or PNG, at most 10 MB."),
    )

    def __init__(self, *args: Any, room: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["camera"].queryset = (  # type: ignore[attr-defined]
            Camera.objects.filter(area__campus_id=room.campus_id).select_related("area").order_by("number")
        )
        self.fields["area"].queryset = Area.objects.filter(campus_id=room.campus_id, is_active=True)  # type: ignore[attr-defined]
        self.fields["category"].widget.attrs["autofocus"] = True
        _labels_inside(self)  # the shift page's quick form shows the fields without labels

    def clean_occurred_at(self) -> Any:
        return self.cleaned_data["occurred_at"] or timezone.now()


class CorrectionForm(EntryForm):
    photo = None  # type: ignore[assignment]  # photos stay with the entry they were taken for
    reason = forms.CharField(label=_("Reason for the correction"), widget=forms.TextInput(attrs=_T))


class InspectionForm(forms.Form):
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={**_T, "rows": 2}))

    def __init__(self, *args: Any, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups = list(groups)
        for key, label in CHECKLIST:
            self.fields[f"ok_{key}"] = forms.BooleanField(label=label, required=False, initial=True)
            self.fields[f"note_{key}"] = forms.CharField(
                label=_("Problem"), required=False, widget=forms.TextInput(attrs=_T)
            )
        for group in self.groups:
            self.fields[f"gok_{group.pk}"] = forms.BooleanField(
                label=group.name, required=False, initial=True
            )
            self.fields[f"gnote_{group.pk}"] = forms.CharField(
                label=_("Problem"), required=False, widget=forms.TextInput(attrs=_T)
            )

    def checklist(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            key: {"ok": d.get(f"ok_{key}", False), "note": d.get(f"note_{key}", "")} for key, _l in CHECKLIST
        }

    def group_results(self) -> list[tuple[CameraGroup, bool, str]]:
        d = self.cleaned_data
        return [(g, d.get(f"gok_{g.pk}", False), d.get(f"gnote_{g.pk}", "")) for g in self.groups]

    def rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"ok_{key}"], self[f"note_{key}"]) for key, _l in CHECKLIST]

    def group_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"gok_{g.pk}"], self[f"gnote_{g.pk}"]) for g in self.groups]


class AbsenceForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.TextInput(attrs=_T))
    expected_return_at = forms.DateTimeField(
        label=_("Expected back"),
        required=False,
        widget=forms.DateTimeInput(attrs={**_T, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class SignForm(forms.Form):
    """An electronic signature (password, dynamic code when enrolled, comment), shown in one row
    without labels."""

    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput(attrs=_T))
    otp = forms.CharField(label=_("Dynamic code"), required=False, widget=forms.TextInput(attrs=_T))
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.TextInput(attrs=_T))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _labels_inside(self)


class HandoverOpenForm(forms.Form):
    notes = forms.CharField(
        label=_("Free notes"), required=False, widget=forms.Textarea(attrs={**_T, "rows": 2})
    )


class AckForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.TextInput(attrs=_T))


class ViolationForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=None, widget=forms.Select(attrs=_S))  # type: ignore[arg-type]
    kind = forms.ChoiceField(label=_("Kind"), choices=Violation.Kind.choices, widget=forms.Select(attrs=_S))
    occurred_at = forms.DateTimeField(
        label=_("Occurred"),
        widget=forms.DateTimeInput(attrs={**_T, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={**_T, "rows": 2}))
    consequence = forms.CharField(label=_("Consequence"), required=False, widget=forms.TextInput(attrs=_T))

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.TextInput(attrs=_T))


class LogFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(attrs=_T))
    room = forms.ModelChoiceField(
        label=_("Room"), queryset=None, required=False, widget=forms.Select(attrs=_S)
    )  # type: ignore[arg-type]
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", "—"), *Category.choices],
        widget=forms.Select(attrs=_S),
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={**_T, "type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={**_T, "type": "date"})
    )
    open_only = forms.BooleanField(label=_("Open items only"), required=False)

    def __init__(self, *args: Any, rooms: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms  # type: ignore[attr-defined]


class _AssignmentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        person = obj.person.real_name or obj.person.username
        return f"{obj.shift.date:%m-%d} {obj.shift.template.name} · {person}（{obj.get_post_display()}）"


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.real_name or obj.username)


class SwapForm(forms.Form):
    """Ask to swap one of my shifts (DUTY-9): with another person's shift, or to a substitute."""

    assignment = _AssignmentChoice(label=_("My shift"), queryset=None, widget=forms.Select(attrs=_S))  # type: ignore[arg-type]
    counterpart = _PersonChoice(label=_("Other person"), queryset=None, widget=forms.Select(attrs=_S))  # type: ignore[arg-type]
    counterpart_assignment = _AssignmentChoice(
        label=_("Their shift I take in exchange"),
        queryset=None,  # type: ignore[arg-type]
        required=False,
        widget=forms.Select(attrs=_S),
        help_text=_("Empty: the other person takes my shift as a substitute."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.TextInput(attrs=_T))

    def __init__(self, *args: Any, mine: Any, people: Any, theirs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = mine  # type: ignore[attr-defined]
        self.fields["counterpart"].queryset = people  # type: ignore[attr-defined]
        self.fields["counterpart_assignment"].queryset = theirs  # type: ignore[attr-defined]


class EarlyLeaveForm(forms.Form):
    """Leave before the end of the shift: the substitute signs in at this workstation (DUTY-9)."""

    substitute = _PersonChoice(label=_("Substitute"), queryset=None, widget=forms.Select(attrs=_S))  # type: ignore[arg-type]
    reason = forms.CharField(label=_("Reason"), widget=forms.TextInput(attrs=_T))
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput(attrs=_T))
    otp = forms.CharField(label=_("Dynamic code"), required=False, widget=forms.TextInput(attrs=_T))
    substitute_password = forms.CharField(
        label=_("Substitute's password"), widget=forms.PasswordInput(attrs=_T)
    )
    substitute_otp = forms.CharField(
        label=_("Substitute's dynamic code"), required=False, widget=forms.TextInput(attrs=_T)
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["substitute"].queryset = people  # type: ignore[attr-defined]


class SettingsForm(forms.Form):
    """The duty settings of a room; the limits are the service's (errors come back per field)."""

    min_staffing = forms.IntegerField(label=_("minimum staffing"), widget=forms.NumberInput(attrs=_T))
    inspections_per_shift = forms.IntegerField(
        label=_("inspections per shift"), widget=forms.NumberInput(attrs=_T)
    )
    early_arrival_minutes = forms.IntegerField(
        label=_("incoming arrives early (minutes)"), widget=forms.NumberInput(attrs=_T)
    )
    signin_alert_minutes = forms.IntegerField(
        label=_("no sign-in alert after (minutes)"), widget=forms.NumberInput(attrs=_T)
    )
    handover_overdue_minutes = forms.IntegerField(
        label=_("handover overdue after (minutes)"), widget=forms.NumberInput(attrs=_T)
    )
    inspection_grace_minutes = forms.IntegerField(
        label=_("inspection overdue after (minutes)"), widget=forms.NumberInput(attrs=_T)
    )
    signoff_due_hours = forms.IntegerField(
        label=_("report sign-off due within (hours)"), widget=forms.NumberInput(attrs=_T)
    )
    min_rest_hours = forms.IntegerField(
        label=_("minimum rest between shifts (hours)"), widget=forms.NumberInput(attrs=_T)
    )
    certificate_check = forms.ChoiceField(
        label=_("certificate check"),
        choices=DutySettings.CertificateCheck.choices,
        widget=forms.Select(attrs=_S),
    )
    required_certificate = forms.ChoiceField(
        label=_("certificate required for duty"),
        choices=[("", _("Any valid certificate")), *CertificateKind.choices],
        required=False,
        widget=forms.Select(attrs=_S),
    )


class CertificateForm(forms.Form):
    """A certificate of the register (DUTY-12)."""

    person = _PersonChoice(label=_("Person"), queryset=None, widget=forms.Select(attrs=_S))  # type: ignore[arg-type]
    kind = forms.ChoiceField(label=_("Kind"), choices=CertificateKind.choices, widget=forms.Select(attrs=_S))
    number = forms.CharField(label=_("certificate number"), max_length=60, widget=forms.TextInput(attrs=_T))
    issued_by = forms.CharField(
        label=_("issued by"), max_length=100, required=False, widget=forms.TextInput(attrs=_T)
    )
    valid_until = forms.DateField(
        label=_("valid until"), widget=forms.DateInput(attrs={**_T, "type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class LateArrivalForm(forms.Form):
    """Arriving late: a named substitute covers the post until the person arrives (DUTY-9)."""

    substitute = _PersonChoice(label=_("Substitute"), queryset=None, widget=forms.Select(attrs=_S))  # type: ignore[arg-type]
    expected_at = forms.DateTimeField(
        label=_("Expected arrival"),
        widget=forms.DateTimeInput(attrs={**_T, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.TextInput(attrs=_T))

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["substitute"].queryset = people  # type: ignore[attr-defined]


class TakeOverForm(forms.Form):
    """The late person takes the post over from the substitute: both sign here."""

    substitute_password = forms.CharField(
        label=_("Substitute's password"), widget=forms.PasswordInput(attrs=_T)
    )
    substitute_otp = forms.CharField(
        label=_("Substitute's dynamic code"), required=False, widget=forms.TextInput(attrs=_T)
    )
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput(attrs=_T))
    otp = forms.CharField(label=_("Dynamic code"), required=False, widget=forms.TextInput(attrs=_T))


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo or snapshot"),
        widget=forms.ClearableFileInput(attrs={**_T, "accept": "image/jpeg,image/png"}),
    )
    caption = forms.CharField(label=_("Caption"), required=False, widget=forms.TextInput(attrs=_T))
