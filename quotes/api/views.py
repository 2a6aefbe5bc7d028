"""Quotes over REST v1: create on a project, edit lines while draft, move through the stages, documents."""


from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, renderers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import PartnerScopedMixin, PdfRenderer, error_responses, list_error_responses
from core.parsers import JSONParser
from projects.selectors import project_get
from quotes import services
from quotes.api.serializers import (
    QuoteCreateInputSerializer,
    QuoteFilterSerializer,
    QuoteListSerializer,
    QuoteSerializer,
    QuoteUpdateInputSerializer,
)
from quotes.exceptions import QuotePdfNotReady
from quotes.models import Quote
from quotes.selectors import quote_get, quote_list, quote_proposal_ready


def _lines(validated: list[dict]) -> list[services.LineInput]:
    return [{"product": line["product"], "quantity": line["quantity"], "ownership": line["ownership"]}
            for line in validated]


class ProjectQuoteCreateApi(PartnerScopedMixin, APIView):
    """Create a draft quote on a project; lines are priced from the price list."""

    parser_classes = [JSONParser]  # lines are objects: a form body cannot carry them

    @extend_schema(
        operation_id="projects_quotes_create",
        request=QuoteCreateInputSerializer,
        responses={201: QuoteSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, id: int):
        project = project_get(partner=self.partner, project_id=id)
        data = QuoteCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quote = services.quote_create(
            user=request.user, project=project, lines=_lines(data.validated_data["lines"]),
            additional_configuration=data.validated_data["additional_configuration"],
        )
        quote = quote_get(partner=self.partner, quote_id=quote.pk)
        return Response(QuoteSerializer(quote, context={"request": request}).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[QuoteFilterSerializer], responses={200: QuoteListSerializer,
                                                              **list_error_responses()})
class QuoteListApi(PartnerScopedMixin, generics.ListAPIView):
    """The partner's quotes, newest first, with their totals."""

    serializer_class = QuoteListSerializer
    queryset = Quote.objects.none()

    def get_queryset(self):
        filters = QuoteFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        return quote_list(partner=self.partner, search=data.get("search", ""), stage=data.get("stage", ""),
                          project_id=data.get("project"), account_id=data.get("account"), ordering=data["ordering"])


class QuoteDetailApi(PartnerScopedMixin, APIView):
    """One quote; PATCH replaces its lines while it is a draft (409 `quote_not_editable` otherwise)."""

    parser_classes = [JSONParser]  # lines are objects: a form body cannot carry them

    @extend_schema(operation_id="quotes_retrieve",
                   responses={200: QuoteSerializer, **error_responses(401, 403, 404)})
    def get(self, request, id: int):
        quote = quote_get(partner=self.partner, quote_id=id)
        return Response(QuoteSerializer(quote, context={"request": request}).data)

    @extend_schema(operation_id="quotes_partial_update", request=QuoteUpdateInputSerializer,
                   responses={200: QuoteSerializer, **error_responses(400, 401, 403, 404, 409)})
    def patch(self, request, id: int):
        quote = quote_get(partner=self.partner, quote_id=id)
        data = QuoteUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.quote_lines_replace(user=request.user, quote=quote, lines=_lines(data.validated_data["lines"]))
        quote = quote_get(partner=self.partner, quote_id=id)
        return Response(QuoteSerializer(quote, context={"request": request}).data)


_TRANSITION_RESPONSES = {
    200: QuoteSerializer,
    **error_responses(400, 401, 403, 404),
    409: OpenApiResponse(error_responses(409)[409],
                         description="The stage does not allow this move; `extra.stage` is the current stage."),
}


class _QuoteTransitionApi(PartnerScopedMixin, APIView):
    def move(self, request, id: int, service) -> Response:
        quote = quote_get(partner=self.partner, quote_id=id)
        service(user=request.user, quote=quote)
        quote = quote_get(partner=self.partner, quote_id=id)
        return Response(QuoteSerializer(quote, context={"request": request}).data)


class QuoteSubmitApi(_QuoteTransitionApi):
    """Submit Proposal: present the quote, render its PDF and email the signing link."""

    @extend_schema(operation_id="quotes_submit", request=None, responses=_TRANSITION_RESPONSES)
    def post(self, request, id: int):
        return self.move(request, id, services.quote_submit)


class QuoteAcceptApi(_QuoteTransitionApi):
    """Skip signing: accept a presented quote (recorded as skipped); its order is created."""

    @extend_schema(operation_id="quotes_accept", request=None, responses=_TRANSITION_RESPONSES)
    def post(self, request, id: int):
        return self.move(request, id, services.quote_accept_skip)


class QuoteRejectApi(_QuoteTransitionApi):
    """Record that the customer rejected a presented quote."""

    @extend_schema(operation_id="quotes_reject", request=None, responses=_TRANSITION_RESPONSES)
    def post(self, request, id: int):
        return self.move(request, id, services.quote_reject)


class QuoteReviseApi(_QuoteTransitionApi):
    """Back to draft for changes; the old signing link stops working."""

    @extend_schema(operation_id="quotes_revise", request=None, responses=_TRANSITION_RESPONSES)
    def post(self, request, id: int):
        return self.move(request, id, services.quote_revise)


class QuoteCancelApi(_QuoteTransitionApi):
    """Cancel a draft or presented quote."""

    @extend_schema(operation_id="quotes_cancel", request=None, responses=_TRANSITION_RESPONSES)
    def post(self, request, id: int):
        return self.move(request, id, services.quote_cancel)


_PDF_RESPONSES = {
    (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
    **error_responses(401, 403, 404),
    409: OpenApiResponse(error_responses(409)[409], description="`quote_pdf_not_ready`: still being prepared."),
}


class QuoteProposalPdfApi(PartnerScopedMixin, APIView):
    """The proposal PDF of the quote's current version."""

    renderer_classes = [renderers.JSONRenderer, PdfRenderer]

    @extend_schema(operation_id="quotes_proposal_pdf", responses=_PDF_RESPONSES)
    def get(self, request, id: int):
        quote = quote_get(partner=self.partner, quote_id=id)
        if not quote_proposal_ready(quote=quote):
            raise QuotePdfNotReady("The proposal PDF is being prepared.", extra={"stage": quote.stage})
        return FileResponse(quote.proposal_pdf.open("rb"), content_type="application/pdf",
                            filename=f"{quote.number}.pdf")


class QuoteSignedPdfApi(PartnerScopedMixin, APIView):
    """The signed copy of an accepted quote, with the signer's name printed on it."""

    renderer_classes = [renderers.JSONRenderer, PdfRenderer]

    @extend_schema(operation_id="quotes_signed_pdf", responses=_PDF_RESPONSES)
    def get(self, request, id: int):
        quote = quote_get(partner=self.partner, quote_id=id)
        if not quote.signed_pdf:
            raise QuotePdfNotReady("There is no signed copy (yet).", extra={"stage": quote.stage})
        return FileResponse(quote.signed_pdf.open("rb"), content_type="application/pdf",
                            filename=f"{quote.number}-signed.pdf")
