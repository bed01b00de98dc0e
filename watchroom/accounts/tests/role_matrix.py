from watchroom.testing.matrix import Case, everyone


def _op(w):
    return [w.users["operator"].pk]


def _secadmin_only(status: int = 200) -> dict[str, int]:
    return {"secadmin": status}


CASES = [
    Case("accounts:login", expect=everyone(302), anonymous=200),
    Case("accounts:logout", method="post", expect=everyone(302), anonymous=302),
    Case("accounts:password_change", expect=everyone(200)),
    Case("accounts:totp_enrol", expect=everyone(200)),
    Case("accounts:profile", expect=everyone(200)),
    Case(
        "accounts:role_table",
        expect=dict.fromkeys(("secchief", "director", "sysadmin", "secadmin", "auditadmin"), 200),
    ),
    # The security administrator's pages (accounts.manage): nobody else, whatever their rank.
    Case("accounts:user_list", expect=_secadmin_only()),
    Case("accounts:user_create", expect=_secadmin_only()),
    Case("accounts:user_detail", expect=_secadmin_only(), args=_op),
    Case("accounts:user_edit", expect=_secadmin_only(), args=_op),
    Case("accounts:user_roles", expect=_secadmin_only(), args=_op),
    Case("accounts:user_scope", expect=_secadmin_only(), args=_op),
    Case("accounts:user_reset_password", expect=_secadmin_only(), args=_op),
    Case("accounts:user_reset_totp", expect=_secadmin_only(), args=_op),
    Case("accounts:user_unlock", expect=_secadmin_only(), args=_op),
    Case("accounts:user_offboard", expect=_secadmin_only(), args=_op),
    Case(
        "accounts:user_roles",
        method="post",
        label="grant",
        expect=_secadmin_only(302),
        args=_op,
        data={"roles": ["operator", "dept_head"]},
    ),
    # API
    Case("accounts-user-list", expect=_secadmin_only()),
    Case("accounts-user-detail", expect=_secadmin_only(), args=_op),
    Case(
        "accounts-user-list",
        method="post",
        label="create",
        expect=_secadmin_only(201),
        data={"username": "newcomer", "real_name": "新同事", "roles": ["operator"]},
    ),
    Case(
        "accounts-user-detail",
        method="patch",
        label="profile",
        expect=_secadmin_only(),
        args=_op,
        data={"department": "保卫科"},
    ),
    Case(
        "accounts-user-roles",
        method="post",
        expect=_secadmin_only(),
        args=_op,
        data={"roles": ["operator", "dept_head"]},
    ),
    Case("accounts-user-scope", method="post", expect=_secadmin_only(), args=_op, data={"scope_all": True}),
    Case("accounts-user-reset-password", method="post", expect=_secadmin_only(), args=_op, data={}),
    Case(
        "accounts-user-offboard",
        method="post",
        expect=_secadmin_only(),
        args=_op,
        data=lambda w: {"successor": w.users["engineer"].pk, "reason": "调岗"},
    ),
    Case("accounts-me-list", expect=everyone(200)),
]
