"""Reads a partner can trigger about prices and subscriptions."""

from django.db.models import QuerySet

from accounts.models import Partner
from billing.models import Subscription


def subscription_list(
    *,
    partner: Partner,
    account_id: int | None = None,
    device_id: int | None = None,
    status: str | None = None,
) -> QuerySet[Subscription]:
    qs = Subscription.objects.filter(partner=partner).select_related("device", "device__product", "account", "pbx")
    if account_id:
        qs = qs.filter(account_id=account_id)
    if device_id:
        qs = qs.filter(device_id=device_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-started_on", "-id")
