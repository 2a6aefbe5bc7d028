"""Quotes over REST v1: input serializers for lines, output serializers for quotes and their timeline."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import AccountSummarySerializer
from core.api import AsciiIntegerField, IdField, QueryParamsSerializer
from devices.models import Ownership, Product
from quotes.models import AdditionalConfiguration, Quote, QuoteLine, QuoteStage, QuoteTransition
from quotes.selectors import QUOTE_ORDERINGS, quote_proposal_ready, quote_signing_url
from quotes.services.lines import QUANTITY_MAX, QUANTITY_MIN
from quotes.totals import line_amount, quote_totals


class SkuField(serializers.SlugRelatedField):
    """A catalogue item named by its SKU. A value with a NUL character is no SKU (and PostgreSQL cannot even
    compare it): unknown, like any other SKU that does not exist."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


class QuoteLineInputSerializer(serializers.Serializer):
    product = SkuField(slug_field="sku", queryset=Product.objects.filter(is_active=True),
                                           help_text="The catalogue SKU, e.g. WF.")
    quantity = AsciiIntegerField(min_value=QUANTITY_MIN, max_value=QUANTITY_MAX)
    ownership = serializers.ChoiceField(choices=Ownership.choices)


class QuoteCreateInputSerializer(serializers.Serializer):
    additional_configuration = serializers.ChoiceField(choices=AdditionalConfiguration.choices,
                                                       default=AdditionalConfiguration.ADDITIONAL_ITEMS)
    lines = QuoteLineInputSerializer(many=True, allow_empty=True, max_length=50)


class QuoteUpdateInputSerializer(serializers.Serializer):
    lines = QuoteLineInputSerializer(many=True, allow_empty=False, max_length=50,
                                     help_text="The quote's new lines; they replace the old ones (draft only).")


class QuoteLineSerializer(serializers.ModelSerializer):
    product = serializers.CharField(source="product.sku", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)
    line_total = serializers.SerializerMethodField()

    class Meta:
        model = QuoteLine
        fields = ["id", "product", "product_name", "quantity", "ownership", "cycle", "unit_price", "line_total",
                  "currency"]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=18, decimal_places=2))
    def get_line_total(self, line: QuoteLine) -> str:
        return str(line_amount(unit_price=line.unit_price, quantity=line.quantity))


class QuoteTransitionSerializer(serializers.ModelSerializer):
    """One step of the quote's timeline: from which stage to which, how, by whom (null: customer or system)."""

    # Plain strings: the stages are the quote's `stage` enum (one enum name in the schema).
    from_stage = serializers.CharField(read_only=True)
    to_stage = serializers.CharField(read_only=True)
    by = serializers.CharField(source="by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = QuoteTransition
        fields = ["from_stage", "to_stage", "method", "by", "at", "note"]
        read_only_fields = fields


class QuoteListSerializer(serializers.ModelSerializer):
    """A quote in a list: stage, account, total and its order once accepted."""

    account = AccountSummarySerializer(read_only=True)
    total = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    order = serializers.SerializerMethodField()

    class Meta:
        model = Quote
        fields = ["id", "number", "stage", "version", "project", "account", "currency", "total", "order",
                  "valid_until", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True, help_text="The order, once accepted."))
    def get_order(self, quote: Quote) -> int | None:
        order = getattr(quote, "order", None)
        return order.pk if order else None


class QuoteSerializer(QuoteListSerializer):
    """A quote with its lines, totals, documents, signing link and timeline."""

    total = serializers.SerializerMethodField()
    lines = QuoteLineSerializer(many=True, read_only=True)
    signing_url = serializers.SerializerMethodField()
    proposal_pdf = serializers.SerializerMethodField()
    signed_pdf = serializers.SerializerMethodField()
    signer_name = serializers.CharField(source="signature.signer_name", read_only=True, default=None,
                                        allow_null=True)
    timeline = QuoteTransitionSerializer(source="transitions", many=True, read_only=True)

    class Meta(QuoteListSerializer.Meta):
        fields = [*QuoteListSerializer.Meta.fields, "additional_configuration", "pbx", "presented_at",
                  "accepted_at", "lines", "signing_url", "proposal_pdf", "signed_pdf", "signer_name", "timeline"]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=18, decimal_places=2))
    def get_total(self, quote: Quote) -> str:
        return str(quote_totals(quote=quote).net)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_signing_url(self, quote: Quote) -> str | None:
        """The customer's signing link while the quote is presented."""
        return quote_signing_url(quote=quote, request=self.context.get("request"))

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_proposal_pdf(self, quote: Quote) -> str | None:
        """The proposal PDF of the current version, once rendered (null while it is being prepared)."""
        if not quote_proposal_ready(quote=quote):
            return None
        return self._absolute(reverse("api-quote-proposal-pdf", kwargs={"id": quote.pk}))

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_signed_pdf(self, quote: Quote) -> str | None:
        if not quote.signed_pdf:
            return None
        return self._absolute(reverse("api-quote-signed-pdf", kwargs={"id": quote.pk}))


class QuoteFilterSerializer(QueryParamsSerializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                   help_text="Part of the number, account name or project title.")
    stage = serializers.ChoiceField(choices=QuoteStage.choices, required=False, allow_blank=True)
    project = IdField(required=False)
    account = IdField(required=False)
    ordering = serializers.ChoiceField(choices=sorted(QUOTE_ORDERINGS), required=False, default="-created_at")
