"""Input shapes of the alarms and incidents pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from watchroom.sites.models import Area, Camera, Campus, MonitoringRoom

from .models import AlarmType, IncidentType, Priority, RobotWebhook, Severity, SourceKind, TimelineEntry
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


class PlaybookForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)


class PlaybookStepForm(forms.Form):
    order = forms.IntegerField(label=_("Order"), min_value=1, max_value=99)
    title = forms.CharField(label=_("Step"), max_length=300)
    responsible_role = forms.ChoiceField(label=_("Responsible role"), choices=[])
    contacts = forms.CharField(label=_("Contacts"), max_length=300, required=False)
    mandatory = forms.BooleanField(label=_("Mandatory"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from watchroom.accounts.roles import Role

        self.fields["responsible_role"].choices = Role.choices


PlaybookStepFormSet = forms.formset_factory(PlaybookStepForm, extra=2, can_delete=True, max_num=50)


class ContactForm(forms.Form):
    campus = forms.ModelChoiceField(label=_("Campus"), queryset=Campus.objects.none())
    incident_type = forms.ChoiceField(
        label=_("Incident type"), choices=[("", _("All types")), *IncidentType.choices], required=False
    )
    department = forms.CharField(label=_("Department"), max_length=100)
    name = forms.CharField(label=_("Name"), max_length=60)
    title = forms.CharField(label=_("Function"), max_length=60, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32)
    webhook = forms.ModelChoiceField(
        label=_("Group robot"), queryset=RobotWebhook.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campus"].queryset = Campus.objects.visible_to(user)
        self.fields["webhook"].queryset = RobotWebhook.objects.visible_to(user).filter(is_active=True)
        if editing:  # a contact stays on its campus
            del self.fields["campus"]


class WebhookForm(forms.Form):
    campus = forms.ModelChoiceField(label=_("Campus"), queryset=Campus.objects.none())
    name = forms.CharField(label=_("Name"), max_length=100)
    channel = forms.ChoiceField(label=_("Channel"), choices=RobotWebhook.Channel.choices)
    url = forms.CharField(label=_("Webhook URL"), max_length=500)
    secret = forms.CharField(
        label=_("Signing secret (DingTalk 加签)"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campus"].queryset = Campus.objects.visible_to(user)


class WebhookEditForm(forms.Form):
    """Edit a robot: the address and the secret are never shown again, so blank keeps them."""

    name = forms.CharField(label=_("Name"), max_length=100)
    channel = forms.ChoiceField(label=_("Channel"), choices=RobotWebhook.Channel.choices)
    url = forms.CharField(
        label=_("New webhook URL"),
        max_length=500,
        required=False,
        help_text=_("Leave blank to keep the current address."),
    )
    secret = forms.CharField(
        label=_("New signing secret (DingTalk 加签)"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave blank to keep the current secret."),
    )


class ManualAlarmPageForm(ManualAlarmForm):
    """The manual alarm page (console or duty log): a room when no camera says where, and the
    duty-log entry it comes from (prefilled from `?log_entry=`)."""

    field_order = ["alarm_type", "priority", "room", "camera", "place", "description"]

    room = forms.ModelChoiceField(label=_("Monitoring room"), queryset=MonitoringRoom.objects.none())
    log_entry = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["room"].queryset = MonitoringRoom.objects.visible_to(user).filter(is_active=True)
