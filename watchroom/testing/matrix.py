"""The role matrix: every URL × every role (plus anonymous, plus a user scoped to the other campus)
→ the expected status. Each app lists its cases in `watchroom/<app>/tests/role_matrix.py` as
`CASES: list[Case]`; `watchroom/testing/tests/test_role_matrix.py` runs them all and fails for a
named URL that no case covers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONAS = (
    "leader",
    "secchief",
    "director",
    "deputy",
    "operator",
    "engineer",
    "itstaff",
    "headnurse",
    "auditor",
    "sysadmin",
    "secadmin",
    "auditadmin",
)
# persona -> role code, for reference
PERSONA_ROLES = {
    "leader": "leader",
    "secchief": "security_head",
    "director": "director",
    "deputy": "deputy",
    "operator": "operator",
    "engineer": "engineer",
    "itstaff": "it",
    "headnurse": "dept_head",
    "auditor": "auditor",
    "sysadmin": "sysadmin",
    "secadmin": "secadmin",
    "auditadmin": "auditadmin",
}


@dataclass
class World:
    """What a case's `args`/`data` callables may use: personas by name and campus A/B objects."""

    users: dict[str, Any]
    campus_a: Any
    campus_b: Any
    room_a: Any
    camera_a: Any
    camera_b: Any
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Case:
    name: str  # URL name, e.g. "sites:camera_detail"
    expect: dict[str, int]  # persona -> status (personas not listed get `default`)
    default: int = 403
    anonymous: int | None = None  # None: 302 for pages, 401 for /api/
    outsider: int | None = None  # campus-B operator; None: same as "operator"
    method: str = "get"
    args: Callable[[World], list[Any]] | None = None
    data: dict[str, Any] | Callable[[World], dict[str, Any]] | None = None
    query: str = ""
    label: str = ""  # to tell two cases of one URL apart

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.name}{' ' + self.label if self.label else ''}"

    def status_for(self, persona: str, *, api: bool) -> int:
        if persona == "anonymous":
            if self.anonymous is not None:
                return self.anonymous
            return 401 if api else 302
        if persona == "outsider":
            if self.outsider is not None:
                return self.outsider
            return self.expect.get("operator", self.default)
        return self.expect.get(persona, self.default)


def everyone(status: int, **overrides: int) -> dict[str, int]:
    """{persona: status} for all personas, with overrides."""
    result = dict.fromkeys(PERSONAS, status)
    result.update(overrides)
    return result
