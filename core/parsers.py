"""The API's JSON parser: refuses a body nested deeper, or larger, than any request of the API needs."""

import io

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# The deepest request body the API documents is an object of lists of objects; 32 leaves room and
# stops a body nested 1000 deep before Python's recursion limit turns it into a 500.
MAX_DEPTH = 32

TOO_DEEP = f"JSON parse error - nested deeper than {MAX_DEPTH} levels."


def _depth(data) -> int:
    """How deep `data` nests lists and objects (a scalar is 0), walked without recursion."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with limits: too deep is a 400 parse error (never a RecursionError), too big a 413."""

    def parse(self, stream, media_type=None, parser_context=None):
        # DRF reads the body straight from the stream, past DATA_UPLOAD_MAX_MEMORY_SIZE; Django's own
        # reading of a body refuses more with RequestDataTooBig (a 413 in the API's error format).
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and stream is not None:
            body = stream.read(limit + 1)
            if len(body) > limit:
                raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
            stream = io.BytesIO(body)
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
        if _depth(data) > MAX_DEPTH:
            raise ParseError(TOO_DEEP)
        return data
