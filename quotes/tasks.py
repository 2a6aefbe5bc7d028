"""Celery tasks for quotes: thin, idempotent, each calls one service."""

import datetime as dt

from celery import shared_task

from accounts.models import Partner
from core.tenancy import partner_scope, vendor_scope
from quotes import services
from quotes.selectors import partner_today


@shared_task(name="quotes.tasks.render_proposal_pdf")
def render_proposal_pdf(quote_id: int, version: int) -> bool:
    # The message carries only the quote's id; the task reads that one quote, whatever its partner.
    with vendor_scope():
        return services.quote_proposal_render(quote_id=quote_id, version=version)


@shared_task(name="quotes.tasks.render_signed_pdf")
def render_signed_pdf(quote_id: int) -> bool:
    # The message carries only the quote's id; the task reads that one quote, whatever its partner.
    with vendor_scope():
        return services.quote_signed_copy_render(quote_id=quote_id)


@shared_task(name="quotes.tasks.render_missing_proposals")
def render_missing_proposals() -> int:
    # The sweep looks at every partner's quotes: documents must not depend on the broker alone.
    with vendor_scope():
        return services.quote_documents_render_missing(older_than=dt.timedelta(minutes=1))


@shared_task(name="quotes.tasks.expire_quotes")
def expire_quotes() -> int:
    # Expiry is a system job over every partner's quotes. A quote is valid through its valid_until
    # date on the partner's own calendar, so each partner is judged by its own "today".
    with vendor_scope():
        partners = list(Partner.objects.order_by("pk"))
    expired = 0
    for partner in partners:
        with partner_scope(partner.pk):
            expired += services.quotes_expire_due(today=partner_today(partner=partner), partner=partner)
    return expired
