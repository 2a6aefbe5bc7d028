"""What may fill an unselected line, and who may receive HWaaS devices: DOMAIN.md's Confirm Order rules.

Pure functions over plain values: the callers (the wizard, one pick at a time; the preview; the
confirmation, for the pages and the API alike) read the rows and ask here, so every screen refuses
the same picks with the same words. Nothing here touches the database.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.errors import ApplicationError
from devices.exceptions import DeviceErrorCode, DevicesUnavailable
from devices.models import Ownership
from orders.exceptions import OrderErrorCode, OrderInvalid

if TYPE_CHECKING:
    from accounts.models import Pbx
    from devices.models import Device
    from orders.models import OrderLine

Kind = tuple[int, str]  # (product id, ownership): what a line asks for and a device is


@dataclass(frozen=True)
class UnselectedLine:
    """An order line the partner unticked: it ships nothing new and takes picked devices instead."""

    line_id: int
    product_id: int
    product_name: str
    ownership: str
    quantity: int

    @classmethod
    def of(cls, line: OrderLine) -> UnselectedLine:
        """From a line read with its product."""
        return cls(line_id=line.pk, product_id=line.product_id, product_name=line.product.name,
                   ownership=line.ownership, quantity=line.quantity)

    @property
    def kind(self) -> Kind:
        return (self.product_id, self.ownership)


@dataclass(frozen=True)
class PickedDevice:
    """A device picked to fill an unselected line, with who holds it now (None: the partner's stock)."""

    device_id: int
    serial: str
    product_id: int
    product_name: str
    ownership: str
    holder_id: int | None
    moved_by_another_order: bool = False  # its custody was opened by another confirmed order meanwhile

    @classmethod
    def of(cls, device: Device) -> PickedDevice:
        """From a device read with its product and the `moved_by_another_order` flag (transfer_selectors)."""
        return cls(device_id=device.pk, serial=device.serial, product_id=device.product_id,
                   product_name=device.product.name, ownership=device.ownership, holder_id=device.account_id,
                   moved_by_another_order=device.moved_by_another_order)

    @property
    def kind(self) -> Kind:
        return (self.product_id, self.ownership)


@dataclass(frozen=True)
class Problem:
    """One reason the picks (or the PBX) cannot be confirmed, with the error the screens and the API show."""

    code: OrderErrorCode | DeviceErrorCode
    message: str
    extra: dict[str, Any] = field(default_factory=dict)
    device_ids: frozenset[int] = frozenset()  # the picks it is about, so one pick's check can skip older ones

    def error(self) -> ApplicationError:
        if self.code == DeviceErrorCode.DEVICES_UNAVAILABLE:
            return DevicesUnavailable(self.extra["devices"], message=self.message)
        return OrderInvalid(self.message, code=self.code.value, extra=self.extra)


@dataclass(frozen=True)
class Allocation:
    """Which unselected line each picked device fills; empty, with the problems, when the picks break a rule."""

    line_of_device: dict[int, int]
    problems: list[Problem]

    @property
    def picked_per_line(self) -> dict[int, int]:
        """How many picked devices fill each unselected line (the running count of the summary)."""
        return dict(Counter(self.line_of_device.values()))

    def raise_first(self) -> None:
        """Refuse with the first problem, if any: one error at a time, as the screens and the API answer."""
        if self.problems:
            raise self.problems[0].error()


@dataclass(frozen=True)
class KindFill:
    """Per product and ownership of the unselected lines: the quantity and how many are picked so far."""

    product_id: int
    product_name: str
    ownership: str
    quantity: int
    picked: int


def _room(unselected: Iterable[UnselectedLine]) -> dict[Kind, int]:
    """The unselected quantity per product and ownership: how many picks each kind takes."""
    room: dict[Kind, int] = defaultdict(int)
    for line in unselected:
        room[line.kind] += line.quantity
    return dict(room)


def _serials(devices: Iterable[PickedDevice]) -> list[str]:
    return sorted(d.serial for d in devices)


def _holder_problems(device: PickedDevice, *, receiving_account_id: int, receiving_account_name: str) -> list[Problem]:
    """A device can be picked only if another account of the partner holds it."""
    about = frozenset({device.device_id})
    if device.holder_id is None:
        return [Problem(OrderErrorCode.DEVICE_IN_STOCK,
                        f"{device.serial} is in partner stock, not held by a customer: it cannot be transferred.",
                        {"devices": [device.serial]}, about)]
    if device.holder_id == receiving_account_id:
        return [Problem(OrderErrorCode.DEVICE_HELD_BY_RECEIVING_ACCOUNT,
                        f"{device.serial} is already held by {receiving_account_name}, the receiving account.",
                        {"devices": [device.serial]}, about)]
    return []


def _kind_problems(kind: Kind, devices: list[PickedDevice], *, room: dict[Kind, int],
                   products: set[int]) -> list[Problem]:
    """Its product must be an unselected line's, of the same ownership, and no more than that line's quantity."""
    product_id, ownership = kind
    product_name = devices[0].product_name
    about = frozenset(d.device_id for d in devices)
    serials = _serials(devices)
    if product_id not in products:
        return [Problem(OrderErrorCode.PRODUCT_NOT_UNSELECTED,
                        f"No unselected line is for {product_name}: unselect its line to transfer devices of it.",
                        {"product": product_id, "devices": serials}, about)]
    capacity = room.get(kind, 0)
    if capacity == 0:
        label = Ownership(ownership).label if ownership in Ownership.values else ownership
        subject, verb, pronoun = (serials[0], "is", "it") if len(serials) == 1 else (", ".join(serials), "are", "they")
        return [Problem(OrderErrorCode.OWNERSHIP_MISMATCH,
                        f"{subject} {verb} {label}: {pronoun} cannot fill a line of another ownership.",
                        {"product": product_id, "ownership": ownership, "devices": serials}, about)]
    if len(devices) > capacity:
        excess = len(devices) - capacity
        return [Problem(OrderErrorCode.TOO_MANY_DEVICES,
                        f"Only {capacity} {product_name} unselected but {len(devices)} picked: "
                        f"unpick {excess} {'device' if excess == 1 else 'devices'} first.",
                        {"product": product_id, "ownership": ownership, "picked": len(devices),
                         "unselected": capacity}, about)]
    return []


def picks_allocate(
    *,
    receiving_account_id: int,
    receiving_account_name: str,
    unselected: Sequence[UnselectedLine],
    picked: Sequence[PickedDevice],
) -> Allocation:
    """Give each picked device an unselected line of its product and ownership, or say why the picks break a rule.

    DOMAIN.md: a picked device's product must be the product of an unselected line with the same
    ownership; per product and ownership the picked count may not exceed the unselected quantity; a
    device can be picked only if another account of the partner holds it and no other confirmed order
    has moved it. Devices are allocated in id order to lines in id order, so the same picks always fill
    the same lines. Problems come per device first (id order), then per product and ownership, then
    the devices already moved. Each device is given once (the caller refuses duplicates).
    """
    devices = sorted(picked, key=lambda d: d.device_id)
    lines = sorted(unselected, key=lambda line: line.line_id)
    problems: list[Problem] = []
    for device in devices:
        problems += _holder_problems(device, receiving_account_id=receiving_account_id,
                                     receiving_account_name=receiving_account_name)
    by_kind: dict[Kind, list[PickedDevice]] = defaultdict(list)
    for device in devices:
        by_kind[device.kind].append(device)
    room = _room(lines)
    products = {line.product_id for line in lines}
    for kind in sorted(by_kind):
        problems += _kind_problems(kind, by_kind[kind], room=room, products=products)
    moved = [d for d in devices if d.moved_by_another_order]
    if moved:
        unavailable = DevicesUnavailable([d.serial for d in moved])
        problems.append(Problem(DeviceErrorCode.DEVICES_UNAVAILABLE, unavailable.message, unavailable.extra,
                                frozenset(d.device_id for d in moved)))
    if problems:
        return Allocation(line_of_device={}, problems=problems)

    left = {line.line_id: line.quantity for line in lines}
    line_of_device: dict[int, int] = {}
    for device in devices:
        line = next(line for line in lines if line.kind == device.kind and left[line.line_id] > 0)
        left[line.line_id] -= 1
        line_of_device[device.device_id] = line.line_id
    return Allocation(line_of_device=line_of_device, problems=[])


def pick_problem(
    *,
    receiving_account_id: int,
    receiving_account_name: str,
    unselected: Sequence[UnselectedLine],
    picked: Sequence[PickedDevice],
    device: PickedDevice,
) -> Problem | None:
    """Why `device` cannot join the picks, asking picks_allocate about picked + [device]; None if it can.

    Only problems about this device count: an older pick gone stale is reported when screen 2 is saved.
    """
    others = [d for d in picked if d.device_id != device.device_id]
    allocation = picks_allocate(receiving_account_id=receiving_account_id,
                                receiving_account_name=receiving_account_name,
                                unselected=unselected, picked=[*others, device])
    return next((p for p in allocation.problems if device.device_id in p.device_ids), None)


def picks_fitting(*, unselected: Sequence[UnselectedLine], picked: Sequence[PickedDevice]) -> list[int]:
    """The picks (ids, in picking order) that still fit the unselected quantity per product and ownership."""
    room = _room(unselected)
    kept = []
    for device in picked:
        if room.get(device.kind, 0) > 0:
            room[device.kind] -= 1
            kept.append(device.device_id)
    return kept


def fills_by_kind(*, unselected: Sequence[UnselectedLine], picked: Sequence[PickedDevice]) -> list[KindFill]:
    """The running count of screen 2 per product and ownership: "WorkForce: 3 of 4 picked"."""
    room = _room(unselected)
    names = {line.kind: line.product_name for line in unselected}
    counts = Counter(d.kind for d in picked if d.kind in room)
    return [
        KindFill(product_id=product_id, product_name=names[(product_id, ownership)], ownership=ownership,
                 quantity=quantity, picked=counts.get((product_id, ownership), 0))
        for (product_id, ownership), quantity in room.items()
    ]


# --- who may receive HWaaS devices -------------------------------------------------------------------------------


def pbx_needed(*, ownerships: Iterable[str]) -> bool:
    """An order needs the receiving PBX when anything HWaaS ships or moves: HWaaS billing follows its licence."""
    return any(ownership == Ownership.HWAAS for ownership in ownerships)


def cannot_receive_hwaas(*, account_name: str, receiving: Pbx | None, needs_pbx: bool) -> Problem | None:
    """An account without a PBX with active subscriptions on 1m/1y/5y cannot receive HWaaS devices; say why.

    `receiving` is accounts.selectors.pbx_receiving_get's answer: the one place that says which PBX that is.
    """
    if not needs_pbx or receiving is not None:
        return None
    return Problem(OrderErrorCode.NO_ELIGIBLE_PBX,
                   f"{account_name} has no PBX with active subscriptions on a 1m, 1y or 5y cycle, "
                   "so it cannot receive HWaaS devices.")


def receiving_pbx_problems(
    *, account_id: int, account_name: str, pbx: Pbx | None, receiving: Pbx | None, needs_pbx: bool
) -> list[Problem]:
    """The PBX devices go to must be the receiving PBX (`receiving`, from pbx_receiving_get); needed for HWaaS."""
    if pbx is not None:
        if pbx.account_id != account_id:
            return [Problem(OrderErrorCode.PBX_NOT_RECEIVING,
                            f"PBX {pbx.serial} does not belong to {account_name}.", {"pbx": pbx.pk})]
        if receiving is None or pbx.pk != receiving.pk:
            return [Problem(OrderErrorCode.PBX_NOT_RECEIVING,
                            f"PBX {pbx.serial} is not the one with active subscriptions on a 1m, 1y or 5y cycle: "
                            "devices moving to this account go to that PBX.", {"pbx": pbx.pk})]
        return []
    missing = cannot_receive_hwaas(account_name=account_name, receiving=receiving, needs_pbx=needs_pbx)
    if missing:
        return [missing]
    if needs_pbx:
        return [Problem(OrderErrorCode.PBX_REQUIRED, "Choose the PBX the devices go to.")]
    return []
