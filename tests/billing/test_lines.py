"""A credit line's fields, listed once (billing.lines), and its one serializer (billing.api.serializers)."""

import datetime as dt
from decimal import Decimal

from billing import calc
from billing.api.serializers import CreditLineSerializer, CreditNoteLineSerializer
from billing.lines import CREDIT_LINE_FIELDS, CreditLineInputs
from billing.models import CreditNoteLine


def worked_example_line() -> CreditLineInputs:
    """Rossi Srl's WorkForce (yearly 60.00, 2026-03-01 → 2027-03-01, committed long ago) moved on 2026-11-25."""
    credit = calc.credit_line(
        period_start=dt.date(2026, 3, 1), period_end=dt.date(2027, 3, 1), period_price=Decimal("60.00"),
        conversion_date=dt.date(2026, 11, 25), commitment_end=dt.date(2025, 9, 1),
    )
    return CreditLineInputs.computed(device_id=41, serial="SN-0041", product_name="WorkForce", credit=credit)


def test_a_line_states_the_device_and_every_input_of_its_amount():
    # then the line states 60.00 × 96 / 365 = 15.78 with the period it was cut from
    assert worked_example_line().row_fields() == {
        "device_id": 41, "serial": "SN-0041", "product_name": "WorkForce",
        "period_start": dt.date(2026, 3, 1), "period_end": dt.date(2027, 3, 1),
        "credited_from": dt.date(2026, 11, 25), "credited_days": 96, "period_days": 365,
        "period_price": Decimal("60.00"), "amount": Decimal("15.78"),
    }


def test_the_snapshot_keeps_a_line_as_plain_json_and_reads_back_the_same():
    line = worked_example_line()
    # then dates are ISO and money is a string with its two decimals, as the PDF prints them
    assert line.snapshot() == {
        "device_id": 41, "serial": "SN-0041", "product_name": "WorkForce",
        "period_start": "2026-03-01", "period_end": "2027-03-01", "credited_from": "2026-11-25",
        "credited_days": 96, "period_days": 365, "period_price": "60.00", "amount": "15.78",
    }
    # and a stored row built from the line states the same line again
    row = CreditNoteLine(credit_note_id=1, subscription_id=1, **line.row_fields())
    assert CreditLineInputs.stated_by(row) == line


def test_every_field_a_line_states_is_a_column_of_the_stored_line():
    columns = {field.attname for field in CreditNoteLine._meta.concrete_fields}
    assert set(CREDIT_LINE_FIELDS) <= columns


def test_the_one_serializer_renders_exactly_the_fields_of_a_line():
    # then the API's names are the line's (the device as `device`), in the order a note prints them
    assert [field.source for field in CreditLineSerializer().fields.values()] == list(CREDIT_LINE_FIELDS)
    assert dict(CreditLineSerializer(worked_example_line()).data) == {
        "device": 41, "serial": "SN-0041", "product_name": "WorkForce",
        "period_start": "2026-03-01", "period_end": "2027-03-01", "credited_from": "2026-11-25",
        "credited_days": 96, "period_days": 365, "period_price": "60.00", "amount": "15.78",
    }
    # and a credit note's lines are the same fields, read-only
    note_fields = CreditNoteLineSerializer().fields
    assert list(note_fields) == list(CreditLineSerializer().fields)
    assert all(field.read_only for field in note_fields.values())
