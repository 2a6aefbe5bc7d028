"""How a stored quote PDF is sent to a browser, for the partner pages and the customer's signing page."""

from django.db.models.fields.files import FieldFile
from django.http import FileResponse


def pdf_response(field_file: FieldFile, filename: str, *, download: bool) -> FileResponse:
    """Stream a stored PDF; private and never cached, since the link alone authorises it."""
    response = FileResponse(field_file.open("rb"), content_type="application/pdf", as_attachment=download,
                            filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response
