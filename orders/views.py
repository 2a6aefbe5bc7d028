"""Partner pages for orders: the list and the record page (the Confirm Order wizard lives beside them)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_fsm import can_proceed

from core.views import is_table_refresh, paginate, partner_required
from orders.models import OrderStatus
from orders.selectors import order_get, order_list, order_moves_get
from orders.totals import order_totals


@partner_required
def order_list_view(request: HttpRequest) -> HttpResponse:
    partner = request.user.partner
    search = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    if status not in OrderStatus.values:
        status = ""
    ordering = request.GET.get("sort", "-created_at")
    page = paginate(request, order_list(partner=partner, search=search, status=status, ordering=ordering))
    context = {"nav": "orders", "page_obj": page, "search": search, "status": status, "ordering": ordering,
               "statuses": OrderStatus.choices}
    template = "orders/_order_table.html" if is_table_refresh(request) else "orders/order_list.html"
    return render(request, template, context)


def _path_steps(status: str) -> list[dict]:
    steps = [OrderStatus.DRAFT, OrderStatus(status) if status == OrderStatus.CANCELLED else OrderStatus.CONFIRMED]
    current = 0 if status == OrderStatus.DRAFT else 1
    return [{"label": step.label, "state": "complete" if i < current else "current" if i == current else "incomplete"}
            for i, step in enumerate(steps)]


@partner_required
def order_detail_view(request: HttpRequest, order_id: int) -> HttpResponse:
    partner = request.user.partner
    order = order_get(partner=partner, order_id=order_id)
    lines = list(order.lines.all())
    moves = order_moves_get(partner=partner, order=order)
    totals = order_totals(lines=lines, currency=order.currency,
                          first_charges=[sub.first_period_charge for sub in moves.subscriptions
                                         if sub.first_period_charge is not None])
    context = {
        "nav": "orders",
        "order": order,
        "lines": lines,
        # The highlights' total is what ships new: transferred lines are devices the partner already has.
        "total": totals.shipped,
        "totals": totals,
        "moves": moves,
        "path_steps": _path_steps(order.status),
        # The Confirm Order button is offered exactly when the order's state machine allows `confirm`.
        "can_confirm": can_proceed(order.confirm),
    }
    return render(request, "orders/order_detail.html", context)
