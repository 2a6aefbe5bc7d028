"""The one clock: now and today in a partner's own time zone.

Validity dates, conversion dates, due dates and the year in a document number are the partner's
dates, not the server's: at 23:30 UTC on 31 December it is already next year in Rome. Everything
reads the time through `django.utils.timezone.now()` here, so a test that moves the clock moves it
for every rule at once.
"""

import datetime as dt
from typing import Protocol
from zoneinfo import ZoneInfo

from django.utils import timezone


class HasTimezone(Protocol):
    """Anything that names an IANA time zone, as a partner does (core imports no app)."""

    timezone: str


def partner_now(partner: HasTimezone, at: dt.datetime | None = None) -> dt.datetime:
    """The moment `at` (default: now) as an aware datetime on the partner's wall clock."""
    moment = timezone.now() if at is None else at
    if timezone.is_naive(moment):
        raise ValueError("partner_now needs an aware datetime: a naive one names no moment")
    return moment.astimezone(ZoneInfo(partner.timezone))


def partner_today(partner: HasTimezone, at: dt.datetime | None = None) -> dt.date:
    """The partner's calendar date at the moment `at` (default: now)."""
    return partner_now(partner, at).date()
