"""Credit notes over REST v1: list, detail and the PDF download.

GET /api/v1/credit-notes/                 filters: account, status, order, date_from, date_to
GET /api/v1/credit-notes/{id}/
GET /api/v1/credit-notes/{id}/pdf/        application/pdf; 409 `credit_note_pdf_not_ready` while the note
                                          is scheduled or its PDF is still being rendered (retry later)
"""

from django.http import FileResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, renderers
from rest_framework.views import APIView

from billing.api.serializers import CreditNoteFilterSerializer, CreditNoteSerializer
from billing.exceptions import CreditNotePdfNotReady
from billing.models import CreditNote, CreditNoteStatus
from billing.selectors import credit_note_get, credit_note_list
from core.api import PartnerScopedMixin, PdfRenderer, error_responses, list_error_responses


@extend_schema(
    parameters=[CreditNoteFilterSerializer],
    responses={200: CreditNoteSerializer, **list_error_responses()},
)
class CreditNoteListApi(PartnerScopedMixin, generics.ListAPIView):
    """The partner's credit notes (scheduled, issued, void), newest first."""

    serializer_class = CreditNoteSerializer
    queryset = CreditNote.objects.none()

    def get_queryset(self):
        filters = CreditNoteFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        params = filters.validated_data
        return credit_note_list(
            partner=self.partner,
            account_id=params.get("account"),
            status=params.get("status"),
            order_id=params.get("order"),
            date_from=params.get("date_from"),
            date_to=params.get("date_to"),
        )


@extend_schema(responses={200: CreditNoteSerializer, **error_responses(401, 403, 404)})
class CreditNoteDetailApi(PartnerScopedMixin, generics.RetrieveAPIView):
    """One credit note with its lines; another partner's note is a 404."""

    serializer_class = CreditNoteSerializer
    queryset = CreditNote.objects.none()

    def get_object(self):
        return credit_note_get(partner=self.partner, credit_note_id=self.kwargs["id"])


@extend_schema(
    responses={
        (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The credit note PDF."),
        **error_responses(401, 403, 404),
        409: OpenApiResponse(
            error_responses(409)[409],
            description="`credit_note_pdf_not_ready`: not issued yet, or the PDF is still being rendered.",
        ),
    }
)
class CreditNotePdfApi(PartnerScopedMixin, APIView):
    """The issued credit note's PDF; another partner's note is a 404."""

    renderer_classes = [renderers.JSONRenderer, PdfRenderer]

    def get(self, request, id: int):
        note = credit_note_get(partner=self.partner, credit_note_id=id)
        if note.status == CreditNoteStatus.SCHEDULED or not note.pdf:
            raise CreditNotePdfNotReady(
                "The PDF is not available yet: the credit note is issued within 5 business days.",
                extra={"status": note.status},
            )
        return FileResponse(note.document.open("rb"), content_type="application/pdf", as_attachment=True,
                            filename=f"{note.number}.pdf")


urlpatterns = [
    path("credit-notes/", CreditNoteListApi.as_view(), name="api-credit-note-list"),
    path("credit-notes/<id:id>/", CreditNoteDetailApi.as_view(), name="api-credit-note-detail"),
    path("credit-notes/<id:id>/pdf/", CreditNotePdfApi.as_view(), name="api-credit-note-pdf"),
]
