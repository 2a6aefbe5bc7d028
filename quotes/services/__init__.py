"""Quote services, split by topic: lines and prices, stage transitions, customer signatures, documents."""

from quotes.services.documents import (
    quote_documents_render_missing,
    quote_proposal_render,
    quote_signed_copy_render,
)
from quotes.services.lines import LineInput, quote_create, quote_lines_replace
from quotes.services.signatures import quote_decline, quote_sign
from quotes.services.stages import (
    quote_accept_skip,
    quote_cancel,
    quote_reject,
    quote_revise,
    quote_submit,
    quotes_expire_due,
)

__all__ = [
    "LineInput",
    "quote_accept_skip",
    "quote_cancel",
    "quote_create",
    "quote_decline",
    "quote_documents_render_missing",
    "quote_lines_replace",
    "quote_proposal_render",
    "quote_reject",
    "quote_revise",
    "quote_sign",
    "quote_signed_copy_render",
    "quote_submit",
    "quotes_expire_due",
]
