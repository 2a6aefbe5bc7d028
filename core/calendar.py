"""Business days on a country's public-holiday calendar (the `holidays` package)."""

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _calendar(country: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, years=[year])


def is_business_day(day: dt.date, *, country: str) -> bool:
    """Weekends and the country's public holidays are not business days."""
    return day.weekday() < 5 and day not in _calendar(country, day.year)


def add_business_days(start: dt.date, days: int, *, country: str) -> dt.date:
    """The date `days` business days after `start` (start itself is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        if is_business_day(current, country=country):
            remaining -= 1
    return current


def business_days_between(start: dt.date, end: dt.date, *, country: str) -> int:
    """How many business days lie in (start, end]."""
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if is_business_day(current, country=country):
            count += 1
    return count


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later, clamping to the month's end (31 Aug + 6 months = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
