"""Proposal PDFs: an HTML template rendered by WeasyPrint. Called from tasks only, never on a request."""

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML

from core.locale import format_money, use_locale
from quotes.models import Quote, QuoteSignature
from quotes.totals import quote_totals


def _context(*, quote: Quote) -> dict:
    """Display strings in the current locale: the render functions enter the quote's partner's."""
    totals = quote_totals(quote=quote)
    lines = [
        {
            "product": line.product.name,
            "sku": f"{line.product.sku}-{line.cycle.upper()}" if line.cycle else line.product.sku,
            "ownership": line.get_ownership_display(),
            "cycle": line.get_cycle_display() if line.cycle else "",
            "quantity": line.quantity,
            "unit_price": format_money(line.unit_price, line.currency),
            "line_total": format_money(totals.line_amounts[line.pk], line.currency),
        }
        for line in quote.lines.all()
    ]
    return {
        "quote": quote,
        "partner": quote.partner,
        "account": quote.account,
        "lines": lines,
        "total": format_money(totals.net, quote.currency),
        "vendor": settings.VENDOR,
    }


def proposal_pdf_render(*, quote: Quote) -> bytes:
    """The proposal the customer is asked to sign."""
    with use_locale(quote.partner.language, quote.partner.country):
        html = render_to_string("pdf/quote_proposal.html", _context(quote=quote))
    return HTML(string=html).write_pdf()


def signed_copy_pdf_render(*, quote: Quote, signature: QuoteSignature) -> bytes:
    """The proposal with the customer's signature printed on it."""
    with use_locale(quote.partner.language, quote.partner.country):
        html = render_to_string("pdf/quote_proposal_signed.html", {**_context(quote=quote), "signature": signature})
    return HTML(string=html).write_pdf()
