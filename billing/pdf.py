"""Credit note PDF: the frozen snapshot → HTML template → WeasyPrint.

Everything printed comes from the snapshot stored at issue time, never from live rows, so a
document rendered again years later reads exactly as the one first sent.
"""

import hashlib
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from core.locale import format_date, format_money, format_percent, use_locale

# Labels in the partner's language; English is the fallback for any other language.
_LABELS = {
    "en": {
        "title": "Credit note",
        "number": "Number",
        "issue_date": "Issue date",
        "to": "To",
        "vat": "VAT no.",
        "giving_account": "Giving account",
        "order": "Order",
        "quote": "Quote",
        "reason": "Reason",
        "reason_order_change": "Order change: HWaaS devices transferred to another account",
        "conversion_date": "Conversion date",
        "due_date": "Due date",
        "void": "VOID",
        "void_note": "This credit note is void and replaced by a corrected one; it is not a valid document.",
        "serial": "Serial",
        "product": "Product",
        "paid_period": "Paid period",
        "credited_from": "Credited from",
        "days": "Days credited / in period",
        "period_price": "Period price",
        "amount": "Amount",
        "net": "Net",
        "tax": "Tax",
        "total": "Total",
        "currency": "Currency",
        "replaces": "Replaces credit note",
        "footer": "Amounts credited pro rata: period price × days credited / days in period, rounded half-up "
                  "to 0.01 per line; tax on the net, rounded once.",
    },
    "it": {
        "title": "Nota di credito",
        "number": "Numero",
        "issue_date": "Data di emissione",
        "to": "Spett.le",
        "vat": "P. IVA",
        "giving_account": "Cliente cedente",
        "order": "Ordine",
        "quote": "Offerta",
        "reason": "Causale",
        "reason_order_change": "Modifica d'ordine: dispositivi HWaaS trasferiti ad altro cliente",
        "conversion_date": "Data di conversione",
        "due_date": "Data di scadenza",
        "void": "ANNULLATA",
        "void_note": "Questa nota di credito è annullata e sostituita da una corretta; non è un documento valido.",
        "serial": "Seriale",
        "product": "Prodotto",
        "paid_period": "Periodo pagato",
        "credited_from": "Accreditato dal",
        "days": "Giorni accreditati / del periodo",
        "period_price": "Prezzo del periodo",
        "amount": "Importo",
        "net": "Imponibile",
        "tax": "IVA",
        "total": "Totale",
        "currency": "Valuta",
        "replaces": "Sostituisce la nota di credito",
        "footer": "Importi accreditati pro rata: prezzo del periodo × giorni accreditati / giorni del periodo, "
                  "arrotondati per riga a 0,01; imposta calcolata sull'imponibile, arrotondata una volta.",
    },
}


def snapshot_locale(snapshot: dict[str, Any]) -> AbstractContextManager:
    """Enter the locale of the partner the note was issued to, as its snapshot recorded it.

    The snapshot, not the live partner, so a note rendered again reads as the one first sent.
    """
    return use_locale(snapshot.get("language") or "en", (snapshot.get("partner") or {}).get("country"))


def credit_note_context(snapshot: dict[str, Any], *, void: bool = False) -> dict[str, Any]:
    """Display strings for the template, formatted in the partner's conventions (call inside its locale)."""
    language = snapshot.get("language", "en")
    currency = snapshot["currency"]

    def money(value: str) -> str:
        return format_money(Decimal(value), currency)

    lines = [
        {
            "serial": line["serial"],
            "product_name": line["product_name"],
            "period_start": format_date(line["period_start"]),
            "period_end": format_date(line["period_end"]),
            "credited_from": format_date(line["credited_from"]),
            "days": f"{line['credited_days']} / {line['period_days']}",
            "period_price": money(line["period_price"]),
            "amount": money(line["amount"]),
        }
        for line in snapshot["lines"]
    ]
    return {
        "s": snapshot,
        "t": _LABELS["it" if language.startswith("it") else "en"],
        "language": "it" if language.startswith("it") else "en",
        "issue_date": format_date(snapshot["issue_date"]),
        "conversion_date": format_date(snapshot["conversion_date"]),
        "due_date": format_date(snapshot["due_date"]),
        "void": void,
        "lines": lines,
        "net": money(snapshot["net"]),
        "tax": money(snapshot["tax"]),
        "total": money(snapshot["total"]),
        "tax_rate": format_percent(snapshot["tax_rate"]),
    }


def credit_note_html(snapshot: dict[str, Any], *, void: bool = False) -> str:
    with snapshot_locale(snapshot):
        return render_to_string("pdf/credit_note.html", credit_note_context(snapshot, void=void))


def credit_note_render(snapshot: dict[str, Any], *, void: bool = False) -> bytes:
    """Render the credit note PDF from its snapshot (tens to hundreds of ms: never on a request).

    void=True gives the same document marked void (watermark and banner), for a voided note's copy.
    """
    from weasyprint import HTML  # imported here: loading pango is slow and only workers need it

    html = credit_note_html(snapshot, void=void)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
