"""Template helpers shared by every partner page: money, dates, badges, sortable headers.

Money and dates follow the locale of the response (`core.locale`): the partner's for partner
pages (PartnerLocaleMiddleware), the quote's partner on the signing page, the default otherwise.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.template import Library
from django.utils.html import format_html_join

from core.locale import format_date, format_money

register = Library()

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


@register.filter
def money(amount, currency: str = "") -> str:
    """`{{ amount|money:currency }}` → 1.234,56 € (Italian partner) or £1,234.56 (British one)."""
    if amount is None or amount == "":
        return "—"
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount)
    return format_money(value, currency or "")


@register.filter
def pdate(value) -> str:
    """`{{ date|pdate }}` → 25 nov 2026 (Italian partner) or 25 Nov 2026 (British one)."""
    if value in (None, ""):
        return "—"
    if not isinstance(value, dt.date):
        return str(value)
    return format_date(value)


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
