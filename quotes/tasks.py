"""Celery tasks for quotes: thin, idempotent, each calls one service."""

import datetime as dt
import logging

from celery import shared_task

from accounts.models import Partner
from core.tenancy import partner_scope, vendor_scope
from quotes import services
from quotes.models import Quote

logger = logging.getLogger(__name__)


def _quote_partner_id(quote_id: int) -> int | None:
    """The partner of the quote a message names (None if it is gone).

    A worker has no request and so no scope: the quote's partner is looked up unscoped on purpose,
    and the work is then done inside that partner's scope, so nothing else is visible to it.
    """
    with vendor_scope():
        return Quote.objects.filter(pk=quote_id).values_list("partner_id", flat=True).first()


@shared_task(name="quotes.tasks.render_proposal_pdf")
def render_proposal_pdf(quote_id: int, version: int) -> bool:
    partner_id = _quote_partner_id(quote_id)
    if partner_id is None:
        logger.warning("quote #%s no longer exists; no proposal to render", quote_id)
        return False
    with partner_scope(partner_id):
        return services.quote_proposal_render(quote_id=quote_id, version=version)


@shared_task(name="quotes.tasks.render_signed_pdf")
def render_signed_pdf(quote_id: int) -> bool:
    partner_id = _quote_partner_id(quote_id)
    if partner_id is None:
        logger.warning("quote #%s no longer exists; no signed copy to render", quote_id)
        return False
    with partner_scope(partner_id):
        return services.quote_signed_copy_render(quote_id=quote_id)


@shared_task(name="quotes.tasks.render_missing_proposals")
def render_missing_proposals() -> int:
    # The sweep reads every partner's missing documents and renders each in its partner's scope.
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
            expired += services.quotes_expire_due(partner=partner)
    return expired
