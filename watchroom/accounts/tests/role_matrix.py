from watchroom.testing.matrix import Case, everyone

CASES = [
    Case("accounts:login", expect=everyone(302), anonymous=200),
    Case("accounts:logout", method="post", expect=everyone(302), anonymous=302),
    Case("accounts:password_change", expect=everyone(200)),
    Case("accounts:totp_enrol", expect=everyone(200)),
    Case("accounts:profile", expect=everyone(200)),
    Case("accounts:role_table", expect={p: 200 for p in ("secchief", "director", "sysadmin", "secadmin", "auditadmin")}),
]
