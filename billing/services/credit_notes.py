"""Credit notes after scheduling: issue (number, amounts, snapshot, PDF, email), void, reissue, the sweep.

Issuing is exactly once whatever retries happen: the note's row is locked, an issued note is
returned as it is, and the number comes from a locked sequence row inside the same transaction,
so a rolled-back attempt gives its number back (gapless). The PDF and the email are separate,
idempotent steps after the commit: a crash between numbering and PDF is repaired by running
the issue again (task retry or the sweep), which renders the missing PDF without a new number.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_fsm import can_proceed

from accounts.models import User
from billing import emails, pdf
from billing.calc import credit_line, credit_note_totals
from billing.exceptions import BillingErrorCode, CreditNoteImmutable, CreditNoteInvalid, CreditNoteNotIssuable
from billing.lines import CreditLineInputs
from billing.models import CreditNote, CreditNoteLine, CreditNoteStatus
from core.clock import partner_today
from core.errors import NotFound, TransitionNotAllowed
from core.money import prorate
from core.numbering import document_number_next
from core.tasks import publish_on_commit
from core.tenancy import partner_scope, vendor_scope

logger = logging.getLogger(__name__)

# Fields an issued (or void) note never changes; PostgreSQL enforces the same (migration 0004).
FROZEN_FIELDS = frozenset(
    {"net", "tax", "total", "tax_rate", "currency", "number", "issue_date", "issued_at", "snapshot",
     "partner", "giving_account", "order"}
)
# The sweep leaves a fresh note to the task enqueued at confirmation, then catches up.
SWEEP_GRACE = dt.timedelta(minutes=2)
# Issued notes whose email has not gone out are retried by the sweep for this long.
EMAIL_RETRY_WINDOW = dt.timedelta(days=7)


def _save(note: CreditNote, *, update_fields: list[str]) -> None:
    """Save through the one rule the database also enforces: an issued or void note keeps its money."""
    if note.status != CreditNoteStatus.SCHEDULED:
        persisted = CreditNote.objects.filter(pk=note.pk).values_list("status", flat=True).first()
        if persisted != CreditNoteStatus.SCHEDULED and FROZEN_FIELDS.intersection(update_fields):
            raise CreditNoteImmutable(
                "An issued credit note is never edited: void it and reissue.",
                extra={"fields": sorted(FROZEN_FIELDS.intersection(update_fields))},
            )
    note.save(update_fields=update_fields)


def credit_note_amounts(*, lines: list[CreditNoteLine], tax_rate: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """Net = sum of lines; tax = net × rate, rounded once; total = net + tax (billing.calc's one rule)."""
    totals = credit_note_totals(amounts=[line.amount for line in lines], tax_rate=tax_rate)
    return totals.net, totals.tax, totals.total


def _lines_check(*, lines: list[CreditNoteLine]) -> None:
    if not lines:
        raise CreditNoteInvalid("A credit note needs at least one line.")
    for line in lines:
        expected = prorate(line.period_price, line.credited_days, line.period_days)
        if line.amount != expected:
            raise CreditNoteInvalid(
                f"Line {line.serial}: {line.amount} is not {line.period_price} × "
                f"{line.credited_days} / {line.period_days} = {expected}.",
                extra={"serial": line.serial, "amount": str(line.amount), "expected": str(expected)},
            )


def _snapshot(*, note: CreditNote, lines: list[CreditNoteLine]) -> dict:
    """Everything the PDF prints, as plain JSON (amounts as strings, dates ISO)."""
    partner = note.partner
    order = note.order
    quote = getattr(order, "quote", None)
    return {
        "version": 1,
        "number": note.number,
        "status_at_issue": CreditNoteStatus.ISSUED,
        "reason": note.reason,
        "language": partner.language or "en",
        "currency": note.currency,
        "tax_rate": str(note.tax_rate),
        "net": str(note.net),
        "tax": str(note.tax),
        "total": str(note.total),
        "issue_date": note.issue_date.isoformat(),
        "issued_at": note.issued_at.isoformat(),
        "conversion_date": note.conversion_date.isoformat(),
        "due_date": note.due_date.isoformat(),
        "vendor": {key: settings.VENDOR.get(key, "") for key in ("name", "legal_name", "address", "vat")},
        "partner": {
            "id": partner.pk,
            "name": partner.name,
            "address": partner.address,
            "vat_number": partner.vat_number,
            "country": partner.country,
        },
        "giving_account": {"id": note.giving_account_id, "name": note.giving_account.name},
        "order": {"id": order.pk, "number": order.number, "quote_number": quote.number if quote else ""},
        "replaces": note.replaces.number if note.replaces_id and note.replaces else "",
        "lines": [CreditLineInputs.stated_by(line).snapshot() for line in lines],
    }


def _lock(*, credit_note_id: int) -> CreditNote:
    try:
        return CreditNote.objects.select_for_update().get(pk=credit_note_id)
    except CreditNote.DoesNotExist:
        raise NotFound("No such credit note.", extra={"credit_note_id": credit_note_id}) from None


def credit_note_number(*, credit_note_id: int) -> CreditNote:
    """Number, date, amounts and snapshot in one transaction; an issued note comes back unchanged."""
    with transaction.atomic():
        note = _lock(credit_note_id=credit_note_id)
        if note.status == CreditNoteStatus.ISSUED:
            return note  # a retry, a second worker or the sweep: no new number
        if note.status != CreditNoteStatus.SCHEDULED:
            raise CreditNoteNotIssuable(
                f"A {note.status} credit note cannot be issued.", extra={"stage": note.status}
            )
        lines = list(CreditNoteLine.objects.filter(credit_note=note).order_by("serial", "id"))
        _lines_check(lines=lines)
        note.net, note.tax, note.total = credit_note_amounts(lines=lines, tax_rate=note.tax_rate)

        issued_at = timezone.now()
        # The date and the number's year are the partner's at the moment of issue; the number is gapless
        # per year because the sequence row stays locked until this transaction ends.
        note.number = document_number_next(prefix="CN", partner=note.partner, at=issued_at)
        note.issue_date = partner_today(note.partner, at=issued_at)
        note.issued_at = issued_at
        note.snapshot = _snapshot(note=note, lines=lines)
        note.issue()
        note.save(
            update_fields=["net", "tax", "total", "number", "issue_date", "issued_at", "snapshot", "status"]
        )
        logger.info("credit note %s issued (id %s, total %s %s)", note.number, note.pk, note.total, note.currency)
        return note


def credit_note_pdf_render(*, credit_note_id: int) -> CreditNote:
    """Render and store the PDF of an issued note once; with a PDF already stored, do nothing."""
    with transaction.atomic():
        note = _lock(credit_note_id=credit_note_id)
        if note.status == CreditNoteStatus.SCHEDULED or not note.snapshot:
            raise CreditNoteNotIssuable("Only an issued credit note has a PDF.", extra={"stage": note.status})
        if note.pdf:
            return note
        # Rendered under the row lock so concurrent issuers store one file, not two.
        data = pdf.credit_note_render(note.snapshot)
        note.pdf.save(f"{note.number}.pdf", ContentFile(data), save=False)
        note.pdf_sha256 = pdf.sha256_hex(data)
        _save(note, update_fields=["pdf", "pdf_sha256"])
        return note


def credit_note_email(*, credit_note_id: int) -> CreditNote:
    """Email the issued note's PDF to the partner's admin users, once (emailed_at guards re-sends)."""
    with transaction.atomic():
        note = _lock(credit_note_id=credit_note_id)
        if note.emailed_at is not None or not note.pdf:
            return note
        recipients = emails.credit_note_recipients(partner=note.partner)
        if recipients:
            with note.pdf.open("rb") as handle:
                data = handle.read()
            emails.credit_note_email_build(snapshot=note.snapshot, recipients=recipients, pdf=data).send()
        else:
            logger.warning("credit note %s: partner %s has no admin user to email", note.number, note.partner_id)
        note.emailed_at = timezone.now()
        _save(note, update_fields=["emailed_at"])
        return note


def credit_note_issue(*, credit_note_id: int) -> CreditNote:
    """Issue a scheduled credit note exactly once, then store its PDF and email it (both idempotent)."""
    note = credit_note_number(credit_note_id=credit_note_id)
    if note.status != CreditNoteStatus.ISSUED:
        return note
    if not note.pdf:
        note = credit_note_pdf_render(credit_note_id=note.pk)
    if note.emailed_at is None:
        note = credit_note_email(credit_note_id=note.pk)
    return note


def credit_note_record_failure(*, credit_note_id: int, error: BaseException) -> None:
    """Keep the last failure on the note for staff; counts attempts."""
    CreditNote.objects.filter(pk=credit_note_id).update(
        issue_attempts=F("issue_attempts") + 1, last_issue_error=f"{type(error).__name__}: {error}"[:2000]
    )


def credit_notes_enqueue_issue(*, credit_note_ids: list[int]) -> None:
    """After the caller's commit, publish one issue task per note; a failed publish is logged, never raised.

    The broker is a shortcut, not the source of truth: the periodic sweep issues whatever a lost
    or unpublished message left scheduled.
    """
    from billing.tasks import issue_credit_note

    for credit_note_id in credit_note_ids:
        publish_on_commit(issue_credit_note, credit_note_id)


def credit_note_void(*, credit_note: CreditNote, user: User, reason: str) -> CreditNote:
    """Void an issued note (staff): it stays, with its number and money, and who, when and why.

    A copy of its PDF marked void is rendered after the commit (a worker's job, like issuing); the
    PDF sent at issue is kept unchanged.
    """
    reason = (reason or "").strip()
    if not reason:
        raise CreditNoteInvalid("Say why the credit note is voided.", extra={"fields": {"reason": ["Required."]}})
    with transaction.atomic():
        note = _lock(credit_note_id=credit_note.pk)
        # The FSM (CreditNote.void) says which notes may be voided: only an issued one.
        if not can_proceed(note.void):
            raise TransitionNotAllowed(f"A {note.status} credit note cannot be voided.", extra={"stage": note.status})
        note.void()
        note.voided_at = timezone.now()
        note.voided_by = user
        note.void_reason = reason
        _save(note, update_fields=["status", "voided_at", "voided_by", "void_reason"])
        logger.info("credit note %s voided by %s: %s", note.number or note.pk, user.pk, reason)
        from billing.tasks import render_void_credit_note_pdf

        publish_on_commit(render_void_credit_note_pdf, note.pk)
        return note


def credit_note_void_pdf_render(*, credit_note_id: int) -> CreditNote:
    """Render and store the void copy of a void note's PDF once, from the snapshot frozen at issue."""
    with transaction.atomic():
        note = _lock(credit_note_id=credit_note_id)
        if note.status != CreditNoteStatus.VOID or not note.snapshot:
            raise CreditNoteNotIssuable("Only a void credit note has a void copy.", extra={"stage": note.status})
        if note.void_pdf:
            return note
        data = pdf.credit_note_render(note.snapshot, void=True)
        note.void_pdf.save(f"{note.number}-void.pdf", ContentFile(data), save=False)
        _save(note, update_fields=["void_pdf"])
        return note


# What staff may correct on a line of a reissued note: the inputs of its amount.
CORRECTABLE_LINE_FIELDS = frozenset({"period_start", "period_end", "period_price", "credited_from"})


def _line_corrected(*, line: CreditNoteLine, correction: dict) -> CreditLineInputs:
    """The line's inputs with the staff's corrections, its amount recomputed through billing.calc's one rule."""
    unknown = set(correction) - CORRECTABLE_LINE_FIELDS
    if unknown:
        raise CreditNoteInvalid(
            f"Line {line.serial}: only {', '.join(sorted(CORRECTABLE_LINE_FIELDS))} can be corrected.",
            extra={"serial": line.serial, "fields": sorted(unknown)},
        )
    stated = CreditLineInputs.stated_by(line)
    period_start = correction.get("period_start") or stated.period_start
    period_end = correction.get("period_end") or stated.period_end
    period_price = Decimal(str(correction.get("period_price", stated.period_price)))
    first_day = correction.get("credited_from") or stated.credited_from
    if period_end <= period_start or period_price < 0:
        raise CreditNoteInvalid(
            f"Line {line.serial}: the period must end after it starts and the price may not be negative.",
            extra={"serial": line.serial},
        )
    # The credited days run from the first credited day (the later of conversion date and commitment end, which
    # the staff state directly here) to the period end: the same rule a transfer uses.
    credit = credit_line(period_start=period_start, period_end=period_end, period_price=period_price,
                         conversion_date=first_day, commitment_end=first_day)
    if credit is None:
        raise CreditNoteInvalid(f"Line {line.serial}: nothing is left to credit.", extra={"serial": line.serial})
    return CreditLineInputs.computed(device_id=line.device_id, serial=line.serial,
                                     product_name=line.product_name, credit=credit)


def credit_note_reissue(
    *, credit_note: CreditNote, user: User, reason: str, corrections: dict[int, dict] | None = None
) -> CreditNote:
    """Create the corrected note that replaces a void one: same due date, corrected lines recomputed, the why kept.

    corrections maps a line id of the void note to new inputs (period_start, period_end, period_price,
    credited_from); each corrected amount is recomputed by billing.calc.credit_line. The new note is
    scheduled and issued like any other (new gapless number, after commit).
    """
    reason = (reason or "").strip()
    if not reason:
        raise CreditNoteInvalid("Say why the credit note is reissued.", extra={"fields": {"reason": ["Required."]}})
    corrections = corrections or {}
    with transaction.atomic():
        old = _lock(credit_note_id=credit_note.pk)
        if old.status != CreditNoteStatus.VOID:
            raise TransitionNotAllowed("Only a void credit note can be reissued.", extra={"stage": old.status})
        if CreditNote.objects.filter(replaces=old).exists():
            raise CreditNoteInvalid(
                "This credit note was already reissued.", code=BillingErrorCode.CREDIT_NOTE_ALREADY_REISSUED.value
            )
        lines = list(CreditNoteLine.objects.filter(credit_note=old).order_by("serial", "id"))
        stray = set(corrections) - {line.pk for line in lines}
        if stray:
            raise CreditNoteInvalid("A correction names a line that is not on this credit note.",
                                    extra={"line_ids": sorted(stray)})
        inputs = [
            _line_corrected(line=line, correction=corrections[line.pk]) if line.pk in corrections
            else CreditLineInputs.stated_by(line)
            for line in lines
        ]
        _lines_check(lines=inputs)
        partner = old.partner
        totals = credit_note_totals(amounts=[line.amount for line in inputs], tax_rate=partner.tax_rate)
        new = CreditNote.objects.create(
            partner=partner,
            giving_account_id=old.giving_account_id,
            order_id=old.order_id,
            reason=old.reason,
            currency=old.currency,
            tax_rate=partner.tax_rate,
            net=totals.net,
            tax=totals.tax,
            total=totals.total,
            conversion_date=old.conversion_date,
            # A correction does not move the deadline: it is due when the note it replaces was due.
            due_date=old.due_date,
            replaces=old,
            correction_reason=reason,
        )
        CreditNoteLine.objects.bulk_create(
            [
                CreditNoteLine(credit_note=new, subscription_id=line.subscription_id, **fields.row_fields())
                for line, fields in zip(lines, inputs, strict=True)
            ]
        )
        logger.info("credit note %s reissued as #%s by %s (%s lines corrected): %s",
                    old.number or old.pk, new.pk, user.pk, len(corrections), reason)
        credit_notes_enqueue_issue(credit_note_ids=[new.pk])
        return new


@dataclass
class SweepReport:
    issued: list[str] = field(default_factory=list)
    pdfs_rendered: list[str] = field(default_factory=list)
    emailed: list[str] = field(default_factory=list)
    overdue: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"issued": self.issued, "pdfs_rendered": self.pdfs_rendered, "emailed": self.emailed,
                "overdue": self.overdue, "failed": [{"id": i, "error": e} for i, e in self.failed]}


def credit_notes_issue_due(*, now: dt.datetime | None = None, include_fresh: bool = False) -> SweepReport:
    """The sweep: issue scheduled notes whose task was lost, flag overdue ones, finish missing PDFs and emails.

    The beat leaves a note younger than SWEEP_GRACE to its own task; `include_fresh` (a clerk running the
    sweep by hand, e.g. after a broker outage) issues every scheduled note now.
    """
    now = now or timezone.now()
    grace = dt.timedelta(0) if include_fresh else SWEEP_GRACE
    report = SweepReport()
    # The sweep works for every partner: read the work list unscoped on purpose, then do each
    # note inside its own partner's scope, as a request of that partner would. The list is wide on purpose
    # (due by tomorrow in UTC covers every partner's today); each note is then judged on its partner's today.
    with vendor_scope():
        scheduled = list(
            CreditNote.objects.filter(status=CreditNoteStatus.SCHEDULED)
            .filter(Q(created_at__lte=now - grace) | Q(due_date__lte=now.date() + dt.timedelta(days=1)))
            .select_related("partner")
            .order_by("due_date", "id")
        )
        unfinished = list(
            CreditNote.objects.filter(status=CreditNoteStatus.ISSUED)
            .filter(Q(pdf="") | Q(emailed_at__isnull=True, issued_at__gte=now - EMAIL_RETRY_WINDOW))
            .order_by("issued_at", "id")
            .values_list("pk", "partner_id", "pdf", "emailed_at")
        )
        # Void notes whose copy marked void was lost with its message.
        void_unmarked = list(
            CreditNote.objects.filter(status=CreditNoteStatus.VOID, void_pdf="").exclude(snapshot__isnull=True)
            .values_list("pk", "partner_id")
        )
    for note in scheduled:
        today = partner_today(note.partner, at=now)
        if note.created_at > now - grace and note.due_date > today:
            continue  # fresh and not due: its task is probably on the way
        if note.due_date < today:
            with vendor_scope():
                flagged = CreditNote.objects.filter(pk=note.pk, overdue_flagged_at__isnull=True).update(
                    overdue_flagged_at=now
                )
            report.overdue.append(note.pk)
            if flagged:
                logger.warning("credit note #%s of partner %s is overdue (due %s) and still scheduled",
                               note.pk, note.partner_id, note.due_date)
        try:
            with partner_scope(note.partner_id):
                issued = credit_note_issue(credit_note_id=note.pk)
            report.issued.append(issued.number)
            if issued.emailed_at:
                report.emailed.append(issued.number)
        except Exception as error:  # one bad note must not stop the others
            logger.exception("credit note #%s: issuing failed in the sweep", note.pk)
            with vendor_scope():
                credit_note_record_failure(credit_note_id=note.pk, error=error)
            report.failed.append((note.pk, str(error)))
    for pk, partner_id, pdf_name, emailed_at in unfinished:
        try:
            with partner_scope(partner_id):
                finished = credit_note_issue(credit_note_id=pk)
            if not pdf_name and finished.pdf:
                report.pdfs_rendered.append(finished.number)
            if emailed_at is None and finished.emailed_at:
                report.emailed.append(finished.number)
        except Exception as error:
            logger.exception("credit note #%s: finishing PDF/email failed in the sweep", pk)
            with vendor_scope():
                credit_note_record_failure(credit_note_id=pk, error=error)
            report.failed.append((pk, str(error)))
    for pk, partner_id in void_unmarked:
        try:
            with partner_scope(partner_id):
                marked = credit_note_void_pdf_render(credit_note_id=pk)
            report.pdfs_rendered.append(marked.number)
        except Exception as error:
            logger.exception("credit note #%s: rendering the void copy failed in the sweep", pk)
            report.failed.append((pk, str(error)))
    return report
