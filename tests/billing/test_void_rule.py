"""Which credit notes may be voided: DOMAIN.md says an issued note is never edited, staff void it and issue a
corrected one. A scheduled note has no number yet, so it is corrected before issue, not voided. The state
machine (CreditNote.void) and the void service say the same."""

import pytest
from django_fsm import can_proceed

from billing.models import CreditNote, CreditNoteStatus
from billing.services.credit_notes import credit_note_issue, credit_note_void
from core.errors import TransitionNotAllowed
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return factories.UserFactory(username="staff", partner=None, role="", is_staff=True)


def test_the_state_machine_voids_an_issued_note_only(partner_it):
    scheduled = factories.credit_note_scheduled(partner=partner_it)
    issued = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it).pk)
    assert not can_proceed(scheduled.void)
    assert can_proceed(issued.void)


def test_voiding_a_scheduled_note_is_refused_and_changes_nothing(partner_it, staff):
    # given a scheduled note
    note = factories.credit_note_scheduled(partner=partner_it)

    # when staff try to void it
    with pytest.raises(TransitionNotAllowed) as excinfo:
        credit_note_void(credit_note=note, user=staff, reason="Wrong account")

    # then it is a 409 naming the stage, and the note stays scheduled, unvoided
    assert excinfo.value.status_code == 409 and excinfo.value.extra == {"stage": "scheduled"}
    note = CreditNote.objects.get(pk=note.pk)
    assert (note.status, note.voided_at, note.void_reason) == (CreditNoteStatus.SCHEDULED, None, "")


def test_an_issued_note_is_voided_once(partner_it, staff):
    # given an issued note, voided by staff
    note = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it).pk)
    credit_note_void(credit_note=note, user=staff, reason="Wrong giving account")
    assert CreditNote.objects.get(pk=note.pk).status == CreditNoteStatus.VOID

    # when they try to void it again, it is refused: a void note is final
    with pytest.raises(TransitionNotAllowed):
        credit_note_void(credit_note=note, user=staff, reason="Again")
    assert CreditNote.objects.get(pk=note.pk).void_reason == "Wrong giving account"
