"""Money: Decimal amounts beside a 3-letter currency, rounded half-up to cents in exactly one place."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def quantize(amount: Decimal) -> Decimal:
    """Round an amount half-up to 0.01; the only place the project rounds money."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be Decimal, got {type(amount).__name__}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def prorate(amount: Decimal, numerator: int, denominator: int) -> Decimal:
    """amount × numerator / denominator, rounded once."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    return quantize(amount * Decimal(numerator) / Decimal(denominator))


class MoneyField(models.DecimalField):
    """A money amount; always stored beside a currency field on the same row."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "core.money.MoneyField", args, kwargs


def currency_field(**kwargs) -> models.CharField:
    kwargs.setdefault("max_length", 3)
    return models.CharField(**kwargs)

