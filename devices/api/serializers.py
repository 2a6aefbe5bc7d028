"""Devices over REST v1: output serializers and the list filters."""

from rest_framework import serializers

from accounts.api.serializers import AccountSummarySerializer, PbxSummarySerializer
from core.api import IdField, QueryParamsSerializer
from devices.models import CustodyEvent, Device, Ownership, Product
from devices.selectors import DEVICE_ORDERINGS


class ProductSummarySerializer(serializers.ModelSerializer):
    """A catalogue item as other resources refer to it."""

    class Meta:
        model = Product
        fields = ["id", "sku", "name"]
        read_only_fields = fields


class DeviceSummarySerializer(serializers.ModelSerializer):
    """A device as other resources refer to it."""

    product = ProductSummarySerializer(read_only=True)

    class Meta:
        model = Device
        fields = ["id", "serial", "product"]
        read_only_fields = fields


class DeviceSerializer(serializers.ModelSerializer):
    """One physical unit: its product, ownership, and the account and PBX holding it (none: partner stock)."""

    product = ProductSummarySerializer(read_only=True)
    account = AccountSummarySerializer(read_only=True, allow_null=True)
    pbx = PbxSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Device
        fields = ["id", "serial", "mac", "product", "ownership", "account", "pbx", "created_at", "updated_at"]
        read_only_fields = fields


class CustodyEventSerializer(serializers.ModelSerializer):
    """Who held the device over [started_on, ended_on); an open interval has no end."""

    account = AccountSummarySerializer(read_only=True, allow_null=True)
    pbx = PbxSummarySerializer(read_only=True, allow_null=True)
    order_number = serializers.CharField(
        source="order.number", read_only=True, allow_null=True, help_text="The order that moved the device."
    )

    class Meta:
        model = CustodyEvent
        fields = ["id", "account", "pbx", "started_on", "ended_on", "reason", "order_number"]
        read_only_fields = fields


class DeviceFilterSerializer(QueryParamsSerializer):
    account = IdField(required=False, help_text="Id of the holding account.")
    product = IdField(required=False, help_text="Id of the product.")
    product_sku = serializers.CharField(required=False, max_length=64, help_text="SKU of the product (exact).")
    ownership = serializers.ChoiceField(choices=Ownership.choices, required=False)
    search = serializers.CharField(
        required=False, allow_blank=True, max_length=64, help_text="Part of the serial number or MAC address."
    )
    ordering = serializers.ChoiceField(choices=sorted(DEVICE_ORDERINGS), required=False, default="serial")
