"""Reads a partner can trigger about its devices and their custody history."""

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Partner
from devices.mac import mac_search_q
from devices.models import CustodyEvent, Device, Ownership, Product

DEVICE_ORDERINGS = {"serial", "-serial", "account__name", "-account__name", "product__name", "-product__name",
                    "created_at", "-created_at"}


def device_list(
    *,
    partner: Partner,
    account_id: int | None = None,
    product_id: int | None = None,
    ownership: str | None = None,
    search: str = "",
    ordering: str = "serial",
) -> QuerySet[Device]:
    qs = Device.objects.filter(partner=partner).select_related("product", "account", "pbx")
    if account_id:
        qs = qs.filter(account_id=account_id)
    if product_id:
        qs = qs.filter(product_id=product_id)
    if ownership:
        qs = qs.filter(ownership=ownership)
    if search:
        # A MAC is found in any notation (0009457FFF05, 00-09-45-7f-ff-05, 00:09:45:7F:FF:05), as the import takes it.
        qs = qs.filter(Q(serial__icontains=search) | Q(mac__icontains=search) | mac_search_q(search))
    if ordering not in DEVICE_ORDERINGS:
        ordering = "serial"
    return qs.order_by(ordering, "id")


def device_get(*, partner: Partner, device_id: int) -> Device:
    qs = Device.objects.filter(partner=partner).select_related("product", "account", "pbx")
    return get_object_or_404(qs, pk=device_id)


def custody_list(*, partner: Partner, device: Device) -> QuerySet[CustodyEvent]:
    return (
        CustodyEvent.objects.filter(partner=partner, device=device)
        .select_related("account", "pbx", "order", "recorded_by")
        .order_by("-started_on", "-id")
    )


def device_counts_by_ownership(*, partner: Partner) -> dict[str, int]:
    """HWaaS and CAPEX device counts in one aggregate query (the Home tiles)."""
    return Device.objects.filter(partner=partner).aggregate(
        hwaas=Count("id", filter=Q(ownership=Ownership.HWAAS)),
        capex=Count("id", filter=Q(ownership=Ownership.CAPEX)),
    )


def product_choices() -> QuerySet[Product]:
    """The catalogue for filter drop-downs (products are shared by all partners)."""
    return Product.objects.only("id", "name", "sku").order_by("name", "id")
