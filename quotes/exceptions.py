"""Errors of quotes, their lines, proposals and signing links, and the codes the pages and the API show."""

from enum import StrEnum

from core.errors import ApplicationError, Conflict


class QuoteErrorCode(StrEnum):
    QUOTE_NOT_EDITABLE = "quote_not_editable"
    QUOTE_LINE_INVALID = "quote_line_invalid"
    PRODUCT_UNKNOWN = "product_unknown"
    QUANTITY_OUT_OF_RANGE = "quantity_out_of_range"
    OWNERSHIP_UNKNOWN = "ownership_unknown"
    NO_ELIGIBLE_PBX = "no_eligible_pbx"
    PRICE_MISSING = "price_missing"
    QUOTE_EMPTY = "quote_empty"
    ADDITIONAL_CONFIGURATION_UNSUPPORTED = "additional_configuration_unsupported"
    PROPOSAL_NOT_READY = "proposal_not_ready"
    PROPOSAL_CHANGED = "proposal_changed"
    QUOTE_PDF_NOT_READY = "quote_pdf_not_ready"
    SIGNER_NAME_REQUIRED = "signer_name_required"
    SIGNING_LINK_INVALID = "signing_link_invalid"
    SIGNING_LINK_GONE = "signing_link_gone"
    SIGNING_LINK_REVISED = "signing_link_revised"
    SIGNING_LINK_USED = "signing_link_used"
    SIGNING_LINK_EXPIRED = "signing_link_expired"
    SIGNING_LINK_CLOSED = "signing_link_closed"


class QuoteNotEditable(Conflict):
    """Only a draft quote's lines can change."""

    default_code = QuoteErrorCode.QUOTE_NOT_EDITABLE.value


class QuoteLineInvalid(ApplicationError):
    """A line cannot be priced or is out of range; extra names the line and field."""

    default_code = QuoteErrorCode.QUOTE_LINE_INVALID.value


class QuoteEmpty(ApplicationError):
    default_code = QuoteErrorCode.QUOTE_EMPTY.value


class AdditionalConfigurationUnsupported(ApplicationError):
    default_code = QuoteErrorCode.ADDITIONAL_CONFIGURATION_UNSUPPORTED.value


class SignerNameRequired(ApplicationError):
    """A signature needs the signer's full name."""

    default_code = QuoteErrorCode.SIGNER_NAME_REQUIRED.value


class ProposalNotReady(Conflict):
    """The proposal PDF is still being prepared: nobody may sign what they have not been shown."""

    default_code = QuoteErrorCode.PROPOSAL_NOT_READY.value


class ProposalChanged(Conflict):
    """The PDF the signer saw is not the current proposal."""

    default_code = QuoteErrorCode.PROPOSAL_CHANGED.value


class QuotePdfNotReady(Conflict):
    """A partner asked for a quote PDF that is still being rendered, or does not exist yet."""

    default_code = QuoteErrorCode.QUOTE_PDF_NOT_READY.value


class SigningLinkInvalid(ApplicationError):
    """Tampered or unreadable link (400)."""

    default_code = QuoteErrorCode.SIGNING_LINK_INVALID.value


class SigningLinkGone(ApplicationError):
    """Expired, already used, revised away or no longer presented (410)."""

    status_code = 410
    default_code = QuoteErrorCode.SIGNING_LINK_GONE.value
