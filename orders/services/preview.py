"""What the Confirm Order summary shows (screen 3, the API preview), built from one transfer plan.

The same TransferPlan is what order_confirm() books, so the partner confirms exactly what is shown.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import Partner, Pbx
from billing.models import Subscription
from billing.services.scheduling import CreditLinePlan, CreditNotePlan
from billing.services.subscriptions import ReceivingTerms
from devices.models import Device, Ownership
from orders.models import Order, OrderLine
from orders.rules import Allocation
from quotes.totals import line_amount

# --- what the summary shows (screen 3, the API preview) ------------------------------------------------------


@dataclass(frozen=True)
class ShipNewLine:
    """A selected line: shipped new by the vendor."""

    line_id: int
    product_id: int
    product_sku: str
    product_name: str
    quantity: int
    ownership: str
    cycle: str
    unit_price: Decimal
    line_total: Decimal
    currency: str


@dataclass(frozen=True)
class LineFill:
    """An unselected line and how many picked devices fill it (the running count of screen 2)."""

    line_id: int
    product_id: int
    product_name: str
    ownership: str
    quantity: int
    picked: int


@dataclass(frozen=True)
class SubscriptionPreview:
    """A moved HWaaS device's new subscription at the receiving account."""

    device_id: int
    serial: str
    product_name: str
    cycle: str
    currency: str
    period_price: Decimal
    first_period_start: dt.date
    first_period_end: dt.date
    first_period_days: int
    pbx_period_days: int
    first_period_charge: Decimal
    commitment_end: dt.date


@dataclass(frozen=True)
class MovePreview:
    device_id: int
    serial: str
    mac: str | None
    product_id: int
    product_name: str
    ownership: str
    line_id: int
    giving_account_id: int
    giving_account_name: str
    subscription: SubscriptionPreview | None


@dataclass(frozen=True)
class GivingAccountMoves:
    account_id: int
    account_name: str
    moves: list[MovePreview]


@dataclass(frozen=True)
class CreditNotePreview:
    giving_account_id: int
    giving_account_name: str
    currency: str
    tax_rate: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal
    due_date: dt.date
    lines: list[CreditLinePlan]  # what each line states (billing.lines), as the note will print it


@dataclass(frozen=True)
class OrderPreview:
    """Everything confirmation would do, computed by the same code, with nothing written."""

    order_id: int
    order_number: str
    conversion_date: dt.date
    receiving_account_id: int
    receiving_account_name: str
    pbx_id: int | None
    pbx_serial: str | None
    cycle: str | None
    po_number: str
    currency: str
    ships_new: list[ShipNewLine]
    line_fills: list[LineFill]
    moves_by_account: list[GivingAccountMoves]
    credit_notes: list[CreditNotePreview]
    subscriptions: list[SubscriptionPreview]
    credit_total: Decimal = Decimal("0.00")
    first_period_total: Decimal = Decimal("0.00")
    warnings: list[str] = field(default_factory=list)



# --- the plan both the preview and the confirmation are made from ----------------------------------------

@dataclass
class TransferPlan:
    order: Order
    partner: Partner
    pbx: Pbx | None
    conversion_date: dt.date
    lines: list[OrderLine]
    unselected_ids: set[int]
    devices: list[Device]  # in id order, with the holder read at validation time
    allocation: Allocation  # which unselected line each device fills (orders.rules)
    giving: dict[int, Subscription]
    terms: dict[int, ReceivingTerms]
    credit_plans: list[CreditNotePlan]


def _subscription_preview(device: Device, term: ReceivingTerms) -> SubscriptionPreview:
    first = term.first_period
    return SubscriptionPreview(
        device_id=device.pk,
        serial=device.serial,
        product_name=device.product.name,
        cycle=term.cycle,
        currency=term.currency,
        period_price=term.period_price,
        first_period_start=first.start,
        first_period_end=first.end,
        first_period_days=first.days,
        pbx_period_days=first.pbx_period_days,
        first_period_charge=first.charge,
        commitment_end=term.commitment_end,
    )


def preview_build(plan: TransferPlan, *, po_number: str) -> OrderPreview:
    order = plan.order
    subscriptions = {
        d.pk: _subscription_preview(d, plan.terms[d.pk]) for d in plan.devices if d.pk in plan.terms
    }
    moves: dict[int, list[MovePreview]] = defaultdict(list)
    accounts: dict[int, str] = {}
    for device in plan.devices:
        accounts[device.account_id] = device.account.name
        moves[device.account_id].append(
            MovePreview(
                device_id=device.pk,
                serial=device.serial,
                mac=device.mac,
                product_id=device.product_id,
                product_name=device.product.name,
                ownership=device.ownership,
                line_id=plan.allocation.line_of_device[device.pk],
                giving_account_id=device.account_id,
                giving_account_name=device.account.name,
                subscription=subscriptions.get(device.pk),
            )
        )
    picked = plan.allocation.picked_per_line
    credit_notes = [
        CreditNotePreview(
            giving_account_id=cp.giving_account.pk,
            giving_account_name=cp.giving_account.name,
            currency=cp.currency,
            tax_rate=cp.tax_rate,
            net=cp.totals.net,
            tax=cp.totals.tax,
            total=cp.totals.total,
            due_date=cp.due_date,
            lines=list(cp.lines),
        )
        for cp in plan.credit_plans
    ]
    warnings = []
    no_credit = [
        d.serial for d in plan.devices
        if d.ownership == Ownership.HWAAS and not any(
            lp.device_id == d.pk for cp in plan.credit_plans for lp in cp.lines
        )
    ]
    if no_credit:
        warnings.append(
            "Nothing is credited for these devices (still inside their 6-month commitment for their whole "
            f"paid period, or without an active subscription): {', '.join(sorted(no_credit))}."
        )
    inside = sorted(lp.serial for cp in plan.credit_plans for lp in cp.lines if lp.inside_commitment)
    if inside:
        warnings.append(
            "These devices are inside their 6-month commitment and are credited only from its end: "
            f"{', '.join(inside)}."
        )
    return OrderPreview(
        order_id=order.pk,
        order_number=order.number,
        conversion_date=plan.conversion_date,
        receiving_account_id=order.account_id,
        receiving_account_name=order.account.name,
        pbx_id=plan.pbx.pk if plan.pbx else None,
        pbx_serial=plan.pbx.serial if plan.pbx else None,
        cycle=plan.pbx.cycle if plan.pbx else None,
        po_number=po_number,
        currency=plan.partner.currency,
        ships_new=[
            ShipNewLine(
                line_id=line.pk,
                product_id=line.product_id,
                product_sku=line.product.sku,
                product_name=line.product.name,
                quantity=line.quantity,
                ownership=line.ownership,
                cycle=line.cycle,
                unit_price=line.unit_price,
                line_total=line_amount(unit_price=line.unit_price, quantity=line.quantity),
                currency=line.currency,
            )
            for line in plan.lines
            if line.pk not in plan.unselected_ids
        ],
        line_fills=[
            LineFill(
                line_id=line.pk,
                product_id=line.product_id,
                product_name=line.product.name,
                ownership=line.ownership,
                quantity=line.quantity,
                picked=picked.get(line.pk, 0),
            )
            for line in plan.lines
            if line.pk in plan.unselected_ids
        ],
        moves_by_account=[
            GivingAccountMoves(account_id=account_id, account_name=accounts[account_id], moves=account_moves)
            for account_id, account_moves in sorted(moves.items(), key=lambda item: (accounts[item[0]], item[0]))
        ],
        credit_notes=credit_notes,
        subscriptions=list(subscriptions.values()),
        credit_total=sum((cn.total for cn in credit_notes), Decimal("0.00")),
        first_period_total=sum((s.first_period_charge for s in subscriptions.values()), Decimal("0.00")),
        warnings=warnings,
    )
