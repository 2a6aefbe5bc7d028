"""Account and login errors: one domain error type (core ApplicationError) with the codes the API shows."""

from enum import StrEnum

from core.errors import ApplicationError


class AccountErrorCode(StrEnum):
    INVALID_CREDENTIALS = "invalid_credentials"
    LOCKED_OUT = "locked_out"


class InvalidCredentials(ApplicationError):
    """The username and password match no active user."""

    default_code = AccountErrorCode.INVALID_CREDENTIALS.value


class LockedOut(ApplicationError):
    """Too many failed logins for this user name from this address: django-axes refuses the pair for a while."""

    status_code = 429
    default_code = AccountErrorCode.LOCKED_OUT.value
