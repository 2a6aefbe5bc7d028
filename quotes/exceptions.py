"""Errors of quotes, their lines, proposals and signing links."""

from core.errors import ApplicationError, Conflict


class QuoteNotEditable(Conflict):
    """Only a draft quote's lines can change."""

    default_code = "quote_not_editable"


class QuoteLineInvalid(ApplicationError):
    """A line cannot be priced or is out of range; extra names the line and field."""

    default_code = "quote_line_invalid"


class QuoteEmpty(ApplicationError):
    default_code = "quote_empty"


class AdditionalConfigurationUnsupported(ApplicationError):
    default_code = "additional_configuration_unsupported"


class ProposalNotReady(Conflict):
    """The proposal PDF is still being prepared: nobody may sign what they have not been shown."""

    default_code = "proposal_not_ready"


class ProposalChanged(Conflict):
    """The PDF the signer saw is not the current proposal."""

    default_code = "proposal_changed"


class SigningLinkInvalid(ApplicationError):
    """Tampered or unreadable link (400)."""

    default_code = "signing_link_invalid"


class SigningLinkGone(ApplicationError):
    """Expired, already used, revised away or no longer presented (410)."""

    status_code = 410
    default_code = "signing_link_gone"
