from watchroom.testing.matrix import Case

READERS = (
    "leader",
    "secchief",
    "director",
    "deputy",
    "operator",
    "engineer",
    "itstaff",
    "headnurse",
    "auditor",
)


def _regulation(w):
    from watchroom.regulations.models import Regulation

    reg, _ = Regulation.objects.get_or_create(
        code="D10",
        defaults={
            "title": "监控中心交接班制度",
            "issuing_department": "保卫科",
            "interpretation_authority": "保卫科",
        },
    )
    return [reg.pk]


CASES = [
    Case("regulations:list", expect=dict.fromkeys(READERS, 200)),
    Case("regulations:detail", args=_regulation, expect=dict.fromkeys(READERS, 200)),
    Case("regulations:create", expect={"secchief": 200, "director": 200}),
    Case("regulations:publish", args=_regulation, expect={"secchief": 200, "director": 200}),
]
