"""The signer's address on a signature is the client address the lockouts and throttles use."""

import pytest
from django.urls import reverse

from quotes.models import QuoteSignature, QuoteTransition
from quotes.signing import signing_path, signing_token_make

pytestmark = pytest.mark.django_db


def _sign(client, quote, **headers):
    return client.post(signing_path(quote=quote), {"signer_name": "Giulia Bianchi", "accept": "on",
                                                   "pdf_sha256": quote.proposal_pdf_sha256}, **headers)


def test_behind_one_proxy_the_signature_stores_the_right_most_hop(client, presented_quote, settings,
                                                                  django_capture_on_commit_callbacks):
    # given one proxy of ours at 192.0.2.10; the customer's browser sent a forged entry of its own
    settings.TRUSTED_PROXY_COUNT = 1
    # when the customer signs
    with django_capture_on_commit_callbacks(execute=True):
        response = _sign(client, presented_quote, REMOTE_ADDR="192.0.2.10",
                         HTTP_X_FORWARDED_FOR="10.1.2.3, 198.51.100.4")
    # then the address our proxy saw is recorded
    assert response.status_code == 200
    assert QuoteSignature.objects.get(quote=presented_quote).ip_address == "198.51.100.4"


def test_without_trusted_proxies_a_forged_forwarded_for_is_not_stored(client, presented_quote, settings,
                                                                      django_capture_on_commit_callbacks):
    settings.TRUSTED_PROXY_COUNT = 0
    with django_capture_on_commit_callbacks(execute=True):
        _sign(client, presented_quote, REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert QuoteSignature.objects.get(quote=presented_quote).ip_address == "198.51.100.4"


def test_a_decline_records_the_same_address(client, presented_quote, settings):
    # given one proxy of ours in front
    settings.TRUSTED_PROXY_COUNT = 1
    # when the customer declines through it
    client.post(reverse("quotes:sign_decline", args=[signing_token_make(quote=presented_quote)]),
                {"signer_name": "Giulia Bianchi"}, REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="198.51.100.4")
    # then the timeline names the customer's address, not the proxy's
    declined = QuoteTransition.objects.get(quote=presented_quote, to_stage="rejected")
    assert declined.note == "Declined by Giulia Bianchi from 198.51.100.4"
