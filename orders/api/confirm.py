"""Confirm Order over REST v1: transferable devices, the preview, and the confirmation (idempotent).

Idempotency-Key, Stripe's way: the key row is inserted in its own short transaction before the
confirmation runs, so a concurrent duplicate sees it (409 `idempotency_in_progress`); the response is
stored after. The same key with the same body (a hash of its canonical JSON) replays the stored
status and body with no second effect; with another body it is 422 `idempotency_key_reused`.
Our choice on errors: a business refusal (any ApplicationError: 4xx with our error body) is stored
and replayed, as Stripe does once a request started executing (a device id of another partner
answers 404 `not_found` from the service and is stored too); a malformed request (400 `invalid`
from the input serializer), an unknown PBX id and any unexpected failure (5xx) are not stored:
the key is released so the client can retry with the same key. An unknown order id is a 404
before the key is looked at.
"""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Pbx
from billing.api.credit_notes import CreditNoteSerializer
from core.api import IdField, PartnerScopedMixin, QueryParamsSerializer, error_responses
from core.errors import ApplicationError, Conflict
from core.models import IdempotencyKey
from devices.models import Device, Ownership
from orders.exceptions import OrderNotDraft
from orders.models import OrderStatus
from orders.services.confirm import order_confirm, order_preview
from orders.transfer_selectors import (
    TRANSFERABLE_ORDERINGS,
    order_confirmation_get,
    order_for_confirm_get,
    order_product_ids,
    product_ids_parse,
    transferable_devices,
)

# --- input ---------------------------------------------------------------------------------------------------


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


# --- output --------------------------------------------------------------------------------------------------


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


class PreviewCreditLineSerializer(serializers.Serializer):
    device = serializers.IntegerField(source="device_id")
    serial = serializers.CharField()
    product_name = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    credited_from = serializers.DateField()
    credited_days = serializers.IntegerField()
    period_days = serializers.IntegerField()
    period_price = serializers.DecimalField(max_digits=14, decimal_places=2)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
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


# --- idempotency ---------------------------------------------------------------------------------------------


class IdempotencyKeyReused(ApplicationError):
    status_code = 422
    default_code = "idempotency_key_reused"


class IdempotencyInProgress(Conflict):
    default_code = "idempotency_in_progress"


def request_hash(*, endpoint: str, data) -> str:
    canonical = json.dumps({"endpoint": endpoint, "body": data}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_begin(*, user, key: str, endpoint: str, digest: str) -> tuple[IdempotencyKey | None, Response | None]:
    """Claim the key (committed at once, so a concurrent duplicate sees it) or answer from it."""
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(user=user, key=key, endpoint=endpoint, request_hash=digest), None
    except IntegrityError:
        existing = IdempotencyKey.objects.get(user=user, key=key)
    if existing.endpoint != endpoint or existing.request_hash != digest:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was used with another request; use a new key for a new request.",
            extra={"key": key},
        )
    if existing.completed_at is None:
        raise IdempotencyInProgress(
            "A request with this Idempotency-Key is still being processed; retry later.", extra={"key": key}
        )
    response = Response(existing.response_body, status=existing.response_status)
    response["Idempotent-Replayed"] = "true"
    return None, response


def idempotency_finish(*, row: IdempotencyKey, status: int, body) -> None:
    row.response_status = status
    row.response_body = body
    row.completed_at = timezone.now()
    row.save(update_fields=["response_status", "response_body", "completed_at"])


IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="Replays the first response for the same key and body; 422 with another body; 409 while the "
                "first is still running.",
)


# --- views ---------------------------------------------------------------------------------------------------


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
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return Response(self._confirm(request, order))
        if len(key) > 255:
            raise ValidationError({"Idempotency-Key": ["At most 255 characters."]})
        row, replay = idempotency_begin(
            user=request.user, key=key, endpoint=request.path, digest=request_hash(endpoint=request.path,
                                                                                   data=request.data),
        )
        if replay is not None:
            return replay
        try:
            body = self._confirm(request, order)
        except ApplicationError as refusal:
            # The confirmation ran and said no: that answer is the key's, replayed on a retry.
            body = {"code": refusal.code, "message": refusal.message, "extra": refusal.extra}
            idempotency_finish(row=row, status=refusal.status_code, body=body)
            raise
        except Exception:
            # Malformed input, an unknown id or a crash: release the key so the client may retry with it.
            IdempotencyKey.objects.filter(pk=row.pk).delete()
            raise
        idempotency_finish(row=row, status=200, body=body)
        return Response(body)

    def _confirm(self, request, order) -> dict:
        data = _confirm_input(request)
        order_confirm(
            order=order, user=request.user, pbx=_pbx_get(partner=self.partner, pbx_id=data["pbx"]),
            unselected_lines=data["unselected_lines"], transfers=data["transfers"], po_number=data["po_number"],
        )
        confirmed = order_confirmation_get(partner=self.partner, order_id=order.pk)
        return json.loads(json.dumps(OrderConfirmationSerializer(confirmed).data))


urlpatterns = [
    path("orders/<id:id>/transferable-devices/", TransferableDevicesApi.as_view(),
         name="order-transferable-devices"),
    path("orders/<id:id>/preview/", OrderPreviewApi.as_view(), name="order-preview"),
    path("orders/<id:id>/confirm/", OrderConfirmApi.as_view(), name="order-confirm"),
]
