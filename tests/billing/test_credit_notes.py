"""Issuing, voiding and reissuing credit notes (billing.services.credit_notes)."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from pypdf import PdfReader

from billing import pdf as billing_pdf
from billing.exceptions import CreditNoteImmutable, CreditNoteInvalid, CreditNoteNotIssuable
from billing.models import CreditNote, CreditNoteLine, CreditNoteStatus
from billing.services.credit_notes import (
    _save,
    credit_note_issue,
    credit_note_reissue,
    credit_note_void,
)
from core.errors import TransitionNotAllowed
from core.models import Sequence
from tests import factories

# The Italian month abbreviations of CLDR, as an Italian partner reads a date: "2 dic 2026".
ITALIAN_MONTHS = ("gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def stored_pdf(note: CreditNote) -> bytes:
    with note.pdf.open("rb") as handle:
        return handle.read()


# Every note here is issued on Wed 2026-12-02, the clock ticking from 10:00 in Rome (09:00 in London).
ISSUE_DAY = dt.date(2026, 12, 2)
YEAR = ISSUE_DAY.year


@pytest.fixture(autouse=True)
def issue_day():
    with time_machine.travel(dt.datetime.combine(ISSUE_DAY, dt.time(10), tzinfo=ZoneInfo("Europe/Rome"))):
        yield


@pytest.mark.django_db
def test_worked_example_is_issued_with_first_number_amounts_pdf_and_email(partner_it, user_it):
    # given the worked example's scheduled note: 4 WorkForce devices credited 15.78 each
    note = factories.credit_note_scheduled(partner=partner_it)

    # when it is issued
    issued = credit_note_issue(credit_note_id=note.pk)

    # then it has the year's first number and the worked example's amounts
    issued.refresh_from_db()
    assert issued.status == CreditNoteStatus.ISSUED
    assert issued.number == f"CN-{YEAR}-000001"
    assert (issued.net, issued.tax, issued.total) == (Decimal("63.12"), Decimal("13.89"), Decimal("77.01"))
    assert issued.issue_date == ISSUE_DAY
    assert issued.issued_at is not None
    assert Sequence.objects.get(key=f"CN-{YEAR}").last_number == 1
    # and the snapshot froze what the PDF prints
    assert issued.snapshot["total"] == "77.01"
    assert [line["amount"] for line in issued.snapshot["lines"]] == ["15.78"] * 4
    assert issued.snapshot["order"]["quote_number"] == note.order.quote.number
    # and the stored PDF is a PDF with its hash, holding the number, each serial and the total
    data = stored_pdf(issued)
    assert data.startswith(b"%PDF")
    assert issued.pdf_sha256 == billing_pdf.sha256_hex(data)
    text = pdf_text(data)
    assert issued.number in text
    for serial in CreditNoteLine.objects.filter(credit_note=issued).values_list("serial", flat=True):
        assert serial in text
    assert "77,01\xa0€" in text and "63,12\xa0€" in text and "13,89\xa0€" in text
    assert "15,78\xa0€" in text
    assert f"{issued.issue_date.day} {ITALIAN_MONTHS[issued.issue_date.month - 1]} {issued.issue_date.year}" in text
    # and the partner's admin got it by email, PDF attached
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user_it.email]
    assert issued.number in message.subject
    assert message.attachments[0][0] == f"{issued.number}.pdf"
    assert message.attachments[0][1] == data
    assert issued.emailed_at is not None


@pytest.mark.django_db
def test_issuing_twice_consumes_one_number_and_sends_one_email(partner_it, user_it):
    # given an issued note
    note = factories.credit_note_scheduled(partner=partner_it)
    first = credit_note_issue(credit_note_id=note.pk)

    # when it is issued again (a retry, the sweep)
    second = credit_note_issue(credit_note_id=note.pk)

    # then nothing changed and no number was consumed
    assert second.number == first.number
    assert second.pdf_sha256 == first.pdf_sha256
    assert Sequence.objects.get(key=f"CN-{YEAR}").last_number == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_numbers_follow_each_other_within_the_year(partner_it, partner_uk):
    # given three scheduled notes of two partners
    notes = [factories.credit_note_scheduled(partner=p, devices=1) for p in (partner_it, partner_uk, partner_it)]

    # when they are issued in order
    numbers = [credit_note_issue(credit_note_id=n.pk).number for n in notes]

    # then the numbers are consecutive (one vendor sequence per calendar year)
    assert numbers == [f"CN-{YEAR}-000001", f"CN-{YEAR}-000002", f"CN-{YEAR}-000003"]


@pytest.mark.django_db
def test_crash_between_numbering_and_pdf_is_repaired_without_a_new_number(partner_it, user_it, monkeypatch):
    # given a PDF renderer that fails once (failure injection: the worker dies after numbering)
    note = factories.credit_note_scheduled(partner=partner_it)
    real_render = billing_pdf.credit_note_render
    calls = {"n": 0}

    def render_failing_once(snapshot):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("worker killed while rendering")
        return real_render(snapshot)

    monkeypatch.setattr(billing_pdf, "credit_note_render", render_failing_once)

    # when issuing crashes after the number is committed
    with pytest.raises(RuntimeError):
        credit_note_issue(credit_note_id=note.pk)
    note.refresh_from_db()
    assert note.status == CreditNoteStatus.ISSUED and note.number and not note.pdf
    number = note.number
    assert mail.outbox == []

    # and issuing runs again
    repaired = credit_note_issue(credit_note_id=note.pk)

    # then the same number, a PDF now, one number consumed, one email
    assert repaired.number == number
    assert stored_pdf(repaired).startswith(b"%PDF")
    assert Sequence.objects.get(key=f"CN-{YEAR}").last_number == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_pdf_rendered_again_from_snapshot_reads_the_same(partner_it):
    # given an issued note whose live rows later change (an account renamed)
    note = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it).pk)
    original = pdf_text(stored_pdf(note))
    note.giving_account.name = "Renamed Srl"
    note.giving_account.save()
    partner_it.name = "Renamed Partner"
    partner_it.save()

    # when the PDF is rendered again from the stored snapshot
    again = pdf_text(billing_pdf.credit_note_render(CreditNote.objects.get(pk=note.pk).snapshot))

    # then the text is identical
    assert again == original
    assert "Renamed" not in again


@pytest.mark.django_db
def test_a_void_note_cannot_be_issued_again(partner_it, user_it):
    note = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it).pk)
    credit_note_void(credit_note=note, user=user_it, reason="Order cancelled by the vendor")

    with pytest.raises(CreditNoteNotIssuable) as excinfo:
        credit_note_issue(credit_note_id=note.pk)

    assert excinfo.value.status_code == 409
    assert excinfo.value.extra == {"stage": "void"}
    assert Sequence.objects.get(key=f"CN-{YEAR}").last_number == 1


@pytest.mark.django_db
def test_a_line_that_does_not_match_its_inputs_is_refused_and_no_number_is_taken(partner_it):
    # given a scheduled note whose line amount disagrees with price × days / period days
    note = factories.credit_note_scheduled(partner=partner_it, devices=1)
    CreditNoteLine.objects.filter(credit_note=note).update(amount=Decimal("15.79"))

    with pytest.raises(CreditNoteInvalid):
        credit_note_issue(credit_note_id=note.pk)

    note.refresh_from_db()
    assert note.status == CreditNoteStatus.SCHEDULED and note.number is None
    assert not Sequence.objects.filter(key__startswith="CN-", last_number__gt=0).exists()


@pytest.mark.django_db
def test_amounts_are_recomputed_from_the_lines_at_issue(partner_uk):
    # given a scheduled note whose stored totals are stale (e.g. a line removed before issue)
    note = factories.credit_note_scheduled(partner=partner_uk, devices=3)
    CreditNote.objects.filter(pk=note.pk).update(net=Decimal("1.00"), tax=Decimal("0.20"), total=Decimal("1.20"))

    issued = credit_note_issue(credit_note_id=note.pk)

    # then 3 × 15.78 = 47.34, tax 20% = 9.47 (9.468 rounded once), total 56.81
    assert (issued.net, issued.tax, issued.total) == (Decimal("47.34"), Decimal("9.47"), Decimal("56.81"))


@pytest.mark.django_db
def test_void_keeps_the_note_and_reissue_gets_a_new_number(partner_it, user_it):
    # given an issued note
    staff = factories.UserFactory(username="staff", partner=None, role="", is_staff=True)
    old = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it).pk)

    # when staff void it
    voided = credit_note_void(credit_note=old, user=staff, reason="Wrong giving account")

    # then it stays, void, with who, when and why, and its number and money
    voided.refresh_from_db()
    assert voided.status == CreditNoteStatus.VOID
    assert voided.voided_by == staff and voided.voided_at and voided.void_reason == "Wrong giving account"
    assert voided.number == old.number and voided.total == Decimal("77.01")

    # when it is reissued
    new = credit_note_reissue(credit_note=voided, user=staff, reason="Wrong giving account")

    # then a new scheduled note holds the same lines and replaces the old one
    assert new.status == CreditNoteStatus.SCHEDULED and new.replaces_id == old.pk
    old_lines = list(CreditNoteLine.objects.filter(credit_note=old).values_list("serial", "amount"))
    assert list(CreditNoteLine.objects.filter(credit_note=new).values_list("serial", "amount")) == old_lines
    # and issuing it gives a new number and the same amounts, the PDF naming the note it replaces
    issued = credit_note_issue(credit_note_id=new.pk)
    assert issued.number == f"CN-{YEAR}-000002"
    assert issued.total == Decimal("77.01")
    assert old.number in pdf_text(stored_pdf(issued))
    # and a second reissue is refused
    with pytest.raises(CreditNoteInvalid):
        credit_note_reissue(credit_note=voided, user=staff, reason="again")


@pytest.mark.django_db
def test_void_needs_a_reason_and_an_issued_note_and_only_void_notes_are_reissued(partner_it, user_it):
    scheduled = factories.credit_note_scheduled(partner=partner_it, devices=1)
    with pytest.raises(TransitionNotAllowed):
        credit_note_void(credit_note=scheduled, user=user_it, reason="not issued yet")
    note = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it).pk)
    with pytest.raises(CreditNoteInvalid):
        credit_note_void(credit_note=note, user=user_it, reason="  ")
    with pytest.raises(TransitionNotAllowed):
        credit_note_reissue(credit_note=note, user=user_it, reason="not void yet")
    credit_note_void(credit_note=note, user=user_it, reason="duplicate")
    with pytest.raises(TransitionNotAllowed):
        credit_note_void(credit_note=note, user=user_it, reason="again")


@pytest.mark.django_db
def test_service_layer_refuses_to_save_money_fields_of_an_issued_note(partner_it):
    note = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it).pk)
    note.net = Decimal("1.00")
    with pytest.raises(CreditNoteImmutable):
        _save(note, update_fields=["net"])


@pytest.mark.postgresql
@pytest.mark.django_db
def test_database_refuses_changes_to_an_issued_note_and_its_lines(partner_it):
    # (the tests run on PostgreSQL, where migration 0004 installs the trigger)
    # given an issued note
    note = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it).pk)
    line = CreditNoteLine.objects.filter(credit_note=note).first()

    # then any path that edits its money, number, snapshot or lines is refused by PostgreSQL
    for change in ({"net": Decimal("1.00"), "total": Decimal("14.89")}, {"tax_rate": Decimal("10.00")},
                   {"number": "CN-1999-000001"}, {"snapshot": {}}):
        with pytest.raises(IntegrityError), transaction.atomic():
            CreditNote.objects.filter(pk=note.pk).update(**change)
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditNoteLine.objects.filter(pk=line.pk).update(amount=Decimal("0.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditNoteLine.objects.filter(pk=line.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditNoteLine.objects.create(
            credit_note=note, device=factories.DeviceFactory(partner=partner_it, account=note.giving_account),
            subscription=line.subscription, serial="EXTRA", product_name="x", period_start=line.period_start,
            period_end=line.period_end, credited_from=line.credited_from, credited_days=1, period_days=365,
            period_price=Decimal("60.00"), amount=Decimal("0.16"))
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditNote.objects.filter(pk=note.pk).delete()
    # and bookkeeping fields may still change
    assert CreditNote.objects.filter(pk=note.pk).update(issue_attempts=3) == 1
    # and a scheduled note is still freely editable
    other = factories.credit_note_scheduled(partner=partner_it, devices=1)
    assert CreditNote.objects.filter(pk=other.pk).update(due_date=dt.date(2026, 12, 3)) == 1


@pytest.fixture
def staff_client(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    staff = factories.UserFactory(username="vendor-staff", partner=None, role="", is_staff=True, is_superuser=True)
    client.force_login(staff)
    client.staff = staff
    return client


@pytest.mark.django_db
def test_admin_lists_overdue_notes_links_the_pdf_and_voids_and_reissues(staff_client, partner_it, user_it):
    from django.urls import reverse

    # given an overdue scheduled note and an issued one
    overdue = factories.credit_note_scheduled(partner=partner_it, devices=1, due_date=dt.date(2026, 1, 5))
    issued = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it).pk)
    changelist = reverse("admin:billing_creditnote_changelist")

    # then the overdue filter finds the overdue one only, and the list links the issued note's PDF
    html = staff_client.get(changelist, {"overdue": "pending"}).content.decode()
    assert f"CN (scheduled #{overdue.pk})" in html and issued.number not in html
    html = staff_client.get(changelist).content.decode()
    pdf_url = reverse("admin:billing_creditnote_pdf", args=[issued.pk])
    assert pdf_url in html
    response = staff_client.get(pdf_url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert staff_client.get(reverse("admin:billing_creditnote_change", args=[issued.pk])).status_code == 200

    # when staff void it with a reason, then reissue it
    staff_client.post(changelist, {"action": "void_selected", "_selected_action": [issued.pk],
                                   "reason": "Wrong giving account"})
    issued.refresh_from_db()
    assert issued.status == CreditNoteStatus.VOID and issued.void_reason == "Wrong giving account"
    assert issued.voided_by == staff_client.staff
    staff_client.post(changelist, {"action": "reissue_selected", "_selected_action": [issued.pk],
                                   "reason": "Wrong giving account"})

    # then a scheduled replacement exists; issued as the worker would (its task is sent after the commit,
    # which this test's transaction never reaches), it gets the next number
    replacement = CreditNote.objects.get(replaces=issued)
    assert replacement.status == CreditNoteStatus.SCHEDULED
    credit_note_issue(credit_note_id=replacement.pk)
    replacement.refresh_from_db()
    assert replacement.status == CreditNoteStatus.ISSUED
    assert replacement.number == f"CN-{YEAR}-000002"

    # and a staff user without a reason gets an error, nothing voided
    response = staff_client.post(changelist, {"action": "void_selected", "_selected_action": [replacement.pk],
                                              "reason": ""}, follow=True)
    assert "Say why" in response.content.decode()
    replacement.refresh_from_db()
    assert replacement.status == CreditNoteStatus.ISSUED


@pytest.mark.django_db
def test_other_billing_models_open_in_the_admin(staff_client, partner_it):
    from django.urls import reverse

    factories.hwaas_device(account=factories.AccountFactory(partner=partner_it),
                           product=factories.ProductFactory(sku="WF", name="WorkForce"))
    factories.HwaasPriceFactory()
    factories.CapexPriceFactory()
    for name in ("hwaasprice", "capexprice", "subscription"):
        assert staff_client.get(reverse(f"admin:billing_{name}_changelist")).status_code == 200


@pytest.mark.django_db
def test_admin_judges_overdue_on_each_partners_own_calendar(staff_client, partner_it, partner_uk):
    from django.urls import reverse

    # given an Italian and a British note, both scheduled and due on Wed 2026-12-02
    rome = factories.credit_note_scheduled(partner=partner_it, devices=1, due_date=ISSUE_DAY)
    london = factories.credit_note_scheduled(partner=partner_uk, devices=1, due_date=ISSUE_DAY)
    # when staff look at 23:30 UTC that day: already the 3rd in Rome, still the 2nd in London
    with time_machine.travel(dt.datetime(2026, 12, 2, 23, 30, tzinfo=dt.UTC)):
        html = staff_client.get(reverse("admin:billing_creditnote_changelist"), {"overdue": "pending"}).content
    # then only the Italian note is overdue, as the sweep judges it
    assert f"CN (scheduled #{rome.pk})".encode() in html
    assert f"CN (scheduled #{london.pk})".encode() not in html
