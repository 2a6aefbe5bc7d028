"""Reads a partner can trigger about its customers and their PBXs."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Account, BillingCycle, Partner, Pbx

ACCOUNT_ORDERINGS = {"name", "-name", "created_at", "-created_at", "device_count", "-device_count"}


def account_list(*, partner: Partner, search: str = "", ordering: str = "name") -> QuerySet[Account]:
    qs = Account.objects.filter(partner=partner).annotate(device_count=Count("devices"))
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(contact_name__icontains=search) | Q(city__icontains=search))
    if ordering not in ACCOUNT_ORDERINGS:
        ordering = "name"
    return qs.order_by(ordering, "id")


def account_get(*, partner: Partner, account_id: int) -> Account:
    """The partner's account with its PBXs; another partner's id is a 404."""
    qs = Account.objects.filter(partner=partner).prefetch_related(
        Prefetch("pbxs", queryset=Pbx.objects.filter(partner=partner).order_by("-has_active_subscriptions", "serial"))
    )
    return get_object_or_404(qs, pk=account_id)


def pbx_receiving_get(*, partner: Partner, account: Account) -> Pbx | None:
    """The PBX devices moving to this account go to: the one with active subscriptions on a 1m, 1y or 5y cycle.

    The one place that says which PBX may receive HWaaS devices (None: the account cannot receive them).
    """
    return (
        Pbx.objects.filter(
            partner=partner, account=account, has_active_subscriptions=True, cycle__in=BillingCycle.values
        )
        .order_by("id")
        .first()
    )


def account_count(*, partner: Partner) -> int:
    """How many customers the partner has (the Home tile)."""
    return Account.objects.filter(partner=partner).count()


def account_choices(*, partner: Partner) -> QuerySet[Account]:
    """Id and name of every account, for filter drop-downs."""
    return Account.objects.filter(partner=partner).only("id", "name").order_by("name", "id")
