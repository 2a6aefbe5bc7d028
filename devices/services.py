"""Writes on devices: moving custody between accounts."""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Account, Pbx, User
from devices.exceptions import DevicesUnavailable
from devices.models import CustodyEvent, CustodyReason, Device

if TYPE_CHECKING:  # orders is a higher layer: the Order type is named, never imported at run time
    from orders.models import Order


@transaction.atomic
def devices_move(
    *,
    devices: Sequence[Device],
    account: Account,
    pbx: Pbx | None,
    moved_on: dt.date,
    order: "Order | None" = None,
    user: User | None = None,
    reason: str = CustodyReason.ORDER,
) -> None:
    """Hand `devices` to `account` (and its `pbx`) from the account each one is held by in memory.

    The move is conditional: a device is updated only if it is still held by the account read
    into `device.account_id`. On PostgreSQL the caller has locked the rows already; on SQLite,
    where select_for_update() is a no-op, this WHERE plus the row count is what stops a device
    moved meanwhile from being moved twice. A constant number of queries whatever the count.
    """
    if not devices:
        return
    by_holder: dict[int | None, list[int]] = defaultdict(list)
    for device in devices:
        by_holder[device.account_id].append(device.pk)
    condition = Q()
    for holder_id, ids in by_holder.items():
        condition |= Q(pk__in=ids, account_id=holder_id) if holder_id else Q(pk__in=ids, account__isnull=True)

    device_ids = [device.pk for device in devices]
    moved = Device.objects.filter(condition).update(account=account, pbx=pbx, updated_at=timezone.now())
    if moved != len(device_ids):
        expected = {device.pk: device.account_id for device in devices}
        taken = [
            serial
            for pk, serial, holder in Device.objects.filter(pk__in=device_ids).values_list("pk", "serial", "account_id")
            # Rows this UPDATE did move now hold `account`; the others are held by someone unexpected.
            if holder not in (expected[pk], account.pk)
        ]
        # Raising rolls the whole caller's transaction back: nothing is half-moved.
        raise DevicesUnavailable(taken or [device.serial for device in devices])

    # Close every open custody interval on the move day, then open the receiving one.
    CustodyEvent.objects.filter(device_id__in=device_ids, ended_on__isnull=True).update(ended_on=moved_on)
    CustodyEvent.objects.bulk_create(
        [
            CustodyEvent(
                partner_id=account.partner_id,
                device_id=device.pk,
                account=account,
                pbx=pbx,
                started_on=moved_on,
                reason=reason,
                order=order,
                recorded_by=user,
            )
            for device in devices
        ]
    )
