import re

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

_POSITIVE_INTEGER = re.compile(r"[1-9][0-9]*")


class Pagination(PageNumberPagination):
    """Page-number pagination, held to what the schema documents (positive integers).

    A `page` that is not a page of the list (past the last one, or not a positive integer, blank included)
    is a 404; a `page_size` that is not a positive integer is a 400 rather than silently the default size;
    a `page_size` above `max_page_size` is served as `max_page_size`.
    """

    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        if not self._positive_integers(request, self.page_size_query_param):
            raise ValidationError({self.page_size_query_param: ["A positive integer."]})
        if not self._positive_integers(request, self.page_query_param):
            raise NotFound(self.invalid_page_message)
        return super().paginate_queryset(queryset, request, view)

    @staticmethod
    def _positive_integers(request, name: str) -> bool:
        return all(_POSITIVE_INTEGER.fullmatch(value) for value in request.query_params.getlist(name))

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = f"Results per page (at most {self.max_page_size})."
        return parameters
