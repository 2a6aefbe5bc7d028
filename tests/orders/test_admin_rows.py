"""The order admin as vendor staff read it: rows named by product, quantity and ownership, not by ids."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import User
from orders.services.confirm import order_confirm
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_confirmed_order_page_names_its_lines_moves_and_subscriptions(client, partner_it, user_it):
    # given DOMAIN.md's worked example confirmed: Rossi Srl's four yearly WorkForce devices move to Bianchi SpA
    example = factories.worked_example(partner=partner_it)
    order_confirm(order=example.order, user=user_it, pbx=example.pbx, unselected_lines=[example.line.pk],
                  transfers=[d.pk for d in example.devices], conversion_date=dt.date(2026, 11, 25))
    staff = User.objects.create_superuser(username="vendor-staff", email="staff@vendor.example", password="x-2026-x")
    client.force_login(staff)

    # when staff open the order in the admin
    page = client.get(reverse("admin:orders_order_change", args=[example.order.pk])).content.decode()

    # then its line reads as quantity × product (ownership), never as ids
    assert "4 × WorkForce (HWaaS)" in page
    assert f"4 × {example.workforce.pk}<" not in page and f"4 × {example.workforce.pk} " not in page
    # and each moved device says which device came from whom
    assert f"{example.devices[0].serial} from Rossi Srl" in page
    # and the billing before and after reads as cycle, price and period: the yearly 60.00 one that ended,
    # the monthly one at 6.00 that starts on the conversion date
    assert "Yearly (-1Y), 60.00 EUR per period" in page
    assert "Monthly (-1M), 6.00 EUR per period" in page
    for device in example.devices:
        subscription = device.subscriptions.order_by("id").first()
        assert f"{subscription.device_id} @ {subscription.account_id} (" not in page
