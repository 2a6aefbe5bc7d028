"""Errors the Change Order entry point can raise."""

from core.errors import ApplicationError, Conflict


class AccountNotEligible(ApplicationError):
    default_code = "account_not_eligible"


class ProjectClosed(Conflict):
    default_code = "project_closed"
