import pytest
from django.urls import reverse

from accounts.models import User
from orders.models import Order
from quotes.models import Quote, QuoteTransition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff_client(client):
    staff = User.objects.create_superuser(username="vendor-staff", email="staff@vendor.example", password="x-2026-x")
    client.force_login(staff)
    return client


def test_quote_project_and_order_pages_open(staff_client, presented_quote, user_it):
    from quotes.services import quote_accept_skip

    quote_accept_skip(user=user_it, quote=presented_quote)
    order = Order.objects.get(quote=presented_quote)
    for url in (
        reverse("admin:quotes_quote_changelist"), reverse("admin:quotes_quote_change", args=[presented_quote.pk]),
        reverse("admin:projects_project_changelist"),
        reverse("admin:projects_project_change", args=[presented_quote.project_id]),
        reverse("admin:orders_order_changelist"), reverse("admin:orders_order_change", args=[order.pk]),
    ):
        response = staff_client.get(url)
        assert response.status_code == 200, url
    page = staff_client.get(reverse("admin:quotes_quote_change", args=[presented_quote.pk])).content.decode()
    assert "skipped" in page.lower() and "WorkForce" in page


def test_accept_action_calls_the_service_as_staff(staff_client, presented_quote):
    response = staff_client.post(reverse("admin:quotes_quote_changelist"),
                                 {"action": "accept_quotes", "_selected_action": [presented_quote.pk]}, follow=True)
    assert response.status_code == 200
    assert Quote.objects.get(pk=presented_quote.pk).stage == "accepted"
    assert QuoteTransition.objects.filter(quote=presented_quote).last().method == "staff"
    assert Order.objects.filter(quote=presented_quote).count() == 1


def test_refused_action_reports_and_changes_nothing(staff_client, draft_quote):
    response = staff_client.post(reverse("admin:quotes_quote_changelist"),
                                 {"action": "accept_quotes", "_selected_action": [draft_quote.pk]}, follow=True)
    assert "cannot be accepted" in response.content.decode()
    assert Quote.objects.get(pk=draft_quote.pk).stage == "draft"


def test_cancel_order_action(staff_client, presented_quote, user_it):
    from quotes.services import quote_accept_skip

    quote_accept_skip(user=user_it, quote=presented_quote)
    order = Order.objects.get(quote=presented_quote)
    staff_client.post(reverse("admin:orders_order_changelist"),
                      {"action": "cancel_orders", "_selected_action": [order.pk]}, follow=True)
    assert Order.objects.get(pk=order.pk).status == "cancelled"
    response = staff_client.post(reverse("admin:orders_order_changelist"),
                                 {"action": "cancel_orders", "_selected_action": [order.pk]}, follow=True)
    assert "cannot be cancelled" in response.content.decode()
