"""Devices and their custody history over REST v1."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics

from core.api import PartnerScopedMixin, error_responses, list_error_responses
from devices.api.serializers import CustodyEventSerializer, DeviceFilterSerializer, DeviceSerializer
from devices.models import CustodyEvent, Device
from devices.selectors import custody_list, device_get, device_list


@extend_schema(
    tags=["devices"],
    parameters=[DeviceFilterSerializer],
    responses={200: DeviceSerializer, **list_error_responses()},
)
class DeviceListApi(PartnerScopedMixin, generics.ListAPIView):
    """The partner's devices; filter by holding account, product (id or SKU) and ownership, search serial or MAC."""

    serializer_class = DeviceSerializer
    queryset = Device.objects.none()

    def get_queryset(self):
        filters = DeviceFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        params = dict(filters.validated_data)
        product_sku = params.pop("product_sku", None)
        devices = device_list(
            partner=self.partner,
            account_id=params.pop("account", None),
            product_id=params.pop("product", None),
            **params,
        )
        if product_sku:
            devices = devices.filter(product__sku=product_sku)
        return devices


@extend_schema(tags=["devices"], responses={200: DeviceSerializer, **error_responses(401, 403, 404)})
class DeviceDetailApi(PartnerScopedMixin, generics.RetrieveAPIView):
    """One device; another partner's device is a 404."""

    serializer_class = DeviceSerializer
    queryset = Device.objects.none()

    def get_object(self):
        return device_get(partner=self.partner, device_id=self.kwargs["id"])


@extend_schema(tags=["devices"], responses={200: CustodyEventSerializer, **error_responses(400, 401, 403, 404)})
class DeviceCustodyApi(PartnerScopedMixin, generics.ListAPIView):
    """A device's custody history, newest first; another partner's device is a 404."""

    serializer_class = CustodyEventSerializer
    queryset = CustodyEvent.objects.none()

    def get_queryset(self):
        device = device_get(partner=self.partner, device_id=self.kwargs["id"])
        return custody_list(partner=self.partner, device=device)
