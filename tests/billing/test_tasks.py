"""Celery tasks, the sweep, the command, and the broker outage (billing.tasks)."""

import datetime as dt
import io
import logging
import socket
import time
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from billing import calc
from billing.models import CreditNote, CreditNoteStatus
from billing.services.credit_notes import credit_note_issue, credit_notes_enqueue_issue
from billing.tasks import issue_credit_note, issue_due_credit_notes
from core.models import Sequence
from hwaas_portal.celery import app as celery_app
from tests import factories


def backdate(note: CreditNote, *, minutes: int = 10) -> None:
    CreditNote.objects.filter(pk=note.pk).update(created_at=timezone.now() - dt.timedelta(minutes=minutes))


@pytest.mark.django_db
def test_task_run_twice_issues_once(partner_it, user_it):
    # given a scheduled note
    note = factories.credit_note_scheduled(partner=partner_it)

    # when the task is delivered twice (acks_late redelivery)
    first = issue_credit_note.apply(args=[note.pk]).get()
    second = issue_credit_note.apply(args=[note.pk]).get()

    # then one number, one email
    assert first == second
    assert first.startswith("CN-")
    assert Sequence.objects.get(key=first[:7]).last_number == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_task_is_declared_late_acking_and_retrying():
    assert issue_credit_note.acks_late is True
    assert issue_credit_note.max_retries and issue_credit_note.autoretry_for


@pytest.mark.django_db
def test_task_for_a_missing_note_does_nothing():
    assert issue_credit_note.apply(args=[999999]).get() is None


@pytest.mark.django_db
def test_enqueue_after_commit_issues_the_note_eagerly(partner_it, user_it, django_capture_on_commit_callbacks):
    # given a note scheduled inside a transaction, with the enqueue helper called there
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        note = factories.credit_note_scheduled(partner=partner_it)
        credit_notes_enqueue_issue(credit_note_ids=[note.pk])
        # then nothing is published before the commit
        assert CreditNote.objects.get(pk=note.pk).status == CreditNoteStatus.SCHEDULED

    # then after the commit the (eager) task issued it
    assert len(callbacks) == 1
    note.refresh_from_db()
    assert note.status == CreditNoteStatus.ISSUED and note.pdf


@pytest.mark.django_db
def test_sweep_issues_lost_and_due_notes_and_flags_overdue(partner_it, partner_uk, user_it, caplog):
    # given: a note whose task was lost (created 10 minutes ago, due in the future),
    today = timezone.localdate(timezone=ZoneInfo("Europe/Rome"))
    lost = factories.credit_note_scheduled(partner=partner_it, devices=1, due_date=today + dt.timedelta(days=5))
    backdate(lost)
    # an overdue one (due yesterday), a fresh one due in the future (its task is on the way),
    overdue = factories.credit_note_scheduled(partner=partner_uk, devices=2, due_date=today - dt.timedelta(days=1))
    fresh = factories.credit_note_scheduled(partner=partner_it, devices=1, due_date=today + dt.timedelta(days=5))
    # and a fresh one due today
    due_today = factories.credit_note_scheduled(partner=partner_it, devices=1, due_date=today)

    # when the sweep runs
    with caplog.at_level(logging.WARNING, logger="billing.services.credit_notes"):
        report = issue_due_credit_notes.apply().get()

    # then the lost, overdue and due-today notes are issued, the fresh one waits for its task
    for note in (lost, overdue, due_today):
        note.refresh_from_db()
        assert note.status == CreditNoteStatus.ISSUED and note.pdf, note
    fresh.refresh_from_db()
    assert fresh.status == CreditNoteStatus.SCHEDULED
    assert sorted(report["issued"]) == sorted([lost.number, overdue.number, due_today.number])
    # and the overdue one is flagged for staff, with a warning logged
    assert overdue.overdue_flagged_at is not None
    assert lost.overdue_flagged_at is None
    assert report["overdue"] == [overdue.pk]
    assert any("overdue" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    # and no scheduled note with a past due date is left
    assert not CreditNote.objects.filter(status=CreditNoteStatus.SCHEDULED, due_date__lt=today).exists()


@pytest.mark.django_db
def test_sweep_renders_missing_pdfs_and_keeps_going_after_a_failure(partner_it, user_it, monkeypatch):
    # given an issued note whose PDF was never rendered (the worker died after numbering)
    from billing import pdf as billing_pdf

    real_render = billing_pdf.credit_note_render
    monkeypatch.setattr(billing_pdf, "credit_note_render", lambda snapshot: (_ for _ in ()).throw(OSError("disk")))
    crashed = factories.credit_note_scheduled(partner=partner_it, devices=1)
    with pytest.raises(OSError):
        credit_note_issue(credit_note_id=crashed.pk)
    # and a scheduled note whose line is broken (the sweep must not stop on it)
    broken = factories.credit_note_scheduled(partner=partner_it, devices=1, due_date=dt.date(2026, 1, 2))
    broken.lines.update(amount="99.99")
    monkeypatch.setattr(billing_pdf, "credit_note_render", real_render)

    # when the sweep runs
    report = issue_due_credit_notes.apply().get()

    # then the missing PDF is rendered under the same number and the broken note is reported
    crashed.refresh_from_db()
    assert crashed.pdf and report["pdfs_rendered"] == [crashed.number]
    assert Sequence.objects.get(key=crashed.number[:7]).last_number == 1
    broken.refresh_from_db()
    assert broken.status == CreditNoteStatus.SCHEDULED
    assert broken.issue_attempts == 1 and "CreditNoteInvalid" in broken.last_issue_error
    assert [f["id"] for f in report["failed"]] == [broken.pk]
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_command_runs_the_sweep_and_says_what_it_did(partner_it):
    note = factories.credit_note_scheduled(partner=partner_it, devices=1, due_date=dt.date(2026, 1, 5))
    out = io.StringIO()

    call_command("issue_credit_notes", stdout=out)

    note.refresh_from_db()
    assert note.status == CreditNoteStatus.ISSUED
    assert f"Issued: 1 {note.number}" in out.getvalue()
    assert "Overdue (flagged): 1" in out.getvalue()


def closed_loopback_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens there


def celery_reset_connections() -> None:
    """Celery reads the Django settings live, but builds its broker connection pool once: drop the
    pools so the next publish connects to the broker the settings name now."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down(settings):
    """Point Celery at a closed port, not eager: every publish fails like a stopped Redis."""
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_loopback_port()}/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_reset_connections()
    yield
    celery_reset_connections()  # the settings fixture restores the URL; the next pool uses it


@pytest.mark.django_db(transaction=True)
def test_broker_outage_commit_returns_promptly_logs_and_the_sweep_issues(partner_it, user_it, broker_down, caplog):
    # given a note scheduled in a transaction that enqueues its issue after commit
    with caplog.at_level(logging.ERROR, logger="core.tasks"):
        started = time.monotonic()
        with transaction.atomic():
            note = factories.credit_note_scheduled(partner=partner_it, devices=4)
            credit_notes_enqueue_issue(credit_note_ids=[note.pk])
        elapsed = time.monotonic() - started

    # then the commit returned promptly, nothing raised, and the failed publish was logged
    assert elapsed < 5, elapsed
    assert any("not published" in r.getMessage() for r in caplog.records)
    note.refresh_from_db()
    assert note.status == CreditNoteStatus.SCHEDULED

    # when the sweep runs later (the note is past the grace period)
    backdate(note)
    issue_due_credit_notes()

    # then the note is issued with the worked example's total
    note.refresh_from_db()
    assert note.status == CreditNoteStatus.ISSUED and str(note.total) == "77.01" and note.pdf


def business_days_after(start: dt.date, count: int, country: str) -> dt.date:
    """Counted independently of core.calendar: walk the days, skip weekends and `holidays`."""
    import holidays

    calendar = holidays.country_holidays(country, years=range(start.year, start.year + 2))
    day, left = start, count
    while left:
        day += dt.timedelta(days=1)
        if day.isoweekday() <= 5 and day not in calendar:
            left -= 1
    return day


@hypothesis_settings(max_examples=300, deadline=None)
@given(conversion=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31)),
       country=st.sampled_from(["IT", "GB"]))
def test_due_date_is_five_business_days_later_on_the_country_calendar(conversion, country):
    due = calc.credit_note_due_date(conversion_date=conversion, country=country)
    assert due == business_days_after(conversion, 5, country)
    # and it is a weekday, at least 5 and (holidays included) under a month of calendar days later
    assert due.isoweekday() <= 5
    assert 5 <= (due - conversion).days < 31
