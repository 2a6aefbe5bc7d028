"""Orders over REST v1 (read side): the list and one order with its lines. Confirmation lives in confirm.py."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from accounts.api.serializers import AccountSummarySerializer
from core.api import IdField, PartnerScopedMixin, QueryParamsSerializer, error_responses, list_error_responses
from core.money import ZERO
from orders.models import Order, OrderLine, OrderStatus
from orders.selectors import ORDER_ORDERINGS, order_get, order_list_with_lines


class OrderLineSerializer(serializers.ModelSerializer):
    product = serializers.CharField(source="product.sku", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)

    class Meta:
        model = OrderLine
        fields = ["id", "product", "product_name", "quantity", "ownership", "cycle", "unit_price", "currency",
                  "selected"]
        read_only_fields = fields


class OrderSerializer(serializers.ModelSerializer):
    """An order with its lines: `selected` lines ship new from the vendor, unselected ones are transfers."""

    account = AccountSummarySerializer(read_only=True)
    quote_number = serializers.CharField(source="quote.number", read_only=True)
    total = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    lines = OrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = ["id", "number", "status", "quote", "quote_number", "project", "account", "currency", "total",
                  "pbx", "po_number", "conversion_date", "confirmed_at", "created_at", "lines"]
        read_only_fields = fields


class OrderFilterSerializer(QueryParamsSerializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                   help_text="Part of the order number, quote number, PO number or account name.")
    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False, allow_blank=True)
    account = IdField(required=False)
    ordering = serializers.ChoiceField(choices=sorted(ORDER_ORDERINGS), required=False, default="-created_at")


@extend_schema(parameters=[OrderFilterSerializer], responses={200: OrderSerializer, **list_error_responses()})
class OrderListApi(PartnerScopedMixin, generics.ListAPIView):
    """The partner's orders, newest first, with their lines."""

    serializer_class = OrderSerializer
    queryset = Order.objects.none()

    def get_queryset(self):
        filters = OrderFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return order_list_with_lines(partner=self.partner, search=data.get("search", ""),
                                     status=data.get("status", ""), account_id=data.get("account"),
                                     ordering=data["ordering"])


@extend_schema(responses={200: OrderSerializer, **error_responses(401, 403, 404)})
class OrderDetailApi(PartnerScopedMixin, generics.RetrieveAPIView):
    """One order with its lines; another partner's order is a 404."""

    serializer_class = OrderSerializer
    queryset = Order.objects.none()

    def get_object(self):
        order = order_get(partner=self.partner, order_id=self.kwargs["id"])
        order.total = sum((line.unit_price * line.quantity for line in order.lines.all()), ZERO)
        return order


urlpatterns = [
    path("orders/", OrderListApi.as_view(), name="api-order-list"),
    path("orders/<id:id>/", OrderDetailApi.as_view(), name="api-order-detail"),
]
