from functools import cache

from django.conf import settings
from django.urls import NoReverseMatch, reverse

# The community's tabs, in its order: (key, label, url name).
NAV_TABS = [
    ("home", "Home", "home"),
    ("accounts", "Accounts", "accounts:list"),
    ("projects", "Projects", "projects:list"),
    ("quotes", "Quotes", "quotes:list"),
    ("orders", "Orders", "orders:list"),
    ("devices", "Devices", "devices:list"),
    ("billing", "Orders and Billing", "billing:balance"),
]


@cache
def _tabs() -> tuple[tuple[str, str, str], ...]:
    tabs = []
    for key, label, url_name in NAV_TABS:
        try:
            tabs.append((key, label, reverse(url_name)))
        except NoReverseMatch:  # a section not installed in this deployment shows no tab
            continue
    return tuple(tabs)


def portal(request):
    user = getattr(request, "user", None)
    partner = getattr(user, "partner", None) if user is not None and user.is_authenticated else None
    return {"current_partner": partner, "nav_tabs": _tabs(), "vendor_name": settings.VENDOR["name"]}
