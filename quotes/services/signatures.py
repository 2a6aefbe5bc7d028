"""The customer's side: sign or decline a presented quote through its signing link (no login)."""

from django.db import transaction
from django.utils import timezone

from core.clock import partner_today
from core.tasks import publish_on_commit
from core.tenancy import partner_scope
from quotes.exceptions import ProposalChanged, ProposalNotReady, SignerNameRequired, SigningLinkInvalid
from quotes.models import Quote, QuoteSignature, TransitionMethod
from quotes.selectors import quote_proposal_ready, quote_signable_check
from quotes.services.common import quote_lock, transition_apply
from quotes.services.stages import quote_accept_locked
from quotes.signing import SigningClaim, signing_token_read

SIGNER_NAME_MAX = 200
USER_AGENT_MAX = 400


def _locked_from_claim(*, claim: SigningClaim) -> Quote:
    try:
        quote = quote_lock(quote_id=claim.quote_id)
    except Quote.DoesNotExist as exc:
        raise SigningLinkInvalid("This signing link is not valid.") from exc
    quote_signable_check(quote=quote, claim=claim, today=partner_today(partner=quote.partner))
    return quote


def quote_sign(
    *, token: str, signer_name: str, ip_address: str | None, user_agent: str, pdf_sha256: str = ""
) -> Quote:
    """Accept a presented quote as its customer: store the signature, create the order, print a signed copy."""
    from quotes import tasks

    signer_name = (signer_name or "").strip()
    if not signer_name:
        raise SignerNameRequired("Type your full name to sign.",
                                 extra={"fields": {"signer_name": ["Type your full name to sign."]}})
    claim = signing_token_read(token=token)
    # The customer has no login: the verified token names the partner, so its scope is opened here.
    with partner_scope(claim.partner_id), transaction.atomic():
        quote = _locked_from_claim(claim=claim)
        if not quote_proposal_ready(quote=quote):
            raise ProposalNotReady("The proposal PDF is still being prepared. Reload the page in a moment.")
        if pdf_sha256 and pdf_sha256 != quote.proposal_pdf_sha256:
            raise ProposalChanged("The proposal changed since this page was opened. Reload the page and read it again.")
        quote_accept_locked(quote=quote, by=None, method=TransitionMethod.SIGNED,
                            note=f"Signed by {signer_name[:SIGNER_NAME_MAX]}")
        QuoteSignature.objects.create(
            quote=quote, version=quote.version, signer_name=signer_name[:SIGNER_NAME_MAX], signed_at=timezone.now(),
            ip_address=ip_address or None, user_agent=(user_agent or "")[:USER_AGENT_MAX],
            pdf_sha256=quote.proposal_pdf_sha256,
        )
        publish_on_commit(tasks.render_signed_pdf, quote.pk)
    return quote


def quote_decline(*, token: str, signer_name: str = "", ip_address: str | None = None, user_agent: str = "") -> Quote:
    """The customer declines the proposal: the quote becomes rejected."""
    claim = signing_token_read(token=token)
    # The customer has no login: the verified token names the partner, so its scope is opened here.
    with partner_scope(claim.partner_id), transaction.atomic():
        quote = _locked_from_claim(claim=claim)
        who = (signer_name or "").strip()[:SIGNER_NAME_MAX] or "the customer"
        where = f" from {ip_address}" if ip_address else ""
        transition_apply(quote=quote, name="reject", by=None, method=TransitionMethod.DECLINED,
                         note=f"Declined by {who}{where}")
        quote.save(update_fields=["stage", "updated_at"])
    return quote

