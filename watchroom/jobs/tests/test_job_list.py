"""The timed-jobs page: jobs with status filters and the periodic schedule, for the sysadmin."""

from watchroom.jobs import services
from watchroom.jobs.models import Job


def test_it_lists_jobs_filtered_by_status(sysadmin, login, ok_kind, periodic_kind):
    done = services.enqueue("test.ok")
    Job.objects.filter(pk=done.pk).update(status=Job.Status.DEAD, last_error="boom")
    services.enqueue("test.ok", {"p": 1})
    services.ensure_periodic()
    client = login(sysadmin)
    response = client.get("/jobs/?status=dead")
    assert response.status_code == 200
    assert [j.pk for j in response.context["page"]] == [done.pk]
    [tick] = [p for p in response.context["schedule"] if p["kind"] == "test.tick"]
    assert tick["next"] is not None


def test_it_refuses_an_operator(operator, login):
    assert login(operator).get("/jobs/").status_code == 403


def test_the_admin_shows_jobs_read_only(sysadmin, login, ok_kind):
    job = services.enqueue("test.ok")
    client = login(sysadmin)
    assert client.get("/sysadmin/jobs/job/").status_code == 200
    assert client.get(f"/sysadmin/jobs/job/{job.pk}/change/").status_code == 200
    assert client.post(f"/sysadmin/jobs/job/{job.pk}/delete/").status_code == 403
    assert client.get("/sysadmin/jobs/job/add/").status_code == 403
