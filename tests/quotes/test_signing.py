import datetime as dt

import pytest
from django.core import signing as django_signing

from core.errors import ApplicationError, TransitionNotAllowed
from orders.models import Order
from quotes import services
from quotes.exceptions import ProposalChanged, ProposalNotReady, SigningLinkGone, SigningLinkInvalid
from quotes.models import Quote, QuoteSignature, QuoteStage, QuoteTransition
from quotes.signing import SALT, signing_token_make, signing_token_read, signing_url

pytestmark = pytest.mark.django_db


def _sign(token, name="Giulia Bianchi", **kwargs):
    return services.quote_sign(token=token, signer_name=name, ip_address="203.0.113.7",
                               user_agent="Mozilla/5.0 test", **kwargs)


def test_the_link_is_stable_bound_to_quote_version_and_partner(presented_quote, settings):
    token = signing_token_make(quote=presented_quote)
    assert signing_token_make(quote=presented_quote) == token
    claim = signing_token_read(token=token)
    assert (claim.quote_id, claim.version, claim.partner_id) == (presented_quote.pk, 1, presented_quote.partner_id)
    assert signing_url(quote=presented_quote).startswith(settings.PORTAL_BASE_URL + "/quotes/sign/")


def test_signing_accepts_stores_the_signature_creates_the_order_and_the_signed_copy(
    presented_quote, django_capture_on_commit_callbacks
):
    token = signing_token_make(quote=presented_quote)
    with django_capture_on_commit_callbacks(execute=True):
        _sign(token, pdf_sha256=presented_quote.proposal_pdf_sha256)
    quote = Quote.objects.get(pk=presented_quote.pk)
    assert quote.stage == QuoteStage.ACCEPTED
    signature = QuoteSignature.objects.get(quote=quote)
    assert (signature.signer_name, signature.ip_address, signature.user_agent, signature.version) == (
        "Giulia Bianchi", "203.0.113.7", "Mozilla/5.0 test", 1)
    assert signature.pdf_sha256 == quote.proposal_pdf_sha256
    transition = QuoteTransition.objects.filter(quote=quote).last()
    assert (transition.from_stage, transition.to_stage, transition.method, transition.by) == (
        "presented", "accepted", "signed", None)
    assert Order.objects.filter(quote=quote).count() == 1
    assert quote.signed_pdf
    with quote.signed_pdf.open("rb") as fh:
        assert fh.read(4) == b"%PDF"


def test_a_used_link_is_gone_and_changes_nothing(presented_quote):
    token = signing_token_make(quote=presented_quote)
    _sign(token)
    with pytest.raises(SigningLinkGone) as exc:
        _sign(token, name="Someone Else")
    assert exc.value.status_code == 410
    assert QuoteSignature.objects.get(quote=presented_quote).signer_name == "Giulia Bianchi"
    assert Order.objects.filter(quote=presented_quote).count() == 1


def test_a_link_used_after_revise_is_gone(user_it, presented_quote, django_capture_on_commit_callbacks):
    old_token = signing_token_make(quote=presented_quote)
    services.quote_revise(user=user_it, quote=presented_quote)
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_submit(user=user_it, quote=presented_quote)
    quote = Quote.objects.get(pk=presented_quote.pk)
    assert quote.version == 2 and quote.proposal_pdf_version == 2
    with pytest.raises(SigningLinkGone) as exc:
        _sign(old_token)
    assert exc.value.code == "signing_link_revised"
    assert Quote.objects.get(pk=quote.pk).stage == QuoteStage.PRESENTED
    # while the new link works
    _sign(signing_token_make(quote=quote))
    assert Quote.objects.get(pk=quote.pk).stage == QuoteStage.ACCEPTED


def test_a_link_to_a_revised_draft_is_gone(user_it, presented_quote):
    token = signing_token_make(quote=presented_quote)
    services.quote_revise(user=user_it, quote=presented_quote)
    with pytest.raises(SigningLinkGone):
        _sign(token)
    assert Quote.objects.get(pk=presented_quote.pk).stage == QuoteStage.DRAFT


def test_an_expired_link_is_gone(presented_quote, settings):
    token = signing_token_make(quote=presented_quote)
    settings.SIGNING_LINK_MAX_AGE = -1
    with pytest.raises(SigningLinkGone) as exc:
        _sign(token)
    assert exc.value.code == "signing_link_expired"
    assert Quote.objects.get(pk=presented_quote.pk).stage == QuoteStage.PRESENTED


def test_a_quote_past_its_validity_cannot_be_signed_even_before_the_expiry_task(presented_quote):
    Quote.objects.filter(pk=presented_quote.pk).update(valid_until=dt.date(2020, 1, 1))
    with pytest.raises(SigningLinkGone):
        _sign(signing_token_make(quote=presented_quote))


def test_a_tampered_link_is_invalid(presented_quote):
    token = signing_token_make(quote=presented_quote)
    _payload, rest = token.split(":", 1)
    forged = django_signing.b64_encode(b'{"q":%d,"v":1,"p":999}' % presented_quote.pk).decode()
    for bad in (forged + ":" + rest, token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "nonsense"):
        with pytest.raises(SigningLinkInvalid) as exc:
            _sign(bad)
        assert exc.value.status_code == 400
    assert Quote.objects.get(pk=presented_quote.pk).stage == QuoteStage.PRESENTED


def test_a_token_signed_for_another_purpose_is_invalid(presented_quote):
    other = django_signing.dumps({"q": presented_quote.pk, "v": 1, "p": presented_quote.partner_id})
    with pytest.raises(SigningLinkInvalid):
        _sign(other)
    same_salt_wrong_shape = django_signing.dumps({"x": 1}, salt=SALT)
    with pytest.raises(SigningLinkInvalid):
        _sign(same_salt_wrong_shape)


def test_signing_before_the_pdf_exists_is_refused(user_it, draft_quote, broker_down,
                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        quote = services.quote_submit(user=user_it, quote=draft_quote)  # the render task is lost
    quote.refresh_from_db()
    with pytest.raises(ProposalNotReady):
        _sign(signing_token_make(quote=quote))
    assert Quote.objects.get(pk=quote.pk).stage == QuoteStage.PRESENTED


def test_signing_a_pdf_other_than_the_current_one_is_refused(presented_quote):
    with pytest.raises(ProposalChanged):
        _sign(signing_token_make(quote=presented_quote), pdf_sha256="0" * 64)
    assert not QuoteSignature.objects.exists()


def test_signer_name_is_required(presented_quote):
    with pytest.raises(ApplicationError) as exc:
        _sign(signing_token_make(quote=presented_quote), name="   ")
    assert exc.value.code == "signer_name_required"


def test_decline_rejects(presented_quote):
    services.quote_decline(token=signing_token_make(quote=presented_quote), signer_name="Giulia",
                           ip_address="203.0.113.7")
    quote = Quote.objects.get(pk=presented_quote.pk)
    assert quote.stage == QuoteStage.REJECTED
    transition = QuoteTransition.objects.filter(quote=quote).last()
    assert (transition.method, transition.note) == ("declined", "Declined by Giulia from 203.0.113.7")
    with pytest.raises(SigningLinkGone):
        services.quote_decline(token=signing_token_make(quote=presented_quote))


def test_a_partner_skip_after_signing_is_refused(user_it, presented_quote):
    _sign(signing_token_make(quote=presented_quote))
    with pytest.raises(TransitionNotAllowed):
        services.quote_accept_skip(user=user_it, quote=presented_quote)


def test_link_age_counts_from_presentation_not_from_now(presented_quote, settings):
    Quote.objects.filter(pk=presented_quote.pk).update(
        presented_at=presented_quote.presented_at - dt.timedelta(seconds=120))
    quote = Quote.objects.get(pk=presented_quote.pk)
    settings.SIGNING_LINK_MAX_AGE = 60
    with pytest.raises(SigningLinkGone):
        signing_token_read(token=signing_token_make(quote=quote))
    settings.SIGNING_LINK_MAX_AGE = 180
    assert signing_token_read(token=signing_token_make(quote=quote)).quote_id == quote.pk
