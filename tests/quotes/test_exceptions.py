"""Quote errors carry codes from one enum, and the codes integrators already see keep their spelling."""

import inspect

from core.errors import ApplicationError
from quotes import exceptions
from quotes.exceptions import QuoteErrorCode

# The codes the quote endpoints, the line editor and the signing page have answered with so far.
PUBLISHED = {
    "quote_not_editable", "quote_line_invalid", "product_unknown", "quantity_out_of_range", "ownership_unknown",
    "no_eligible_pbx", "price_missing", "quote_empty", "additional_configuration_unsupported",
    "proposal_not_ready", "proposal_changed", "quote_pdf_not_ready", "signer_name_required",
    "signing_link_invalid", "signing_link_gone", "signing_link_revised", "signing_link_used",
    "signing_link_expired", "signing_link_closed",
}


def test_every_quote_error_class_takes_its_code_from_the_enum():
    classes = [cls for _, cls in inspect.getmembers(exceptions, inspect.isclass)
               if issubclass(cls, ApplicationError) and cls.__module__ == exceptions.__name__]
    assert classes
    for cls in classes:
        assert cls.default_code in set(QuoteErrorCode), cls.__name__


def test_the_enum_keeps_every_published_code():
    assert {code.value for code in QuoteErrorCode} == PUBLISHED
