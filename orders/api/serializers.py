"""Orders' REST v1 serializers: the order and its lines, and Confirm Order's input, preview and result.

The preview's serializers follow orders.services.preview's dataclasses; a credit line is billing's
one credit-line serializer, so the preview states a line exactly as the scheduled note does.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import AccountSummarySerializer
from billing.api.serializers import CreditLineSerializer, CreditNoteSerializer
from core.api import IdField, QueryParamsSerializer
from devices.models import Device, Ownership
from orders.models import Order, OrderLine, OrderStatus
from orders.selectors import ORDER_ORDERINGS
from orders.totals import order_totals
from orders.transfer_selectors import TRANSFERABLE_ORDERINGS

# --- the order -----------------------------------------------------------------------------------------------------


class OrderLineSerializer(serializers.ModelSerializer):
    product = serializers.CharField(source="product.sku", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)

    class Meta:
        model = OrderLine
        fields = ["id", "product", "product_name", "quantity", "ownership", "cycle", "unit_price", "currency",
                  "selected"]
        read_only_fields = fields


class OrderTotalField(serializers.DecimalField):
    """One of orders.totals.order_totals' figures, read from the order's prefetched lines."""

    def __init__(self, *, figure: str, **kwargs):
        self.figure = figure
        super().__init__(max_digits=18, decimal_places=2, read_only=True, source="*", **kwargs)

    def get_attribute(self, instance):
        return getattr(order_totals(lines=instance.lines.all(), currency=instance.currency), self.figure)


class OrderSerializer(serializers.ModelSerializer):
    """An order with its lines: `selected` lines ship new from the vendor, unselected ones are transfers."""

    account = AccountSummarySerializer(read_only=True)
    quote_number = serializers.CharField(source="quote.number", read_only=True)
    total = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    total_shipped = OrderTotalField(figure="shipped", help_text="The lines shipped new from the vendor.")
    total_transferred = OrderTotalField(
        figure="transferred", help_text="The lines filled by transferred devices: not charged as new hardware."
    )
    lines = OrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = ["id", "number", "status", "quote", "quote_number", "project", "account", "currency", "total",
                  "total_shipped", "total_transferred", "pbx", "po_number", "conversion_date", "confirmed_at",
                  "created_at", "lines"]
        read_only_fields = fields


class OrderFilterSerializer(QueryParamsSerializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                   help_text="Part of the order number, quote number, PO number or account name.")
    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False, allow_blank=True)
    account = IdField(required=False)
    ordering = serializers.ChoiceField(choices=sorted(ORDER_ORDERINGS), required=False, default="-created_at")


# --- confirm order: input ------------------------------------------------------------------------------------------


class ConfirmInputSerializer(serializers.Serializer):
    pbx = IdField(
        allow_null=True, help_text="The receiving account's PBX with active subscriptions (null only without HWaaS)."
    )
    unselected_lines = serializers.ListField(
        child=IdField(), default=list, max_length=999,
        help_text="Order lines not shipped new: filled by the transferred devices.",
    )
    transfers = serializers.ListField(
        child=IdField(), default=list, max_length=10000,
        help_text="Devices held by the partner's other accounts, moved to the receiving account.",
    )
    po_number = serializers.CharField(max_length=64, allow_blank=True, default="")


class TransferableFilterSerializer(QueryParamsSerializer):
    product = serializers.CharField(
        required=False, allow_blank=True,
        help_text="Product id or SKU (comma-separated for several). Default: the order lines' products.",
    )
    ownership = serializers.ChoiceField(
        choices=Ownership.choices, default=Ownership.HWAAS,
        help_text="hwaas (Transfer OPEX, the default) or capex (assign CAPEX).",
    )
    search = serializers.CharField(required=False, allow_blank=True, default="",
                                   help_text="Part of a serial, a MAC or an account name.")
    ordering = serializers.ChoiceField(choices=sorted(TRANSFERABLE_ORDERINGS), default="serial")


# --- confirm order: output -----------------------------------------------------------------------------------------


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TransferProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()


class TransferableDeviceSerializer(serializers.ModelSerializer):
    """A device the order may pick, with the account that holds it now."""

    product = TransferProductSerializer(read_only=True)
    account = RefSerializer(read_only=True)
    pbx = serializers.CharField(source="pbx.serial", allow_null=True, read_only=True, default=None)
    ownership = serializers.CharField(read_only=True)

    class Meta:
        model = Device
        fields = ["id", "serial", "mac", "product", "ownership", "account", "pbx"]
        read_only_fields = fields


class PreviewShipNewSerializer(serializers.Serializer):
    line_id = serializers.IntegerField()
    product_id = serializers.IntegerField()
    product_sku = serializers.CharField()
    product_name = serializers.CharField()
    quantity = serializers.IntegerField()
    ownership = serializers.CharField()
    cycle = serializers.CharField()
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2)
    line_total = serializers.DecimalField(max_digits=16, decimal_places=2)
    currency = serializers.CharField()


class PreviewLineFillSerializer(serializers.Serializer):
    line_id = serializers.IntegerField()
    product_id = serializers.IntegerField()
    product_name = serializers.CharField()
    ownership = serializers.CharField()
    quantity = serializers.IntegerField()
    picked = serializers.IntegerField()


class PreviewSubscriptionSerializer(serializers.Serializer):
    device = serializers.IntegerField(source="device_id")
    serial = serializers.CharField()
    product_name = serializers.CharField()
    cycle = serializers.CharField()
    currency = serializers.CharField()
    period_price = serializers.DecimalField(max_digits=14, decimal_places=2)
    first_period_start = serializers.DateField()
    first_period_end = serializers.DateField()
    first_period_days = serializers.IntegerField()
    pbx_period_days = serializers.IntegerField()
    first_period_charge = serializers.DecimalField(max_digits=14, decimal_places=2)
    commitment_end = serializers.DateField()


class PreviewMoveSerializer(serializers.Serializer):
    device = serializers.IntegerField(source="device_id")
    serial = serializers.CharField()
    mac = serializers.CharField(allow_null=True)
    product_id = serializers.IntegerField()
    product_name = serializers.CharField()
    ownership = serializers.CharField()
    line = serializers.IntegerField(source="line_id")
    subscription = PreviewSubscriptionSerializer(allow_null=True)


class PreviewGivingAccountSerializer(serializers.Serializer):
    account = serializers.IntegerField(source="account_id")
    account_name = serializers.CharField()
    moves = PreviewMoveSerializer(many=True)


class PreviewCreditLineSerializer(CreditLineSerializer):
    # What the note's line will state (billing's one credit-line serializer), and whether the
    # 6-month commitment moved its first credited day.
    inside_commitment = serializers.BooleanField()


class PreviewCreditNoteSerializer(serializers.Serializer):
    giving_account = serializers.IntegerField(source="giving_account_id")
    giving_account_name = serializers.CharField()
    status = serializers.SerializerMethodField()
    currency = serializers.CharField()
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    net = serializers.DecimalField(max_digits=14, decimal_places=2)
    tax = serializers.DecimalField(max_digits=14, decimal_places=2)
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    due_date = serializers.DateField()
    lines = PreviewCreditLineSerializer(many=True)

    def get_status(self, obj) -> str:
        return "scheduled"


class OrderPreviewSerializer(serializers.Serializer):
    """What confirming would do, computed by the same code as the confirmation; nothing is written."""

    order = serializers.IntegerField(source="order_id")
    number = serializers.CharField(source="order_number")
    conversion_date = serializers.DateField()
    receiving_account = serializers.IntegerField(source="receiving_account_id")
    receiving_account_name = serializers.CharField()
    pbx = serializers.IntegerField(source="pbx_id", allow_null=True)
    pbx_serial = serializers.CharField(allow_null=True)
    cycle = serializers.CharField(allow_null=True)
    po_number = serializers.CharField()
    currency = serializers.CharField()
    ships_new = PreviewShipNewSerializer(many=True)
    line_fills = PreviewLineFillSerializer(many=True)
    moves_by_account = PreviewGivingAccountSerializer(many=True)
    credit_notes = PreviewCreditNoteSerializer(many=True)
    subscriptions = PreviewSubscriptionSerializer(many=True)
    credit_total = serializers.DecimalField(max_digits=16, decimal_places=2)
    first_period_total = serializers.DecimalField(max_digits=16, decimal_places=2)
    warnings = serializers.ListField(child=serializers.CharField())


class MovedDeviceSerializer(serializers.Serializer):
    device = serializers.IntegerField(source="device_id")
    serial = serializers.CharField(source="device.serial")
    product = serializers.CharField(source="device.product.name")
    ownership = serializers.CharField()
    giving_account = RefSerializer()
    line = serializers.IntegerField(source="line_id")


class ConfirmedSubscriptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    device = serializers.IntegerField(source="device_id")
    serial = serializers.CharField(source="device.serial")
    cycle = serializers.CharField()
    currency = serializers.CharField()
    period_price = serializers.DecimalField(max_digits=14, decimal_places=2)
    first_period_start = serializers.DateField()
    first_period_end = serializers.DateField()
    first_period_charge = serializers.DecimalField(max_digits=14, decimal_places=2)
    commitment_end = serializers.DateField()
    previous = serializers.IntegerField(source="previous_id", allow_null=True)


class OrderConfirmationSerializer(serializers.Serializer):
    """The confirmed order: what moved, the scheduled credit notes and the receiving subscriptions."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    account = RefSerializer()
    pbx = serializers.IntegerField(source="pbx_id", allow_null=True)
    po_number = serializers.CharField()
    conversion_date = serializers.DateField()
    confirmed_at = serializers.DateTimeField()
    confirmed_by = serializers.IntegerField(source="confirmed_by_id")
    moved_devices = MovedDeviceSerializer(source="moves", many=True)
    credit_notes = CreditNoteSerializer(many=True)
    subscriptions = serializers.SerializerMethodField()

    @extend_schema_field(ConfirmedSubscriptionSerializer(many=True))
    def get_subscriptions(self, order) -> list:
        started = [move.new_subscription for move in order.moves.all() if move.new_subscription is not None]
        return ConfirmedSubscriptionSerializer(started, many=True).data
