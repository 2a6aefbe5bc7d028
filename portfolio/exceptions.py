"""Portfolio errors: one domain error type (core ApplicationError) with the codes the commands show."""

from enum import StrEnum

from core.errors import ApplicationError


class PortfolioErrorCode(StrEnum):
    PORTFOLIO_INVALID = "portfolio_invalid"


class PortfolioInvalid(ApplicationError):
    """The file has errors; `errors` lists every one as `$.json.path: message`."""

    default_code = PortfolioErrorCode.PORTFOLIO_INVALID.value

    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} error(s) in the portfolio; nothing was imported", extra={"errors": errors})
        self.errors = errors
