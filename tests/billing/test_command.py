"""`manage.py issue_credit_notes` by hand issues every scheduled note now; the beat's sweep keeps its grace."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from billing.models import CreditNoteStatus
from billing.services.credit_notes import credit_notes_issue_due
from core.clock import partner_today
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_command_issues_a_note_scheduled_a_moment_ago(partner_it):
    # given a note scheduled just now, due in a week (its task lost with the broker)
    note = factories.credit_note_scheduled(partner=partner_it, devices=1,
                                           due_date=partner_today(partner_it) + dt.timedelta(days=7))
    out = io.StringIO()

    # when a clerk runs the command
    call_command("issue_credit_notes", stdout=out)

    # then it is issued now
    note.refresh_from_db()
    assert note.status == CreditNoteStatus.ISSUED
    assert f"Issued: 1 {note.number}" in out.getvalue()


def test_the_beat_sweep_still_leaves_a_fresh_note_to_its_task(partner_it):
    # given a note scheduled just now, due in a week
    note = factories.credit_note_scheduled(partner=partner_it, devices=1,
                                           due_date=partner_today(partner_it) + dt.timedelta(days=7))

    # when the periodic sweep runs
    report = credit_notes_issue_due()

    # then it waits for the note's own task
    note.refresh_from_db()
    assert note.status == CreditNoteStatus.SCHEDULED
    assert report.issued == []
