"""The number of every document: `<PREFIX>-<year>-NNNNNN`, gapless per prefix and year."""

import datetime as dt

from core.clock import HasTimezone, partner_today
from core.sequences import sequence_next


def document_number_next(*, prefix: str, partner: HasTimezone, at: dt.datetime | None = None) -> str:
    """Take the next number of `prefix` in the partner's own year at the moment `at` (default: now).

    The year is the partner's, so a quote made at 23:30 UTC on 31 December for a partner in Rome
    is numbered in the new year. One sequence row per prefix and year (key `<PREFIX>-<year>`, shared
    by all partners), locked until the caller's transaction ends: a rolled-back document gives its
    number back.
    """
    year = partner_today(partner, at).year
    key = f"{prefix}-{year}"
    return f"{key}-{sequence_next(key=key):06d}"
