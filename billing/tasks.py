"""Celery tasks for credit notes: thin, idempotent, the database row is the source of truth."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from billing.models import CreditNote
from billing.services.credit_notes import (
    credit_note_issue,
    credit_note_record_failure,
    credit_note_void_pdf_render,
    credit_notes_issue_due,
)
from core.tenancy import partner_scope, vendor_scope

logger = logging.getLogger(__name__)

# Transient: the database went away or a lock wait timed out. Business errors are not retried.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=8,
)
def issue_credit_note(self, credit_note_id: int) -> str | None:
    """Issue one credit note (number, PDF, email); a repeat delivery changes nothing."""
    # A worker has no request: find the note's partner unscoped on purpose, then do the work
    # inside that partner's scope so nothing else is visible to the service.
    with vendor_scope():
        partner_id = CreditNote.objects.filter(pk=credit_note_id).values_list("partner_id", flat=True).first()
    if partner_id is None:
        logger.warning("credit note #%s no longer exists; nothing to issue", credit_note_id)
        return None
    try:
        with partner_scope(partner_id):
            note = credit_note_issue(credit_note_id=credit_note_id)
    except TRANSIENT_ERRORS:
        raise
    except Exception as error:
        with vendor_scope():
            credit_note_record_failure(credit_note_id=credit_note_id, error=error)
        raise
    return note.number


@shared_task(bind=True, acks_late=True, autoretry_for=TRANSIENT_ERRORS, retry_backoff=5, retry_backoff_max=300,
             max_retries=8)
def render_void_credit_note_pdf(self, credit_note_id: int) -> str | None:
    """Render the copy of a voided note's PDF marked void; a repeat delivery changes nothing."""
    with vendor_scope():
        partner_id = CreditNote.objects.filter(pk=credit_note_id).values_list("partner_id", flat=True).first()
    if partner_id is None:
        return None
    with partner_scope(partner_id):
        note = credit_note_void_pdf_render(credit_note_id=credit_note_id)
    return note.void_pdf.name


@shared_task(acks_late=True)
def issue_due_credit_notes() -> dict:
    """The periodic sweep: issue what a lost message left scheduled, flag overdue notes, finish PDFs."""
    report = credit_notes_issue_due()
    if report.issued or report.pdfs_rendered or report.failed:
        logger.info("credit note sweep: %s", report.as_dict())
    return report.as_dict()
