"""Approval pages: inbox, my requests, all requests, file a request, the request with its signatures,
decide (sign), withdraw, attachment download (audited), approval policies. Views are adapters:
they scope through ``visible_to`` and call one service each (GOV-3, DATA-9, DUTY-7, EQP-6)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from watchroom.accounts.roles import Role
from watchroom.audit import services as audit
from watchroom.lib.errors import DomainError

from . import kinds, queries, services
from .forms import DecisionForm, PolicyForm, RequestForm, WithdrawForm
from .models import ApprovalPolicy, ApprovalRequest, Signature

ANY_APPROVALS_PERMISSION = ("approvals.request", "approvals.decide", "approvals.view_all")


def _require_any(user: Any) -> None:
    if not any(user.has_perm(code) for code in ANY_APPROVALS_PERMISSION):
        raise PermissionDenied


def _filtered(request: HttpRequest, qs: QuerySet) -> QuerySet:
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    if status in ApprovalRequest.Status.values:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def _list(request: HttpRequest, qs: QuerySet, *, title: str, tab: str) -> HttpResponse:
    qs = _filtered(request, qs.select_related("requester", "campus"))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "approvals/request_list.html",
        {
            "page": page,
            "title": title,
            "tab": tab,
            "statuses": ApprovalRequest.Status.choices,
            "kinds": kinds.all_kinds(),
            "status": request.GET.get("status", ""),
            "kind": request.GET.get("kind", ""),
        },
    )


@login_required
@permission_required("approvals.decide", raise_exception=True)
def inbox(request: HttpRequest) -> HttpResponse:
    return _list(
        request, queries.awaiting_decision(request.user), title=_("Awaiting my decision"), tab="inbox"
    )


@login_required
@permission_required("approvals.request", raise_exception=True)
def mine(request: HttpRequest) -> HttpResponse:
    return _list(request, queries.my_requests(request.user), title=_("My requests"), tab="mine")


@login_required
@permission_required("approvals.view_all", raise_exception=True)
def all_requests(request: HttpRequest) -> HttpResponse:
    return _list(
        request, ApprovalRequest.objects.visible_to(request.user), title=_("All requests"), tab="all"
    )


@login_required
@permission_required("approvals.request", raise_exception=True)
def create(request: HttpRequest) -> HttpResponse:
    form = RequestForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            req = services.submit_request(
                data["kind"],
                actor=request.user,
                title=data["title"],
                reason=data["reason"],
                campus=data["campus"],
                attachments=data["attachments"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The request was submitted."))
            return redirect(req)
    return render(request, "approvals/request_form.html", {"form": form})


def _audit_history_url(user: Any, req: ApprovalRequest) -> str:
    if not user.has_perm("audit.view"):
        return ""
    try:
        return reverse("audit:history", args=[req._meta.label_lower, req.pk])
    except NoReverseMatch:
        return ""


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_any(request.user)
    req = get_object_or_404(
        ApprovalRequest.objects.visible_to(request.user).select_related("requester", "campus"), pk=pk
    )
    steps = req.steps.select_related("decided_by", "signature")
    levels = []
    decided = {s.level: s for s in steps}
    for number, spec in enumerate(req.levels, start=1):
        role = spec.get("role", "")
        levels.append(
            {
                "number": number,
                "role": Role(role).label if role in Role.values else role,
                "same_campus": spec.get("same_campus"),
                "step": decided.get(number),
                "current": req.is_pending and number == req.current_level,
            }
        )
    can_decide = services.may_decide(req, request.user)
    return render(
        request,
        "approvals/request_detail.html",
        {
            "req": req,
            "levels": levels,
            "signatures": Signature.for_object(req),
            "attachments": req.attachments.all(),
            "can_decide": can_decide,
            "decision_form": DecisionForm() if can_decide else None,
            "can_withdraw": req.is_pending and req.requester_id == request.user.pk,
            "withdraw_form": WithdrawForm(),
            "audit_url": _audit_history_url(request.user, req),
        },
    )


@require_POST
@login_required
@permission_required("approvals.decide", raise_exception=True)
@sensitive_post_parameters("password", "otp")
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(ApprovalRequest.objects.visible_to(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision, give a reason and enter your password."))
        return redirect(req)
    data = form.cleaned_data
    try:
        services.decide(
            req,
            actor=request.user,
            decision=data["decision"],
            reason=data["reason"],
            password=data["password"],
            otp=data["otp"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your decision was signed and recorded."))
    return redirect(req)


@require_POST
@login_required
@permission_required("approvals.request", raise_exception=True)
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(ApprovalRequest.objects.visible_to(request.user), pk=pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return redirect(req)
    try:
        services.withdraw(req, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The request was withdrawn."))
    return redirect(req)


@login_required
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    _require_any(request.user)
    req = get_object_or_404(ApprovalRequest.objects.visible_to(request.user), pk=pk)
    item = get_object_or_404(req.attachments, pk=attachment_pk)
    audit.record_read(request.user, "approvals.attachment_read", item, note=f"request {req.pk}")
    response = FileResponse(
        default_storage.open(item.file.name, "rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@permission_required("approvals.manage_policy", raise_exception=True)
def policy_list(request: HttpRequest) -> HttpResponse:
    return render(request, "approvals/policy_list.html", {"policies": services.ensure_policies()})


@login_required
@permission_required("approvals.manage_policy", raise_exception=True)
def policy_edit(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        policy = services.get_policy(kind)
    except DomainError:
        policy = get_object_or_404(ApprovalPolicy, kind=kind)
    initial = {
        "levels": json.dumps(policy.levels, ensure_ascii=False),
        "validity_hours": policy.validity_hours,
        "pending_expiry_hours": policy.pending_expiry_hours,
        "active": policy.active,
    }
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_policy(
                policy,
                actor=request.user,
                levels=data["levels"],
                validity_hours=data["validity_hours"],
                pending_expiry_hours=data["pending_expiry_hours"],
                active=data["active"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The policy was saved."))
            return redirect("approvals:policy_list")
    return render(request, "approvals/policy_form.html", {"form": form, "policy": policy})
