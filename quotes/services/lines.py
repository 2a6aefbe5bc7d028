"""Creating quotes and pricing their lines from the price list."""

from collections.abc import Sequence
from decimal import Decimal
from typing import TypedDict

from django.db import transaction

from accounts.models import Partner, Pbx, User
from accounts.selectors import pbx_receiving_get
from billing.models import CapexPrice, HwaasPrice
from core.errors import NotFound
from core.numbering import document_number_next
from devices.models import Ownership, Product
from projects.exceptions import ProjectClosed
from projects.models import Project, ProjectStatus
from quotes.exceptions import (
    AdditionalConfigurationUnsupported,
    QuoteErrorCode,
    QuoteLineInvalid,
    QuoteNotEditable,
)
from quotes.models import AdditionalConfiguration, Quote, QuoteLine
from quotes.services.common import quote_lock

QUANTITY_MIN = 1
QUANTITY_MAX = 999


class LineInput(TypedDict):
    product: Product
    quantity: int
    ownership: str


def _line_error(message: str, *, index: int, field: str, code: QuoteErrorCode) -> QuoteLineInvalid:
    return QuoteLineInvalid(
        message, code=code, extra={"line": index, "field": field, "fields": {f"lines.{index}.{field}": [message]}}
    )


def _priced_lines(*, partner: Partner, pbx: Pbx | None, lines: Sequence[LineInput]) -> list[QuoteLine]:
    """Validate the lines and price them: HWaaS on the receiving PBX's cycle, CAPEX at the CAPEX price."""
    for index, line in enumerate(lines):
        product, quantity, ownership = line.get("product"), line.get("quantity"), line.get("ownership")
        if not isinstance(product, Product) or not product.is_active:
            raise _line_error("Choose a product from the catalogue.", index=index, field="product",
                              code=QuoteErrorCode.PRODUCT_UNKNOWN)
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not QUANTITY_MIN <= quantity <= QUANTITY_MAX:
            raise _line_error(f"Quantity must be a whole number from {QUANTITY_MIN} to {QUANTITY_MAX}.",
                              index=index, field="quantity", code=QuoteErrorCode.QUANTITY_OUT_OF_RANGE)
        if ownership not in Ownership.values:
            raise _line_error("Ownership must be HWaaS or CAPEX.", index=index, field="ownership",
                              code=QuoteErrorCode.OWNERSHIP_UNKNOWN)
        if ownership == Ownership.HWAAS and pbx is None:
            raise _line_error(
                "This account has no PBX on a monthly, yearly or five-yearly licence with active subscriptions, "
                "so it cannot receive HWaaS devices.", index=index, field="ownership",
                code=QuoteErrorCode.NO_ELIGIBLE_PBX)

    product_ids = {line["product"].pk for line in lines}
    hwaas_prices: dict[int, Decimal] = {}
    if pbx is not None:
        hwaas_prices = dict(
            HwaasPrice.objects.filter(product_id__in=product_ids, currency=partner.currency, cycle=pbx.cycle)
            .values_list("product_id", "price")
        )
    capex_prices: dict[int, Decimal] = dict(
        CapexPrice.objects.filter(product_id__in=product_ids, currency=partner.currency)
        .values_list("product_id", "price")
    )

    priced = []
    for index, line in enumerate(lines):
        product, ownership = line["product"], line["ownership"]
        if ownership == Ownership.HWAAS:
            price = hwaas_prices.get(product.pk)
            cycle = pbx.cycle
            if price is None:
                raise _line_error(
                    f"{product.name} has no HWaaS price for the {pbx.get_cycle_display().lower()} variant in "
                    f"{partner.currency}.", index=index, field="product", code=QuoteErrorCode.PRICE_MISSING)
        else:
            price = capex_prices.get(product.pk)
            cycle = ""
            if price is None:
                raise _line_error(f"{product.name} has no CAPEX price in {partner.currency}.",
                                  index=index, field="product", code=QuoteErrorCode.PRICE_MISSING)
        priced.append(QuoteLine(product=product, quantity=line["quantity"], ownership=ownership, cycle=cycle,
                                unit_price=price, currency=partner.currency))
    return priced


@transaction.atomic
def quote_create(
    *, user: User, project: Project, additional_configuration: str, lines: Sequence[LineInput]
) -> Quote:
    """Create a draft quote on a Change Order project, priced for the receiving account."""
    if user.partner_id != project.partner_id:
        raise NotFound("Project not found.")
    if additional_configuration != AdditionalConfiguration.ADDITIONAL_ITEMS:
        raise AdditionalConfigurationUnsupported(
            "A Change Order quote takes Additional Items.",
            extra={"fields": {"additional_configuration": ["Choose Additional Items."]}},
        )
    if project.status != ProjectStatus.OPEN:
        raise ProjectClosed("This project is closed: no new quotes can be created on it.")
    partner = project.partner
    pbx = pbx_receiving_get(partner=partner, account=project.account)
    priced = _priced_lines(partner=partner, pbx=pbx, lines=lines)
    number = document_number_next(prefix="Q", partner=partner)
    quote = Quote.objects.create(
        partner=partner, project=project, account=project.account, pbx=pbx, number=number,
        additional_configuration=additional_configuration, currency=partner.currency, created_by=user,
    )
    for line in priced:
        line.quote = quote
    QuoteLine.objects.bulk_create(priced)
    return quote


@transaction.atomic
def quote_lines_replace(*, user: User, quote: Quote, lines: Sequence[LineInput]) -> Quote:
    """Replace a draft quote's lines, re-pricing them from today's price list."""
    if user.partner_id != quote.partner_id:
        raise NotFound("Quote not found.")
    locked = quote_lock(quote_id=quote.pk)
    if not locked.is_editable:
        raise QuoteNotEditable(
            f"Quote {locked.number} is {locked.get_stage_display().lower()}: only a draft quote can be edited.",
            extra={"stage": locked.stage},
        )
    # The receiving PBX may have changed since the quote was created: price on today's one.
    pbx = pbx_receiving_get(partner=locked.partner, account=locked.account)
    priced = _priced_lines(partner=locked.partner, pbx=pbx, lines=lines)
    QuoteLine.objects.filter(quote=locked).delete()
    for line in priced:
        line.quote = locked
    QuoteLine.objects.bulk_create(priced)
    if locked.pbx_id != (pbx.pk if pbx else None):
        locked.pbx = pbx
        locked.save(update_fields=["pbx", "updated_at"])
    return locked
