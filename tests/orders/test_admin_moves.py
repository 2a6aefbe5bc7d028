"""Staff face of a confirmation: the order's admin page shows the moved devices and the credit notes."""

import datetime as dt

import pytest

from orders.services.confirm import order_confirm
from tests import factories

pytestmark = pytest.mark.django_db


def test_order_admin_lists_moved_devices_and_scheduled_credit_notes(client, partner_it, user_it):
    # given the worked example confirmed on 2026-11-25
    example = factories.worked_example(partner=partner_it)
    order_confirm(order=example.order, user=user_it, pbx=example.pbx, unselected_lines=[example.line.pk],
                  transfers=[d.pk for d in example.devices], conversion_date=dt.date(2026, 11, 25))
    staff = factories.UserFactory(username="vendor-staff", partner=None, role="", is_staff=True, is_superuser=True)
    client.force_login(staff)

    # when staff open the order in the admin
    response = client.get(f"/admin/orders/order/{example.order.pk}/change/")

    # then every moved serial, the giving account and the scheduled note's total are on the page
    assert response.status_code == 200
    body = response.content.decode()
    for device in example.devices:
        assert device.serial in body
    assert "Rossi Srl" in body
    assert "77.01" in body
    assert "Scheduled" in body or "scheduled" in body
