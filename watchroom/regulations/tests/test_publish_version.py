"""GOV-4: regulations have an issuing department, interpretation authority, effective dates and versions."""

import datetime as dt

import pytest

from watchroom.audit.models import AuditEvent
from watchroom.lib.errors import ValidationFailed
from watchroom.regulations import services
from watchroom.regulations.demo import split_source


@pytest.fixture
def regulation(secchief):
    return services.register_regulation(
        actor=secchief,
        code="D10",
        title="监控中心交接班制度",
        issuing_department="医院保卫科",
        interpretation_authority="医院保卫科",
    )


def test_it_registers_a_regulation_with_an_audit_event(regulation, secchief):
    event = AuditEvent.objects.get(action="regulations.registered")
    assert event.actor_id == secchief.pk
    assert event.target_id == str(regulation.pk)


def test_it_publishes_numbered_versions(regulation, secchief):
    v1 = services.publish_version(
        regulation, actor=secchief, text="一、接班人员提前10分钟到岗。", effective_date=dt.date(2025, 1, 1)
    )
    v2 = services.publish_version(
        regulation,
        actor=secchief,
        text="一、接班人员提前15分钟到岗。",
        effective_date=dt.date(2026, 1, 1),
        change_note="提前时间改为15分钟",
    )
    assert (v1.number, v2.number) == (1, 2)
    assert regulation.current_version() == v2
    assert AuditEvent.objects.filter(action="regulations.version_published").count() == 2


def test_it_refuses_an_unchanged_text_or_a_missing_change_note(regulation, secchief):
    services.publish_version(regulation, actor=secchief, text="正文", effective_date=dt.date(2025, 1, 1))
    with pytest.raises(ValidationFailed) as same:
        services.publish_version(
            regulation, actor=secchief, text="正文", effective_date=dt.date(2026, 1, 1), change_note="x"
        )
    assert same.value.code == "text_unchanged"
    with pytest.raises(ValidationFailed) as note:
        services.publish_version(
            regulation, actor=secchief, text="新正文", effective_date=dt.date(2026, 1, 1)
        )
    assert note.value.code == "change_note_required"
    assert regulation.versions.count() == 1


def test_it_refuses_a_version_effective_before_the_previous(regulation, secchief):
    services.publish_version(regulation, actor=secchief, text="正文", effective_date=dt.date(2025, 6, 1))
    with pytest.raises(ValidationFailed) as exc:
        services.publish_version(
            regulation, actor=secchief, text="新", effective_date=dt.date(2025, 1, 1), change_note="x"
        )
    assert exc.value.code == "effective_date_order"


def test_the_source_splits_into_the_twelve_documents():
    docs = split_source()
    assert [d[0] for d in docs] == [f"D{n}" for n in range(1, 13)]
    d9 = {d[0]: d[3] for d in docs}["D9"]
    assert "每班至少对监控系统巡查4次" in d9
    assert all(not line.startswith("- ") for d in docs for line in d[3].splitlines())


def test_a_reader_sees_the_text_and_an_operator_cannot_publish(regulation, secchief, operator, login):
    services.publish_version(
        regulation, actor=secchief, text="交接班正文", effective_date=dt.date(2025, 1, 1)
    )
    client = login(operator)
    page = client.get(f"/regulations/{regulation.pk}/")
    assert page.status_code == 200
    assert "交接班正文" in page.content.decode()
    assert client.post(f"/regulations/{regulation.pk}/publish/", {"text": "x"}).status_code == 403
