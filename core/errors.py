"""The one application error type: a code, a message, an HTTP status and extra data."""

from typing import Any


class ApplicationError(Exception):
    """A business rule said no. Views show the message; the API renders {code, message, extra}."""

    status_code = 400
    default_code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.extra = extra or {}


class NotFound(ApplicationError):
    """Missing, or another partner's: the two are deliberately indistinguishable."""

    status_code = 404
    default_code = "not_found"


class TransitionNotAllowed(ApplicationError):
    """A state machine refused the move; extra carries the current state."""

    status_code = 409
    default_code = "transition_not_allowed"


class Conflict(ApplicationError):
    status_code = 409
    default_code = "conflict"
