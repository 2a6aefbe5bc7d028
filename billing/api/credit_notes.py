"""Credit notes over REST v1: list, detail and the PDF download."""

from rest_framework import serializers

from billing.models import CreditNote, CreditNoteLine


class CreditNoteLineSerializer(serializers.ModelSerializer):
    """One moved device's credit with the inputs that produced it."""

    class Meta:
        model = CreditNoteLine
        fields = [
            "device",
            "serial",
            "product_name",
            "period_start",
            "period_end",
            "credited_from",
            "credited_days",
            "period_days",
            "period_price",
            "amount",
        ]
        read_only_fields = fields


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


urlpatterns: list = []
