"""core.clock: now and today on a partner's own wall clock, moved by time-machine like every other clock read."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.clock import partner_now, partner_today


@dataclass
class Somewhere:
    """Anything with an IANA time zone will do: the clock knows no Partner model."""

    timezone: str


ROME = Somewhere("Europe/Rome")
LONDON = Somewhere("Europe/London")
AUCKLAND = Somewhere("Pacific/Auckland")
NEW_YORK = Somewhere("America/New_York")

NEW_YEARS_EVE_2330_UTC = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)


@time_machine.travel(NEW_YEARS_EVE_2330_UTC, tick=False)
def test_at_2330_utc_on_new_years_eve_it_is_already_next_year_in_rome():
    # when it is 23:30 UTC on 2026-12-31
    # then Rome (UTC+1 in winter) is at 00:30 on 2027-01-01, London still on the 31st
    assert partner_now(ROME) == dt.datetime(2027, 1, 1, 0, 30, tzinfo=ZoneInfo("Europe/Rome"))
    assert partner_now(ROME).utcoffset() == dt.timedelta(hours=1)
    assert partner_today(ROME) == dt.date(2027, 1, 1)
    assert partner_today(LONDON) == dt.date(2026, 12, 31)


@time_machine.travel(dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC), tick=False)
def test_each_partner_has_its_own_today_at_the_same_moment():
    # when it is noon UTC on 2026-12-01: 01:00 on the 2nd in Auckland (UTC+13), 07:00 on the 1st in New York
    assert partner_today(AUCKLAND) == dt.date(2026, 12, 2)
    assert partner_today(NEW_YORK) == dt.date(2026, 12, 1)
    assert partner_now(NEW_YORK).hour == 7


def test_an_explicit_moment_is_read_on_the_partners_wall_clock_whatever_the_real_time():
    # given a moment in summer time: 22:30 UTC on 2026-07-15 is 00:30 on the 16th in Rome (UTC+2)
    moment = dt.datetime(2026, 7, 15, 22, 30, tzinfo=dt.UTC)
    # then the partner's date and time follow that moment, not the clock
    assert partner_today(ROME, at=moment) == dt.date(2026, 7, 16)
    assert partner_now(ROME, at=moment).utcoffset() == dt.timedelta(hours=2)
    assert partner_today(LONDON, at=moment) == dt.date(2026, 7, 15)


def test_the_same_instant_is_returned_only_shown_in_the_partners_zone():
    moment = dt.datetime(2027, 3, 28, 0, 59, tzinfo=dt.UTC)  # one minute before Rome springs forward
    shown = partner_now(ROME, at=moment)
    assert shown == moment  # aware datetimes compare as instants
    assert (shown.hour, shown.minute, shown.utcoffset()) == (1, 59, dt.timedelta(hours=1))
    later = partner_now(ROME, at=moment + dt.timedelta(minutes=1))
    assert (later.hour, later.minute, later.utcoffset()) == (3, 0, dt.timedelta(hours=2))


def test_a_naive_moment_is_refused():
    # a naive datetime names no instant: guessing the server's zone would give some partner the wrong day
    with pytest.raises(ValueError):
        partner_today(ROME, at=dt.datetime(2026, 12, 31, 23, 30))


def test_the_clock_reads_the_time_when_asked_so_a_ticking_travel_moves_it():
    with time_machine.travel(dt.datetime(2030, 6, 1, 23, 59, 59, 900000, tzinfo=ZoneInfo("Europe/Rome"))) as traveller:
        assert partner_today(ROME) == dt.date(2030, 6, 1)
        traveller.shift(dt.timedelta(seconds=1))
        assert partner_today(ROME) == dt.date(2030, 6, 2)
