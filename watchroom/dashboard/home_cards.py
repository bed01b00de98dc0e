"""The foundation's own home cards (who I am, my scope). Later modules register theirs."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .cards import register


@register("me", title=_("On this account"), template="dashboard/cards/me.html", order=900)
def me_card(user: Any) -> dict[str, Any]:
    return {
        "roles": user.role_labels,
        "scope_all": user.scope_all,
        "campuses": list(user.campuses.values_list("name", flat=True)),
        "rooms": list(user.rooms.values_list("name", flat=True)),
    }
