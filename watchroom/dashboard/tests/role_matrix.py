from watchroom.testing.matrix import Case, everyone

CASES = [
    Case("dashboard:home", expect=everyone(200)),
    Case("healthz", expect=everyone(200), anonymous=200),
    Case("admin:index", expect={"sysadmin": 200}, default=302),
    Case("api_token", method="post", expect=everyone(400), anonymous=400),
    Case("api_schema", expect=everyone(200)),
    Case("api_docs", expect=everyone(200)),
]
