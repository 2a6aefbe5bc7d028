"""Template helpers shared by every partner page: money, dates, badges, sortable headers.

Money and dates follow the partner's language (Partner.language). Filters cannot see the
template context, so the language lives in a context variable that `core.views.partner_required`
sets at the start of every partner request (`use_partner_language`); it defaults to English.
"""

import datetime as dt
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation

from django.template import Library
from django.utils import timezone
from django.utils.html import format_html_join

from core.money import format_money

register = Library()

_language: ContextVar[str] = ContextVar("portal_language", default="en")

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DAY_FIRST_LANGUAGES = ("it", "de", "fr", "es", "pt", "nl")

# Status value → SLDS badge modifier; anything unknown is a plain grey badge.
BADGE_THEMES = {
    "active": "slds-theme_success",
    "accepted": "slds-theme_success",
    "confirmed": "slds-theme_success",
    "issued": "slds-theme_success",
    "open": "slds-badge_lightest",
    "draft": "slds-badge_lightest",
    "presented": "slds-badge_inverse",
    "scheduled": "slds-theme_warning",
    "expired": "slds-theme_warning",
    "rejected": "slds-theme_error",
    "cancelled": "slds-theme_error",
    "void": "slds-theme_error",
    "ended": "",
    "closed": "",
    "hwaas": "portal-badge_hwaas",
    "capex": "portal-badge_capex",
}


def use_partner_language(language: str | None) -> None:
    """Format money and dates for this language for the rest of the request."""
    _language.set((language or "en").lower())


def current_language() -> str:
    return _language.get()


@register.filter
def money(amount, currency: str = "") -> str:
    """`{{ amount|money:currency }}` → 1.234,56 EUR (Italian partner) or 1,234.56 GBP (British one)."""
    if amount is None or amount == "":
        return "—"
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount)
    return format_money(value, currency or "", locale=current_language()).strip()


@register.filter
def pdate(value) -> str:
    """`{{ date|pdate }}` → 25/11/2026 for day-first languages, 25 Nov 2026 for English."""
    if value in (None, ""):
        return "—"
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    if not isinstance(value, dt.date):
        return str(value)
    if current_language().startswith(DAY_FIRST_LANGUAGES):
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"


@register.filter
def badge_theme(status) -> str:
    """The SLDS class for a status badge: `<span class="slds-badge {{ s|badge_theme }}">`."""
    return BADGE_THEMES.get(str(status), "")


@register.inclusion_tag("includes/sort_header.html", takes_context=True)
def sort_header(context, field: str, label: str, *, hx_target: str = "", align: str = ""):
    """A sortable `<th>`: `{% sort_header "name" "Account Name" %}`; reads and flips `ordering`.

    The link keeps every other query parameter and drops `page` (a new order starts at page 1).
    """
    request = context["request"]
    current = context.get("ordering") or request.GET.get("sort", "")
    if current == field:
        direction, next_sort = "ascending", f"-{field}"
    elif current == f"-{field}":
        direction, next_sort = "descending", field
    else:
        direction, next_sort = "none", field
    params = request.GET.copy()
    params["sort"] = next_sort
    params.pop("page", None)
    return {
        "label": label,
        "href": "?" + params.urlencode(),
        "direction": direction,
        "hx_target": hx_target,
        "align": align,
    }


@register.simple_tag(takes_context=True)
def page_url(context, page_number, param: str = "page") -> str:
    """`?…&page=N` keeping every other query parameter (search, filters, sort)."""
    params = context["request"].GET.copy()
    params[param] = page_number
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def hidden_query_fields(context, *exclude: str):
    """Hidden inputs for the current query parameters except `exclude`, so a GET form keeps the others."""
    params = context["request"].GET
    pairs = [(key, value) for key in params for value in params.getlist(key) if key not in exclude]
    return format_html_join("", '<input type="hidden" name="{}" value="{}">', pairs)


@register.filter
def hyphenate(value) -> str:
    """`custom_notification` → `custom-notification` (SLDS icon class names)."""
    return str(value).replace("_", "-")


@register.filter
def minutes(value) -> int:
    """A timedelta in whole minutes, rounded up (the lockout page's cool-off)."""
    if not isinstance(value, dt.timedelta):
        return 0
    return -(-int(value.total_seconds()) // 60)
