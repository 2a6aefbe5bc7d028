"""Reads for the Transfer OPEX / assign CAPEX tables: devices the partner's other customers hold."""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Partner
from billing.models import CreditNote, CreditNoteLine
from core.converters import id_parse
from devices.models import CustodyEvent, Device, Product
from orders.models import Order, OrderDeviceMove, OrderLine

TRANSFERABLE_ORDERINGS = {
    "serial", "-serial", "mac", "-mac", "account__name", "-account__name", "product__name", "-product__name",
}


def order_for_confirm_get(*, partner: Partner, order_id: int) -> Order:
    """The partner's order with what the confirmation needs; another partner's id is a 404."""
    qs = Order.objects.filter(partner=partner).select_related("partner", "account", "project", "pbx")
    return get_object_or_404(qs, pk=order_id)


def moved_by_another_order_since(*, order: Order) -> Exists:
    """True for a device whose current custody was opened by another order after `order` was created.

    That device was picked from someone else and moved by a confirmed order while this one was
    being prepared: it is "already moved" (custody is the truth), not a fresh candidate.
    """
    return Exists(
        CustodyEvent.objects.filter(
            device_id=OuterRef("pk"), ended_on__isnull=True, order__isnull=False, created_at__gte=order.created_at
        ).exclude(order_id=order.pk)
    )


def picked_devices_get(*, partner: Partner, order: Order, device_ids: Iterable[int]) -> list[Device]:
    """The partner's devices among `device_ids`, in id order, as orders.rules needs them (one query).

    Each carries its product, its holder and `moved_by_another_order`; another partner's id is simply
    absent, so the caller answers it like a missing one.
    """
    return list(
        Device.objects.filter(partner=partner, pk__in=list(device_ids))
        .select_related("product", "account")
        .annotate(moved_by_another_order=moved_by_another_order_since(order=order))
        .order_by("pk")
    )


def product_ids_parse(*, values: Iterable[str]) -> list[int]:
    """Products named by id or by SKU (both accepted); unknown ones match nothing."""
    ids: set[int] = set()
    skus: set[str] = set()
    for value in values:
        value = value.strip()
        if not value:
            continue
        if (pk := id_parse(value)) is not None:
            ids.add(pk)
        else:
            skus.add(value)
    if skus:
        ids.update(Product.objects.filter(sku__in=skus).values_list("pk", flat=True))
    return sorted(ids)


def order_product_ids(*, order: Order, ownership: str | None = None, unselected_only: bool = False) -> list[int]:
    """The products of the order's lines (optionally of one ownership, or only the unselected lines)."""
    qs = OrderLine.objects.filter(order=order)
    if ownership:
        qs = qs.filter(ownership=ownership)
    if unselected_only:
        qs = qs.filter(selected=False)
    return sorted(set(qs.values_list("product_id", flat=True)))


def transferable_devices(
    *,
    partner: Partner,
    order: Order,
    ownership: str,
    product_ids: list[int] | None = None,
    search: str = "",
    ordering: str = "serial",
) -> QuerySet[Device]:
    """Devices of `ownership` held by the partner's other accounts that this order may pick.

    Not partner stock, not the receiving account's own, not already moved by another order since
    this one was created. Searchable by serial, MAC and account name; one query per page.
    """
    qs = (
        Device.objects.filter(partner=partner, ownership=ownership, account__isnull=False)
        .exclude(account_id=order.account_id)
        .exclude(moved_by_another_order_since(order=order))
        .select_related("product", "account", "pbx")
    )
    if product_ids is not None:
        qs = qs.filter(product_id__in=product_ids)
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(serial__icontains=search) | Q(mac__icontains=search) | Q(account__name__icontains=search)
        )
    if ordering not in TRANSFERABLE_ORDERINGS:
        ordering = "serial"
    return qs.order_by(ordering, "id")


def order_confirmation_get(*, partner: Partner, order_id: int) -> Order:
    """A confirmed order with what it moved, its credit notes (with lines) and the subscriptions it started."""
    qs = (
        Order.objects.filter(partner=partner)
        .select_related("account")
        .prefetch_related(
            Prefetch(
                "moves",
                queryset=OrderDeviceMove.objects.select_related(
                    "device", "device__product", "giving_account", "new_subscription", "new_subscription__device"
                ).order_by("device__serial", "id"),
            ),
            Prefetch(
                "credit_notes",
                queryset=CreditNote.objects.select_related("giving_account").prefetch_related(
                    Prefetch("lines", queryset=CreditNoteLine.objects.order_by("serial"))
                ).order_by("giving_account__name", "id"),
            ),
        )
    )
    return get_object_or_404(qs, pk=order_id)
