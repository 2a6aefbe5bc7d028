"""Helpers shared by the quote services: locking, checking the actor, recording a transition."""

import logging

from django_fsm import can_proceed

from accounts.models import User
from core.errors import NotFound, TransitionNotAllowed
from quotes.models import Quote, QuoteStage, QuoteTransition, TransitionMethod

__all__ = ["check_actor", "logger", "method_for", "quote_lock", "transition_apply"]

logger = logging.getLogger("quotes")

_VERBS = {
    "present": "submitted",
    "accept": "accepted",
    "reject": "rejected",
    "revise": "revised",
    "cancel": "cancelled",
    "expire": "expired",
}


def quote_lock(*, quote_id: int) -> Quote:
    """Lock the quote row for the rest of the transaction (only the quote's own row)."""
    return (
        Quote.objects.select_for_update(of=("self",))
        .select_related("partner", "account", "project")
        .get(pk=quote_id)
    )


def check_actor(*, user: User, quote: Quote) -> None:
    """A partner user acts only on its partner's quotes; vendor staff on any (from the admin)."""
    if user.partner_id is None:
        if not user.is_staff:
            raise NotFound("Quote not found.")
        return
    if user.partner_id != quote.partner_id:
        raise NotFound("Quote not found.")


def method_for(*, user: User | None, default: str) -> str:
    """Vendor staff acting from the admin are recorded as such, whatever the button."""
    if user is not None and user.partner_id is None:
        return TransitionMethod.STAFF
    return default


def transition_apply(*, quote: Quote, name: str, by: User | None, method: str, note: str = "") -> QuoteTransition:
    """Run the named FSM transition on a locked quote and record it; refusal is a 409 with the stage."""
    bound = getattr(quote, name)
    from_stage = quote.stage
    if not can_proceed(bound):
        label = QuoteStage(from_stage).label.lower()
        raise TransitionNotAllowed(
            f"A {label} quote cannot be {_VERBS[name]}.", extra={"stage": from_stage}
        )
    bound()
    return QuoteTransition.objects.create(
        quote=quote, from_stage=from_stage, to_stage=quote.stage, method=method, by=by, note=note[:255]
    )
