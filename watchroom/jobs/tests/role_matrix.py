from watchroom.testing.matrix import Case

CASES = [
    Case("jobs:job_list", expect={"sysadmin": 200}),
    Case("jobs:job_list", expect={"sysadmin": 200}, query="status=dead", label="filtered"),
]
