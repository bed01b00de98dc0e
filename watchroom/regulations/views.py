from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from watchroom.lib.errors import DomainError

from . import services
from .forms import RegulationForm, VersionForm
from .models import Regulation


@login_required
@permission_required("regulations.view", raise_exception=True)
def regulation_list(request: HttpRequest) -> HttpResponse:
    regulations = Regulation.objects.prefetch_related("versions").order_by("id")
    return render(request, "regulations/list.html", {"regulations": regulations})


@login_required
@permission_required("regulations.view", raise_exception=True)
def regulation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    regulation = get_object_or_404(Regulation, pk=pk)
    versions = list(regulation.versions.select_related("published_by"))
    shown = regulation.current_version() or (versions[0] if versions else None)
    wanted = request.GET.get("version")
    if wanted and wanted.isdigit():
        shown = next((v for v in versions if v.number == int(wanted)), shown)
    return render(
        request,
        "regulations/detail.html",
        {
            "regulation": regulation,
            "versions": versions,
            "shown": shown,
            "current": regulation.current_version(),
        },
    )


@login_required
@permission_required("regulations.manage", raise_exception=True)
def regulation_create(request: HttpRequest) -> HttpResponse:
    form = RegulationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            regulation = services.register_regulation(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Registered. Publish its first version now."))
            return redirect("regulations:publish", pk=regulation.pk)
    return render(request, "regulations/form.html", {"form": form, "title": _("Register a regulation")})


@login_required
@permission_required("regulations.manage", raise_exception=True)
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    regulation = get_object_or_404(Regulation, pk=pk)
    latest = regulation.versions.order_by("-number").first()
    form = VersionForm(request.POST or None, initial={"text": latest.text if latest else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.publish_version(regulation, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The new version is published."))
            return redirect(regulation)
    return render(
        request,
        "regulations/form.html",
        {
            "form": form,
            "title": _("Publish a new version of %(code)s %(title)s")
            % {"code": regulation.code, "title": regulation.title},
        },
    )
