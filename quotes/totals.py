"""A quote's money: each line's amount and the quote's total, computed here and nowhere else.

Quotes are priced before tax (the proposal reads "Total (excluding tax)"): tax is charged by the
invoices that follow, so a quote's total is its net. The quote list sums the same amounts in SQL
(`quotes.selectors.quote_list`) only so that it can sort by total.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from core.money import ZERO, quantize

if TYPE_CHECKING:  # the models use line_amount: no import at run time
    from quotes.models import Quote


class PricedLine(Protocol):
    """A quote line, or an order line copied from one."""

    unit_price: Decimal
    quantity: int


@dataclass(frozen=True)
class QuoteTotals:
    """What a quote costs before tax: the amount of each line (by line id) and their sum."""

    line_amounts: Mapping[int, Decimal]
    net: Decimal
    currency: str


def line_amount(*, unit_price: Decimal, quantity: int) -> Decimal:
    """Unit price × quantity, in cents (a price has cents, so rounding changes nothing but the type)."""
    return quantize(unit_price * quantity)


def lines_net(*, lines: Iterable[PricedLine]) -> Decimal:
    """The sum of the lines' amounts: exact, because each amount is already in cents."""
    return quantize(sum((line_amount(unit_price=line.unit_price, quantity=line.quantity) for line in lines), ZERO))


def quote_totals(*, quote: "Quote") -> QuoteTotals:
    """The quote's line amounts and net total, from its (prefetched) lines."""
    lines = list(quote.lines.all())
    return QuoteTotals(
        line_amounts={line.pk: line_amount(unit_price=line.unit_price, quantity=line.quantity) for line in lines},
        net=lines_net(lines=lines),
        currency=quote.currency,
    )
