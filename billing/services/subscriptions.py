"""HWaaS subscriptions on a transfer: the giving one ends, the receiving one starts on the PBX's cycle."""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from accounts.models import Account, Partner, Pbx
from billing import calc
from billing.exceptions import PriceMissing, SubscriptionChanged
from billing.models import HwaasPrice, Subscription, SubscriptionStatus
from devices.models import Device, Product

if TYPE_CHECKING:  # orders is a higher layer: the Order type is named, never imported at run time
    from orders.models import Order


@dataclass(frozen=True)
class ReceivingTerms:
    """What the receiving account will pay for one moved HWaaS device."""

    device_id: int
    cycle: str
    currency: str
    period_price: Decimal
    first_period: calc.FirstPeriod
    commitment_end: dt.date


def hwaas_prices_get(*, currency: str, cycle: str, products: Sequence[Product]) -> dict[int, Decimal]:
    """Today's price of one whole period per product for the cycle; every product must have one."""
    wanted = {product.pk: product for product in products}
    if not wanted:
        return {}
    prices = dict(
        HwaasPrice.objects.filter(product_id__in=wanted, currency=currency, cycle=cycle).values_list(
            "product_id", "price"
        )
    )
    missing = [product.sku for pk, product in wanted.items() if pk not in prices]
    if missing:
        raise PriceMissing(products=missing, currency=currency, cycle=cycle)
    return prices


def active_subscriptions_by_device(*, partner: Partner, device_ids: Sequence[int]) -> dict[int, Subscription]:
    """The active subscription of each device that has one (at most one per device, by constraint)."""
    if not device_ids:
        return {}
    qs = Subscription.objects.filter(partner=partner, device_id__in=device_ids, status=SubscriptionStatus.ACTIVE)
    return {subscription.device_id: subscription for subscription in qs}


def receiving_terms_plan(
    *, partner: Partner, pbx: Pbx, conversion_date: dt.date, devices: Sequence[Device]
) -> dict[int, ReceivingTerms]:
    """The receiving subscription of each HWaaS device, priced from the price list at this moment.

    Reads prices only; the same plan feeds the preview and subscriptions_realign().
    """
    prices = hwaas_prices_get(
        currency=partner.currency, cycle=pbx.cycle, products=list({d.product_id: d.product for d in devices}.values())
    )
    commitment_end = calc.commitment_end(started_on=conversion_date)
    terms = {}
    for device in devices:
        price = prices[device.product_id]
        terms[device.pk] = ReceivingTerms(
            device_id=device.pk,
            cycle=pbx.cycle,
            currency=partner.currency,
            period_price=price,
            first_period=calc.first_period(
                conversion_date=conversion_date, cycle=pbx.cycle, pbx_period_start=pbx.period_start,
                pbx_period_end=pbx.period_end, period_price=price,
            ),
            commitment_end=commitment_end,
        )
    return terms


@transaction.atomic
def subscriptions_realign(
    *,
    order: "Order",
    account: Account,
    pbx: Pbx,
    conversion_date: dt.date,
    terms: Mapping[int, ReceivingTerms],
    giving: Mapping[int, Subscription],
) -> dict[int, Subscription]:
    """End each giving subscription on the conversion date and start the receiving one.

    `terms` holds one entry per moved HWaaS device; `giving` its active subscription, if any.
    Bulk writes: a constant number of queries whatever the number of devices.
    """
    if not terms:
        return {}
    ending = [subscription.pk for subscription in giving.values()]
    if ending:
        ended = Subscription.objects.filter(pk__in=ending, status=SubscriptionStatus.ACTIVE).update(
            status=SubscriptionStatus.ENDED, ended_on=conversion_date
        )
        if ended != len(ending):
            raise SubscriptionChanged("A giving subscription was ended meanwhile; nothing was changed.")
    created = Subscription.objects.bulk_create(
        [
            Subscription(
                partner_id=account.partner_id,
                device_id=device_id,
                account=account,
                pbx=pbx,
                cycle=term.cycle,
                currency=term.currency,
                period_price=term.period_price,
                period_start=term.first_period.start,
                period_end=term.first_period.end,
                started_on=conversion_date,
                commitment_end=term.commitment_end,
                first_period_start=term.first_period.start,
                first_period_end=term.first_period.end,
                first_period_charge=term.first_period.charge,
                source_order=order,
                previous=giving.get(device_id),
            )
            for device_id, term in terms.items()
        ]
    )
    return {subscription.device_id: subscription for subscription in created}
