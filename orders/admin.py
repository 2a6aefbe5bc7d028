"""Staff face for orders: lines read only; transitions as actions calling the order services."""

from django.contrib import admin, messages

from core.errors import ApplicationError
from orders.admin_moves import OrderCreditNoteInline, OrderDeviceMoveInline
from orders.models import Order, OrderLine
from orders.services.create import order_cancel


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = ["product", "quantity", "ownership", "cycle", "unit_price", "currency", "selected"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Each row is labelled "4 × WorkForce (HWaaS)": its product's name in the same query.
        return super().get_queryset(request).select_related("product")


@admin.action(description="Cancel draft orders")
def cancel_orders(modeladmin, request, queryset):
    cancelled = 0
    for order in queryset.order_by("pk"):
        try:
            order_cancel(user=request.user, order=order)
        except ApplicationError as exc:
            modeladmin.message_user(request, f"{order.number}: {exc.message}", level=messages.ERROR)
        else:
            cancelled += 1
    if cancelled:
        modeladmin.message_user(request, f"{cancelled} order(s) cancelled.", level=messages.SUCCESS)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "partner", "account", "status", "quote", "po_number", "conversion_date", "created_at"]
    list_filter = ["status", "partner"]
    search_fields = ["number", "quote__number", "account__name", "po_number", "partner__name"]
    list_select_related = ["partner", "account", "quote"]
    date_hierarchy = "created_at"
    readonly_fields = ["number", "partner", "quote", "project", "account", "status", "currency", "pbx", "po_number",
                       "conversion_date", "confirmed_at", "confirmed_by", "created_at"]
    inlines = [OrderLineInline, OrderDeviceMoveInline, OrderCreditNoteInline]
    actions = [cancel_orders]

    def has_add_permission(self, request):
        # An order comes only from an accepted quote.
        return False

    def has_delete_permission(self, request, obj=None):
        return False
