"""Pages every partner sees whatever their task: Home and the global search; shared view helpers."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.selectors import account_count, account_list
from billing.models import CreditNote, CreditNoteStatus
from core.templatetags.portal import use_partner_language
from devices.selectors import device_counts_by_ownership, device_list
from orders.models import Order, OrderStatus
from projects.models import Project
from quotes.models import Quote, QuoteStage

PAGE_SIZE = 25
SEARCH_SECTION_SIZE = 10


def partner_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Partner pages: anonymous users go to the login page, vendor staff (no partner) to the admin.

    Also sets the partner's language for money and date formatting in templates.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.partner_id:
            return redirect("admin:index")
        use_partner_language(user.partner.language)
        return view(request, *args, **kwargs)

    return wrapper


def paginate(request: HttpRequest, queryset: QuerySet, *, per_page: int = PAGE_SIZE, param: str = "page") -> Page:
    """One page of a list (25 rows); a bad or too-large page number shows the nearest valid page."""
    return Paginator(queryset, per_page).get_page(request.GET.get(param))


def is_table_refresh(request: HttpRequest) -> bool:
    """An htmx request that wants only the table partial.

    Boosted navigations and history restores (Back after the URL was pushed) need the whole page.
    """
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


@partner_required
def home(request: HttpRequest) -> HttpResponse:
    partner = request.user.partner
    devices = device_counts_by_ownership(partner=partner)
    tiles = [
        {"label": "Accounts", "count": account_count(partner=partner), "url_name": "accounts:list", "icon": "account"},
        {"label": "HWaaS devices", "count": devices["hwaas"], "url_name": "devices:list", "query": "ownership=hwaas",
         "icon": "device"},
        {"label": "CAPEX devices", "count": devices["capex"], "url_name": "devices:list", "query": "ownership=capex",
         "icon": "device"},
        {"label": "Open quotes", "count": Quote.objects.filter(
            partner=partner, stage__in=[QuoteStage.DRAFT, QuoteStage.PRESENTED]).count(),
         "url_name": "quotes:list", "icon": "quotes"},
        {"label": "Orders to confirm", "count": Order.objects.filter(
            partner=partner, status=OrderStatus.DRAFT).count(), "url_name": "orders:list", "icon": "orders"},
        {"label": "Credit notes scheduled", "count": CreditNote.objects.filter(
            partner=partner, status=CreditNoteStatus.SCHEDULED).count(), "url_name": "billing:balance",
         "icon": "billing"},
    ]
    context = {
        "nav": "home",
        "tiles": tiles,
        "recent_projects": Project.objects.filter(partner=partner).select_related("account")
        .order_by("-created_at", "-id")[:5],
        "recent_quotes": Quote.objects.filter(partner=partner).select_related("account")
        .order_by("-created_at", "-id")[:5],
        "recent_orders": Order.objects.filter(partner=partner).select_related("account")
        .order_by("-created_at", "-id")[:5],
    }
    return render(request, "core/home.html", context)


@partner_required
def search(request: HttpRequest) -> HttpResponse:
    """One box for everything: each section holds at most ten hits, one query per section."""
    partner = request.user.partner
    query = request.GET.get("q", "").strip()[:100]
    sections = []
    if query:
        n = SEARCH_SECTION_SIZE
        sections = [
            {"key": "accounts", "title": "Accounts", "url_name": "accounts:detail",
             "items": list(account_list(partner=partner, search=query)[:n])},
            {"key": "devices", "title": "Devices", "url_name": "devices:detail",
             "items": list(device_list(partner=partner, search=query)[:n])},
            {"key": "projects", "title": "Projects", "url_name": "projects:detail",
             "items": list(Project.objects.filter(partner=partner, title__icontains=query)
                           .select_related("account").order_by("-created_at", "-id")[:n])},
            {"key": "quotes", "title": "Quotes", "url_name": "quotes:detail",
             "items": list(Quote.objects.filter(partner=partner, number__icontains=query)
                           .select_related("account").order_by("-created_at", "-id")[:n])},
            {"key": "orders", "title": "Orders", "url_name": "orders:detail",
             "items": list(Order.objects.filter(partner=partner, number__icontains=query)
                           .select_related("account").order_by("-created_at", "-id")[:n])},
            {"key": "credit_notes", "title": "Credit Notes", "url_name": "billing:credit_note_pdf",
             "items": list(CreditNote.objects.filter(partner=partner, number__icontains=query)
                           .select_related("giving_account").order_by("-created_at", "-id")[:n])},
        ]
    context = {
        "nav": "search",
        "query": query,
        "sections": sections,
        "total": sum(len(section["items"]) for section in sections),
    }
    return render(request, "core/search.html", context)
