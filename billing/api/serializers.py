"""Billing's REST v1 serializers: credit notes and the one serializer of a credit line."""

from rest_framework import serializers

from billing.models import CreditNote, CreditNoteStatus
from core.api import IdField, QueryParamsSerializer


class CreditLineSerializer(serializers.Serializer):
    # The fields of billing.lines.CreditLineInputs (the device as `device`): a note's lines and the
    # order preview's are both this serializer, so they cannot drift apart.
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


class CreditNoteLineSerializer(CreditLineSerializer):
    """One moved device's credit with the inputs that produced it."""

    def get_fields(self):
        # An issued note is a snapshot: its lines are only ever read.
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields


class CreditNoteSerializer(serializers.ModelSerializer):
    """A credit note to the partner: scheduled (due date), issued (number, PDF) or void."""

    lines = CreditNoteLineSerializer(many=True, read_only=True)

    class Meta:
        model = CreditNote
        fields = [
            "id",
            "number",
            "status",
            "giving_account",
            "order",
            "reason",
            "currency",
            "net",
            "tax",
            "total",
            "tax_rate",
            "conversion_date",
            "due_date",
            "issue_date",
            "issued_at",
            "lines",
        ]
        read_only_fields = fields


class CreditNoteFilterSerializer(QueryParamsSerializer):
    account = IdField(required=False, help_text="Id of the giving account.")
    status = serializers.ChoiceField(choices=CreditNoteStatus.choices, required=False)
    order = IdField(required=False, help_text="Id of the order.")
    date_from = serializers.DateField(
        required=False, help_text="Issue date (due date while scheduled) on or after this day."
    )
    date_to = serializers.DateField(
        required=False, help_text="Issue date (due date while scheduled) on or before this day."
    )
