"""What a credit note prints and shows beyond its lines: the due date, and VOID / ANNULLATA once voided."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from billing.models import CreditNote
from billing.services.credit_notes import credit_note_issue, credit_note_void, credit_notes_issue_due
from tests import factories


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


# Issued the day after the conversion (Thu 2026-11-26), so the due date (Wed 2026-12-02) is not the issue date.
@pytest.fixture(autouse=True)
def issue_day():
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, tzinfo=ZoneInfo("Europe/Rome"))):
        yield


@pytest.fixture
def staff(db):
    return factories.UserFactory(username="vendor-staff", partner=None, role="", is_staff=True)


@pytest.mark.django_db
def test_italian_pdf_prints_the_due_date_in_italian(partner_it):
    # given the worked example, due 2026-12-02, issued on 2026-11-26
    note = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it).pk)

    # when its PDF is read back
    text = text_of(read(note.pdf))

    # then it names the due date, in the partner's language and conventions
    assert "Data di scadenza" in text and "2 dic 2026" in text
    assert "26 nov 2026" in text  # the issue date beside it


@pytest.mark.django_db
def test_english_pdf_prints_the_due_date_in_british_form(partner_uk):
    note = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_uk).pk)

    text = text_of(read(note.pdf))

    assert "Due date" in text and "2 Dec 2026" in text
    assert "VOID" not in text


@pytest.mark.django_db
def test_a_void_italian_note_downloads_marked_annullata_and_keeps_the_pdf_it_was_sent_as(
    partner_it, client_it, staff, django_capture_on_commit_callbacks
):
    # given an issued Italian note, its PDF as sent
    note = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it).pk)
    sent = read(note.pdf)
    assert "ANNULLATA" not in text_of(sent)

    # when staff void it (the void copy is rendered by the task sent after the commit)
    with django_capture_on_commit_callbacks(execute=True):
        credit_note_void(credit_note=note, user=staff, reason="Wrong giving account")

    # then the partner's download is marked ANNULLATA and still carries the note's number and figures
    response = client_it.get(reverse("billing:credit_note_pdf", args=[note.pk]))
    assert response.status_code == 200
    downloaded = text_of(b"".join(response.streaming_content))
    assert "ANNULLATA" in downloaded and note.number in downloaded and "77,01\xa0€" in downloaded
    # and the PDF issued is kept byte for byte
    note.refresh_from_db()
    assert read(note.pdf) == sent and note.pdf_sha256
    assert note.void_pdf and note.void_pdf.name != note.pdf.name


@pytest.mark.django_db
def test_the_sweep_renders_a_void_copy_whose_task_was_lost(partner_it, staff):
    # given a void note whose task never ran (no commit callbacks executed)
    note = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it).pk)
    credit_note_void(credit_note=note, user=staff, reason="Duplicate")
    assert not CreditNote.objects.get(pk=note.pk).void_pdf

    # when the sweep runs
    credit_notes_issue_due()

    # then the void copy exists and says ANNULLATA
    note.refresh_from_db()
    assert "ANNULLATA" in text_of(read(note.void_pdf))


@pytest.mark.django_db
def test_a_void_note_page_shows_a_void_banner_in_the_partner_language(partner_it, client_it, staff):
    # given an issued note and a void one
    issued = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it).pk)
    void = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it).pk)
    credit_note_void(credit_note=void, user=staff, reason="Wrong giving account")

    # when the partner opens each page
    void_html = client_it.get(reverse("billing:credit_note_detail", args=[void.pk])).content.decode()
    issued_html = client_it.get(reverse("billing:credit_note_detail", args=[issued.pk])).content.decode()

    # then only the void one carries the banner, in Italian, with the reason
    assert 'role="alert"' in void_html and "ANNULLATA" in void_html and "Wrong giving account" in void_html
    assert "ANNULLATA" not in issued_html
