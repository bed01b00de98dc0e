"""Forms of the sign-in pages and of the security administrator's account pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .roles import Role


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    otp = forms.CharField(
        label=_("Dynamic code"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("Six digits from your authenticator, if you have enrolled one."),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)
    new_password2 = forms.CharField(label=_("New password again"), widget=forms.PasswordInput)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            raise forms.ValidationError(_("The two new passwords differ."))
        return data


class OtpForm(forms.Form):
    token = forms.CharField(
        label=_("Dynamic code"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=[("zh-hans", "简体中文"), ("en", "English")])


# --- the security administrator's forms (GOV-3, DATA-14) ----------------------------------------


class BootstrapMixin:
    """Bootstrap classes on every widget (the shared `_field.html` renders the widget as it is)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


def _role_choices() -> list[tuple[str, Any]]:
    return list(Role.choices)


class UserFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name, username or staff number")}),
    )
    role = forms.ChoiceField(label=_("Role"), required=False)
    department = forms.CharField(label=_("Department"), required=False)
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("1", _("Active")), ("0", _("Deactivated"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("All")), *_role_choices()]  # type: ignore[attr-defined]
        for field in self.fields.values():
            field.widget.attrs["class"] = field.widget.attrs["class"] + " form-control-sm"


class ProfileForm(BootstrapMixin, forms.Form):
    real_name = forms.CharField(label=_("Real name"), max_length=60)
    staff_no = forms.CharField(label=_("Staff number"), max_length=32, required=False)
    department = forms.CharField(label=_("Department"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=[("zh-hans", "简体中文"), ("en", "English")])


class UserCreateForm(ProfileForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    roles = forms.MultipleChoiceField(label=_("Roles"), required=False, widget=forms.CheckboxSelectMultiple)
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        widget=forms.PasswordInput,
        help_text=_("Leave empty to generate one. The person must change it at first sign-in."),
    )
    field_order = [
        "username",
        "real_name",
        "staff_no",
        "department",
        "phone",
        "email",
        "language",
        "roles",
        "password",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = _role_choices()  # type: ignore[attr-defined]


class RolesForm(BootstrapMixin, forms.Form):
    roles = forms.MultipleChoiceField(label=_("Roles"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = _role_choices()  # type: ignore[attr-defined]


class ScopeForm(BootstrapMixin, forms.Form):
    scope_all = forms.BooleanField(label=_("Whole hospital"), required=False)
    campuses: Any = forms.ModelMultipleChoiceField(label=_("Campuses"), queryset=None, required=False)  # type: ignore[arg-type]
    rooms: Any = forms.ModelMultipleChoiceField(label=_("Monitoring rooms"), queryset=None, required=False)  # type: ignore[arg-type]
    camera_groups: Any = forms.ModelMultipleChoiceField(
        label=_("Camera groups"), queryset=None, required=False
    )  # type: ignore[arg-type]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from watchroom.sites.models import CameraGroup, Campus, MonitoringRoom

        # Only names of places, to grant access: the security administrator sees no business data.
        self.fields["campuses"].queryset = Campus.objects.order_by("code")  # type: ignore[attr-defined]
        self.fields["rooms"].queryset = MonitoringRoom.objects.select_related("campus").order_by("code")  # type: ignore[attr-defined]
        self.fields["camera_groups"].queryset = CameraGroup.objects.select_related("campus").order_by("code")  # type: ignore[attr-defined]
        for name in ("campuses", "rooms", "camera_groups"):
            self.fields[name].widget.attrs["size"] = 8


class ResetPasswordForm(BootstrapMixin, forms.Form):
    password = forms.CharField(
        label=_("Temporary password"),
        required=False,
        widget=forms.PasswordInput,
        help_text=_("Leave empty to generate one. The person must change it at next sign-in."),
    )


class ConfirmForm(forms.Form):
    """A confirmation with nothing to fill in (reset two-factor, unlock)."""


class OffboardForm(BootstrapMixin, forms.Form):
    successor: Any = forms.ModelChoiceField(label=_("Successor"), queryset=None)  # type: ignore[arg-type]
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, leaver: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .queries import people

        self.fields["successor"].queryset = people().filter(is_active=True).exclude(pk=leaver.pk)  # type: ignore[attr-defined]
