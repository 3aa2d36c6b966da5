"""Enqueueing after commit and the one retry policy of every task (huisvanhetkind.lib.queue)."""

import smtplib

import pytest

from huisvanhetkind.celery import app
from huisvanhetkind.lib.queue import MAX_RETRIES, RetryingTask, backoff


def test_backoff_doubles_from_a_minute_up_to_an_hour():
    assert [backoff(n) for n in range(8)] == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert MAX_RETRIES == 6


def test_every_task_of_the_portal_uses_the_one_retry_policy():
    app.loader.import_default_modules()
    ours = {
        name: task
        for name, task in app.tasks.items()
        if name.split(".")[0] in {"aanbod", "partners", "vragen"}
    }
    assert ours
    assert {name for name, task in ours.items() if not isinstance(task, RetryingTask)} == set()


@app.task(base=RetryingTask, name="tests.lib.flaky")
def flaky(*, error: str) -> bool:
    raise {"transient": smtplib.SMTPServerDisconnected, "refused": smtplib.SMTPRecipientsRefused}[error]({})


def test_a_transient_error_run_eagerly_is_logged_and_left_to_the_scan(caplog):
    assert flaky.apply(kwargs={"error": "transient"}).result is False
    assert "tests.lib.flaky failed (SMTPServerDisconnected); the periodic scan will retry" in caplog.text


def test_a_refused_address_is_not_retried():
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        flaky.apply(kwargs={"error": "refused"}, throw=True)


def test_a_transient_error_in_a_worker_is_retried_with_backoff(monkeypatch):
    calls = []

    def retry(self, **kwargs):
        calls.append(kwargs)
        return RuntimeError("retry")

    monkeypatch.setattr(RetryingTask, "retry", retry)
    flaky.push_request(is_eager=False, retries=2)
    try:
        with pytest.raises(RuntimeError):
            flaky(error="transient")
    finally:
        flaky.pop_request()
    [kwargs] = calls
    assert kwargs["countdown"] == backoff(2)
    assert kwargs["max_retries"] == MAX_RETRIES
    assert isinstance(kwargs["exc"], smtplib.SMTPServerDisconnected)
