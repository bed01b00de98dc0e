"""Input shapes for the footage pages. Rules live in services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from watchroom.sites.models import AreaType, Camera, CameraGroup, Campus, Recorder

from .models import Category, FootageRequest, Purpose, RecorderLink, RequestDocument, Viewing

_T = {"class": "form-control form-control-sm"}
_S = {"class": "form-select form-select-sm"}
_DT = {"type": "datetime-local", "class": "form-control form-control-sm"}
_FILE = {"class": "form-control form-control-sm", "accept": ".pdf,.jpg,.jpeg,.png"}
RANGES = 3


def _datetime() -> forms.DateTimeInput:
    """A datetime-local input that keeps its value when the form comes back with an error (the
    browser accepts only ``YYYY-MM-DDTHH:MM``; Django's default rendering has a space and seconds)."""
    return forms.DateTimeInput(attrs=_DT, format="%Y-%m-%dT%H:%M")


def _cameras(user: Any) -> Any:
    return Camera.objects.visible_to(user).in_service().select_related("area").order_by("number")


class RequestForm(forms.Form):
    campus = forms.ModelChoiceField(
        label=_("Campus"), queryset=Campus.objects.none(), widget=forms.Select(attrs=_S)
    )
    category = forms.ChoiceField(
        label=_("Who is asking"), choices=Category.choices, widget=forms.Select(attrs=_S)
    )
    unit = forms.CharField(
        label=_("Unit or department"), required=False, max_length=200, widget=forms.TextInput(attrs=_T)
    )
    names = forms.CharField(label=_("Names"), max_length=300, widget=forms.TextInput(attrs=_T))
    id_numbers = forms.CharField(
        label=_("ID or badge numbers"), required=False, max_length=300, widget=forms.TextInput(attrs=_T)
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40, widget=forms.TextInput(attrs=_T))
    relation = forms.CharField(
        label=_("Relation to the patient"), required=False, max_length=100, widget=forms.TextInput(attrs=_T)
    )
    case_number = forms.CharField(
        label=_("Case number"), required=False, max_length=100, widget=forms.TextInput(attrs=_T)
    )
    letter = forms.FileField(
        label=_("Introduction letter (scan)"),
        required=False,
        help_text=_("Required for police and judicial requests. PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={**_FILE}),
    )
    id_document = forms.FileField(
        label=_("ID document (scan)"), required=False, widget=forms.ClearableFileInput(attrs={**_FILE})
    )
    purpose_code = forms.ChoiceField(
        label=_("Purpose"), choices=Purpose.choices, widget=forms.Select(attrs=_S)
    )
    purpose_text = forms.CharField(
        label=_("Purpose in detail"), widget=forms.Textarea(attrs={**_T, "rows": 3})
    )
    access = forms.ChoiceField(
        label=_("Access"), choices=FootageRequest.Access.choices, widget=forms.Select(attrs=_S)
    )
    copy_exception_reason = forms.CharField(
        label=_("Reason for a copy exception"),
        required=False,
        help_text=_("Only when a copy goes to anyone other than a public security organ (DATA-4)."),
        widget=forms.Textarea(attrs={**_T, "rows": 2}),
    )
    cameras = forms.ModelMultipleChoiceField(
        label=_("Cameras"),
        queryset=Camera.objects.none(),
        widget=forms.SelectMultiple(attrs={**_S, "size": 6}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campus"].queryset = Campus.objects.visible_to(user).filter(is_active=True)
        self.fields["cameras"].queryset = _cameras(user)
        for i in range(1, RANGES + 1):
            self.fields[f"start_{i}"] = forms.DateTimeField(
                label=_("Period %(n)s from") % {"n": i},
                required=i == 1,
                widget=_datetime(),
            )
            self.fields[f"end_{i}"] = forms.DateTimeField(
                label=_("Period %(n)s to") % {"n": i}, required=i == 1, widget=_datetime()
            )

    def ranges(self) -> list[tuple[Any, Any]]:
        data = self.cleaned_data
        return [
            (data[f"start_{i}"], data[f"end_{i}"])
            for i in range(1, RANGES + 1)
            if data.get(f"start_{i}") and data.get(f"end_{i}")
        ]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={**_T}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class UploadForm(forms.Form):
    files = MultipleFileField(label=_("Exported files"))


class ReleaseForm(forms.Form):
    recipient_name = forms.CharField(label=_("Recipient"), max_length=100, widget=forms.TextInput(attrs=_T))
    recipient_id_number = forms.CharField(
        label=_("Recipient's ID or badge number"), max_length=100, widget=forms.TextInput(attrs=_T)
    )
    recipient_unit = forms.CharField(
        label=_("Recipient's unit"), max_length=200, widget=forms.TextInput(attrs=_T)
    )


class AcknowledgeForm(forms.Form):
    typed_name = forms.CharField(
        label=_("Recipient types their name"), max_length=100, widget=forms.TextInput(attrs=_T)
    )
    confirmed = forms.BooleanField(
        label=_("I have received the files listed on the receipt and checked their SHA-256 values."),
        required=False,
    )


class ScanForm(forms.Form):
    scan = forms.FileField(label=_("Signed receipt (scan)"), widget=forms.ClearableFileInput(attrs={**_FILE}))


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (k.value, k.label)
            for k in (
                RequestDocument.Kind.LETTER,
                RequestDocument.Kind.ID_DOCUMENT,
                RequestDocument.Kind.OTHER,
            )
        ],
        widget=forms.Select(attrs=_S),
    )
    file = forms.FileField(
        label=_("Document"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={**_FILE}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={**_T, "rows": 2}))


class HashLookupForm(forms.Form):
    sha256 = forms.CharField(
        label=_("SHA-256"), required=False, max_length=64, widget=forms.TextInput(attrs=_T)
    )
    file = forms.FileField(
        label=_("Or a file"), required=False, widget=forms.ClearableFileInput(attrs={**_T})
    )


class HoldForm(forms.Form):
    cameras = forms.ModelMultipleChoiceField(
        label=_("Cameras"),
        queryset=Camera.objects.none(),
        widget=forms.SelectMultiple(attrs={**_S, "size": 6}),
    )
    start = forms.DateTimeField(label=_("From"), widget=_datetime())
    end = forms.DateTimeField(label=_("To"), widget=_datetime())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={**_T, "rows": 2}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cameras"].queryset = _cameras(user)


class ViewingForm(forms.Form):
    campus = forms.ModelChoiceField(
        label=_("Campus"), queryset=Campus.objects.none(), widget=forms.Select(attrs=_S)
    )
    viewer_unit = forms.CharField(label=_("Viewer's unit"), max_length=200, widget=forms.TextInput(attrs=_T))
    viewer_name = forms.CharField(label=_("Viewer"), max_length=100, widget=forms.TextInput(attrs=_T))
    mode = forms.ChoiceField(label=_("Mode"), choices=Viewing.Mode.choices, widget=forms.Select(attrs=_S))
    started_at = forms.DateTimeField(label=_("Viewing started"), widget=_datetime())
    ended_at = forms.DateTimeField(label=_("Viewing ended"), widget=_datetime())
    cameras = forms.ModelMultipleChoiceField(
        label=_("Cameras"),
        queryset=Camera.objects.none(),
        widget=forms.SelectMultiple(attrs={**_S, "size": 6}),
    )
    footage_from = forms.DateTimeField(label=_("Footage from"), required=False, widget=_datetime())
    footage_to = forms.DateTimeField(label=_("Footage to"), required=False, widget=_datetime())
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={**_T, "rows": 2}))
    request = forms.ModelChoiceField(
        label=_("Approved request relied on"),
        queryset=FootageRequest.objects.none(),
        required=False,
        widget=forms.Select(attrs=_S),
    )
    leader_review = forms.BooleanField(label=_("A hospital leader's own review (DATA-6)"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campus"].queryset = Campus.objects.visible_to(user).filter(is_active=True)
        self.fields["cameras"].queryset = _cameras(user)
        self.fields["request"].queryset = FootageRequest.objects.visible_to(user).filter(
            status__in=["approved", "exported"]
        )


class RetentionForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("Camera group"), queryset=CameraGroup.objects.none(), widget=forms.Select(attrs=_S)
    )
    required_days = forms.IntegerField(
        label=_("Required retention (days)"), min_value=1, widget=forms.NumberInput(attrs=_T)
    )
    oldest_available = forms.DateField(
        label=_("Oldest recording available"),
        required=False,
        widget=forms.DateInput(attrs={**_T, "type": "date"}),
    )
    reason = forms.CharField(
        label=_("Reason (required to shorten)"), required=False, widget=forms.TextInput(attrs=_T)
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = CameraGroup.objects.visible_to(user).filter(is_active=True)


class AreaRetentionForm(forms.Form):
    campus = forms.ModelChoiceField(
        label=_("Campus"), queryset=Campus.objects.none(), widget=forms.Select(attrs=_S)
    )
    area_type = forms.ChoiceField(
        label=_("Area class"), choices=AreaType.choices, widget=forms.Select(attrs=_S)
    )
    required_days = forms.IntegerField(
        label=_("Required retention (days)"), min_value=1, widget=forms.NumberInput(attrs=_T)
    )
    reason = forms.CharField(
        label=_("Basis or reason (required to shorten)"), required=False, widget=forms.TextInput(attrs=_T)
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campus"].queryset = Campus.objects.visible_to(user)


class ReExportForm(forms.Form):
    request = forms.ModelChoiceField(
        label=_("Approved copy request"),
        queryset=FootageRequest.objects.none(),
        widget=forms.Select(attrs=_S),
    )
    recipient_name = forms.CharField(label=_("Recipient"), max_length=100, widget=forms.TextInput(attrs=_T))
    recipient_id_number = forms.CharField(
        label=_("Recipient's ID or badge number"), max_length=100, widget=forms.TextInput(attrs=_T)
    )
    recipient_unit = forms.CharField(
        label=_("Recipient's unit"), max_length=200, widget=forms.TextInput(attrs=_T)
    )

    def __init__(self, *args: Any, user: Any, evidence: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["request"].queryset = (
            FootageRequest.objects.visible_to(user)
            .filter(campus_id=evidence.request.campus_id, access=FootageRequest.Access.COPY)
            .exclude(pk=evidence.request_id)
            .filter(status__in=[FootageRequest.Status.APPROVED, FootageRequest.Status.EXPORTED])
        )


class CameraRetentionForm(forms.Form):
    """One camera's own retention and/or its oldest recording read at an inspection (DATA-2)."""

    camera = forms.ModelChoiceField(
        label=_("Camera"), queryset=Camera.objects.none(), widget=forms.Select(attrs=_S)
    )
    required_days = forms.IntegerField(
        label=_("Required retention (days)"),
        min_value=1,
        required=False,
        widget=forms.NumberInput(attrs=_T),
    )
    oldest_available = forms.DateField(
        label=_("Oldest recording available"),
        required=False,
        widget=forms.DateInput(attrs={**_T, "type": "date"}),
    )
    reason = forms.CharField(
        label=_("Basis or reason (required to shorten)"), required=False, widget=forms.TextInput(attrs=_T)
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["camera"].queryset = (
            Camera.objects.visible_to(user).select_related("area").order_by("number")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("required_days") is None and data.get("oldest_available") is None:
            raise forms.ValidationError(_("Give the required retention or the oldest recording available."))
        return data


class RecorderLinkForm(forms.Form):
    recorder = forms.ModelChoiceField(
        label=_("Recorder"), queryset=Recorder.objects.none(), widget=forms.Select(attrs=_S)
    )
    protocol = forms.ChoiceField(
        label=_("Protocol"),
        choices=RecorderLink.Protocol.choices,
        initial=RecorderLink.Protocol.HTTP,
        required=False,  # Watchroom's own API when not given
        widget=forms.Select(attrs=_S),
    )
    base_url = forms.CharField(
        label=_("Recorder API address"),
        max_length=300,
        widget=forms.TextInput(attrs={**_T, "placeholder": "http://10.1.2.3:8080"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recorder"].queryset = Recorder.objects.visible_to(user).order_by("number")
