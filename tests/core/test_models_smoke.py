import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from core.calendar import add_business_days, add_months
from core.money import quantize
from tests import factories


def test_worked_example_due_dates_on_italian_calendar():
    # given a confirmation on Wed 2026-11-25 in Italy
    # then 5 business days later is Wed 2026-12-02
    assert add_business_days(dt.date(2026, 11, 25), 5, country="IT") == dt.date(2026, 12, 2)
    # and from Fri 2026-12-04 the Immaculate Conception (8 Dec) is skipped
    assert add_business_days(dt.date(2026, 12, 4), 5, country="IT") == dt.date(2026, 12, 14)


def test_add_months_clamps_to_month_end():
    assert add_months(dt.date(2026, 11, 25), 6) == dt.date(2027, 5, 25)
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2027, 8, 31), 6) == dt.date(2028, 2, 29)


def test_quantize_rounds_half_up_and_refuses_floats():
    assert quantize(Decimal("15.785")) == Decimal("15.79")
    assert quantize(Decimal("60") * 96 / 365) == Decimal("15.78")
    with pytest.raises(TypeError):
        quantize(1.5)


@pytest.mark.django_db
def test_a_device_has_at_most_one_open_custody_record(partner_it):
    device = factories.DeviceFactory(account__partner=partner_it)
    factories.CustodyEventFactory(device=device)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.CustodyEventFactory(device=device)


@pytest.mark.django_db
def test_a_device_has_at_most_one_active_subscription(partner_it):
    sub = factories.SubscriptionFactory(device__account__partner=partner_it)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.SubscriptionFactory(device=sub.device)
