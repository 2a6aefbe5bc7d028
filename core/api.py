"""REST plumbing shared by every app: permission, scope, pagination, the one error format."""

import json
import re
from contextlib import ExitStack

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from django.http import Http404, JsonResponse
from django.views import defaults
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions as drf_exceptions
from rest_framework import renderers, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.converters import MAX_ID
from core.errors import ApplicationError
from core.tenancy import partner_scope


class PartnerScopedMixin:
    """Run the view inside the caller's partner scope once DRF has authenticated the request.

    DRF authenticates a token inside `initial()`, after every middleware has run, so the scope is
    entered there and held by an ExitStack that `dispatch` always closes: on success, on an error
    rendered by the exception handler, and on one that escapes it. The permission class admits only
    partner users, so the scope is never the filterless `partner=None`.
    """

    def dispatch(self, request, *args, **kwargs):
        with ExitStack() as stack:
            self._scope_stack = stack
            try:
                return super().dispatch(request, *args, **kwargs)
            finally:
                self._scope_stack = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._scope_stack.enter_context(partner_scope(request.user.partner_id))

    @property
    def partner(self):
        return self.request.user.partner


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


TOO_LARGE = {"code": "too_large", "message": "The request body is too large.", "extra": {}}
SERVER_ERROR = {"code": "server_error", "message": "A server error occurred.", "extra": {}}
BAD_REQUEST = {"code": "bad_request", "message": "The request is malformed.", "extra": {}}
FORBIDDEN = {"code": "permission_denied", "message": "You do not have permission to perform this action.",
             "extra": {}}


def exception_handler(exc, context):
    """Render every error as {"code", "message", "extra"}.

    What this leaves unhandled (a bug) reaches Django, whose handler500 (`server_error`) answers it in the
    same format under /api/.
    """
    if isinstance(exc, ApplicationError):
        return Response(
            {"code": exc.code, "message": exc.message, "extra": exc.extra}, status=exc.status_code
        )
    if isinstance(exc, RequestDataTooBig):
        return Response(TOO_LARGE, status=413)
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, drf_exceptions.ValidationError):
        body = {"code": "invalid", "message": "The request has invalid fields.",
                "extra": {"fields": _flatten(exc.detail)}}
    else:
        detail = exc.detail if isinstance(exc, drf_exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, drf_exceptions.APIException) else "error"
        body = {"code": code if isinstance(code, str) else "error", "message": str(detail), "extra": {}}
    response.data = body
    return response


class ErrorSerializer(serializers.Serializer):
    """The one error body: a machine-readable code, a message, and details (invalid fields under extra.fields)."""

    code = serializers.CharField()
    message = serializers.CharField()
    extra = serializers.DictField()


class AsciiIntegerField(serializers.IntegerField):
    """An integer; one sent as text must use ASCII digits (`int()` would read "٣" as 3)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not data.isascii():
            self.fail("invalid")
        return super().to_internal_value(data)


class IdField(AsciiIntegerField):
    """An object id given by a client: 1 to MAX_ID, so an absurd number is a 400, never a driver overflow."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class QueryParamsSerializer(serializers.Serializer):
    """Reads a list's query parameters as strictly as the schema documents them.

    A blank value (`?account=`) is "not given", as django-filter takes it; DRF reads `1.0` as the integer
    1, which the schema does not promise, so an integer must be written as one.
    """

    _INTEGER = re.compile(r"-?[0-9]+")

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            if isinstance(field, serializers.ChoiceField):
                # Blank is dropped before validation; the schema lists it as one more choice.
                field.allow_blank = True
            if isinstance(field, serializers.CharField):
                # Blank is dropped before validation: the schema says it may be sent (as a second,
                # empty string beside the pattern).
                field.allow_blank = True
                # DRF refuses NUL characters in text; say so in the schema too (as a pattern).
                field.validators = [
                    *(v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)),
                    RegexValidator(r"^[^\x00]+$", message="Null characters are not allowed."),
                ]
        return fields

    def to_internal_value(self, data):
        data = self._without_blanks(data)
        errors = {}
        for name, field in self.fields.items():
            values = data.getlist(name) if hasattr(data, "getlist") else []
            if isinstance(field, serializers.IntegerField) and not all(
                self._INTEGER.fullmatch(value) for value in values
            ):
                errors[name] = [field.error_messages["invalid"]]
        try:
            validated = super().to_internal_value(data)
        except drf_exceptions.ValidationError as invalid:
            raise drf_exceptions.ValidationError({**invalid.detail, **errors}) from None
        if errors:
            raise drf_exceptions.ValidationError(errors)
        return validated

    def _without_blanks(self, data):
        """The query with every blank value of a field left out (a field left with none is not given)."""
        if not hasattr(data, "getlist"):
            return data
        data = data.copy()
        for name in self.fields:
            if name not in data:
                continue
            values = [value for value in data.getlist(name) if value != ""]
            if values:
                data.setlist(name, values)
            else:
                del data[name]
        return data


def error_responses(*statuses: int) -> dict[int, type[ErrorSerializer]]:
    """OpenAPI responses for the given error statuses, all in the one error format."""
    return dict.fromkeys(statuses, ErrorSerializer)


def list_error_responses() -> dict[int, type[ErrorSerializer] | OpenApiResponse]:
    """OpenAPI responses of a paginated list: a bad filter (400), auth (401, 403) and a page that does not exist."""
    return {
        **error_responses(400, 401, 403),
        404: OpenApiResponse(ErrorSerializer, description="`page` is not a page of the list (past the last one)."),
    }


def not_found(request, exception):
    """The 404 of a URL no route matches: the one error format under /api/, the portal's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "message": "Not found.", "extra": {}}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception):
    """Django's 400 (a body past DATA_UPLOAD_MAX_MEMORY_SIZE is a 413): the one error format under /api/."""
    if request.path.startswith("/api/"):
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse(TOO_LARGE, status=413)
        return JsonResponse(BAD_REQUEST, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    """Django's 403 outside DRF: the one error format under /api/, the portal's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(FORBIDDEN, status=403)
    return defaults.permission_denied(request, exception)


def server_error(request):
    """A 500 (a bug, already logged by Django): the one error format under /api/, the portal's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(SERVER_ERROR, status=500)
    return defaults.server_error(request)


class PdfRenderer(renderers.BaseRenderer):
    """Lets a client ask for application/pdf; an error body still goes out as JSON text."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data).encode()
