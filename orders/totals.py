"""An order's money: what ships new (and is charged as such), what was transferred, and the first charges of the
subscriptions a confirmation started, computed here and nowhere else (the page and the API read it).

A line's amount is the quote's (`quotes.totals.line_amount`): an order line is a copy of a quote line. An
unselected line is filled by devices the partner's other customers already hold, so its amount is not charged
as new hardware; the moved HWaaS devices are charged through their new subscriptions' first periods instead.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from core.money import ZERO, quantize
from quotes.totals import PricedLine, lines_net


class OrderPricedLine(PricedLine, Protocol):
    """An order line: a priced line that ships new (`selected`) or is filled by a transfer."""

    selected: bool


@dataclass(frozen=True)
class OrderTotals:
    """All lines (the order's `total`, as quoted), split into shipped new and transferred."""

    total: Decimal
    shipped: Decimal
    transferred: Decimal
    first_charges: Decimal
    currency: str


def order_totals(*, lines: Iterable[OrderPricedLine], currency: str,
                 first_charges: Iterable[Decimal] = ()) -> OrderTotals:
    """The order's totals from its (prefetched) lines and the first charges of the subscriptions it started."""
    lines = list(lines)
    shipped = [line for line in lines if line.selected]
    transferred = [line for line in lines if not line.selected]
    return OrderTotals(
        total=lines_net(lines=lines),
        shipped=lines_net(lines=shipped),
        transferred=lines_net(lines=transferred),
        first_charges=quantize(sum(first_charges, ZERO)),
        currency=currency,
    )

