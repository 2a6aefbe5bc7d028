"""The credit note PDF: content, the partner's conventions, rendering again from the snapshot."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from billing import pdf as billing_pdf
from billing.services.credit_notes import credit_note_issue
from core.locale import format_date, use_locale
from tests import factories


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_dates_follow_the_partner_language():
    with use_locale("it", "IT"):
        assert format_date(dt.date(2026, 12, 2)) == "2 dic 2026"
    with use_locale("en", "GB"):
        assert format_date(dt.date(2026, 12, 2)) == "2 Dec 2026"
    with use_locale("en-gb"):
        assert format_date("2026-03-01") == "1 Mar 2026"


@pytest.mark.django_db
def test_italian_pdf_reads_as_a_credit_note_with_every_input(partner_it):
    # given the worked example issued for the Italian partner, with an address and VAT number
    partner_it.address = "Via Roma 1, 20121 Milano"
    partner_it.vat_number = "IT09876543210"
    partner_it.save()
    note = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it).pk)

    # when its PDF is read back
    with note.pdf.open("rb") as handle:
        text = text_of(handle.read())

    # then it has the vendor header, the partner as addressee, the references and reason
    assert "Wildcom Telecom S.p.A." in text and "IT01234567890" in text
    assert "Telefonia Alpina Srl" in text and "Via Roma 1" in text and "IT09876543210" in text
    assert "Nota di credito" in text and note.number in text
    assert note.giving_account.name in text
    assert note.order.number in text and note.order.quote.number in text
    assert "Modifica d'ordine" in text and "order_change" not in text
    # and each line's inputs in Italian conventions: period, credited from, days, price, amount
    assert "1 mar 2026" in text and "1 mar 2027" in text
    assert "25 nov 2026" in text
    assert "96 / 365" in text
    assert "60,00\xa0€" in text and "15,78\xa0€" in text
    # and net, tax at 22%, total, currency
    assert "63,12\xa0€" in text and "13,89\xa0€" in text and "77,01\xa0€" in text and "22%" in text


@pytest.mark.django_db
def test_english_pdf_uses_british_conventions_and_thousands_separators(partner_uk):
    # given a British partner's note large enough to need thousands separators
    note = factories.credit_note_scheduled(partner=partner_uk, devices=2, period_price=Decimal("12000.00"))

    issued = credit_note_issue(credit_note_id=note.pk)
    with issued.pdf.open("rb") as handle:
        text = text_of(handle.read())

    # then 12,000.00 × 96 / 365 = 3,156.16 per line; net 6,312.32; tax 20% 1,262.46; total £7,574.78
    assert "Credit note" in text
    assert "£12,000.00" in text and "£3,156.16" in text
    assert "£6,312.32" in text and "£1,262.46" in text and "£7,574.78" in text
    assert "1 Mar 2026" in text and "1 Mar 2027" in text and "25 Nov 2026" in text
    assert issued.total == Decimal("7574.78")


@pytest.mark.django_db
def test_rendering_is_repeatable_from_the_snapshot(partner_it):
    note = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it, devices=2).pk)

    first = billing_pdf.credit_note_render(note.snapshot)
    second = billing_pdf.credit_note_render(note.snapshot)

    assert first.startswith(b"%PDF") and second.startswith(b"%PDF")
    assert text_of(first) == text_of(second)
