"""Reads a partner can trigger about prices and subscriptions."""

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.models import Partner
from billing.models import CreditNote, CreditNoteLine, Subscription


def subscription_list(
    *,
    partner: Partner,
    account_id: int | None = None,
    device_id: int | None = None,
    status: str | None = None,
) -> QuerySet[Subscription]:
    qs = Subscription.objects.filter(partner=partner).select_related("device", "device__product", "account", "pbx")
    if account_id:
        qs = qs.filter(account_id=account_id)
    if device_id:
        qs = qs.filter(device_id=device_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-started_on", "-id")


def credit_note_list(
    *,
    partner: Partner,
    account_id: int | None = None,
    status: str | None = None,
    order_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[CreditNote]:
    """The partner's credit notes, newest first, with their accounts, orders and lines loaded.

    The date range applies to the issue date of issued and void notes and to the due date of
    scheduled ones: the date that matters on the Account Balance.
    """
    qs = (
        CreditNote.objects.filter(partner=partner)
        .select_related("giving_account", "order", "replaces")
        .prefetch_related(Prefetch("lines", queryset=CreditNoteLine.objects.order_by("serial", "id")))
        .annotate(balance_date=Coalesce("issue_date", "due_date"))
    )
    if account_id:
        qs = qs.filter(giving_account_id=account_id)
    if status:
        qs = qs.filter(status=status)
    if order_id:
        qs = qs.filter(order_id=order_id)
    if date_from:
        qs = qs.filter(balance_date__gte=date_from)
    if date_to:
        qs = qs.filter(balance_date__lte=date_to)
    return qs.order_by("-balance_date", "-id")


def credit_note_get(*, partner: Partner, credit_note_id: int) -> CreditNote:
    """The partner's credit note with its lines; another partner's id is a 404."""
    return get_object_or_404(credit_note_list(partner=partner), pk=credit_note_id)
