from __future__ import annotations

from typing import Any

from watchroom.accounts.models import User, UserRole

PASSWORD = "Watchroom#2026"


def make_user(
    username: str,
    *roles: str,
    scope_all: bool | None = None,
    campuses: Any = (),
    rooms: Any = (),
    camera_groups: Any = (),
    real_name: str | None = None,
    password: str = PASSWORD,
    **extra: Any,
) -> User:
    """A user with roles and scope, created directly (tests only; the app uses accounts.services)."""
    from django.utils import timezone

    from watchroom.accounts.roles import HOSPITAL_WIDE_ROLES

    user = User(
        username=username, real_name=real_name or username, password_changed_at=timezone.now(), **extra
    )
    user.set_password(password)
    user.scope_all = bool(set(roles) & HOSPITAL_WIDE_ROLES) if scope_all is None else scope_all
    user.save()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles])
    user.campuses.set(campuses)
    user.rooms.set(rooms)
    user.camera_groups.set(camera_groups)
    return User.objects.get(pk=user.pk)
