"""The quote's documents: the proposal PDF of each presented version and the signed copy.

Rendering is slow, so it happens outside any lock; the result is then stored under a short lock
only if it is still wanted (same version, not stored meanwhile). Running twice is harmless.
"""

import datetime as dt
import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.tenancy import partner_scope, vendor_scope
from quotes.models import Quote, QuoteSignature
from quotes.pdf import proposal_pdf_render, signed_copy_pdf_render
from quotes.selectors import DOCUMENT_STAGES, quote_detail_qs
from quotes.services.common import logger, quote_lock


def quote_proposal_render(*, quote_id: int, version: int) -> bool:
    """Render and store the proposal PDF of this quote version; False when there was nothing to do.

    The caller opens the quote's partner scope (quotes.tasks does).
    """
    quote = Quote.objects.filter(pk=quote_id).select_related("partner").first()
    if quote is None or quote.version != version or quote.proposal_pdf_version == version:
        return False
    if quote.stage not in DOCUMENT_STAGES:
        return False
    quote = quote_detail_qs(partner_id=quote.partner_id).get(pk=quote_id)
    pdf = proposal_pdf_render(quote=quote)
    with transaction.atomic():
        locked = quote_lock(quote_id=quote_id)
        if locked.version != version or locked.proposal_pdf_version == version:
            return False
        locked.proposal_pdf.save(f"{locked.number}-v{version}.pdf", ContentFile(pdf), save=False)
        locked.proposal_pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        locked.proposal_pdf_version = version
        locked.save(update_fields=["proposal_pdf", "proposal_pdf_sha256", "proposal_pdf_version", "updated_at"])
    return True


def quote_signed_copy_render(*, quote_id: int) -> bool:
    """Render and store the signed copy of an accepted quote; False when there was nothing to do (the caller
    opens the quote's partner scope)."""
    quote = Quote.objects.filter(pk=quote_id).first()
    if quote is None or quote.signed_pdf:
        return False
    signature = QuoteSignature.objects.filter(quote_id=quote_id).first()
    if signature is None:
        return False
    quote = quote_detail_qs(partner_id=quote.partner_id).get(pk=quote_id)
    pdf = signed_copy_pdf_render(quote=quote, signature=signature)
    with transaction.atomic():
        locked = quote_lock(quote_id=quote_id)
        if locked.signed_pdf:
            return False
        locked.signed_pdf.save(f"{locked.number}-v{signature.version}-signed.pdf", ContentFile(pdf), save=False)
        locked.save(update_fields=["signed_pdf", "updated_at"])
    return True


def quote_documents_render_missing(*, older_than: dt.timedelta = dt.timedelta(minutes=1)) -> int:
    """The sweep: render proposals and signed copies a lost task message left missing.

    Documents younger than `older_than` are left to the task that is presumably rendering them
    right now.
    """
    cutoff = timezone.now() - older_than
    rendered = 0
    # The sweep works for every partner: read the work list unscoped on purpose, then render each
    # quote inside its own partner's scope, as a request of that partner would.
    with vendor_scope():
        proposals = list(
            Quote.objects.filter(stage__in=DOCUMENT_STAGES, presented_at__lt=cutoff)
            .filter(Q(proposal_pdf_version__isnull=True) | ~Q(proposal_pdf_version=F("version")))
            .order_by("pk")
            .values_list("pk", "partner_id", "version")
        )
        signed = list(
            QuoteSignature.objects.filter(signed_at__lt=cutoff, quote__signed_pdf="")
            .order_by("quote_id")
            .values_list("quote_id", "quote__partner_id")
        )
    for quote_id, partner_id, version in proposals:
        try:
            with partner_scope(partner_id):
                rendered += quote_proposal_render(quote_id=quote_id, version=version)
        except Exception:
            logger.exception("proposal of quote %s v%s could not be rendered", quote_id, version)
    for quote_id, partner_id in signed:
        try:
            with partner_scope(partner_id):
                rendered += quote_signed_copy_render(quote_id=quote_id)
        except Exception:
            logger.exception("signed copy of quote %s could not be rendered", quote_id)
    return rendered
