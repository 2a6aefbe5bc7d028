import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction

from core.errors import NotFound, TransitionNotAllowed
from core.tenancy import vendor_scope
from orders.models import Order
from orders.services.create import order_create_from_quote
from quotes import services
from quotes.exceptions import QuoteEmpty, QuoteLineInvalid, QuoteNotEditable
from quotes.models import Quote, QuoteStage, QuoteTransition
from quotes.totals import quote_totals
from tests import factories

pytestmark = pytest.mark.django_db


def _stages(quote):
    return [(t.from_stage, t.to_stage, t.method) for t in QuoteTransition.objects.filter(quote=quote)]


# --- creating and pricing ---------------------------------------------------------------------------------------


def test_create_prices_hwaas_on_the_receiving_pbx_cycle_and_capex_at_the_capex_price(draft_quote, partner_it):
    # given a receiving account whose PBX is on the monthly cycle (fixture)
    # then the HWaaS line takes the -1M price and the CAPEX line the CAPEX price, in the partner's currency
    lines = list(draft_quote.lines.order_by("id"))
    assert [(line.product.sku, line.ownership, line.cycle, line.unit_price, line.currency) for line in lines] == [
        ("WF", "hwaas", "1m", Decimal("6.00"), "EUR"),
        ("VIS", "capex", "", Decimal("329.00"), "EUR"),
    ]
    assert draft_quote.stage == QuoteStage.DRAFT
    assert draft_quote.currency == "EUR"
    assert quote_totals(quote=draft_quote).net == Decimal("353.00")
    # Q-<year>-NNNNNN; which year (the partner's own) is tests/core/test_numbering.py's subject
    assert re.fullmatch(r"Q-20\d\d-\d{6}", draft_quote.number)


def test_quote_numbers_are_unique_and_sequential(user_it, project, catalogue):
    lines = [{"product": catalogue["WF"], "quantity": 1, "ownership": "hwaas"}]
    first = services.quote_create(user=user_it, project=project, additional_configuration="additional_items",
                                  lines=lines)
    second = services.quote_create(user=user_it, project=project, additional_configuration="additional_items",
                                   lines=lines)
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


def test_yearly_pbx_prices_hwaas_on_the_yearly_variant(user_it, partner_it, catalogue):
    account = factories.receiving_account(partner=partner_it, name="Verdi Srl", cycle="1y")
    project = factories.ProjectFactory(account=account, partner=partner_it, created_by=user_it)
    quote = services.quote_create(user=user_it, project=project, additional_configuration="additional_items",
                                  lines=[{"product": catalogue["WF"], "quantity": 2, "ownership": "hwaas"}])
    line = quote.lines.get()
    assert (line.cycle, line.unit_price) == ("1y", Decimal("60.00"))


def test_hwaas_line_for_an_account_without_eligible_pbx_is_a_clear_error(user_it, partner_it, catalogue):
    account = factories.AccountFactory(partner=partner_it, name="No PBX Srl")
    project = factories.ProjectFactory(account=account, partner=partner_it, created_by=user_it)
    with pytest.raises(QuoteLineInvalid) as exc:
        services.quote_create(user=user_it, project=project, additional_configuration="additional_items",
                              lines=[{"product": catalogue["WF"], "quantity": 1, "ownership": "hwaas"}])
    assert exc.value.code == "no_eligible_pbx"
    assert exc.value.extra["line"] == 0
    assert not Quote.objects.exists()
    # but CAPEX lines are fine without a PBX
    quote = services.quote_create(user=user_it, project=project, additional_configuration="additional_items",
                                  lines=[{"product": catalogue["WF"], "quantity": 1, "ownership": "capex"}])
    assert quote.lines.get().unit_price == Decimal("199.00")


def test_missing_price_is_a_field_error(user_it, project, catalogue):
    unpriced = factories.ProductFactory(sku="HS-1", name="Headset")
    with pytest.raises(QuoteLineInvalid) as exc:
        services.quote_create(user=user_it, project=project, additional_configuration="additional_items",
                              lines=[{"product": catalogue["WF"], "quantity": 1, "ownership": "hwaas"},
                                     {"product": unpriced, "quantity": 1, "ownership": "capex"}])
    assert exc.value.code == "price_missing"
    assert exc.value.extra["fields"] == {"lines.1.product": [exc.value.message]}
    assert "Headset" in exc.value.message


@pytest.mark.parametrize("quantity", [0, 1000, -1, "3"])
def test_quantity_must_be_1_to_999(user_it, project, catalogue, quantity):
    with pytest.raises(QuoteLineInvalid) as exc:
        services.quote_create(user=user_it, project=project, additional_configuration="additional_items",
                              lines=[{"product": catalogue["WF"], "quantity": quantity, "ownership": "hwaas"}])
    assert exc.value.extra["field"] == "quantity"


def test_create_refuses_another_partners_project(user_uk, project, catalogue):
    with pytest.raises(NotFound):
        services.quote_create(user=user_uk, project=project, additional_configuration="additional_items", lines=[])


def test_lines_replace_reprices_while_draft(user_it, draft_quote, catalogue):
    services.quote_lines_replace(user=user_it, quote=draft_quote,
                                 lines=[{"product": catalogue["VIS"], "quantity": 3, "ownership": "hwaas"}])
    line = draft_quote.lines.get()
    assert (line.product.sku, line.quantity, line.unit_price) == ("VIS", 3, Decimal("9.50"))


def test_editing_a_presented_quote_is_refused_and_changes_nothing(user_it, presented_quote, catalogue):
    before = list(presented_quote.lines.values_list("id", "quantity"))
    with pytest.raises(QuoteNotEditable) as exc:
        services.quote_lines_replace(user=user_it, quote=presented_quote,
                                     lines=[{"product": catalogue["VIS"], "quantity": 3, "ownership": "hwaas"}])
    assert exc.value.status_code == 409
    assert exc.value.code == "quote_not_editable"
    assert list(presented_quote.lines.values_list("id", "quantity")) == before


# --- submit -----------------------------------------------------------------------------------------------------


def test_submit_presents_renders_the_proposal_and_emails_the_link(user_it, draft_quote, bianchi,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_submit(user=user_it, quote=draft_quote)
    quote = Quote.objects.get(pk=draft_quote.pk)
    assert quote.stage == QuoteStage.PRESENTED
    assert quote.valid_until is not None and quote.presented_at is not None
    assert (quote.valid_until - quote.presented_at.date()).days in (29, 30, 31)
    assert quote.proposal_pdf_version == quote.version == 1
    assert len(quote.proposal_pdf_sha256) == 64
    with quote.proposal_pdf.open("rb") as fh:
        assert fh.read(4) == b"%PDF"
    assert _stages(quote) == [("draft", "presented", "partner")]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [bianchi.contact_email]
    assert "/quotes/sign/" in mail.outbox[0].body
    assert quote.number in mail.outbox[0].subject


def test_submitting_an_empty_quote_is_refused(user_it, project):
    quote = services.quote_create(user=user_it, project=project, additional_configuration="additional_items",
                                  lines=[])
    with pytest.raises(QuoteEmpty):
        services.quote_submit(user=user_it, quote=quote)
    quote.refresh_from_db()
    assert quote.stage == QuoteStage.DRAFT


def test_submitting_twice_is_a_409_with_the_stage(user_it, presented_quote):
    with pytest.raises(TransitionNotAllowed) as exc:
        services.quote_submit(user=user_it, quote=presented_quote)
    assert exc.value.status_code == 409
    assert exc.value.extra == {"stage": "presented"}


def test_submit_survives_a_broker_that_is_down(user_it, draft_quote, broker_down,
                                               django_capture_on_commit_callbacks):
    # given no eager tasks and a broker nobody listens on (fixture)
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_submit(user=user_it, quote=draft_quote)
    # then the quote is presented, the PDF is simply not there yet
    quote = Quote.objects.get(pk=draft_quote.pk)
    assert quote.stage == QuoteStage.PRESENTED
    assert not quote.proposal_pdf
    # and the sweep renders it once it is older than a minute
    assert services.quote_documents_render_missing(older_than=dt.timedelta(minutes=1)) == 0
    assert services.quote_documents_render_missing(older_than=dt.timedelta(seconds=-1)) == 1
    quote.refresh_from_db()
    assert quote.proposal_pdf_version == 1


# --- accept (skip), reject, revise, cancel, expire ----------------------------------------------------------------


def test_skip_signing_accepts_and_creates_exactly_one_order(user_it, presented_quote):
    services.quote_accept_skip(user=user_it, quote=presented_quote)
    quote = Quote.objects.get(pk=presented_quote.pk)
    assert quote.stage == QuoteStage.ACCEPTED
    assert quote.accepted_at is not None
    assert _stages(quote)[-1] == ("presented", "accepted", "skipped")
    assert QuoteTransition.objects.filter(quote=quote).last().by == user_it
    order = Order.objects.get(quote=quote)
    assert order.status == "draft"
    assert order.number.startswith("O-")
    assert order.account_id == quote.account_id and order.project_id == quote.project_id
    assert [(line.product.sku, line.quantity, line.ownership, line.unit_price, line.selected)
            for line in order.lines.order_by("id")] == [
        ("WF", 4, "hwaas", Decimal("6.00"), True), ("VIS", 1, "capex", Decimal("329.00"), True)]


def test_accepting_twice_is_refused_and_keeps_one_order(user_it, presented_quote):
    services.quote_accept_skip(user=user_it, quote=presented_quote)
    with pytest.raises(TransitionNotAllowed) as exc:
        services.quote_accept_skip(user=user_it, quote=presented_quote)
    assert exc.value.extra == {"stage": "accepted"}
    assert Order.objects.filter(quote=presented_quote).count() == 1


def test_order_create_is_idempotent_and_the_database_forbids_a_second_order(user_it, presented_quote):
    services.quote_accept_skip(user=user_it, quote=presented_quote)
    quote = Quote.objects.get(pk=presented_quote.pk)
    order = Order.objects.get(quote=quote)
    assert order_create_from_quote(quote=quote) == order
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.create(partner=order.partner, quote=quote, project=order.project, account=order.account,
                             number="O-DUP", currency="EUR")


def test_accepting_a_draft_is_refused(user_it, draft_quote):
    with pytest.raises(TransitionNotAllowed) as exc:
        services.quote_accept_skip(user=user_it, quote=draft_quote)
    assert exc.value.extra == {"stage": "draft"}
    assert not Order.objects.exists()


def test_reject_a_presented_quote(user_it, presented_quote):
    services.quote_reject(user=user_it, quote=presented_quote)
    assert Quote.objects.get(pk=presented_quote.pk).stage == QuoteStage.REJECTED
    with pytest.raises(TransitionNotAllowed):
        services.quote_reject(user=user_it, quote=presented_quote)


def test_rejecting_a_draft_is_refused(user_it, draft_quote):
    with pytest.raises(TransitionNotAllowed):
        services.quote_reject(user=user_it, quote=draft_quote)


def test_revise_returns_to_draft_with_a_new_version(user_it, presented_quote, catalogue):
    services.quote_revise(user=user_it, quote=presented_quote)
    quote = Quote.objects.get(pk=presented_quote.pk)
    assert (quote.stage, quote.version, quote.valid_until) == (QuoteStage.DRAFT, 2, None)
    # and lines can be edited again
    services.quote_lines_replace(user=user_it, quote=quote,
                                 lines=[{"product": catalogue["WF"], "quantity": 5, "ownership": "hwaas"}])
    assert quote.lines.get().quantity == 5


def test_revising_a_draft_is_refused(user_it, draft_quote):
    with pytest.raises(TransitionNotAllowed):
        services.quote_revise(user=user_it, quote=draft_quote)


@pytest.mark.parametrize("fixture", ["draft_quote", "presented_quote"])
def test_cancel_a_draft_or_presented_quote(request, user_it, fixture):
    quote = request.getfixturevalue(fixture)
    services.quote_cancel(user=user_it, quote=quote)
    assert Quote.objects.get(pk=quote.pk).stage == QuoteStage.CANCELLED


def test_cancelling_an_accepted_quote_is_refused(user_it, presented_quote):
    services.quote_accept_skip(user=user_it, quote=presented_quote)
    with pytest.raises(TransitionNotAllowed) as exc:
        services.quote_cancel(user=user_it, quote=presented_quote)
    assert exc.value.extra == {"stage": "accepted"}


def test_another_partner_cannot_move_the_quote(user_uk, presented_quote):
    for service in (services.quote_accept_skip, services.quote_reject, services.quote_revise,
                    services.quote_cancel, services.quote_submit):
        with pytest.raises(NotFound):
            service(user=user_uk, quote=presented_quote)
    assert Quote.objects.get(pk=presented_quote.pk).stage == QuoteStage.PRESENTED


def test_vendor_staff_transitions_are_recorded_as_staff(presented_quote):
    staff = factories.UserFactory(partner=None, role="", username="staff", is_staff=True)
    services.quote_accept_skip(user=staff, quote=presented_quote)
    assert _stages(presented_quote)[-1] == ("presented", "accepted", "staff")


def test_expire_due_quotes_only_after_their_validity(user_it, presented_quote, draft_quote):
    quote = Quote.objects.get(pk=presented_quote.pk)
    rome = ZoneInfo("Europe/Rome")
    # when the expiry runs at 23:59 in Rome on the last day of validity, nothing expires
    with time_machine.travel(dt.datetime.combine(quote.valid_until, dt.time(23, 59), tzinfo=rome)):
        assert services.quotes_expire_due(partner=quote.partner) == 0
    # when it runs at 00:01 in Rome the next day (still the last day in UTC), the quote expires
    next_day = quote.valid_until + dt.timedelta(days=1)
    with time_machine.travel(dt.datetime.combine(next_day, dt.time(0, 1), tzinfo=rome)):
        assert services.quotes_expire_due(partner=quote.partner) == 1
    quote.refresh_from_db()
    assert quote.stage == QuoteStage.EXPIRED
    assert _stages(quote)[-1] == ("presented", "expired", "system")
    # and an expired quote cannot be accepted
    with pytest.raises(TransitionNotAllowed):
        services.quote_accept_skip(user=user_it, quote=quote)


def test_expire_task_runs_the_service(presented_quote):
    from quotes.tasks import expire_quotes

    Quote.objects.filter(pk=presented_quote.pk).update(valid_until=dt.date(2020, 1, 1))
    assert expire_quotes.delay().get() == 1
    assert Quote.objects.get(pk=presented_quote.pk).stage == QuoteStage.EXPIRED


def test_expiry_follows_each_partners_own_calendar(user_it, presented_quote):
    # Two partners: set-up and checks run across them as vendor staff; the job opens its own scopes.
    with vendor_scope():
        from quotes.tasks import expire_quotes

        # given a quote valid through 2026-12-01 of an Italian partner, and the same for a partner in Auckland
        Quote.objects.filter(pk=presented_quote.pk).update(valid_until=dt.date(2026, 12, 1))
        kiwi = factories.PartnerFactory(code="nz-demo", country="NZ", currency="NZD", timezone="Pacific/Auckland")
        account = factories.AccountFactory(partner=kiwi, name="Harbour Ltd")
        project = factories.ProjectFactory(partner=kiwi, account=account,
                                           created_by=factories.UserFactory(partner=kiwi, username="nz-admin"))
        nz_quote = Quote.objects.create(partner=kiwi, project=project, account=account, number="Q-NZ-000001",
                                        currency="NZD", created_by=project.created_by, valid_until=dt.date(2026, 12, 1))
        Quote.objects.filter(pk=nz_quote.pk).update(stage=QuoteStage.PRESENTED)

        # when the expiry job runs at noon UTC on 2026-12-02 (13:00 in Rome, 01:00 on the 3rd in Auckland)...
        with time_machine.travel(dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)):
            assert expire_quotes.delay().get() == 2
        # ...but at noon UTC on 2026-12-01 (13:00 in Rome, 01:00 on the 2nd in Auckland) only Auckland is past it
        Quote.objects.filter(pk__in=[presented_quote.pk, nz_quote.pk]).update(stage=QuoteStage.PRESENTED)

        # then each partner's quote expires when its own calendar has passed the validity
        with time_machine.travel(dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)):
            assert expire_quotes.delay().get() == 1
        assert Quote.objects.get(pk=nz_quote.pk).stage == QuoteStage.EXPIRED
        assert Quote.objects.get(pk=presented_quote.pk).stage == QuoteStage.PRESENTED
