"""Input shapes of the alarms and incidents pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from watchroom.sites.models import Area, Camera, MonitoringRoom

from .models import AlarmType, IncidentType, Priority, Severity, SourceKind, TimelineEntry
from .services import DEFAULT_HOLD_MINUTES, ENTRY_KINDS


class ManualAlarmForm(forms.Form):
    alarm_type = forms.ChoiceField(label=_("Type"), choices=AlarmType.choices, initial=AlarmType.MANUAL_VIDEO)
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int, initial=2)
    camera = forms.ModelChoiceField(label=_("Camera"), queryset=Camera.objects.none(), required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), max_length=500, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["camera"].queryset = Camera.objects.visible_to(user).select_related("area")


class IncidentForm(forms.Form):
    incident_type = forms.ChoiceField(label=_("Type"), choices=IncidentType.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.MEDIUM)
    title = forms.CharField(label=_("Title"), max_length=200)
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none(), required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    cameras = forms.ModelMultipleChoiceField(
        label=pgettext_lazy("incidents", "Cameras"), queryset=Camera.objects.none(), required=False
    )
    people = forms.CharField(
        label=_("People involved"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.visible_to(user)
        self.fields["cameras"].queryset = Camera.objects.visible_to(user)


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[(k.value, k.label) for k in ENTRY_KINDS], initial=TimelineEntry.Kind.NOTE
    )
    department = forms.CharField(label=_("Department"), max_length=100, required=False)
    text = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class CloseForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}))
    review = forms.CharField(label=_("Review"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class HoldForm(forms.Form):
    minutes = forms.IntegerField(
        label=_("± minutes"), min_value=1, max_value=1440, initial=DEFAULT_HOLD_MINUTES
    )


class ActionForm(forms.Form):
    description = forms.CharField(label=_("Corrective action"), max_length=500)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None)  # type: ignore[arg-type]
    due = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from watchroom.accounts.models import User

        self.fields["owner"].queryset = User.objects.filter(is_active=True).exclude(username="system")


class SourceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=SourceKind.choices)
    room = forms.ModelChoiceField(label=_("Default monitoring room"), queryset=MonitoringRoom.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = MonitoringRoom.objects.visible_to(user).filter(is_active=True)


class DrillForm(forms.Form):
    incident_type = forms.ChoiceField(label=_("Playbook of type"), choices=IncidentType.choices)
    room = forms.ModelChoiceField(label=_("Monitoring room"), queryset=MonitoringRoom.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = MonitoringRoom.objects.visible_to(user).filter(is_active=True)
