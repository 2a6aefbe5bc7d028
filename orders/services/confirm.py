"""Confirming an order: validate, preview and, in one transaction, move devices, realign billing, schedule credit.

order_preview() and order_confirm() share the validation and the plan (billing.calc through the
billing services' plan functions), so the summary the partner confirms is exactly what is booked.
"""

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from accounts.models import Partner, Pbx, User
from accounts.selectors import pbx_receiving_get
from billing.services.credit_notes import credit_notes_enqueue_issue
from billing.services.scheduling import CreditSource, credit_notes_plan, credit_notes_schedule
from billing.services.subscriptions import (
    active_subscriptions_by_device,
    receiving_terms_plan,
    subscriptions_realign,
)
from core.clock import partner_today
from core.errors import NotFound
from devices.exceptions import DevicesUnavailable
from devices.models import Device, Ownership
from devices.services import devices_move
from orders.exceptions import OrderErrorCode, OrderInvalid, OrderNotDraft
from orders.models import Order, OrderDeviceMove, OrderLine, OrderStatus
from orders.rules import PickedDevice, UnselectedLine, pbx_needed, picks_allocate, receiving_pbx_problems
from orders.services.preview import (
    CreditNotePreview,
    GivingAccountMoves,
    LineFill,
    MovePreview,
    OrderPreview,
    ShipNewLine,
    SubscriptionPreview,
    TransferPlan,
    preview_build,
)
from orders.transfer_selectors import moved_by_another_order_since, picked_devices_get
from projects.services import project_close

# --- shared validation and plan ---------------------------------------------------------------------------------


def order_conversion_date(*, partner: Partner) -> dt.date:
    """The day custody and billing change hands: today in the partner's time zone (our rule)."""
    return partner_today(partner)


def _invalid(code: OrderErrorCode, message: str, **extra) -> OrderInvalid:
    return OrderInvalid(message, code=code.value, extra=extra)


def receiving_pbx_check(*, order: Order, pbx: Pbx | None, needs_pbx: bool) -> None:
    """The PBX devices go to must be the receiving account's receiving PBX (orders.rules decides, from the selector)."""
    if pbx is not None and pbx.partner_id != order.partner_id:
        raise NotFound("PBX not found.")
    problems = receiving_pbx_problems(
        account_id=order.account_id, account_name=order.account.name, pbx=pbx,
        receiving=pbx_receiving_get(partner=order.partner, account=order.account), needs_pbx=needs_pbx,
    )
    if problems:
        raise problems[0].error()


def _moved_since_check(*, order: Order, device_ids: list[int]) -> None:
    """Re-ask orders.rules' "not already moved by another order" under the lock: a race lost is a 409."""
    if not device_ids:
        return
    taken = list(
        Device.objects.filter(pk__in=device_ids)
        .filter(moved_by_another_order_since(order=order))
        .values_list("serial", flat=True)
    )
    if taken:
        raise DevicesUnavailable(taken)


def _plan(
    *,
    order: Order,
    pbx: Pbx | None,
    unselected_lines: Sequence[int],
    transfers: Sequence[int],
    conversion_date: dt.date,
) -> TransferPlan:
    """Validate the confirmation's input against DOMAIN.md's rules and compute what it does. Reads only."""
    if order.status != OrderStatus.DRAFT:
        raise OrderNotDraft(status=order.status)
    partner = order.partner
    lines = list(OrderLine.objects.filter(order=order).select_related("product").order_by("id"))
    line_ids = {line.pk for line in lines}
    unselected_ids = {int(pk) for pk in unselected_lines}
    strangers = sorted(unselected_ids - line_ids)
    if strangers:
        raise _invalid(OrderErrorCode.LINE_NOT_IN_ORDER, "Some lines are not lines of this order.", lines=strangers)

    transfer_ids = [int(pk) for pk in transfers]
    duplicates = sorted(pk for pk, n in Counter(transfer_ids).items() if n > 1)
    if duplicates:
        raise _invalid(OrderErrorCode.DUPLICATE_DEVICES, "A device was picked twice.", devices=duplicates)
    devices = picked_devices_get(partner=partner, order=order, device_ids=transfer_ids)
    if len(devices) != len(transfer_ids):
        # Missing or another partner's: deliberately the same answer.
        raise NotFound("Device not found.", extra={"devices": sorted(set(transfer_ids) - {d.pk for d in devices})})
    allocation = picks_allocate(
        receiving_account_id=order.account_id,
        receiving_account_name=order.account.name,
        unselected=[UnselectedLine.of(line) for line in lines if line.pk in unselected_ids],
        picked=[PickedDevice.of(device) for device in devices],
    )
    allocation.raise_first()
    receiving_pbx_check(
        order=order, pbx=pbx,
        needs_pbx=pbx_needed(ownerships=[*(line.ownership for line in lines), *(d.ownership for d in devices)]),
    )

    hwaas_devices = [d for d in devices if d.ownership == Ownership.HWAAS]
    giving = active_subscriptions_by_device(partner=partner, device_ids=[d.pk for d in hwaas_devices])
    terms = (
        receiving_terms_plan(partner=partner, pbx=pbx, conversion_date=conversion_date, devices=hwaas_devices)
        if hwaas_devices and pbx is not None
        else {}
    )
    sources = [
        CreditSource(device=d, giving_account=d.account, subscription=giving[d.pk])
        for d in hwaas_devices
        if d.pk in giving
    ]
    return TransferPlan(
        order=order,
        partner=partner,
        pbx=pbx,
        conversion_date=conversion_date,
        lines=lines,
        unselected_ids=unselected_ids,
        devices=devices,
        allocation=allocation,
        giving=giving,
        terms=terms,
        credit_plans=credit_notes_plan(partner=partner, conversion_date=conversion_date, sources=sources),
    )


def _user_check(*, order: Order, user: User) -> None:
    if user.partner_id != order.partner_id:
        raise NotFound("Order not found.")


# --- the services -------------------------------------------------------------------------------------------------


def order_preview(
    *,
    order: Order,
    user: User,
    pbx: Pbx | None,
    unselected_lines: Sequence[int],
    transfers: Sequence[int],
    po_number: str = "",
    conversion_date: dt.date | None = None,
) -> OrderPreview:
    """What order_confirm() would do with the same input, computed the same way; writes and locks nothing.

    `conversion_date` defaults to today in the partner's time zone; tests and the benchmark pin it.
    """
    _user_check(order=order, user=user)
    order = Order.objects.select_related("partner", "account", "project").get(pk=order.pk)
    day = conversion_date or order_conversion_date(partner=order.partner)
    plan = _plan(order=order, pbx=pbx, unselected_lines=unselected_lines, transfers=transfers, conversion_date=day)
    return preview_build(plan, po_number=po_number)


@transaction.atomic
def order_confirm(
    *,
    order: Order,
    user: User,
    pbx: Pbx | None,
    unselected_lines: Sequence[int],
    transfers: Sequence[int],
    po_number: str = "",
    conversion_date: dt.date | None = None,
) -> Order:
    """Confirm a draft order: move the picked devices, realign their billing, schedule credit notes.

    All or nothing, in one transaction. The order row is locked first (two confirmations of the
    same order queue, the second finds it confirmed), then the picked devices in id order, so two
    orders racing for a device cannot deadlock and exactly one gets it. A constant number of
    queries whatever the number of devices (bulk writes).
    """
    _user_check(order=order, user=user)
    locked = (
        Order.objects.select_for_update(of=("self",))
        .select_related("partner", "account", "project")
        .get(pk=order.pk)
    )
    day = conversion_date or order_conversion_date(partner=locked.partner)
    plan = _plan(order=locked, pbx=pbx, unselected_lines=unselected_lines, transfers=transfers, conversion_date=day)

    # Lock the picked devices in id order, then re-check each is still where it was read above:
    # a confirmation that committed meanwhile has moved it, and that one won.
    expected = {device.pk: device.account_id for device in plan.devices}
    current = dict(
        Device.objects.filter(pk__in=list(expected)).order_by("pk").select_for_update(of=("self",))
        .values_list("pk", "account_id")
    )
    taken = [d.serial for d in plan.devices if current.get(d.pk) != expected[d.pk]]
    if taken:
        raise DevicesUnavailable(taken)
    _moved_since_check(order=locked, device_ids=list(expected))

    receiving = locked.account
    devices_move(devices=plan.devices, account=receiving, pbx=pbx, moved_on=day, order=locked, user=user)
    new_subscriptions = subscriptions_realign(
        order=locked, account=receiving, pbx=pbx, conversion_date=day, terms=plan.terms,
        giving={pk: sub for pk, sub in plan.giving.items() if pk in plan.terms},
    ) if plan.terms else {}
    sources = [
        CreditSource(device=d, giving_account=d.account, subscription=plan.giving[d.pk])
        for d in plan.devices
        if d.ownership == Ownership.HWAAS and d.pk in plan.giving
    ]
    notes = credit_notes_schedule(order=locked, partner=plan.partner, conversion_date=day, sources=sources)
    OrderDeviceMove.objects.bulk_create(
        [
            OrderDeviceMove(
                order=locked,
                line_id=plan.allocation.line_of_device[d.pk],
                device=d,
                ownership=d.ownership,
                giving_account_id=d.account_id,
                giving_subscription=plan.giving.get(d.pk),
                new_subscription=new_subscriptions.get(d.pk),
            )
            for d in plan.devices
        ]
    )
    OrderLine.objects.filter(order=locked).update(
        selected=Case(When(Q(pk__in=plan.unselected_ids), then=Value(False)), default=Value(True))
    )

    locked.pbx = pbx
    locked.po_number = po_number.strip()
    locked.conversion_date = day
    locked.confirmed_at = timezone.now()
    locked.confirmed_by = user
    locked.confirm()
    locked.save(update_fields=["status", "pbx", "po_number", "conversion_date", "confirmed_at", "confirmed_by"])

    project_close(project=locked.project, at=locked.confirmed_at)
    if notes:
        # Issued by a worker after commit; the periodic sweep catches any message lost on the way.
        credit_notes_enqueue_issue(credit_note_ids=[note.pk for note in notes])
    return locked


__all__ = [
    "CreditNotePreview",
    "GivingAccountMoves",
    "LineFill",
    "MovePreview",
    "OrderPreview",
    "ShipNewLine",
    "SubscriptionPreview",
    "order_confirm",
    "order_conversion_date",
    "order_preview",
    "receiving_pbx_check",
]
