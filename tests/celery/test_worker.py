"""A real Celery worker against the test Redis: confirm the worked example through the API, the worker issues it."""

import datetime as dt
import io
import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from billing.models import CreditNote, CreditNoteStatus
from core.models import Sequence
from hwaas_portal.celery import app as celery_app
from tests import factories
from tests.billing.test_tasks import celery_reset_connections

# The worker runs in a thread of this process, on its own database connection: the data it reads
# must be committed, hence a transactional test (the test database is flushed afterwards).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def real_broker(settings):
    """Publish to the test Redis (REDIS_URL) instead of running tasks eagerly."""
    url = os.environ.get("REDIS_URL", django_settings.REDIS_URL)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = url
    celery_reset_connections()
    with celery_app.connection_for_write() as connection:
        connection.default_channel.queue_purge(celery_app.conf.task_default_queue)  # leftovers of other tests
    yield url
    celery_reset_connections()


@pytest.fixture
def on_25_november(monkeypatch):
    """10:00 UTC on Wednesday 2026-11-25 (11:00 in Rome), for the request and the worker alike."""
    moment = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def wait_for(predicate, *, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_worker_issues_the_worked_example_confirmed_through_the_api(api_it, partner_it, user_it, real_broker,
                                                                    on_25_november):
    # given the worked example: Bianchi's draft order, Rossi's four WorkForce devices
    example = factories.worked_example(partner=partner_it)

    # when the order is confirmed through the API while no worker runs
    response = api_it.post(
        f"/api/v1/orders/{example.order.pk}/confirm/",
        {"pbx": example.pbx.pk, "unselected_lines": [example.line.pk], "transfers": [d.pk for d in example.devices]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    (scheduled,) = response.json()["credit_notes"]
    # then the note waits, scheduled, its task published to Redis (not run eagerly)
    assert CreditNote.objects.get(pk=scheduled["id"]).status == CreditNoteStatus.SCHEDULED
    with celery_app.connection_for_write() as connection:
        assert connection.default_channel.client.llen(celery_app.conf.task_default_queue) >= 1

    # when a real worker starts
    with start_worker(celery_app, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING",
                      shutdown_timeout=30):
        # then it picks the task up and issues the note, PDF and email included
        def issued():
            note = CreditNote.objects.get(pk=scheduled["id"])
            return note.status == CreditNoteStatus.ISSUED and bool(note.pdf) and note.emailed_at is not None

        assert wait_for(issued), "the worker did not issue the credit note"

    note = CreditNote.objects.get(pk=scheduled["id"])
    assert note.number == "CN-2026-000001"
    assert (str(note.net), str(note.tax), str(note.total)) == ("63.12", "13.89", "77.01")
    assert note.issue_date == dt.date(2026, 11, 25)
    assert Sequence.objects.get(key="CN-2026").last_number == 1
    with note.pdf.open("rb") as handle:
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    assert note.number in text and "77,01\xa0€" in text
    for device in example.devices:
        assert device.serial in text
    assert [m.subject for m in mail.outbox if note.number in m.subject] and len(
        [m for m in mail.outbox if note.number in m.subject]) == 1
