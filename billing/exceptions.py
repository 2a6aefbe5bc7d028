"""Billing errors: one domain error type (core ApplicationError) with the codes the screens and the API show."""

from enum import StrEnum

from core.errors import ApplicationError, Conflict, TransitionNotAllowed


class BillingErrorCode(StrEnum):
    PRICE_MISSING = "price_missing"
    SUBSCRIPTION_CHANGED = "subscription_changed"
    CREDIT_NOTE_NOT_ISSUABLE = "credit_note_not_issuable"
    CREDIT_NOTE_INVALID = "credit_note_invalid"
    CREDIT_NOTE_ALREADY_REISSUED = "credit_note_already_reissued"
    CREDIT_NOTE_IMMUTABLE = "credit_note_immutable"
    CREDIT_NOTE_PDF_NOT_READY = "credit_note_pdf_not_ready"


class PriceMissing(ApplicationError):
    """The price list has no HWaaS price for a product in the partner's currency and the PBX's cycle."""

    default_code = BillingErrorCode.PRICE_MISSING.value

    def __init__(self, *, products: list[str], currency: str, cycle: str):
        super().__init__(
            f"No HWaaS price in {currency} on the {cycle} cycle for: {', '.join(sorted(products))}.",
            extra={"products": sorted(products), "currency": currency, "cycle": cycle},
        )


class SubscriptionChanged(Conflict):
    """A giving subscription was ended by someone else between the read and the realignment."""

    default_code = BillingErrorCode.SUBSCRIPTION_CHANGED.value


class CreditNoteNotIssuable(TransitionNotAllowed):
    """Only a scheduled note is issued, and only an issued one has a PDF."""

    default_code = BillingErrorCode.CREDIT_NOTE_NOT_ISSUABLE.value


class CreditNoteInvalid(ApplicationError):
    """A note's lines or a staff action on it break a rule; nothing was changed."""

    default_code = BillingErrorCode.CREDIT_NOTE_INVALID.value


class CreditNoteImmutable(ApplicationError):
    """An issued or void note keeps its number and money: a correction is a void plus a new note."""

    status_code = 409
    default_code = BillingErrorCode.CREDIT_NOTE_IMMUTABLE.value


class CreditNotePdfNotReady(Conflict):
    """The note is not issued yet, or its PDF is still being rendered: retry later."""

    default_code = BillingErrorCode.CREDIT_NOTE_PDF_NOT_READY.value
