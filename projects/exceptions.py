"""Errors the Change Order entry point can raise, and the codes the pages and the API show."""

from enum import StrEnum

from core.errors import ApplicationError, Conflict


class ProjectErrorCode(StrEnum):
    ACCOUNT_NOT_ELIGIBLE = "account_not_eligible"
    PROJECT_CLOSED = "project_closed"


class AccountNotEligible(ApplicationError):
    default_code = ProjectErrorCode.ACCOUNT_NOT_ELIGIBLE.value


class ProjectClosed(Conflict):
    default_code = ProjectErrorCode.PROJECT_CLOSED.value
