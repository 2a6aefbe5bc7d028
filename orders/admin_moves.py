"""Admin inlines for an order's moved devices and scheduled credit notes (read-only history).

Plugged into the Order admin by orders/admin.py: `inlines = [OrderDeviceMoveInline, OrderCreditNoteInline]`.
"""

from django.contrib import admin

from billing.models import CreditNote, Subscription
from orders.models import OrderDeviceMove


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrderDeviceMoveInline(_ReadOnlyInline):
    """What the confirmation moved: each device, from whom, which line it filled, its billing before and after."""

    model = OrderDeviceMove
    fields = ["device", "ownership", "giving_account", "line", "giving_billing", "new_billing"]
    readonly_fields = fields
    verbose_name = "moved device"
    verbose_name_plural = "moved devices"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(
            "device", "giving_account", "line", "line__product", "giving_subscription", "new_subscription"
        )

    @admin.display(description="giving subscription")
    def giving_billing(self, move: OrderDeviceMove) -> str:
        return _subscription_label(move.giving_subscription)

    @admin.display(description="new subscription")
    def new_billing(self, move: OrderDeviceMove) -> str:
        return _subscription_label(move.new_subscription)


def _subscription_label(subscription: Subscription | None) -> str:
    """Say what a subscription bills ("Yearly, 60.00 EUR per period, 2026-03-01 – 2027-03-01, ended")."""
    if subscription is None:
        return "—"
    return (f"{subscription.get_cycle_display()}, {subscription.period_price} {subscription.currency} per period, "
            f"{subscription.period_start} – {subscription.period_end}, {subscription.get_status_display().lower()}")


class OrderCreditNoteInline(_ReadOnlyInline):
    """The credit notes the confirmation scheduled, one per giving account (issued ones carry their number)."""

    model = CreditNote
    fk_name = "order"
    fields = ["giving_account", "status", "number", "due_date", "currency", "net", "tax", "total", "issued_at"]
    readonly_fields = fields
    verbose_name = "credit note"
    verbose_name_plural = "credit notes"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("giving_account")
