"""An accepted quote's one Order, and a draft order's cancellation."""

from django.db import transaction
from django_fsm import can_proceed

from accounts.models import User
from core.errors import NotFound, TransitionNotAllowed
from core.numbering import document_number_next
from orders.models import Order, OrderLine
from quotes.models import Quote, QuoteStage


@transaction.atomic
def order_create_from_quote(*, quote: Quote) -> Order:
    """Create the order of an accepted quote, lines copied from it; an existing order is returned.

    The caller holds the quote's row lock (quotes.services accept under select_for_update), and
    the one-to-one quote column makes a second order impossible even without it.
    """
    if quote.stage != QuoteStage.ACCEPTED:
        raise TransitionNotAllowed("Only an accepted quote becomes an order.", extra={"stage": quote.stage})
    existing = Order.objects.filter(quote=quote).first()
    if existing is not None:
        return existing
    number = document_number_next(prefix="O", partner=quote.partner)
    order = Order.objects.create(
        partner_id=quote.partner_id, quote=quote, project_id=quote.project_id, account_id=quote.account_id,
        number=number, currency=quote.currency,
    )
    OrderLine.objects.bulk_create([
        OrderLine(order=order, quote_line=line, product_id=line.product_id, quantity=line.quantity,
                  ownership=line.ownership, cycle=line.cycle, unit_price=line.unit_price, currency=line.currency,
                  selected=True)
        for line in quote.lines.order_by("id")
    ])
    return order


@transaction.atomic
def order_cancel(*, user: User, order: Order) -> Order:
    """Cancel a draft order (staff from the admin, or the partner); a confirmed order stays confirmed."""
    if user.partner_id is not None and user.partner_id != order.partner_id:
        raise NotFound("Order not found.")
    if user.partner_id is None and not user.is_staff:
        raise NotFound("Order not found.")
    locked = Order.objects.select_for_update(of=("self",)).get(pk=order.pk)
    if not can_proceed(locked.cancel):
        raise TransitionNotAllowed(
            f"A {locked.get_status_display().lower()} order cannot be cancelled.", extra={"status": locked.status}
        )
    locked.cancel()
    locked.save(update_fields=["status"])
    return locked
