"""Import of an installed base from a JSON portfolio file (format: docs/import-format.md).

Validation reads the whole file and the matching stored rows first and collects every error with its
JSON path; only a file without errors is written, in one transaction, so a bad file changes nothing.
"""

import datetime as dt
import re
import time
from typing import Any

from django.db import transaction

from portfolio.exceptions import PortfolioInvalid
from portfolio.plan import TOP_LEVEL_ORDER, Plan
from portfolio.validate import PortfolioValidator
from portfolio.write import ImportReport, Progress, portfolio_write

__all__ = ["ImportReport", "portfolio_import", "portfolio_validate"]


def portfolio_validate(*, data: Any, today: dt.date | None = None) -> Plan:
    """Check the file against itself and the database; raise PortfolioInvalid listing every error."""
    validator = PortfolioValidator(data, today=today)
    plan = validator.run()
    if validator.errors:
        raise PortfolioInvalid(sorted(validator.errors, key=_document_order))
    return plan


def _document_order(error: str) -> tuple:
    """Errors in the order their paths appear in the file ($.partners before $.devices, [2] before [10])."""
    path = error.split(": ", 1)[0]
    section = path.split(".")[1].split("[")[0] if "." in path else ""
    position = TOP_LEVEL_ORDER.index(section) if section in TOP_LEVEL_ORDER else -1
    return position, [int(n) for n in re.findall(r"\[(\d+)\]", path)]


def portfolio_import(*, data: Any, today: dt.date | None = None, progress: Progress | None = None) -> ImportReport:
    """Create or update everything the file describes, keyed on natural keys; a second run changes nothing.

    Runs on every partner's rows: the caller opens the vendor scope.
    """
    started = time.monotonic()
    if progress:
        progress("validate", 0, 1)
    plan = portfolio_validate(data=data, today=today)
    if progress:
        progress("validate", 1, 1)
    validated = time.monotonic()
    with transaction.atomic():
        report = portfolio_write(plan, progress=progress)
    report.seconds.update(validate=validated - started, write=time.monotonic() - validated)
    return report
