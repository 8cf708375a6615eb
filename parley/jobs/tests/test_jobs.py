"""The background jobs: each kind runs isolated from the others, and failures are where an operator looks."""
import threading
from io import StringIO

import pytest
from django.core.management import call_command

from parley.jobs import registry
from parley.jobs.models import JobState
from parley.jobs.registry import JOBS, Job, Runner
from parley.jobs.worker import Worker

pytestmark = pytest.mark.django_db


def broken(batch):
    raise RuntimeError("the feed of frogs is malformed")


@pytest.fixture
def with_broken_job(monkeypatch):
    """The real job kinds, with one that raises on every run first in line."""
    monkeypatch.setattr(registry, "JOBS", [Job("broken", broken, counts=True), *JOBS])


@pytest.mark.django_db(transaction=True)  # the worker closes stale connections between rounds
def test_a_job_that_raises_every_run_leaves_the_other_kinds_running_and_is_recorded(with_broken_job):
    Worker(batch=2).run(once=True)
    Worker(batch=2).run(once=True)
    states = {state.name: state for state in JobState.objects.all()}
    assert states["broken"].failures == 2 and "feed of frogs" in states["broken"].last_error
    assert states["broken"].last_ok_at is None
    # every real kind ran after it, in both runs, and is recorded as running well
    ran = {job.name for job in JOBS}
    assert ran <= set(states) and all(states[name].last_ok_at and not states[name].failing for name in ran)
    out = StringIO()
    call_command("jobs", stdout=out)
    text = out.getvalue()
    assert "broken" in text and "FAILING (2 in a row" in text and "feed of frogs" in text
    assert "1 job kind failing" in text


def test_a_job_that_recovers_is_recorded_as_running_well_again(monkeypatch):
    calls = []

    def flaky(batch):
        calls.append(batch)
        if len(calls) == 1:
            raise ValueError("first run fails")
        return 3

    runner = Runner(batch=4)
    job = Job("flaky", flaky)
    assert runner.run(job) == 0
    assert JobState.objects.get(name="flaky").failing
    assert runner.run(job) == 3  # the recovery is recorded at once, not after RECORD_OK_EVERY
    state = JobState.objects.get(name="flaky")
    assert not state.failing and state.last_ok_at and state.last_failed_at


def test_periodic_jobs_wait_their_turn_and_one_shot_jobs_run_only_in_one_shot_runs():
    runner = Runner(batch=1)
    periodic, once_only = Job("periodic", lambda batch: 1, every=600.0), Job("oneshot", lambda b: 1, once_only=True)
    assert runner.due(periodic, once=False)
    runner.run(periodic)
    assert not runner.due(periodic, once=False)
    assert runner.due(once_only, once=True) and not runner.due(once_only, once=False)


def test_every_job_kind_is_listed_before_it_has_run():
    out = StringIO()
    call_command("jobs", stdout=out)
    assert [line.split()[0] for line in out.getvalue().splitlines()] == [job.name for job in JOBS]


@pytest.mark.django_db(transaction=True)  # the job thread has its own connection
def test_a_hung_job_is_left_behind_recorded_and_the_other_kinds_run(monkeypatch):
    release = threading.Event()
    calls = []

    def hangs(batch):
        calls.append(batch)
        release.wait(60)  # bounded: the test releases it below
        return 1

    monkeypatch.setattr(registry, "JOBS", [Job("hangs", hangs, deadline=0.5), *JOBS])
    runner = Runner(batch=2)
    try:
        runner.run_due(once=True)
        states = {state.name: state for state in JobState.objects.all()}
        assert states["hangs"].failing and "hung: still running after 0.5 s" in states["hangs"].last_error
        assert all(states[job.name].last_ok_at and not states[job.name].failing for job in JOBS)
        runner.run_due(once=True)  # still hung: not started a second time, and the others run again
        assert len(calls) == 1 and "hangs" in runner.hung
        release.set()
        runner.hung["hangs"].result(timeout=30)
        runner.run_due(once=True)  # its run has ended: it runs again, and runs well
        assert len(calls) == 2 and not JobState.objects.get(name="hangs").failing
    finally:
        release.set()
        runner.close()
    out = StringIO()
    call_command("jobs", stdout=out)
    assert "hangs" in out.getvalue() and "FAILING" not in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_thousand_queued_items_of_one_kind_leave_the_other_kinds_running(make_article):
    from parley.following.events import BATCH
    from parley.following.models import Event

    article = make_article()
    Event.objects.filter(done_at__isnull=True).delete()
    Event.objects.bulk_create([Event(kind=Event.ARTICLE, article=article) for _ in range(1000)])
    runner = Runner(batch=2)
    try:
        runner.run_due(once=True)
    finally:
        runner.close()
    # One round delivers one batch of them, and every other kind had its turn in that round.
    assert Event.objects.filter(done_at__isnull=True).count() == 1000 - BATCH
    states = {state.name: state for state in JobState.objects.all()}
    assert all(states[job.name].last_ok_at for job in JOBS)
