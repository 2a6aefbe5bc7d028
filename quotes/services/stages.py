"""Stage transitions: submit, accept (skip signing), reject, revise, cancel, expire.

Every transition locks the quote row, asks django-fsm whether it may proceed, records who moved it
how, and defers side effects (PDF rendering, email) until the transaction commits.
"""

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Partner, User
from core.clock import partner_today
from core.tasks import publish_on_commit
from quotes.exceptions import QuoteEmpty
from quotes.models import Quote, QuoteStage, TransitionMethod
from quotes.services.common import check_actor, logger, method_for, quote_lock, transition_apply
from quotes.signing import signing_url


def _signing_email_send(*, subject: str, body: str, recipient: str) -> None:
    try:
        send_mail(subject, body, None, [recipient])
    except Exception:
        # The link is on the quote page too; a mail server hiccup must not undo the submission.
        logger.exception("could not send the signing link to %s", recipient)


@transaction.atomic
def quote_submit(*, user: User, quote: Quote) -> Quote:
    """Submit Proposal: freeze the quote, then render its PDF and email the signing link after commit."""
    from quotes import tasks

    check_actor(user=user, quote=quote)
    locked = quote_lock(quote_id=quote.pk)
    if locked.stage == QuoteStage.DRAFT and not locked.lines.exists():
        raise QuoteEmpty("Add at least one line before submitting the proposal.",
                         extra={"fields": {"lines": ["Add at least one line."]}})
    method = method_for(user=user, default=TransitionMethod.PARTNER)
    transition_apply(quote=locked, name="present", by=user, method=method)
    locked.presented_at = timezone.now()
    valid_from = partner_today(locked.partner, at=locked.presented_at)
    locked.valid_until = valid_from + dt.timedelta(days=settings.QUOTE_VALIDITY_DAYS)
    locked.save(update_fields=["stage", "presented_at", "valid_until", "updated_at"])

    publish_on_commit(tasks.render_proposal_pdf, locked.pk, locked.version)
    recipient = locked.account.contact_email
    if recipient:
        body = render_to_string("quotes/email/signing_link.txt", {
            "quote": locked, "signing_url": signing_url(quote=locked), "vendor": settings.VENDOR,
        })
        subject = f"Proposal {locked.number} from {locked.partner.name}"
        transaction.on_commit(lambda: _signing_email_send(subject=subject, body=body, recipient=recipient))
    return locked


def quote_accept_locked(*, quote: Quote, by: User | None, method: str, note: str = "") -> Quote:
    """Accept a quote already locked by the caller and create its one order."""
    from orders.services.create import order_create_from_quote

    transition_apply(quote=quote, name="accept", by=by, method=method, note=note)
    quote.accepted_at = timezone.now()
    quote.save(update_fields=["stage", "accepted_at", "updated_at"])
    order_create_from_quote(quote=quote)
    return quote


@transaction.atomic
def quote_accept_skip(*, user: User, quote: Quote) -> Quote:
    """Skip signing: the partner moves a presented quote to Accepted, recorded as skipped."""
    check_actor(user=user, quote=quote)
    locked = quote_lock(quote_id=quote.pk)
    method = method_for(user=user, default=TransitionMethod.SKIPPED)
    note = "Signing skipped by vendor staff" if method == TransitionMethod.STAFF else "Signing skipped"
    return quote_accept_locked(quote=locked, by=user, method=method, note=note)


@transaction.atomic
def quote_reject(*, user: User, quote: Quote) -> Quote:
    """The partner records that the customer rejected the proposal."""
    check_actor(user=user, quote=quote)
    locked = quote_lock(quote_id=quote.pk)
    method = method_for(user=user, default=TransitionMethod.PARTNER)
    transition_apply(quote=locked, name="reject", by=user, method=method)
    locked.save(update_fields=["stage", "updated_at"])
    return locked


@transaction.atomic
def quote_revise(*, user: User, quote: Quote) -> Quote:
    """Back to draft for changes; the version moves on, so the old signing link stops working."""
    check_actor(user=user, quote=quote)
    locked = quote_lock(quote_id=quote.pk)
    method = method_for(user=user, default=TransitionMethod.PARTNER)
    transition_apply(quote=locked, name="revise", by=user, method=method)
    locked.presented_at = None
    locked.valid_until = None
    locked.save(update_fields=["stage", "version", "presented_at", "valid_until", "updated_at"])
    return locked


@transaction.atomic
def quote_cancel(*, user: User, quote: Quote) -> Quote:
    """Cancel a draft or presented quote."""
    check_actor(user=user, quote=quote)
    locked = quote_lock(quote_id=quote.pk)
    method = method_for(user=user, default=TransitionMethod.PARTNER)
    transition_apply(quote=locked, name="cancel", by=user, method=method)
    locked.save(update_fields=["stage", "updated_at"])
    return locked


def quotes_expire_due(*, partner: Partner) -> int:
    """Expire the partner's presented quotes whose validity ended before its own today; the caller opens
    the scope.

    A quote is valid through its valid_until date on the partner's calendar. Each quote is expired
    in its own transaction after re-reading it under lock, so a quote accepted a moment ago is left
    alone.
    """
    today = partner_today(partner)
    due = Quote.objects.filter(partner=partner, stage=QuoteStage.PRESENTED, valid_until__lt=today)
    due_ids = list(due.order_by("pk").values_list("pk", flat=True))
    expired = 0
    for quote_id in due_ids:
        with transaction.atomic():
            locked = quote_lock(quote_id=quote_id)
            if locked.stage != QuoteStage.PRESENTED or locked.valid_until is None or locked.valid_until >= today:
                continue
            transition_apply(quote=locked, name="expire", by=None, method=TransitionMethod.SYSTEM,
                             note=f"Valid until {locked.valid_until:%Y-%m-%d}")
            locked.save(update_fields=["stage", "updated_at"])
            expired += 1
    return expired
