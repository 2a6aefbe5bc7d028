import io

import pytest
from pypdf import PdfReader

from quotes import services
from quotes.models import Quote
from quotes.signing import signing_token_make

pytestmark = pytest.mark.django_db


def _text(field_file) -> str:
    with field_file.open("rb") as fh:
        data = fh.read()
    assert data.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_proposal_holds_the_number_each_line_and_the_total(presented_quote):
    text = _text(presented_quote.proposal_pdf)
    assert presented_quote.number in text
    assert "WorkForce" in text and "WF-1M" in text and "24,00\xa0€" in text and "6,00\xa0€" in text
    assert "Vision" in text and "VIS" in text and "329,00\xa0€" in text
    assert "353,00\xa0€" in text
    assert "Bianchi SpA" in text
    assert presented_quote.valid_until.strftime("%Y-%m-%d") in text


def test_the_signed_copy_holds_the_signers_name(presented_quote, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_sign(token=signing_token_make(quote=presented_quote), signer_name="Giulia Bianchi",
                            ip_address="203.0.113.7", user_agent="test")
    quote = Quote.objects.get(pk=presented_quote.pk)
    text = _text(quote.signed_pdf)
    assert "Signed by: Giulia Bianchi" in text
    assert quote.number in text
    assert quote.signature.pdf_sha256[:16] in text.replace("\n", "")


def test_rendering_again_is_a_no_op(presented_quote):
    sha = presented_quote.proposal_pdf_sha256
    assert services.quote_proposal_render(quote_id=presented_quote.pk, version=presented_quote.version) is False
    assert services.quote_proposal_render(quote_id=presented_quote.pk, version=presented_quote.version + 1) is False
    assert Quote.objects.get(pk=presented_quote.pk).proposal_pdf_sha256 == sha
