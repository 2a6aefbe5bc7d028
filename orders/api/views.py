"""Orders over REST v1: the list, one order with its lines, and Confirm Order (transferable devices,
the preview, and the confirmation, idempotent through core.idempotency).

Idempotency-Key on the confirmation: a business refusal (any ApplicationError: 4xx with our error
body) is stored and replayed, as Stripe does once a request started executing (a device id of
another partner answers 404 `not_found` from the service and is stored too); a malformed request
(400 `invalid` from the input serializer), an unknown PBX id and any unexpected failure (5xx) are
not stored: the key is released so the client can retry with the same key. An unknown order id is
a 404 before the key is looked at.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Pbx
from core.api import PartnerScopedMixin, error_responses, list_error_responses
from core.idempotency import IDEMPOTENCY_HEADER, idempotent_post
from core.parsers import JSONParser
from devices.models import Device
from orders.api.serializers import (
    ConfirmInputSerializer,
    OrderConfirmationSerializer,
    OrderFilterSerializer,
    OrderPreviewSerializer,
    OrderSerializer,
    TransferableDeviceSerializer,
    TransferableFilterSerializer,
)
from orders.exceptions import OrderNotDraft
from orders.models import Order, OrderStatus
from orders.selectors import order_get, order_list_with_lines
from orders.services.confirm import order_confirm, order_preview
from orders.totals import order_totals
from orders.transfer_selectors import (
    order_confirmation_get,
    order_for_confirm_get,
    order_product_ids,
    product_ids_parse,
    transferable_devices,
)

# --- the order -------------------------------------------------------------------------------------------------


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
        order.total = order_totals(lines=order.lines.all(), currency=order.currency).total
        return order


# --- confirm order -----------------------------------------------------------------------------------------------


def _confirm_input(request) -> dict:
    data = ConfirmInputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


def _pbx_get(*, partner, pbx_id: int | None) -> Pbx | None:
    """The partner's PBX; another partner's id is a 404, like a missing one."""
    if pbx_id is None:
        return None
    return get_object_or_404(Pbx.objects.filter(partner=partner), pk=pbx_id)


@extend_schema(
    parameters=[TransferableFilterSerializer],
    responses={200: TransferableDeviceSerializer, **error_responses(400, 401, 403, 404, 409)},
)
class TransferableDevicesApi(PartnerScopedMixin, generics.ListAPIView):
    """Devices held by the partner's other accounts that this draft order may transfer (paginated).

    `ownership` hwaas (default) is the Transfer OPEX table, capex the assign CAPEX one; without
    `product` the list is limited to the products of the order's lines.
    """

    serializer_class = TransferableDeviceSerializer
    queryset = Device.objects.none()
    filter_backends: list = []

    def get_queryset(self):
        order = order_for_confirm_get(partner=self.partner, order_id=self.kwargs["id"])
        if order.status != OrderStatus.DRAFT:
            raise OrderNotDraft(status=order.status)
        filters = TransferableFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        params = filters.validated_data
        products = params.get("product", "")
        product_ids = (
            product_ids_parse(values=products.split(","))
            if products.strip()
            else order_product_ids(order=order)
        )
        return transferable_devices(
            partner=self.partner, order=order, ownership=params["ownership"], product_ids=product_ids,
            search=params.get("search", ""), ordering=params["ordering"],
        )


class OrderPreviewApi(PartnerScopedMixin, APIView):
    """What confirming this draft order with this input would do; changes nothing."""

    parser_classes = [JSONParser]  # `pbx` may be null: a form body cannot say so

    @extend_schema(
        operation_id="orders_preview",
        request=ConfirmInputSerializer,
        responses={200: OrderPreviewSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, id: int):
        order = order_for_confirm_get(partner=self.partner, order_id=id)
        data = _confirm_input(request)
        preview = order_preview(
            order=order, user=request.user, pbx=_pbx_get(partner=self.partner, pbx_id=data["pbx"]),
            unselected_lines=data["unselected_lines"], transfers=data["transfers"], po_number=data["po_number"],
        )
        return Response(OrderPreviewSerializer(preview).data)


class OrderConfirmApi(PartnerScopedMixin, APIView):
    """Confirm a draft order: move the devices, realign billing, schedule credit notes, in one transaction."""

    parser_classes = [JSONParser]  # `pbx` may be null: a form body cannot say so

    @extend_schema(
        operation_id="orders_confirm",
        request=ConfirmInputSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={200: OrderConfirmationSerializer, **error_responses(400, 401, 403, 404, 409, 422)},
    )
    def post(self, request, id: int):
        order = order_for_confirm_get(partner=self.partner, order_id=id)

        def confirm() -> dict:
            data = _confirm_input(request)
            order_confirm(
                order=order, user=request.user, pbx=_pbx_get(partner=self.partner, pbx_id=data["pbx"]),
                unselected_lines=data["unselected_lines"], transfers=data["transfers"],
                po_number=data["po_number"],
            )
            return OrderConfirmationSerializer(order_confirmation_get(partner=self.partner, order_id=order.pk)).data

        return idempotent_post(request=request, run=confirm)
