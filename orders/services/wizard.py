"""The Confirm Order wizard's server-side state: one OrderWizard row per order, steps enforced here.

Screen 1 (PBX, PO) → screen 2 (lines and picked devices) → screen 3 (summary, Confirm). `step` is the
furthest screen the partner may open. Every save locks the row, so two tabs share one state instead
of forking it; once the order is confirmed every step answers `order_not_draft`.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from accounts.models import Pbx, User
from core.errors import NotFound
from devices.exceptions import DeviceErrorCode
from devices.models import CustodyEvent, Device
from orders.exceptions import OrderErrorCode, OrderInvalid, OrderNotDraft, WizardStepNotAllowed
from orders.models import Order, OrderLine, OrderStatus, OrderWizard, WizardStep
from orders.rules import PickedDevice, UnselectedLine, pbx_needed, pick_problem, picks_allocate, picks_fitting
from orders.services.confirm import order_confirm, order_preview, receiving_pbx_check
from orders.services.preview import OrderPreview
from orders.transfer_selectors import picked_devices_get

STEP_NAMES = {WizardStep.PBX: "the PBX screen", WizardStep.DEVICES: "the devices screen",
              WizardStep.SUMMARY: "the summary"}


@dataclass(frozen=True)
class MovedPick:
    """A picked device another confirmed order moved meanwhile: dropped from the picks, named on screen 2."""

    serial: str
    order_number: str

    @property
    def message(self) -> str:
        by = f" by order {self.order_number}" if self.order_number else ""
        return f"{self.serial} was moved{by} meanwhile and was removed from your picks."


@dataclass(frozen=True)
class DevicesScreen:
    """Screen 2's state once the moved picks have left: the wizard, its picks as orders.rules reads them, the moved."""

    wizard: OrderWizard
    picked: list[PickedDevice]
    moved: list[MovedPick]


def _order_check(*, order: Order, user: User) -> Order:
    """The caller's draft order, re-read (its status may have changed in another tab)."""
    if user.partner_id != order.partner_id:
        raise NotFound("Order not found.")
    current = Order.objects.select_related("partner", "account").get(pk=order.pk)
    if current.status != OrderStatus.DRAFT:
        raise OrderNotDraft(status=current.status)
    return current


def _locked(*, order: Order) -> OrderWizard:
    """The order's wizard row, locked for this transaction (created on first use)."""
    OrderWizard.objects.bulk_create([OrderWizard(order=order)], ignore_conflicts=True)
    wizard = OrderWizard.objects.select_for_update(of=("self",)).select_related("pbx").get(order=order)
    # Re-read under the lock: a confirmation from another tab holds it while it runs.
    status = Order.objects.filter(pk=order.pk).values_list("status", flat=True).get()
    if status != OrderStatus.DRAFT:
        raise OrderNotDraft(status=status)
    return wizard


def _step_check(*, wizard: OrderWizard, step: int) -> None:
    if wizard.step < step:
        raise WizardStepNotAllowed(
            f"Complete {STEP_NAMES[WizardStep(wizard.step)]} first.",
            extra={"step": wizard.step, "requested": step},
        )


def order_wizard_get_or_start(*, order: Order, user: User) -> OrderWizard:
    """The wizard of a draft order, started at screen 1 if it does not exist yet."""
    order = _order_check(order=order, user=user)
    try:
        wizard, _ = OrderWizard.objects.select_related("pbx").get_or_create(order=order)
    except IntegrityError:  # a second tab created it at the same moment
        wizard = OrderWizard.objects.select_related("pbx").get(order=order)
    return wizard


def order_wizard_open(*, order: Order, user: User, step: int) -> OrderWizard:
    """Open a screen: refused if an earlier one is not done yet, or once the order is confirmed."""
    wizard = order_wizard_get_or_start(order=order, user=user)
    _step_check(wizard=wizard, step=step)
    return wizard


@transaction.atomic
def order_wizard_save_pbx(*, order: Order, user: User, pbx: Pbx | None, po_number: str = "") -> OrderWizard:
    """Screen 1: the receiving PBX (the one with active subscriptions) and the optional PO number."""
    order = _order_check(order=order, user=user)
    wizard = _locked(order=order)
    # The same rule as the confirmation: an order with HWaaS lines needs the receiving PBX.
    ownerships = OrderLine.objects.filter(order=order).values_list("ownership", flat=True)
    receiving_pbx_check(order=order, pbx=pbx, needs_pbx=pbx_needed(ownerships=ownerships))
    wizard.pbx = pbx
    wizard.po_number = po_number.strip()
    wizard.step = max(wizard.step, WizardStep.DEVICES)
    wizard.updated_by = user
    wizard.save()
    return wizard


@transaction.atomic
def order_wizard_save_devices(
    *,
    order: Order,
    user: User,
    unselected_lines: Sequence[int],
    transfers: Sequence[int],
    conversion_date: dt.date | None = None,
) -> OrderWizard:
    """Screen 2: the unselected lines and the picked devices, validated exactly as the confirmation will."""
    order = _order_check(order=order, user=user)
    wizard = _locked(order=order)
    _step_check(wizard=wizard, step=WizardStep.DEVICES)
    order_preview(
        order=order, user=user, pbx=wizard.pbx, unselected_lines=unselected_lines, transfers=transfers,
        po_number=wizard.po_number, conversion_date=conversion_date,
    )
    wizard.unselected_lines = sorted({int(pk) for pk in unselected_lines})
    wizard.transfers = [int(pk) for pk in transfers]
    wizard.step = WizardStep.SUMMARY
    wizard.updated_by = user
    wizard.save()
    return wizard


@transaction.atomic
def order_wizard_toggle_line(*, order: Order, user: User, line: OrderLine, selected: bool) -> OrderWizard:
    """Screen 2, one tick: selecting a line again drops the picked devices it no longer has room for."""
    order = _order_check(order=order, user=user)
    wizard = _locked(order=order)
    _step_check(wizard=wizard, step=WizardStep.DEVICES)
    if line.order_id != order.pk:
        raise OrderInvalid("That line is not a line of this order.", code=OrderErrorCode.LINE_NOT_IN_ORDER.value,
                           extra={"lines": [line.pk]})
    unselected = set(wizard.unselected_lines)
    if selected:
        unselected.discard(line.pk)
    else:
        unselected.add(line.pk)
    wizard.unselected_lines = sorted(unselected)
    wizard.transfers = _fitting(order=order, unselected=unselected, transfers=wizard.transfers)
    wizard.step = min(wizard.step, WizardStep.DEVICES)
    wizard.updated_by = user
    wizard.save()
    return wizard


def _unselected(*, order: Order, line_ids: Iterable[int]) -> list[UnselectedLine]:
    lines = OrderLine.objects.filter(order=order, pk__in=list(line_ids)).select_related("product").order_by("id")
    return [UnselectedLine.of(line) for line in lines]


def _picked(*, order: Order, device_ids: list[int]) -> list[PickedDevice]:
    """The picks as orders.rules reads them, in picking order (ids no longer found are dropped)."""
    found = {d.pk: d for d in picked_devices_get(partner=order.partner, order=order, device_ids=device_ids)}
    return [PickedDevice.of(found[pk]) for pk in device_ids if pk in found]


def _fitting(*, order: Order, unselected: set[int], transfers: list[int]) -> list[int]:
    """The picked devices that still fit the unselected lines, in picking order."""
    return picks_fitting(unselected=_unselected(order=order, line_ids=unselected),
                         picked=_picked(order=order, device_ids=transfers))


@transaction.atomic
def order_wizard_toggle_transfer(*, order: Order, user: User, device: Device, picked: bool) -> OrderWizard:
    """Screen 2, one row of the Transfer OPEX / assign CAPEX table picked or unpicked (htmx).

    Picking is checked at once, by orders.rules asked about the picks so far plus this device: the
    same rule, and the same words, as the confirmation's.
    """
    order = _order_check(order=order, user=user)
    wizard = _locked(order=order)
    _step_check(wizard=wizard, step=WizardStep.DEVICES)
    if device.partner_id != order.partner_id:
        raise NotFound("Device not found.")
    # A pick another order moved meanwhile takes no room: it leaves before this device is checked.
    kept, _ = _moved_split(order=order, wizard=wizard)
    transfers = [p.device_id for p in kept if p.device_id != device.pk]
    if picked:
        _pick_check(order=order, wizard=wizard, device=device, others=transfers)
        transfers.append(device.pk)
    wizard.transfers = transfers
    wizard.step = min(wizard.step, WizardStep.DEVICES)
    wizard.updated_by = user
    wizard.save()
    return wizard


def _pick_check(*, order: Order, wizard: OrderWizard, device: Device, others: list[int]) -> None:
    """Ask orders.rules about the picks plus this device, as the confirmation will ask about them all."""
    picked = _picked(order=order, device_ids=[*others, device.pk])
    problem = pick_problem(
        receiving_account_id=order.account_id,
        receiving_account_name=order.account.name,
        unselected=_unselected(order=order, line_ids=wizard.unselected_lines),
        picked=picked,
        device=next(p for p in picked if p.device_id == device.pk),
    )
    if problem is not None:
        raise problem.error()


def _moved_split(*, order: Order, wizard: OrderWizard) -> tuple[list[PickedDevice], list[MovedPick]]:
    """The saved picks without those another confirmed order moved meanwhile (orders.rules says which), and those."""
    picked = _picked(order=order, device_ids=wizard.transfers)
    if not any(p.moved_by_another_order for p in picked):
        return picked, []
    allocation = picks_allocate(
        receiving_account_id=order.account_id, receiving_account_name=order.account.name,
        unselected=_unselected(order=order, line_ids=wizard.unselected_lines), picked=picked,
    )
    moved_ids: set[int] = set()
    for problem in allocation.problems:
        if problem.code == DeviceErrorCode.DEVICES_UNAVAILABLE:
            moved_ids |= problem.device_ids
    kept = [p for p in picked if p.device_id not in moved_ids]
    if not moved_ids:
        return kept, []
    # The order that holds each one now: its custody's open interval names it.
    moved_by = dict(
        CustodyEvent.objects.filter(partner=order.partner, device_id__in=moved_ids, ended_on__isnull=True,
                                    order__isnull=False)
        .exclude(order_id=order.pk)
        .values_list("device_id", "order__number")
    )
    moved = sorted((MovedPick(serial=p.serial, order_number=moved_by.get(p.device_id, ""))
                    for p in picked if p.device_id in moved_ids), key=lambda m: m.serial)
    return kept, moved


def order_wizard_drop_moved(*, order: Order, user: User) -> DevicesScreen:
    """Screen 2 opened or changed: picks another confirmed order moved meanwhile leave the picks and the count.

    They can be neither confirmed nor seen in the table any more, so keeping them would block their
    replacements; the caller names them to the partner. Nothing is written when nothing moved.
    """
    wizard = order_wizard_open(order=order, user=user, step=WizardStep.DEVICES)
    kept, moved = _moved_split(order=order, wizard=wizard)
    if not moved:
        return DevicesScreen(wizard=wizard, picked=kept, moved=[])
    with transaction.atomic():
        current = _order_check(order=order, user=user)
        wizard = _locked(order=current)
        _step_check(wizard=wizard, step=WizardStep.DEVICES)
        kept, moved = _moved_split(order=current, wizard=wizard)
        if moved:
            wizard.transfers = [p.device_id for p in kept]
            wizard.step = min(wizard.step, WizardStep.DEVICES)
            wizard.updated_by = user
            wizard.save()
    return DevicesScreen(wizard=wizard, picked=kept, moved=moved)


def order_wizard_summary(*, order: Order, user: User, conversion_date: dt.date | None = None) -> OrderPreview:
    """Screen 3: the preview of the saved state (what ships, what moves, credit notes, new billing)."""
    wizard = order_wizard_open(order=order, user=user, step=WizardStep.SUMMARY)
    return order_preview(
        order=order, user=user, pbx=wizard.pbx, unselected_lines=wizard.unselected_lines,
        transfers=wizard.transfers, po_number=wizard.po_number, conversion_date=conversion_date,
    )


@transaction.atomic
def order_wizard_confirm(*, order: Order, user: User, conversion_date: dt.date | None = None) -> Order:
    """Confirm with the saved state; only from the summary, and only once."""
    order = _order_check(order=order, user=user)
    wizard = _locked(order=order)
    _step_check(wizard=wizard, step=WizardStep.SUMMARY)
    confirmed = order_confirm(
        order=order, user=user, pbx=wizard.pbx, unselected_lines=wizard.unselected_lines,
        transfers=wizard.transfers, po_number=wizard.po_number, conversion_date=conversion_date,
    )
    wizard.updated_by = user
    wizard.save(update_fields=["updated_by", "updated_at"])
    return confirmed
