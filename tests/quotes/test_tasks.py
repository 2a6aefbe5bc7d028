"""The quote tasks run in a worker, with no request and so no scope: each re-enters its quote's partner scope."""

import datetime as dt

import pytest
from django.db.models.signals import pre_save
from django.utils import timezone
from django_scopes import ScopeError
from django_scopes.state import get_scope

from projects.services import project_create_change_order
from quotes import services, tasks
from quotes.models import Quote
from quotes.signing import signing_token_make
from tests import factories
from tests.scoping import outside_any_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def scopes_seen_on_save():
    """The scope in effect each time a quote row is written, by quote id."""
    seen: dict[int, list[dict]] = {}

    def record(sender, instance, **kwargs):
        seen.setdefault(instance.pk, []).append(dict(get_scope()))

    pre_save.connect(record, sender=Quote, dispatch_uid="test-quote-scope")
    yield seen
    pre_save.disconnect(sender=Quote, dispatch_uid="test-quote-scope")


def _without_proposal(quote: Quote) -> Quote:
    """As if the render message was lost: presented a while ago, no PDF of its version."""
    Quote.objects.filter(pk=quote.pk).update(proposal_pdf_version=None,
                                             presented_at=timezone.now() - dt.timedelta(minutes=5))
    return Quote.objects.get(pk=quote.pk)


def _no_scope():
    """A worker's context: scopes enforced and none open, so an unscoped query raises."""
    return outside_any_scope()


def test_the_worker_context_of_these_tests_has_no_scope(presented_quote):
    with _no_scope(), pytest.raises(ScopeError):
        Quote.objects.filter(pk=presented_quote.pk).exists()


def test_render_proposal_pdf_works_in_the_quotes_partner_scope(presented_quote, scopes_seen_on_save):
    # given a presented quote whose proposal was not rendered
    quote = _without_proposal(presented_quote)

    # when the task runs in a worker
    with _no_scope():
        assert tasks.render_proposal_pdf(quote.pk, quote.version) is True

    # then the proposal is stored, written inside the quote's partner scope only
    quote.refresh_from_db()
    assert quote.proposal_pdf_version == quote.version and quote.proposal_pdf.name
    assert [s.get("partner") for s in scopes_seen_on_save[quote.pk]] == [quote.partner_id]


def test_render_signed_pdf_works_in_the_quotes_partner_scope(presented_quote, scopes_seen_on_save,
                                                             django_capture_on_commit_callbacks):
    # given a quote the customer signed, whose signed-copy message was not run
    with django_capture_on_commit_callbacks(execute=False):
        services.quote_sign(token=signing_token_make(quote=presented_quote), signer_name="Giulia Bianchi",
                            ip_address=None, user_agent="", pdf_sha256=presented_quote.proposal_pdf_sha256)
    scopes_seen_on_save.clear()

    # when the task runs in a worker
    with _no_scope():
        assert tasks.render_signed_pdf(presented_quote.pk) is True

    # then the signed copy is stored from inside the quote's partner scope
    quote = Quote.objects.get(pk=presented_quote.pk)
    assert quote.signed_pdf.name
    assert [s.get("partner") for s in scopes_seen_on_save[quote.pk]] == [quote.partner_id]


def test_a_task_for_a_quote_that_does_not_exist_does_nothing(db):
    with _no_scope():
        assert tasks.render_proposal_pdf(987654, 1) is False
        assert tasks.render_signed_pdf(987654) is False


def test_the_sweep_renders_each_partners_missing_proposal_in_that_partners_scope(
    presented_quote, user_uk, partner_uk, scopes_seen_on_save, django_capture_on_commit_callbacks
):
    # given two partners' presented quotes, both without their proposal
    catalogue = factories.change_order_catalogue(currency="GBP")
    project = project_create_change_order(user=user_uk, account=factories.receiving_account(partner=partner_uk))
    uk_quote = services.quote_create(user=user_uk, project=project, additional_configuration="additional_items",
                                     lines=[{"product": catalogue["WF"], "quantity": 1, "ownership": "hwaas"}])
    with django_capture_on_commit_callbacks(execute=False):
        services.quote_submit(user=user_uk, quote=uk_quote)
    it_quote, uk_quote = _without_proposal(presented_quote), _without_proposal(uk_quote)
    scopes_seen_on_save.clear()

    # when the periodic sweep runs in a worker
    with _no_scope():
        assert tasks.render_missing_proposals() == 2

    # then each proposal was stored from inside its own partner's scope
    for quote in (it_quote, uk_quote):
        assert Quote.objects.get(pk=quote.pk).proposal_pdf_version == quote.version
        assert [s.get("partner") for s in scopes_seen_on_save[quote.pk]] == [quote.partner_id]
