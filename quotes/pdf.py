"""Proposal PDFs: an HTML template rendered by WeasyPrint. Called from tasks only, never on a request."""

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML

from core.money import format_money
from quotes.models import Quote, QuoteSignature
from quotes.selectors import quote_total


def _context(*, quote: Quote) -> dict:
    locale = quote.partner.language
    lines = [
        {
            "product": line.product.name,
            "sku": f"{line.product.sku}-{line.cycle.upper()}" if line.cycle else line.product.sku,
            "ownership": line.get_ownership_display(),
            "cycle": line.get_cycle_display() if line.cycle else "",
            "quantity": line.quantity,
            "unit_price": format_money(line.unit_price, line.currency, locale=locale),
            "line_total": format_money(line.unit_price * line.quantity, line.currency, locale=locale),
        }
        for line in quote.lines.all()
    ]
    return {
        "quote": quote,
        "partner": quote.partner,
        "account": quote.account,
        "lines": lines,
        "total": format_money(quote_total(quote=quote), quote.currency, locale=locale),
        "vendor": settings.VENDOR,
    }


def proposal_pdf_render(*, quote: Quote) -> bytes:
    """The proposal the customer is asked to sign."""
    html = render_to_string("pdf/quote_proposal.html", _context(quote=quote))
    return HTML(string=html).write_pdf()


def signed_copy_pdf_render(*, quote: Quote, signature: QuoteSignature) -> bytes:
    """The proposal with the customer's signature printed on it."""
    html = render_to_string("pdf/quote_proposal_signed.html", {**_context(quote=quote), "signature": signature})
    return HTML(string=html).write_pdf()
