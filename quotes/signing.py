"""The customer's signing link: an HMAC-signed, expiring token bound to the quote and its version.

The token's timestamp is the moment the quote was presented, so the link is the same every time
the partner looks at it, and it expires SIGNING_LINK_MAX_AGE after Submit Proposal, not after
the last page view. A revise bumps the quote's version, so an old link no longer matches.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from quotes.exceptions import QuoteErrorCode, SigningLinkGone, SigningLinkInvalid
from quotes.models import Quote

SALT = "quotes.signing-link"


@dataclass(frozen=True)
class SigningClaim:
    """What a verified token says: which quote, which version, which partner."""

    quote_id: int
    version: int
    partner_id: int


class _PresentedAtSigner(signing.TimestampSigner):
    """A TimestampSigner stamped with a given time instead of now."""

    def __init__(self, *, stamp: int, **kwargs):
        super().__init__(**kwargs)
        self._stamp = stamp

    def timestamp(self):
        return signing.b62_encode(self._stamp)


def signing_token_make(*, quote: Quote) -> str:
    """The token of a presented quote's current version."""
    if quote.presented_at is None:
        raise ValueError("only a presented quote has a signing link")
    payload = {"q": quote.pk, "v": quote.version, "p": quote.partner_id}
    signer = _PresentedAtSigner(stamp=int(quote.presented_at.timestamp()), salt=SALT)
    return signer.sign_object(payload, compress=False)


def signing_token_read(*, token: str) -> SigningClaim:
    """Verify a token's signature and age; says nothing yet about the quote's current state."""
    try:
        payload = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=settings.SIGNING_LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise SigningLinkGone("This signing link has expired. Ask your partner for a new one.",
                              code=QuoteErrorCode.SIGNING_LINK_EXPIRED) from exc
    except signing.BadSignature as exc:
        raise SigningLinkInvalid("This signing link is not valid. Check that it was copied completely.") from exc
    try:
        return SigningClaim(quote_id=int(payload["q"]), version=int(payload["v"]), partner_id=int(payload["p"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise SigningLinkInvalid("This signing link is not valid.") from exc


def signing_path(*, quote: Quote) -> str:
    return reverse("quotes:sign", kwargs={"token": signing_token_make(quote=quote)})


def signing_url(*, quote: Quote) -> str:
    """The absolute link sent to the customer (PORTAL_BASE_URL + path)."""
    return settings.PORTAL_BASE_URL.rstrip("/") + signing_path(quote=quote)
