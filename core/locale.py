"""The display locale: money, dates and percentages as the partner's users read them (Babel).

One context manager, `use_locale`, sets the partner's conventions (Partner.language and country)
for our formatters and restores the previous ones on exit; `PartnerLocaleMiddleware` wraps each
request in it, so nothing set for one request survives into the next one on the same thread. The
public signing page, the PDFs and the emails enter it with the quote's or note's partner. Every
formatted amount, date and percentage comes from the three `format_*` functions below.

Django's own translation stays on settings.LANGUAGE_CODE: Partner.language means "date and number
conventions", the pages are written in English, and Django's messages (form errors) must not switch
language under them.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError, localedata
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from core.money import quantize

# "medium" everywhere: CLDR's "short" dates carry a two-digit year in it, de, fr and en_US.
DATE_FORMAT = "medium"

_locale: ContextVar[Locale | None] = ContextVar("display_locale", default=None)


def default_language() -> str:
    """English, the language of every page nobody has signed in to (settings.LANGUAGE_CODE)."""
    return settings.LANGUAGE_CODE


@lru_cache(maxsize=64)
def babel_locale(language: str | None, country: str | None = None) -> Locale:
    """The Babel locale for a partner: "it" + "IT" → it_IT, "en" + "GB" → en_GB.

    A language that names its own territory ("en-gb") keeps it; a language + country pair CLDR does
    not know falls back to the language alone, and an unknown language to the default.
    """
    code = (language or default_language()).strip().replace("-", "_")
    try:
        locale = Locale.parse(code)
    except (ValueError, TypeError, UnknownLocaleError):
        locale = Locale.parse(default_language().replace("-", "_"))
    if locale.territory is None and country:
        combined = f"{locale.language}_{country.strip().upper()}"
        if localedata.exists(combined):
            locale = Locale.parse(combined)
    return locale


def current_locale() -> Locale:
    """The locale of the request, document or email being rendered; the default outside any."""
    return _locale.get() or babel_locale(None)


@contextmanager
def use_locale(language: str | None, country: str | None = None) -> Iterator[Locale]:
    """Format in this partner's conventions until the block ends, then restore what was before."""
    locale = babel_locale(language, country)
    token = _locale.set(locale)
    try:
        yield locale
    finally:
        _locale.reset(token)


def format_money(amount: Decimal, currency: str) -> str:
    """1.234,56 € for an Italian partner, £1,234.56 for a British one; rounded half-up to cents first."""
    value = quantize(amount)
    if not currency:
        return babel_numbers.format_decimal(value, format="#,##0.00", locale=current_locale())
    return babel_numbers.format_currency(value, currency, locale=current_locale())


def format_date(day: dt.date | dt.datetime | str) -> str:
    """25 nov 2026 for an Italian partner, 25 Nov 2026 for a British one; ISO strings (snapshots) accepted."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    if isinstance(day, dt.datetime):
        day = (timezone.localtime(day) if timezone.is_aware(day) else day).date()
    return babel_dates.format_date(day, format=DATE_FORMAT, locale=current_locale())


def format_percent(rate: Decimal | str) -> str:
    """A tax rate given in percent (22.00, 7.7) as the locale writes it: 22%, 7,7%; no digit dropped."""
    return babel_numbers.format_percent(
        Decimal(rate) / 100, locale=current_locale(), decimal_quantization=False
    )


class PartnerLocaleMiddleware:
    """Render each response in the signed-in partner's conventions, and reset them afterwards.

    Anonymous visitors and vendor staff get the default. The API needs nothing here: it emits raw
    values (amounts as strings, ISO dates), whether DRF authenticates the request by session or,
    after middleware, by token.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        partner = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "partner_id", None):
            partner = user.partner
        with use_locale(partner.language if partner else None, partner.country if partner else None):
            return self.get_response(request)
