"""What a credit line states: the moved device and every input of its amount, listed once.

A scheduled note's rows, the issued note's snapshot, the order preview and the API (one serializer,
billing.api.serializers.CreditLineSerializer) all take a credit line's fields from here, so what
the partner is shown before confirming is, field for field, what the note prints. Pure data: no
database access.
"""

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any, Self

from billing.calc import CreditLineCalc


@dataclasses.dataclass(frozen=True)
class CreditLineInputs:
    """One moved HWaaS device's credit: amount = period_price × credited_days / period_days."""

    device_id: int
    serial: str
    product_name: str
    period_start: dt.date
    period_end: dt.date
    credited_from: dt.date
    credited_days: int
    period_days: int
    period_price: Decimal
    amount: Decimal

    @classmethod
    def computed(cls, *, device_id: int, serial: str, product_name: str, credit: CreditLineCalc) -> Self:
        """The line billing.calc.credit_line() computed for this device."""
        return cls(
            device_id=device_id,
            serial=serial,
            product_name=product_name,
            # The calculation's own fields that a line states (not whether the commitment cut it).
            **{f.name: getattr(credit, f.name) for f in dataclasses.fields(credit) if f.name in CREDIT_LINE_FIELDS},
        )

    @classmethod
    def stated_by(cls, line: Any) -> Self:
        """The inputs a stored line states (a CreditNoteLine row, or anything with the same attributes)."""
        return cls(**{name: getattr(line, name) for name in CREDIT_LINE_FIELDS})

    def row_fields(self) -> dict[str, Any]:
        """The fields of its CreditNoteLine row (the row adds its note and subscription)."""
        return {name: getattr(self, name) for name in CREDIT_LINE_FIELDS}

    def snapshot(self) -> dict[str, Any]:
        """As an issued note's snapshot keeps it: plain JSON, dates ISO, money as strings."""
        return {name: _plain(getattr(self, name)) for name in CREDIT_LINE_FIELDS}


# In the order a note prints them; the names are CreditNoteLine's fields.
CREDIT_LINE_FIELDS: tuple[str, ...] = tuple(field.name for field in dataclasses.fields(CreditLineInputs))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
