"""Reads a partner can trigger about its orders."""

from dataclasses import dataclass
from itertools import groupby

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.models import Account, Partner
from billing.models import CreditNote, Subscription
from core.money import ZERO
from orders.models import Order, OrderDeviceMove, OrderLine

ORDER_ORDERINGS = {"number", "-number", "created_at", "-created_at", "account__name", "-account__name",
                   "status", "-status"}
_MONEY = DecimalField(max_digits=18, decimal_places=2)


def order_list(
    *, partner: Partner, search: str = "", status: str = "", account_id: int | None = None,
    ordering: str = "-created_at",
) -> QuerySet[Order]:
    """The partner's orders with account, quote and project, line count and total (one query)."""
    qs = (
        Order.objects.filter(partner=partner)
        .select_related("account", "quote", "project")
        .annotate(
            line_count=Count("lines"),
            total=Coalesce(Sum(ExpressionWrapper(F("lines__unit_price") * F("lines__quantity"), output_field=_MONEY)),
                           Value(ZERO), output_field=_MONEY),
        )
    )
    if search:
        qs = qs.filter(Q(number__icontains=search) | Q(account__name__icontains=search)
                       | Q(quote__number__icontains=search) | Q(po_number__icontains=search))
    if status:
        qs = qs.filter(status=status)
    if account_id:
        qs = qs.filter(account_id=account_id)
    if ordering not in ORDER_ORDERINGS:
        ordering = "-created_at"
    return qs.order_by(ordering, "-id")


def order_list_with_lines(
    *, partner: Partner, search: str = "", status: str = "", account_id: int | None = None,
    ordering: str = "-created_at",
) -> QuerySet[Order]:
    """order_list plus the lines and their products (one more query), for the API."""
    qs = order_list(partner=partner, search=search, status=status, account_id=account_id, ordering=ordering)
    return qs.prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("product").order_by("id"))
    )


def order_get(*, partner: Partner, order_id: int) -> Order:
    """The partner's order with its lines; another partner's id is a 404."""
    qs = (
        Order.objects.filter(partner=partner)
        .select_related("partner", "account", "quote", "project", "pbx", "confirmed_by")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.select_related("product").order_by("id")))
    )
    return get_object_or_404(qs, pk=order_id)


@dataclass(frozen=True)
class GivingAccountMoves:
    """The devices one giving account handed over, by serial."""

    account: Account
    moves: list[OrderDeviceMove]


@dataclass(frozen=True)
class OrderMoves:
    """What a confirmation moved: devices by giving account, the credit notes, the subscriptions it started."""

    by_giving_account: list[GivingAccountMoves]
    credit_notes: list[CreditNote]
    subscriptions: list[Subscription]

    @property
    def device_count(self) -> int:
        return sum(len(group.moves) for group in self.by_giving_account)


def order_moves_get(*, partner: Partner, order: Order) -> OrderMoves:
    """The order's moved devices, credit notes and new subscriptions in two queries, whatever their number.

    Grouped by giving account (by name), serials in order; a draft order has none of them.
    """
    moves = list(
        OrderDeviceMove.objects.filter(order__partner=partner, order=order)
        .select_related("device", "device__product", "giving_account", "line", "new_subscription",
                        "new_subscription__device__product")
        .order_by("giving_account__name", "giving_account_id", "device__serial", "id")
    )
    by_giving_account = [
        GivingAccountMoves(account=group[0].giving_account, moves=group)
        for group in (list(items) for _, items in groupby(moves, key=lambda move: move.giving_account_id))
    ]
    credit_notes = list(
        CreditNote.objects.filter(partner=partner, order=order)
        .select_related("giving_account")
        .order_by("giving_account__name", "created_at", "id")
    )
    subscriptions = sorted(
        (move.new_subscription for move in moves if move.new_subscription is not None),
        key=lambda subscription: (subscription.device.serial, subscription.pk),
    )
    return OrderMoves(by_giving_account=by_giving_account, credit_notes=credit_notes, subscriptions=subscriptions)
