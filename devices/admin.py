"""Staff face for the catalogue, the installed base and its custody history."""

from django.contrib import admin

from billing.models import CapexPrice, HwaasPrice
from core.admin import LargeTableAdminMixin, ReadOnlyAdminMixin
from devices.models import CustodyEvent, Device, Product


class HwaasPriceInline(admin.TabularInline):
    """The price of one whole period per currency and cycle variant (-1M / -1Y / -5Y)."""

    model = HwaasPrice
    fields = ["currency", "cycle", "price"]
    extra = 0


class CapexPriceInline(admin.TabularInline):
    model = CapexPrice
    fields = ["currency", "price"]
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "sku", "family", "is_active"]
    list_filter = ["is_active", "family"]
    search_fields = ["name", "sku", "family"]
    inlines = [HwaasPriceInline, CapexPriceInline]


class CustodyEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The device's custody history, newest first; it is a legal record and never edited here."""

    model = CustodyEvent
    fields = ["account", "pbx", "started_on", "ended_on", "reason", "order", "recorded_by"]
    readonly_fields = fields
    ordering = ["-started_on", "-id"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("account", "pbx", "order", "recorded_by")


@admin.register(Device)
class DeviceAdmin(LargeTableAdminMixin, admin.ModelAdmin):
    list_display = ["serial", "mac", "product", "ownership", "account", "pbx", "partner", "updated_at"]
    list_filter = ["ownership", "partner", "product"]
    search_fields = ["serial", "mac", "account__name"]
    list_select_related = ["product", "account", "pbx", "partner"]
    autocomplete_fields = ["partner", "product"]
    inlines = [CustodyEventInline]

    def get_readonly_fields(self, request, obj=None):
        # Who holds a device changes only through a Change Order, which keeps custody records and
        # subscriptions in step; a device added here starts in its partner's stock.
        if obj is not None:
            return ["partner", "account", "pbx", "ownership", "created_at", "updated_at"]
        return ["account", "pbx"]


@admin.register(CustodyEvent)
class CustodyEventAdmin(ReadOnlyAdminMixin, LargeTableAdminMixin, admin.ModelAdmin):
    """Custody history: read only, for every role."""

    list_display = ["device", "account", "pbx", "started_on", "ended_on", "reason", "order", "partner"]
    list_filter = ["reason", "partner"]
    search_fields = ["device__serial", "account__name"]
    list_select_related = ["device", "account", "pbx", "order", "partner"]
    # Newest first by primary key: the model's ordering (by device serial) would sort the whole table.
    ordering = ["-id"]
