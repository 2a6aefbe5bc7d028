"""HWaaS subscriptions over REST v1 (read only)."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from accounts.api.serializers import AccountSummarySerializer, PbxSummarySerializer
from billing.models import Subscription, SubscriptionStatus
from billing.selectors import subscription_list
from core.api import IdField, PartnerScopedMixin, QueryParamsSerializer, list_error_responses
from devices.api.serializers import DeviceSummarySerializer


class SubscriptionSerializer(serializers.ModelSerializer):
    """The rent of one HWaaS device by one account.

    period_price is the price of one whole period as invoiced, in `currency`; the current period
    [period_start, period_end) is paid in advance. After a transfer, the first period
    [first_period_start, first_period_end) is charged pro rata as first_period_charge.
    """

    device = DeviceSummarySerializer(read_only=True)
    account = AccountSummarySerializer(read_only=True)
    pbx = PbxSummarySerializer(read_only=True, allow_null=True)
    next_billing_date = serializers.DateField(read_only=True, allow_null=True,
                                              help_text="The current period's end while active.")

    class Meta:
        model = Subscription
        fields = [
            "id",
            "device",
            "account",
            "pbx",
            "cycle",
            "currency",
            "period_price",
            "period_start",
            "period_end",
            "next_billing_date",
            "started_on",
            "commitment_end",
            "status",
            "ended_on",
            "first_period_start",
            "first_period_end",
            "first_period_charge",
        ]
        read_only_fields = fields


class SubscriptionFilterSerializer(QueryParamsSerializer):
    account = IdField(required=False, help_text="Id of the renting account.")
    device = IdField(required=False, help_text="Id of the device.")
    status = serializers.ChoiceField(choices=SubscriptionStatus.choices, required=False)


@extend_schema(
    tags=["subscriptions"],
    parameters=[SubscriptionFilterSerializer], responses={200: SubscriptionSerializer, **list_error_responses()}
)
class SubscriptionListApi(PartnerScopedMixin, generics.ListAPIView):
    """The partner's HWaaS subscriptions, newest first; filter by account, device and status."""

    serializer_class = SubscriptionSerializer
    queryset = Subscription.objects.none()

    def get_queryset(self):
        filters = SubscriptionFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        params = filters.validated_data
        return subscription_list(
            partner=self.partner,
            account_id=params.get("account"),
            device_id=params.get("device"),
            status=params.get("status"),
        )


urlpatterns = [
    path("subscriptions/", SubscriptionListApi.as_view(), name="api-subscription-list"),
]
