"""Reads a partner (or a customer holding a signing link) can trigger about quotes."""

import datetime as dt

from django.db.models import DecimalField, ExpressionWrapper, F, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django_fsm import can_proceed

from accounts.models import Partner
from core.clock import partner_today
from core.money import ZERO
from quotes.exceptions import QuoteErrorCode, SigningLinkGone, SigningLinkInvalid
from quotes.models import Quote, QuoteLine, QuoteStage, QuoteTransition
from quotes.signing import SigningClaim, signing_path, signing_url

QUOTE_ORDERINGS = {"number", "-number", "created_at", "-created_at", "account__name", "-account__name",
                   "stage", "-stage", "total", "-total"}

# Documents exist from Submit Proposal on: the proposal PDF of the presented version, kept once accepted.
DOCUMENT_STAGES = (QuoteStage.PRESENTED, QuoteStage.ACCEPTED)

# quotes.totals.line_amount in SQL, so that the list can sort by total; a test holds the two equal.
_LINE_TOTAL = ExpressionWrapper(F("lines__unit_price") * F("lines__quantity"),
                                output_field=DecimalField(max_digits=18, decimal_places=2))


def quote_list(
    *,
    partner: Partner,
    search: str = "",
    stage: str = "",
    project_id: int | None = None,
    account_id: int | None = None,
    ordering: str = "-created_at",
) -> QuerySet[Quote]:
    """The partner's quotes with their account, project, order and total (one query)."""
    qs = (
        Quote.objects.filter(partner=partner)
        .select_related("account", "project", "order")
        .annotate(total=Coalesce(Sum(_LINE_TOTAL), Value(ZERO), output_field=DecimalField(max_digits=18,
                                                                                          decimal_places=2)))
    )
    if search:
        qs = qs.filter(Q(number__icontains=search) | Q(account__name__icontains=search)
                       | Q(project__title__icontains=search))
    if stage:
        qs = qs.filter(stage=stage)
    if project_id:
        qs = qs.filter(project_id=project_id)
    if account_id:
        qs = qs.filter(account_id=account_id)
    if ordering not in QUOTE_ORDERINGS:
        ordering = "-created_at"
    return qs.order_by(ordering, "-id")


def quote_detail_qs(*, partner_id: int) -> QuerySet[Quote]:
    return (
        Quote.objects.filter(partner_id=partner_id)
        .select_related("partner", "account", "project", "pbx", "order", "signature", "created_by")
        .prefetch_related(
            Prefetch("lines", queryset=QuoteLine.objects.select_related("product").order_by("id")),
            Prefetch("transitions", queryset=QuoteTransition.objects.select_related("by").order_by("at", "id")),
        )
    )


def quote_get(*, partner: Partner, quote_id: int) -> Quote:
    """The partner's quote with lines, timeline, signature and order; another partner's id is a 404."""
    return get_object_or_404(quote_detail_qs(partner_id=partner.pk), pk=quote_id)


def quote_proposal_ready(*, quote: Quote) -> bool:
    """The PDF of the quote's current version exists."""
    return bool(quote.proposal_pdf) and quote.proposal_pdf_version == quote.version


def quote_proposal_expected(*, quote: Quote) -> bool:
    """The quote has been submitted, so its proposal PDF exists or is being rendered."""
    return quote.stage in DOCUMENT_STAGES


def quote_awaits_customer(*, quote: Quote) -> bool:
    """The customer may still answer: signing accepts the quote, so the FSM's `accept` decides."""
    return can_proceed(quote.accept)


def quote_signing_url(*, quote: Quote, request: HttpRequest | None = None) -> str | None:
    """The customer's signing link while they may still answer (none before or after).

    On a page or an API answer the link names the host the request came to; without a request
    (an email sent by a task) it names PORTAL_BASE_URL.
    """
    if not quote_awaits_customer(quote=quote):
        return None
    return request.build_absolute_uri(signing_path(quote=quote)) if request is not None else signing_url(quote=quote)


def quote_signable_check(*, quote: Quote, claim: SigningClaim, today: dt.date) -> None:
    """Refuse a link that does not match what the quote is now (revised, used, cancelled, expired)."""
    if quote.partner_id != claim.partner_id or quote.pk != claim.quote_id:
        raise SigningLinkInvalid("This signing link is not valid.")
    if quote.version != claim.version:
        raise SigningLinkGone("This proposal has been revised since the link was sent. Ask for the new link.",
                              code=QuoteErrorCode.SIGNING_LINK_REVISED)
    if quote.stage == QuoteStage.ACCEPTED:
        raise SigningLinkGone("This proposal has already been accepted. Nothing more to do.",
                              code=QuoteErrorCode.SIGNING_LINK_USED)
    if quote.stage == QuoteStage.REJECTED:
        raise SigningLinkGone("This proposal has been declined.", code=QuoteErrorCode.SIGNING_LINK_USED)
    if quote.stage == QuoteStage.EXPIRED or (
        quote.stage == QuoteStage.PRESENTED and quote.valid_until is not None and quote.valid_until < today
    ):
        raise SigningLinkGone("This proposal has expired. Ask for a new one.", code=QuoteErrorCode.SIGNING_LINK_EXPIRED)
    if not quote_awaits_customer(quote=quote):
        raise SigningLinkGone("This proposal is no longer open for signature.", code=QuoteErrorCode.SIGNING_LINK_CLOSED)


def quote_signable_get(*, claim: SigningClaim) -> Quote:
    """The quote a verified link points to, if it may still be signed; the caller opens the scope."""
    quote = quote_detail_qs(partner_id=claim.partner_id).filter(pk=claim.quote_id).first()
    if quote is None:
        raise SigningLinkInvalid("This signing link is not valid.")
    quote_signable_check(quote=quote, claim=claim, today=partner_today(partner=quote.partner))
    return quote


def quote_timeline(*, quote: Quote) -> list[QuoteTransition]:
    return list(quote.transitions.all())
