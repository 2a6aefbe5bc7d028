"""Billing's error codes: one enum, the same strings clients already match on."""

import inspect

from billing import exceptions
from billing.exceptions import BillingErrorCode
from core.errors import ApplicationError


def test_the_codes_clients_see_are_unchanged():
    assert {code.value for code in BillingErrorCode} == {
        "price_missing", "subscription_changed", "credit_note_not_issuable", "credit_note_invalid",
        "credit_note_already_reissued", "credit_note_immutable", "credit_note_pdf_not_ready",
    }


def test_every_billing_error_answers_with_a_code_of_the_enum_and_its_status():
    errors = {
        cls for _, cls in inspect.getmembers(exceptions, inspect.isclass)
        if issubclass(cls, ApplicationError) and cls.__module__ == exceptions.__name__
    }
    assert {cls.default_code for cls in errors} <= {code.value for code in BillingErrorCode}
    statuses = {cls.__name__: cls.status_code for cls in errors}
    assert statuses == {
        "PriceMissing": 400, "SubscriptionChanged": 409, "CreditNoteNotIssuable": 409, "CreditNoteInvalid": 400,
        "CreditNoteImmutable": 409, "CreditNotePdfNotReady": 409,
    }
