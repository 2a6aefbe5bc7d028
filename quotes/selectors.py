"""Reads a partner (or a customer holding a signing link) can trigger about quotes."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import DecimalField, ExpressionWrapper, F, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Partner
from core.money import ZERO, quantize
from quotes.exceptions import SigningLinkGone, SigningLinkInvalid
from quotes.models import Quote, QuoteLine, QuoteStage, QuoteTransition
from quotes.signing import SigningClaim

QUOTE_ORDERINGS = {"number", "-number", "created_at", "-created_at", "account__name", "-account__name",
                   "stage", "-stage", "total", "-total"}

_LINE_TOTAL = ExpressionWrapper(F("lines__unit_price") * F("lines__quantity"),
                                output_field=DecimalField(max_digits=18, decimal_places=2))


def partner_today(*, partner: Partner) -> dt.date:
    """Today in the partner's own time zone (validity dates are the partner's dates)."""
    return timezone.localdate(timezone=ZoneInfo(partner.timezone))


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


def quote_total(*, quote: Quote) -> Decimal:
    """Sum of the line totals (each line already in cents, so the sum is exact)."""
    return quantize(sum((line.unit_price * line.quantity for line in quote.lines.all()), ZERO))


def quote_proposal_ready(*, quote: Quote) -> bool:
    """The PDF of the quote's current version exists."""
    return bool(quote.proposal_pdf) and quote.proposal_pdf_version == quote.version


def quote_signable_check(*, quote: Quote, claim: SigningClaim, today: dt.date) -> None:
    """Refuse a link that does not match what the quote is now (revised, used, cancelled, expired)."""
    if quote.partner_id != claim.partner_id or quote.pk != claim.quote_id:
        raise SigningLinkInvalid("This signing link is not valid.")
    if quote.version != claim.version:
        raise SigningLinkGone("This proposal has been revised since the link was sent. Ask for the new link.",
                              code="signing_link_revised")
    if quote.stage == QuoteStage.ACCEPTED:
        raise SigningLinkGone("This proposal has already been accepted. Nothing more to do.",
                              code="signing_link_used")
    if quote.stage == QuoteStage.REJECTED:
        raise SigningLinkGone("This proposal has been declined.", code="signing_link_used")
    if quote.stage == QuoteStage.EXPIRED or (
        quote.stage == QuoteStage.PRESENTED and quote.valid_until is not None and quote.valid_until < today
    ):
        raise SigningLinkGone("This proposal has expired. Ask for a new one.", code="signing_link_expired")
    if quote.stage != QuoteStage.PRESENTED:
        raise SigningLinkGone("This proposal is no longer open for signature.", code="signing_link_closed")


def quote_signable_get(*, claim: SigningClaim) -> Quote:
    """The quote a verified link points to, if it may still be signed; the caller opens the scope."""
    quote = quote_detail_qs(partner_id=claim.partner_id).filter(pk=claim.quote_id).first()
    if quote is None:
        raise SigningLinkInvalid("This signing link is not valid.")
    quote_signable_check(quote=quote, claim=claim, today=partner_today(partner=quote.partner))
    return quote


def quote_timeline(*, quote: Quote) -> list[QuoteTransition]:
    return list(quote.transitions.all())
