"""Issuing credit notes concurrently on PostgreSQL with real threads: one note, one number, no gaps."""

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.db import connection

from billing import pdf as billing_pdf
from billing.models import CreditNote, CreditNoteStatus
from billing.services.credit_notes import credit_note_issue
from core.models import Sequence
from core.tenancy import partner_scope
from tests import factories

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    assert connection.vendor == "postgresql", "concurrency tests need PostgreSQL's row locks"


def issue_in_thread(partner_id: int, credit_note_id: int, barrier: threading.Barrier | None = None):
    """One worker: its own scope and its own connection, closed at the end."""
    try:
        with partner_scope(partner_id):
            if barrier is not None:
                barrier.wait(timeout=30)
            note = credit_note_issue(credit_note_id=credit_note_id)
            return note.number
    finally:
        connection.close()


def test_ten_concurrent_issuers_of_one_note_consume_one_number(partner_it, user_it, monkeypatch):
    # given one scheduled note, and the real PDF renderer counted
    note = factories.credit_note_scheduled(partner=partner_it)
    real_render = billing_pdf.credit_note_render
    renders = []

    def counted_render(snapshot):
        renders.append(snapshot["number"])
        return real_render(snapshot)

    monkeypatch.setattr(billing_pdf, "credit_note_render", counted_render)
    barrier = threading.Barrier(10)

    # when ten workers issue it at the same moment
    with ThreadPoolExecutor(max_workers=10) as pool:
        numbers = list(pool.map(lambda _: issue_in_thread(partner_it.pk, note.pk, barrier), range(10)))

    # then every worker saw the same number, one was consumed, one PDF stored, one email sent
    note.refresh_from_db()
    assert note.status == CreditNoteStatus.ISSUED
    assert set(numbers) == {note.number}
    assert Sequence.objects.get(key=note.number[:7]).last_number == 1
    assert note.pdf and note.pdf_sha256
    assert renders == [note.number]
    with note.pdf.open("rb") as handle:
        assert billing_pdf.sha256_hex(handle.read()) == note.pdf_sha256
    assert len(mail.outbox) == 1


def test_fifty_notes_issued_concurrently_have_gapless_unique_numbers(partner_it, partner_uk):
    # given 50 scheduled notes of two partners
    notes = [factories.credit_note_scheduled(partner=random.choice([partner_it, partner_uk]), devices=1)
             for _ in range(50)]
    # and every note delivered twice, in a random order (retries, the sweep racing the task)
    jobs = [(n.partner_id, n.pk) for n in notes] * 2
    random.shuffle(jobs)

    # when ten workers issue them all at once
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda job: issue_in_thread(*job), jobs))

    # then all are issued, numbers are unique and gapless: max − min + 1 = count
    issued = list(CreditNote.objects.filter(pk__in=[n.pk for n in notes]).values_list("number", "status"))
    assert {status for _, status in issued} == {CreditNoteStatus.ISSUED}
    sequence = sorted(int(number.rsplit("-", 1)[1]) for number, _ in issued)
    assert len(set(sequence)) == 50
    assert sequence[-1] - sequence[0] + 1 == 50
    assert Sequence.objects.get(key=issued[0][0][:7]).last_number == 50
