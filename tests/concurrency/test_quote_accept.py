"""Two accepts of one quote at the same moment: exactly one order (PostgreSQL, real threads)."""

import threading

import pytest
from django.db import connection

from core.errors import ApplicationError
from core.tenancy import partner_scope
from orders.models import Order
from projects.services import project_create_change_order
from quotes import services
from quotes.models import Quote, QuoteStage, QuoteTransition
from quotes.signing import signing_token_make
from tests import factories

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def _presented_quote(partner, user):
    catalogue = factories.change_order_catalogue(currency=partner.currency)
    account = factories.receiving_account(partner=partner, name="Bianchi SpA")
    project = project_create_change_order(user=user, account=account)
    quote = services.quote_create(user=user, project=project, additional_configuration="additional_items",
                                  lines=[{"product": catalogue["WF"], "quantity": 4, "ownership": "hwaas"}])
    quote = services.quote_submit(user=user, quote=quote)
    # Render the proposal here rather than rely on how Celery is configured: signing needs the PDF.
    services.quote_proposal_render(quote_id=quote.pk, version=quote.version)
    return quote


def _race(partner_id, *callables):
    barrier = threading.Barrier(len(callables))
    outcomes = []

    def run(call):
        try:
            # each thread is its own request: its own partner scope and its own connection
            with partner_scope(partner_id):
                barrier.wait(timeout=10)
                call()
            outcomes.append("ok")
        except ApplicationError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in callables]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


@pytest.mark.parametrize("attempt", range(3))
def test_two_skips_at_once_make_one_order(partner_it, user_it, attempt):
    quote = _presented_quote(partner_it, user_it)

    def accept():
        services.quote_accept_skip(user=user_it, quote=Quote.objects.get(pk=quote.pk))

    outcomes = _race(partner_it.pk, accept, accept)
    assert outcomes == ["ok", "transition_not_allowed"]
    assert Order.objects.filter(quote_id=quote.pk).count() == 1
    assert Quote.objects.get(pk=quote.pk).stage == QuoteStage.ACCEPTED
    assert QuoteTransition.objects.filter(quote_id=quote.pk, to_stage="accepted").count() == 1


def test_a_signature_and_a_skip_at_once_make_one_order(partner_it, user_it):
    quote = _presented_quote(partner_it, user_it)
    assert Quote.objects.get(pk=quote.pk).proposal_pdf_version == 1
    token = signing_token_make(quote=Quote.objects.get(pk=quote.pk))

    def skip():
        services.quote_accept_skip(user=user_it, quote=Quote.objects.get(pk=quote.pk))

    def sign():
        services.quote_sign(token=token, signer_name="Giulia Bianchi", ip_address="203.0.113.7", user_agent="t")

    outcomes = _race(partner_it.pk, skip, sign)
    assert "ok" in outcomes and len(outcomes) == 2
    assert outcomes.count("ok") == 1
    assert Order.objects.filter(quote_id=quote.pk).count() == 1
