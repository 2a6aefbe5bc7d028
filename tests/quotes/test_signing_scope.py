"""The customer's signing pages open the quote's partner scope themselves.

The customer has no login, so the request carries no partner scope (an anonymous request runs with
none, and a query of a partner-owned model there raises ScopeError). These tests run the pages exactly
so: the tenancy middleware left out, scopes enforced and none open.
"""

import pytest
from django.urls import reverse
from django_scopes import ScopeError

from quotes.models import Quote, QuoteSignature
from quotes.signing import signing_path, signing_token_make
from tests.scoping import outside_any_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous_without_scope(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "core.middleware.PartnerScopeMiddleware"]
    return outside_any_scope


def test_the_setting_is_a_request_with_no_scope(anonymous_without_scope, presented_quote):
    with anonymous_without_scope(), pytest.raises(ScopeError):
        Quote.objects.count()


def test_the_customer_reads_the_proposal_and_its_pdf(client, anonymous_without_scope, presented_quote):
    with anonymous_without_scope():
        page = client.get(signing_path(quote=presented_quote))
        pdf = client.get(reverse("quotes:sign_pdf", args=[signing_token_make(quote=presented_quote)]))
    assert page.status_code == 200
    assert presented_quote.number in page.content.decode() and "I accept this proposal" in page.content.decode()
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_the_customer_signs(client, anonymous_without_scope, presented_quote, django_capture_on_commit_callbacks):
    with anonymous_without_scope(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(signing_path(quote=presented_quote), {
            "signer_name": "Giulia Bianchi", "accept": "on", "pdf_sha256": presented_quote.proposal_pdf_sha256,
        })
    assert response.status_code == 200 and "Thank you, Giulia Bianchi." in response.content.decode()
    assert Quote.objects.get(pk=presented_quote.pk).stage == "accepted"
    assert QuoteSignature.objects.get(quote=presented_quote).signer_name == "Giulia Bianchi"


def test_the_customer_declines(client, anonymous_without_scope, presented_quote):
    with anonymous_without_scope():
        response = client.post(reverse("quotes:sign_decline", args=[signing_token_make(quote=presented_quote)]),
                               {"signer_name": "Giulia"})
    assert response.status_code == 200 and "Proposal declined" in response.content.decode()
    assert Quote.objects.get(pk=presented_quote.pk).stage == "rejected"


def test_a_used_link_gets_its_page_without_a_scope(client, anonymous_without_scope, presented_quote, user_it):
    from quotes.services import quote_accept_skip

    quote_accept_skip(user=user_it, quote=presented_quote)
    with anonymous_without_scope():
        response = client.get(signing_path(quote=presented_quote))
    assert response.status_code == 410 and "already been accepted" in response.content.decode()
