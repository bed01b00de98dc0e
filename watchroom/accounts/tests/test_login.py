from watchroom.audit.models import AuditEvent


def test_it_signs_in_and_shows_the_chinese_home(operator, login):
    client = login(operator)
    response = client.get("/")
    assert response.status_code == 200
    assert "欢迎" in response.content.decode()
    assert AuditEvent.objects.filter(action="accounts.login", actor_id=operator.pk).exists()


def test_it_refuses_a_wrong_password_and_audits_it(operator, client):
    response = client.post("/accounts/login/", {"username": "operator", "password": "nope"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="accounts.login_failed")
    assert event.actor_username == "operator"
    assert event.outcome == "failure"
