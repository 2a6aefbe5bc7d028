"""Reissuing a void credit note: corrected inputs recomputed, the original due date, a reason, the next number."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from billing.exceptions import CreditNoteInvalid
from billing.models import CreditNote, CreditNoteLine, CreditNoteStatus
from billing.services.credit_notes import credit_note_issue, credit_note_reissue, credit_note_void
from tests import factories

ROME = ZoneInfo("Europe/Rome")
# The worked example's note (4 × 15.78, due Wed 2026-12-02) is issued on 2026-11-26; staff find the error and
# void and reissue it on Thu 2026-12-10, after its due date.
ISSUED_ON = dt.datetime(2026, 11, 26, 10, tzinfo=ROME)
CORRECTED_ON = dt.datetime(2026, 12, 10, 10, tzinfo=ROME)


@pytest.fixture
def staff(db):
    return factories.UserFactory(username="vendor-staff", partner=None, role="", is_staff=True, is_superuser=True)


@pytest.fixture
def void_note(partner_it, staff):
    with time_machine.travel(ISSUED_ON):
        note = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it).pk)
    with time_machine.travel(CORRECTED_ON):
        credit_note_void(credit_note=note, user=staff, reason="Wrong period price on one device")
    note.refresh_from_db()
    return note


def first_line(note: CreditNote) -> CreditNoteLine:
    return CreditNoteLine.objects.filter(credit_note=note).order_by("serial", "id").first()


@pytest.mark.django_db
def test_a_corrected_period_price_is_recomputed_and_the_due_date_kept(void_note, staff):
    # given the void note; one device was really on 75.00 a year, not 60.00
    wrong = first_line(void_note)

    # when staff reissue it with that correction and a reason
    with time_machine.travel(CORRECTED_ON):
        new = credit_note_reissue(credit_note=void_note, user=staff, reason="Device billed at 75.00 a year",
                                  corrections={wrong.pk: {"period_price": Decimal("75.00")}})

    # then the line is 75.00 × 96 / 365 = 19.726… → 19.73, the others stay 15.78
    lines = {line.serial: line for line in CreditNoteLine.objects.filter(credit_note=new)}
    assert lines[wrong.serial].period_price == Decimal("75.00")
    assert (lines[wrong.serial].credited_days, lines[wrong.serial].period_days) == (96, 365)
    assert lines[wrong.serial].amount == Decimal("19.73")
    assert sorted(line.amount for line in lines.values()) == [Decimal("15.78")] * 3 + [Decimal("19.73")]
    # and net 3 × 15.78 + 19.73 = 67.07, tax 22% = 14.7554 → 14.76, total 81.83
    assert (new.net, new.tax, new.total) == (Decimal("67.07"), Decimal("14.76"), Decimal("81.83"))
    # and it keeps the void note's due date, not the day of the correction, and records why
    assert new.due_date == dt.date(2026, 12, 2)
    assert new.correction_reason == "Device billed at 75.00 a year"
    # and issued, it fixes the recomputed amounts
    with time_machine.travel(CORRECTED_ON):
        issued = credit_note_issue(credit_note_id=new.pk)
    assert issued.total == Decimal("81.83") and issued.snapshot["due_date"] == "2026-12-02"


@pytest.mark.django_db
def test_a_corrected_first_credited_day_recomputes_the_days(void_note, staff):
    # given the void note; one device was still committed until 2026-12-01
    wrong = first_line(void_note)

    # when reissued with that first credited day
    with time_machine.travel(CORRECTED_ON):
        new = credit_note_reissue(credit_note=void_note, user=staff, reason="Commitment ran to 1 Dec",
                                  corrections={wrong.pk: {"credited_from": dt.date(2026, 12, 1)}})

    # then it credits 2026-12-01 → 2027-03-01 = 90 of 365 days: 60.00 × 90 / 365 = 14.794… → 14.79
    line = CreditNoteLine.objects.get(credit_note=new, serial=wrong.serial)
    assert (line.credited_from, line.credited_days, line.period_days) == (dt.date(2026, 12, 1), 90, 365)
    assert line.amount == Decimal("14.79")
    # and net 3 × 15.78 + 14.79 = 62.13, tax 13.6686 → 13.67, total 75.80
    assert (new.net, new.tax, new.total) == (Decimal("62.13"), Decimal("13.67"), Decimal("75.80"))


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   "])
def test_reissue_without_a_reason_is_refused_and_creates_nothing(void_note, staff, reason):
    with pytest.raises(CreditNoteInvalid) as excinfo:
        credit_note_reissue(credit_note=void_note, user=staff, reason=reason)

    assert excinfo.value.extra == {"fields": {"reason": ["Required."]}}
    assert not CreditNote.objects.filter(replaces=void_note).exists()


@pytest.mark.django_db
def test_a_correction_of_another_note_or_with_nothing_to_credit_is_refused(void_note, staff):
    line = first_line(void_note)
    with pytest.raises(CreditNoteInvalid):
        credit_note_reissue(credit_note=void_note, user=staff, reason="typo", corrections={line.pk + 1000: {}})
    with pytest.raises(CreditNoteInvalid):
        credit_note_reissue(credit_note=void_note, user=staff, reason="typo",
                            corrections={line.pk: {"credited_from": dt.date(2027, 3, 1)}})
    with pytest.raises(CreditNoteInvalid):
        credit_note_reissue(credit_note=void_note, user=staff, reason="typo", corrections={line.pk: {"amount": 1}})
    assert not CreditNote.objects.filter(replaces=void_note).exists()


@pytest.mark.django_db
def test_the_reissued_note_takes_the_next_number_in_the_sequence(partner_it, void_note, staff):
    # given the void CN-2026-000001 and another note issued after it, CN-2026-000002
    with time_machine.travel(ISSUED_ON):
        other = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it).pk)
    assert (void_note.number, other.number) == ("CN-2026-000001", "CN-2026-000002")

    # when the void note is reissued and issued
    with time_machine.travel(CORRECTED_ON):
        new = credit_note_reissue(credit_note=void_note, user=staff, reason="Wrong giving account")
        issued = credit_note_issue(credit_note_id=new.pk)

    # then it gets the next number, and the void one keeps its own
    assert issued.number == "CN-2026-000003" and issued.replaces_id == void_note.pk
    assert CreditNote.objects.get(pk=void_note.pk).number == "CN-2026-000001"


@pytest.mark.django_db
def test_staff_correct_a_line_in_admin_with_a_reason(client, void_note, staff):
    # given staff on the void note's reissue form
    client.force_login(staff)
    url = reverse("admin:billing_creditnote_reissue", args=[void_note.pk])
    assert client.get(url).status_code == 200
    lines = list(CreditNoteLine.objects.filter(credit_note=void_note).order_by("serial", "id"))
    data = {"reason": ""}
    for line in lines:
        data |= {f"line_{line.pk}_period_start": line.period_start.isoformat(),
                 f"line_{line.pk}_period_end": line.period_end.isoformat(),
                 f"line_{line.pk}_credited_from": line.credited_from.isoformat(),
                 f"line_{line.pk}_period_price": str(line.period_price)}

    # when they submit without a reason, nothing is reissued
    assert client.post(url, data).status_code == 200
    assert not CreditNote.objects.filter(replaces=void_note).exists()

    # when they change one line's price to 75.00 and say why
    data |= {"reason": "Device billed at 75.00 a year", f"line_{lines[0].pk}_period_price": "75.00"}
    with time_machine.travel(CORRECTED_ON):
        response = client.post(url, data)

    # then the corrected note exists, recomputed (19.73 for that line), due when the void one was
    new = CreditNote.objects.get(replaces=void_note)
    assert response.status_code == 302
    assert new.status == CreditNoteStatus.SCHEDULED and new.due_date == dt.date(2026, 12, 2)
    assert CreditNoteLine.objects.get(credit_note=new, serial=lines[0].serial).amount == Decimal("19.73")
    assert new.total == Decimal("81.83") and new.correction_reason == "Device billed at 75.00 a year"
