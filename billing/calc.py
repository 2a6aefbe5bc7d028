"""The money and calendar arithmetic of a transfer, as pure functions.

One computation, three uses: the wizard's summary, the API preview and the confirmation all call
these functions, so what the partner is shown is exactly what is booked. Nothing here touches the
database; inputs are dates, Decimals and strings.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from core.calendar import add_business_days, add_months
from core.money import prorate, quantize

# The vendor keeps charging a cancelled HWaaS device until 6 months from its start (DOMAIN.md).
COMMITMENT_MONTHS = 6
# A scheduled credit note is due (to be issued) within 5 business days of the conversion date.
CREDIT_NOTE_DUE_BUSINESS_DAYS = 5
# Calendar months in one licence period of each HWaaS cycle.
CYCLE_MONTHS = {"1m": 1, "1y": 12, "5y": 60}


@dataclass(frozen=True)
class CreditLineCalc:
    """One giving device's credit and the inputs printed beside it."""

    period_start: dt.date
    period_end: dt.date
    credited_from: dt.date
    credited_days: int
    period_days: int
    period_price: Decimal
    amount: Decimal
    # True when the device was still inside its commitment: credited only from the commitment end.
    inside_commitment: bool


@dataclass(frozen=True)
class CreditNoteTotals:
    net: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True)
class FirstPeriod:
    """The receiving subscription's first, prorated period: conversion date → PBX period end."""

    start: dt.date
    end: dt.date
    days: int
    pbx_period_start: dt.date
    pbx_period_days: int
    period_price: Decimal
    charge: Decimal


def days_between(start: dt.date, end: dt.date) -> int:
    """Days in [start, end)."""
    return (end - start).days


def commitment_end(*, started_on: dt.date) -> dt.date:
    """Start + 6 calendar months, clamped to the month's end (31 Aug → 28/29 Feb)."""
    return add_months(started_on, COMMITMENT_MONTHS)


def credited_from(*, period_start: dt.date, conversion_date: dt.date, commitment_end: dt.date) -> dt.date:
    """The first credited day: the conversion day itself, or the commitment end if later.

    The giving side pays until the day before the conversion date; inside the commitment the vendor
    keeps charging until the commitment end, so nothing before it is credited. Never before the
    period start: only the paid current period can be credited.
    """
    return max(period_start, conversion_date, commitment_end)


def credited_days(
    *, period_start: dt.date, period_end: dt.date, conversion_date: dt.date, commitment_end: dt.date
) -> int:
    """period_end − max(conversion_date, commitment_end), never negative, never more than the period."""
    start = credited_from(period_start=period_start, conversion_date=conversion_date, commitment_end=commitment_end)
    return max(0, days_between(start, period_end))


def credit_line(
    *,
    period_start: dt.date,
    period_end: dt.date,
    period_price: Decimal,
    conversion_date: dt.date,
    commitment_end: dt.date,
) -> CreditLineCalc | None:
    """The credit for one moved HWaaS device, or None when there is nothing to credit.

    amount = period_price × credited_days / period_days, rounded half-up once, per line.
    """
    period_days = days_between(period_start, period_end)
    if period_days <= 0:
        raise ValueError("a subscription period must be at least one day long")
    days = credited_days(
        period_start=period_start, period_end=period_end, conversion_date=conversion_date,
        commitment_end=commitment_end,
    )
    if days == 0:
        return None
    amount = prorate(period_price, days, period_days)
    return CreditLineCalc(
        period_start=period_start,
        period_end=period_end,
        credited_from=credited_from(
            period_start=period_start, conversion_date=conversion_date, commitment_end=commitment_end
        ),
        credited_days=days,
        period_days=period_days,
        period_price=period_price,
        amount=amount,
        inside_commitment=commitment_end > max(period_start, conversion_date),
    )


def credit_note_totals(*, amounts: list[Decimal], tax_rate: Decimal) -> CreditNoteTotals:
    """Net = sum of the (already rounded) lines; tax = net × rate%, rounded once; total = net + tax."""
    net = quantize(sum(amounts, Decimal("0")))
    tax = quantize(net * tax_rate / Decimal(100))
    return CreditNoteTotals(net=net, tax=tax, total=net + tax)


def credit_note_due_date(*, conversion_date: dt.date, country: str) -> dt.date:
    """Conversion date + 5 business days on the partner's country calendar."""
    return add_business_days(conversion_date, CREDIT_NOTE_DUE_BUSINESS_DAYS, country=country)


def pbx_period_containing(
    *, cycle: str, period_start: dt.date, period_end: dt.date, day: dt.date
) -> tuple[dt.date, dt.date]:
    """The PBX licence period [start, end) that contains `day`.

    Usually the PBX's recorded current period; if the record lags behind (or ahead of) the day,
    periods are counted from the recorded start in whole cycles, so they stay aligned to it.
    """
    if period_start <= day < period_end:
        return period_start, period_end
    months = CYCLE_MONTHS[cycle]
    k = 0
    step = 1 if day >= period_end else -1
    while True:
        k += step
        start = add_months(period_start, months * k)
        end = add_months(period_start, months * (k + 1))
        if start <= day < end:
            return start, end


def pbx_periods_after(
    *, cycle: str, anchor_start: dt.date, after: dt.date, count: int
) -> list[tuple[dt.date, dt.date]]:
    """The next `count` whole licence periods that start on or after `after`, aligned to `anchor_start`."""
    months = CYCLE_MONTHS[cycle]
    periods: list[tuple[dt.date, dt.date]] = []
    k = 0
    while add_months(anchor_start, months * k) < after:
        k += 1
    while len(periods) < count:
        periods.append((add_months(anchor_start, months * k), add_months(anchor_start, months * (k + 1))))
        k += 1
    return periods


def first_period(
    *,
    conversion_date: dt.date,
    cycle: str,
    pbx_period_start: dt.date,
    pbx_period_end: dt.date,
    period_price: Decimal,
) -> FirstPeriod:
    """The receiving subscription's first period, co-terminating with the PBX licence period.

    charge = period_price × days / PBX period days (the PBX period's length, not the subscription's).
    """
    start, end = pbx_period_containing(
        cycle=cycle, period_start=pbx_period_start, period_end=pbx_period_end, day=conversion_date
    )
    pbx_days = days_between(start, end)
    days = days_between(conversion_date, end)
    return FirstPeriod(
        start=conversion_date,
        end=end,
        days=days,
        pbx_period_start=start,
        pbx_period_days=pbx_days,
        period_price=period_price,
        charge=prorate(period_price, days, pbx_days),
    )
