"""Scheduling credit notes for a confirmed order: one per giving account, amounts from billing.calc."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from accounts.models import Account, Partner
from billing import calc
from billing.lines import CreditLineInputs
from billing.models import CreditNote, CreditNoteLine, CreditNoteReason, Subscription
from devices.models import Device

if TYPE_CHECKING:  # orders is a higher layer: the Order type is named, never imported at run time
    from orders.models import Order


@dataclass(frozen=True)
class CreditSource:
    """A moved HWaaS device, the account giving it and the subscription that account paid in advance."""

    device: Device
    giving_account: Account
    subscription: Subscription


@dataclass(frozen=True)
class CreditLinePlan(CreditLineInputs):
    """A line the note will have: what it states, the subscription it credits, and whether the
    6-month commitment moved its first credited day (the preview warns about it)."""

    subscription_id: int
    inside_commitment: bool


@dataclass(frozen=True)
class CreditNotePlan:
    """What one giving account's credit note will say; the preview shows it, the schedule books it."""

    giving_account: Account
    currency: str
    tax_rate: Decimal
    conversion_date: dt.date
    due_date: dt.date
    lines: list[CreditLinePlan]
    totals: calc.CreditNoteTotals


def credit_notes_plan(
    *, partner: Partner, conversion_date: dt.date, sources: Sequence[CreditSource]
) -> list[CreditNotePlan]:
    """One plan per giving account that has something to credit; no database access.

    CAPEX devices never reach here (they have no subscription). A device with nothing to credit
    gives no line, and an account whose devices give no line gets no credit note.
    """
    due_date = calc.credit_note_due_date(conversion_date=conversion_date, country=partner.country)
    accounts: dict[int, Account] = {}
    lines: dict[int, list[CreditLinePlan]] = {}
    for source in sources:
        subscription = source.subscription
        line = calc.credit_line(
            period_start=subscription.period_start,
            period_end=subscription.period_end,
            period_price=subscription.period_price,
            conversion_date=conversion_date,
            commitment_end=subscription.commitment_end,
        )
        if line is None:
            continue
        accounts[source.giving_account.pk] = source.giving_account
        inputs = CreditLineInputs.computed(
            device_id=source.device.pk, serial=source.device.serial, product_name=source.device.product.name,
            credit=line,
        )
        lines.setdefault(source.giving_account.pk, []).append(
            CreditLinePlan(
                **inputs.row_fields(), subscription_id=subscription.pk, inside_commitment=line.inside_commitment
            )
        )
    plans = []
    for account_id, account_lines in lines.items():
        account_lines.sort(key=lambda plan: plan.serial)
        plans.append(
            CreditNotePlan(
                giving_account=accounts[account_id],
                currency=partner.currency,
                tax_rate=partner.tax_rate,
                conversion_date=conversion_date,
                due_date=due_date,
                lines=account_lines,
                totals=calc.credit_note_totals(
                    amounts=[plan.amount for plan in account_lines], tax_rate=partner.tax_rate
                ),
            )
        )
    plans.sort(key=lambda plan: (plan.giving_account.name, plan.giving_account.pk))
    return plans


@transaction.atomic
def credit_notes_schedule(
    *, order: "Order", partner: Partner, conversion_date: dt.date, sources: Sequence[CreditSource]
) -> list[CreditNote]:
    """Book one `scheduled` credit note per giving account of `order`, with its lines and amounts.

    Numbering, the PDF and the issue date come later, when the note is issued. Two bulk inserts
    whatever the number of devices.
    """
    plans = credit_notes_plan(partner=partner, conversion_date=conversion_date, sources=sources)
    if not plans:
        return []
    notes = CreditNote.objects.bulk_create(
        [
            CreditNote(
                partner=partner,
                giving_account=plan.giving_account,
                order=order,
                reason=CreditNoteReason.ORDER_CHANGE,
                currency=plan.currency,
                tax_rate=plan.tax_rate,
                net=plan.totals.net,
                tax=plan.totals.tax,
                total=plan.totals.total,
                conversion_date=plan.conversion_date,
                due_date=plan.due_date,
            )
            for plan in plans
        ]
    )
    CreditNoteLine.objects.bulk_create(
        [
            CreditNoteLine(credit_note=note, subscription_id=line_plan.subscription_id, **line_plan.row_fields())
            for note, plan in zip(notes, plans, strict=True)
            for line_plan in plan.lines
        ]
    )
    return notes
