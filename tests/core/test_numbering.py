"""Document numbers: `<PREFIX>-<year>-NNNNNN`, the year being the partner's own, gapless per prefix and year."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction

from billing.services.credit_notes import credit_note_issue
from core.models import Sequence
from core.numbering import document_number_next
from projects.services import project_create_change_order
from quotes.services import quote_accept_skip, quote_create, quote_submit
from tests import factories

pytestmark = pytest.mark.django_db

# 23:30 UTC on New Year's Eve: 00:30 on 1 January 2027 in Rome, still 2026 in London.
NEW_YEARS_EVE_2330_UTC = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)


def _draft_quote(*, user, partner, currency):
    catalogue = factories.change_order_catalogue(currency=currency)
    account = factories.receiving_account(partner=partner)
    project = project_create_change_order(user=user, account=account)
    return quote_create(user=user, project=project, additional_configuration="additional_items",
                        lines=[{"product": catalogue["WF"], "quantity": 2, "ownership": "hwaas"}])


@time_machine.travel(NEW_YEARS_EVE_2330_UTC)
def test_a_quote_made_at_2330_utc_on_new_years_eve_for_rome_is_numbered_in_2027(user_it, partner_it):
    # when an Italian partner creates a quote at 00:30 on 1 January 2027 its time
    quote = _draft_quote(user=user_it, partner=partner_it, currency="EUR")
    # then it carries the partner's year, as the first number of that year
    assert quote.number == "Q-2027-000001"
    assert Sequence.objects.get(key="Q-2027").last_number == 1
    assert not Sequence.objects.filter(key="Q-2026").exists()


@time_machine.travel(NEW_YEARS_EVE_2330_UTC)
def test_at_the_same_moment_a_london_quote_is_still_numbered_in_2026(user_uk, partner_uk):
    quote = _draft_quote(user=user_uk, partner=partner_uk, currency="GBP")
    assert quote.number == "Q-2026-000001"


def test_the_order_of_a_quote_accepted_at_2330_utc_on_new_years_eve_in_rome_is_numbered_in_2027(user_it, partner_it):
    # given a quote made and presented in December (numbered in 2026)
    with time_machine.travel(dt.datetime(2026, 12, 20, 10, 0, tzinfo=dt.UTC)):
        quote = _draft_quote(user=user_it, partner=partner_it, currency="EUR")
        quote = quote_submit(user=user_it, quote=quote)
    assert quote.number == "Q-2026-000001"
    # when the partner accepts it at 00:30 on 1 January 2027 its time
    with time_machine.travel(NEW_YEARS_EVE_2330_UTC):
        quote_accept_skip(user=user_it, quote=quote)
    # then its order is the first of 2027
    quote.refresh_from_db()
    assert quote.order.number == "O-2027-000001"


@time_machine.travel(NEW_YEARS_EVE_2330_UTC)
def test_a_credit_note_issued_at_2330_utc_on_new_years_eve_for_rome_is_numbered_and_dated_2027(partner_it, user_it):
    # given the worked example's scheduled note of an Italian partner
    note = factories.credit_note_scheduled(partner=partner_it)
    # when it is issued at 00:30 on 1 January 2027 in Rome
    issued = credit_note_issue(credit_note_id=note.pk)
    # then its number and its issue date are the partner's: the first note of 2027, dated 1 January
    issued.refresh_from_db()
    assert (issued.number, issued.issue_date) == ("CN-2027-000001", dt.date(2027, 1, 1))


@time_machine.travel(NEW_YEARS_EVE_2330_UTC)
def test_a_london_credit_note_issued_at_the_same_moment_is_dated_2026(partner_uk, user_uk):
    issued = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_uk, devices=1).pk)
    issued.refresh_from_db()
    assert (issued.number, issued.issue_date) == ("CN-2026-000001", dt.date(2026, 12, 31))


@time_machine.travel(dt.datetime(2027, 3, 2, 9, 0, tzinfo=dt.UTC))
def test_existing_sequences_continue_under_their_keys(user_it, partner_it):
    # given 41 quotes, 7 orders and 3 credit notes already numbered in 2027 (the keys documents used before)
    for key, last in (("Q-2027", 41), ("O-2027", 7), ("CN-2027", 3)):
        Sequence.objects.create(key=key, last_number=last)
    # when a quote is created, then accepted, and a note issued
    quote = _draft_quote(user=user_it, partner=partner_it, currency="EUR")
    quote = quote_submit(user=user_it, quote=quote)
    quote_accept_skip(user=user_it, quote=quote)
    note = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it, devices=1).pk)
    # then each takes the next number of its own sequence, in the same format as before
    quote.refresh_from_db()
    assert (quote.number, quote.order.number, note.number) == ("Q-2027-000042", "O-2027-000008", "CN-2027-000004")


@time_machine.travel(dt.datetime(2027, 5, 4, 9, 0, tzinfo=dt.UTC))
def test_a_rolled_back_document_gives_its_number_back(partner_it):
    # given a number taken inside a transaction that then fails
    with pytest.raises(RuntimeError), transaction.atomic():
        assert document_number_next(prefix="Q", partner=partner_it) == "Q-2027-000001"
        raise RuntimeError("the quote could not be saved")
    # when the next document is numbered, then it takes the same number: no gap
    with transaction.atomic():
        assert document_number_next(prefix="Q", partner=partner_it) == "Q-2027-000001"
        assert document_number_next(prefix="Q", partner=partner_it) == "Q-2027-000002"

