"""The Italian credit note PDF as printed: headers that stay in their columns, a reason in words.

Word positions come from poppler's `pdftotext -bbox` (poppler-utils, installed by `make install`).
"""

import io
import re
import subprocess
from collections import defaultdict

import pytest
from pypdf import PdfReader

from billing.services.credit_notes import credit_note_issue
from tests import factories

# The Lines table's headers in Italian, left to right.
ITALIAN_HEADERS = ["Seriale", "Prodotto", "Periodo pagato", "Accreditato dal", "Giorni accreditati / del periodo",
                   "Prezzo del periodo", "Importo"]
# Words of one header are a space apart (under 3 pt at 8 pt); two columns' words are further apart than this.
COLUMN_GAP_PT = 6.0
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>')


def _words(pdf: bytes) -> list[tuple[float, float, float, str]]:
    """(x_min, y_min, x_max, text) of every word on the first page."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", "-", "-"], input=pdf,
                         capture_output=True, check=True).stdout.decode()
    return [(float(x), float(y), float(x2), text.replace("&apos;", "'")) for x, y, x2, text in WORD.findall(out)]


def _header_phrases(pdf: bytes, first_serial: str) -> list[str]:
    """The header row's text as runs of words that touch (a space apart), line by line, left to right."""
    words = _words(pdf)
    body_top = min(y for x, y, x2, text in words if text == first_serial)
    lines = defaultdict(list)
    for x, y, x2, text in words:
        if body_top - 50 < y < body_top - 1:
            lines[round(y)].append((x, x2, text))
    phrases = []
    for _, line in sorted(lines.items()):
        line.sort()
        run, end = [line[0][2]], line[0][1]
        for x, x2, text in line[1:]:
            if x - end < COLUMN_GAP_PT:
                run.append(text)
            else:
                phrases.append(" ".join(run))
                run = [text]
            end = x2
        phrases.append(" ".join(run))
    return phrases


@pytest.fixture
def italian_note_pdf(partner_it) -> tuple[bytes, str]:
    """The worked example's note issued to the Italian partner: its PDF and the first line's serial."""
    note = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it).pk)
    with note.pdf.open("rb") as handle:
        return handle.read(), note.lines.order_by("id").first().serial


@pytest.mark.django_db
def test_italian_line_headers_each_stay_inside_their_own_column(italian_note_pdf):
    # given the Italian PDF of the worked example
    pdf, first_serial = italian_note_pdf

    # when its header row is read back as runs of touching words
    phrases = _header_phrases(pdf, first_serial)

    # then every run belongs to one header: no header's words run into the next one's
    strays = [phrase for phrase in phrases if not any(phrase in header for header in ITALIAN_HEADERS)]
    assert not strays, f"headers run into each other: {strays} (all runs: {phrases})"
    # and every header is printed whole, in order, across its lines
    assert " ".join(phrases).count("Giorni") == 1 and "Prezzo" in " ".join(phrases)


@pytest.mark.django_db
def test_italian_reason_is_printed_in_words_without_the_code(italian_note_pdf):
    # given the Italian PDF of the worked example (reason: a Change Order moved the devices)
    pdf, _ = italian_note_pdf

    # when its text is read back
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())

    # then the reason reads as Italian words, and the stored code never shows
    assert "Modifica d'ordine: dispositivi HWaaS trasferiti ad altro cliente" in text
    assert "order_change" not in text and "Order change" not in text
