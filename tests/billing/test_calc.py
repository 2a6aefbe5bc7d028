"""The pure transfer arithmetic, against DOMAIN.md's worked example and as properties."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from billing import calc
from core.calendar import add_months, business_days_between, is_business_day

CONVERSION = dt.date(2026, 11, 25)


def test_worked_example_credit_line_after_the_commitment():
    # given Rossi Srl's WorkForce on the yearly variant at 60.00, period 2026-03-01 → 2027-03-01, committed long ago
    # when it moves on 2026-11-25
    line = calc.credit_line(
        period_start=dt.date(2026, 3, 1), period_end=dt.date(2027, 3, 1), period_price=Decimal("60.00"),
        conversion_date=CONVERSION, commitment_end=dt.date(2025, 9, 1),
    )
    # then 60.00 × 96 / 365 = 15.78, credited from the conversion day itself
    assert line is not None
    assert line.credited_from == CONVERSION
    assert (line.credited_days, line.period_days) == (96, 365)
    assert line.amount == Decimal("15.78")
    assert line.inside_commitment is False


def test_worked_example_four_devices_net_tax_total():
    # given four such lines at a 22% tax rate
    totals = calc.credit_note_totals(amounts=[Decimal("15.78")] * 4, tax_rate=Decimal("22.00"))
    # then net 63.12, tax 13.89 (rounded once, on the net), total 77.01
    assert (totals.net, totals.tax, totals.total) == (Decimal("63.12"), Decimal("13.89"), Decimal("77.01"))


def test_worked_example_due_dates_skip_weekends_and_the_italian_holiday():
    assert calc.credit_note_due_date(conversion_date=CONVERSION, country="IT") == dt.date(2026, 12, 2)
    # 8 Dec (Immacolata) is a public holiday in Italy
    assert calc.credit_note_due_date(conversion_date=dt.date(2026, 12, 4), country="IT") == dt.date(2026, 12, 14)


def test_worked_example_first_period_and_commitment_of_the_receiving_subscription():
    # given Bianchi SpA's PBX on 1m, licence period 2026-11-01 → 2026-12-01, WorkForce -1M at 6.00
    first = calc.first_period(
        conversion_date=CONVERSION, cycle="1m", pbx_period_start=dt.date(2026, 11, 1),
        pbx_period_end=dt.date(2026, 12, 1), period_price=Decimal("6.00"),
    )
    # then the first period runs 2026-11-25 → 2026-12-01, charged 6.00 × 6 / 30 = 1.20
    assert (first.start, first.end, first.days, first.pbx_period_days) == (
        CONVERSION, dt.date(2026, 12, 1), 6, 30
    )
    assert first.charge == Decimal("1.20")
    # and the commitment ends six calendar months after the conversion date
    assert calc.commitment_end(started_on=CONVERSION) == dt.date(2027, 5, 25)
    # and later periods are whole months from each 1st
    assert calc.pbx_periods_after(cycle="1m", anchor_start=dt.date(2026, 11, 1), after=first.end, count=2) == [
        (dt.date(2026, 12, 1), dt.date(2027, 1, 1)), (dt.date(2027, 1, 1), dt.date(2027, 2, 1)),
    ]


def test_worked_example_inside_the_commitment_credits_only_from_its_end():
    # given a device activated 2026-08-01 on the yearly variant at 60.00
    started = dt.date(2026, 8, 1)
    commitment = calc.commitment_end(started_on=started)
    assert commitment == dt.date(2027, 2, 1)
    # when it moves on 2026-11-25
    line = calc.credit_line(
        period_start=started, period_end=dt.date(2027, 8, 1), period_price=Decimal("60.00"),
        conversion_date=CONVERSION, commitment_end=commitment,
    )
    # then only 2027-02-01 → 2027-08-01 is credited: 60.00 × 181 / 365 = 29.75
    assert line is not None
    assert (line.credited_from, line.credited_days, line.period_days) == (dt.date(2027, 2, 1), 181, 365)
    assert line.amount == Decimal("29.75")
    assert line.inside_commitment is True


def test_a_commitment_ending_after_the_period_credits_nothing():
    # given a monthly device whose commitment outlives its current period
    line = calc.credit_line(
        period_start=dt.date(2026, 11, 1), period_end=dt.date(2026, 12, 1), period_price=Decimal("6.00"),
        conversion_date=CONVERSION, commitment_end=dt.date(2027, 3, 1),
    )
    # then there is no line at all
    assert line is None


def test_a_stale_pbx_period_is_rolled_forward_in_whole_cycles():
    # given a monthly PBX whose recorded period ended before the conversion date
    first = calc.first_period(
        conversion_date=dt.date(2027, 1, 10), cycle="1m", pbx_period_start=dt.date(2026, 11, 1),
        pbx_period_end=dt.date(2026, 12, 1), period_price=Decimal("6.00"),
    )
    # then the first period ends at the end of the licence period containing that day
    assert (first.pbx_period_start, first.end, first.days, first.pbx_period_days) == (
        dt.date(2027, 1, 1), dt.date(2027, 2, 1), 22, 31
    )
    assert first.charge == Decimal("4.26")


# --- properties --------------------------------------------------------------------------------------------

dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31))
prices = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("9999.99"), places=2)
cycles = st.sampled_from(["1m", "1y", "5y"])


@given(
    period_start=dates, length=st.integers(min_value=1, max_value=5 * 366), offset=st.integers(-400, 2200),
    commitment_offset=st.integers(-400, 2200), price=prices,
)
def test_credited_days_are_never_negative_nor_more_than_the_period(
    period_start, length, offset, commitment_offset, price
):
    period_end = period_start + dt.timedelta(days=length)
    conversion = period_start + dt.timedelta(days=offset)
    commitment = period_start + dt.timedelta(days=commitment_offset)
    days = calc.credited_days(
        period_start=period_start, period_end=period_end, conversion_date=conversion, commitment_end=commitment
    )
    assert 0 <= days <= length
    line = calc.credit_line(
        period_start=period_start, period_end=period_end, period_price=price, conversion_date=conversion,
        commitment_end=commitment,
    )
    if days == 0:
        assert line is None
    else:
        assert line is not None
        assert line.credited_days == days
        assert Decimal("0") <= line.amount <= price
        assert line.credited_from + dt.timedelta(days=days) == period_end


@given(conversion=dates, country=st.sampled_from(["IT", "GB", "DE", "FR", "CH", "US"]))
def test_due_date_is_exactly_five_business_days_later(conversion, country):
    due = calc.credit_note_due_date(conversion_date=conversion, country=country)
    assert business_days_between(conversion, due, country=country) == 5
    assert is_business_day(due, country=country)


@given(
    anchor=dates, cycle=cycles, periods_in=st.integers(0, 3), day_offset=st.integers(0, 5 * 366), price=prices
)
def test_first_charge_and_later_periods_co_terminate_with_the_pbx(anchor, cycle, periods_in, day_offset, price):
    # given a PBX licence period aligned to `anchor`, and a conversion day inside it
    months = calc.CYCLE_MONTHS[cycle]
    pbx_start = add_months(anchor, months * periods_in)
    pbx_end = add_months(anchor, months * (periods_in + 1))
    conversion = pbx_start + dt.timedelta(days=day_offset % (pbx_end - pbx_start).days)
    # when the receiving subscription's first period is computed
    first = calc.first_period(
        conversion_date=conversion, cycle=cycle, pbx_period_start=pbx_start, pbx_period_end=pbx_end,
        period_price=price,
    )
    # then it starts on the conversion date and ends with the PBX period
    assert (first.start, first.end, first.pbx_period_start) == (conversion, pbx_end, pbx_start)
    assert 1 <= first.days <= first.pbx_period_days
    assert Decimal("0") <= first.charge <= price
    # and the whole periods after it are exactly the PBX's next licence periods, back to back
    later = calc.pbx_periods_after(cycle=cycle, anchor_start=anchor, after=first.end, count=3)
    assert later[0][0] == first.end
    for (_, end), (start, _) in zip(later, later[1:], strict=False):
        assert end == start
    for k, (start, end) in enumerate(later, start=periods_in + 1):
        assert (start, end) == (add_months(anchor, months * k), add_months(anchor, months * (k + 1)))


@given(amounts=st.lists(prices, max_size=30), rate=st.decimals(min_value=0, max_value=100, places=2))
def test_credit_note_total_is_net_plus_tax(amounts, rate):
    totals = calc.credit_note_totals(amounts=amounts, tax_rate=rate)
    assert totals.net == sum(amounts, Decimal("0"))
    assert totals.total == totals.net + totals.tax
    assert totals.tax >= 0
