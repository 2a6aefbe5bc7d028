"""Pages every partner sees whatever their task: Home (tiles, recent items) and the global search.

They read every app, so they live above all of them (ARCHITECTURE.md: the portal layer).
"""

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.selectors import account_count, account_list
from billing.models import CreditNote, CreditNoteStatus
from core.views import partner_required
from devices.selectors import device_counts_by_ownership, device_list
from orders.models import Order, OrderStatus
from projects.models import Project
from quotes.models import Quote, QuoteStage

SEARCH_SECTION_SIZE = 10


@partner_required
def home(request: HttpRequest) -> HttpResponse:
    """Tiles counting the partner's work in progress, and its five most recent projects, quotes and orders."""
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
    return render(request, "portal/home.html", context)


@partner_required
def search(request: HttpRequest) -> HttpResponse:
    """One box for everything: each section holds at most ten hits, one query per section.

    A device is found by part of its serial or its MAC in any notation, an order by its number or PO number.
    """
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
             "items": list(Order.objects.filter(Q(number__icontains=query) | Q(po_number__icontains=query),
                                                partner=partner)
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
    return render(request, "portal/search.html", context)
