"""Accounts over REST v1: output serializers, the list filters and the token exchange."""

from rest_framework import serializers

from accounts.models import Account, Pbx
from accounts.selectors import ACCOUNT_ORDERINGS
from core.api import QueryParamsSerializer


class AccountSummarySerializer(serializers.ModelSerializer):
    """An account as other resources refer to it."""

    class Meta:
        model = Account
        fields = ["id", "name"]
        read_only_fields = fields


class PbxSummarySerializer(serializers.ModelSerializer):
    """A PBX as other resources refer to it."""

    class Meta:
        model = Pbx
        fields = ["id", "serial", "cycle"]
        read_only_fields = fields


class PbxSerializer(serializers.ModelSerializer):
    """A PBX with its billing cycle and current licence period [period_start, period_end)."""

    class Meta:
        model = Pbx
        fields = ["id", "serial", "cycle", "period_start", "period_end", "has_active_subscriptions"]
        read_only_fields = fields


class AccountSerializer(serializers.ModelSerializer):
    """An end customer in a list, with how many devices it holds."""

    device_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Account
        fields = ["id", "name", "contact_name", "contact_email", "city", "device_count", "created_at"]
        read_only_fields = fields


class AccountDetailSerializer(serializers.ModelSerializer):
    """An end customer with its PBXs (the one carrying active subscriptions first)."""

    pbxs = PbxSerializer(many=True, read_only=True)

    class Meta:
        model = Account
        fields = ["id", "name", "contact_name", "contact_email", "city", "created_at", "pbxs"]
        read_only_fields = fields


class AccountFilterSerializer(QueryParamsSerializer):
    search = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Part of the name, contact name or city."
    )
    ordering = serializers.ChoiceField(choices=sorted(ACCOUNT_ORDERINGS), required=False, default="name")


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text='Send it as "Authorization: Token <token>".')
