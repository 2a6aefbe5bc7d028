"""The display locale (core.locale): per request, per document, and the formats Babel gives each locale."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.template import Context, Template
from django.urls import reverse
from pypdf import PdfReader

from billing.emails import credit_note_email_build
from billing.services.credit_notes import credit_note_issue
from core.locale import babel_locale, format_date, format_money, format_percent, use_locale
from projects.services import project_create_change_order
from quotes.services import quote_create, quote_submit
from quotes.signing import signing_path
from tests import factories

# The Italian month abbreviations of CLDR, as an Italian partner reads a date: "25 nov 2026".
ITALIAN_MONTHS = ("gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic")

FILTERS = Template("{% load portal %}{{ amount|money:'EUR' }} {{ day|pdate }}")


def _render_filters() -> str:
    return FILTERS.render(Context({"amount": Decimal("1234.50"), "day": dt.date(2026, 11, 25)}))


def _italian(day: dt.date) -> str:
    return f"{day.day} {ITALIAN_MONTHS[day.month - 1]} {day.year}"


def _presented_quote(*, partner, currency: str, django_capture_on_commit_callbacks):
    """A Change Order quote sent to the customer: 200 WorkForce HWaaS on 1m (6.00) and one Vision CAPEX (329.00)."""
    catalogue = factories.change_order_catalogue(currency=currency)
    user = factories.UserFactory(partner=partner, username=f"quotes-{partner.code}", role="admin")
    project = project_create_change_order(user=user, account=factories.receiving_account(partner=partner))
    draft = quote_create(
        user=user, project=project, additional_configuration="additional_items",
        lines=[{"product": catalogue["WF"], "quantity": 200, "ownership": "hwaas"},
               {"product": catalogue["VIS"], "quantity": 1, "ownership": "capex"}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        quote = quote_submit(user=user, quote=draft)
    quote.refresh_from_db()
    return quote


# --- per request ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_italian_request_leaves_nothing_behind_for_the_next_anonymous_one(client_it, partner_it):
    # given how money and dates read on a thread no request has touched yet
    before = _render_filters()
    # and an Italian partner's page that shows money (a device on 1y at 1,234.50)
    account = factories.AccountFactory(partner=partner_it, name="Bianchi SpA")
    factories.hwaas_device(account=account, product=factories.ProductFactory(), period_price=Decimal("1234.50"))

    # when the Italian partner opens it, and then an anonymous visitor opens the login page on the same thread
    italian_page = client_it.get(reverse("accounts:detail", args=[account.pk])).content.decode()
    client_it.logout()
    assert client_it.get(reverse("login")).status_code == 200

    # then afterwards the thread formats exactly as before: nothing of the Italian request is left
    after = _render_filters()
    assert after == before
    # and that is English, while the partner's own page read the Italian way
    assert after == "€1,234.50 Nov 25, 2026"
    assert "1.234,50\xa0€" in italian_page


@pytest.mark.django_db
def test_each_partner_reads_its_own_conventions_request_after_request(client, user_it, user_uk):
    # given an account with a device on 1y at 1,234.50 for each partner
    pages = {}
    for turn, user in enumerate((user_it, user_uk, user_it)):
        account = factories.AccountFactory(partner=user.partner, name=f"Customer {turn}")
        factories.hwaas_device(account=account, product=factories.ProductFactory(),
                               period_price=Decimal("1234.50"))
        # when the partners take turns on the same thread
        client.force_login(user)
        pages.setdefault(user.partner.code, []).append(
            client.get(reverse("accounts:detail", args=[account.pk])).content.decode())

    # then every Italian page reads 1.234,50 € and the British one reads £1,234.50 in between
    assert all("1.234,50\xa0€" in page and "£" not in page for page in pages["it-demo"])
    (british,) = pages["uk-demo"]
    assert "£1,234.50" in british and "€" not in british


@pytest.mark.django_db
def test_the_signing_page_reads_in_the_quotes_partners_conventions(
    client, user_uk, partner_it, django_capture_on_commit_callbacks
):
    # given an Italian partner's proposal: 200 × 6.00 = 1,200.00 plus 329.00 = 1,529.00
    quote = _presented_quote(partner=partner_it, currency="EUR",
                             django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    # and a British partner's request just served on this thread
    client.force_login(user_uk)
    assert client.get(reverse("accounts:list")).status_code == 200
    client.logout()

    # when the customer opens the signing link (no login)
    page = client.get(signing_path(quote=quote)).content.decode()

    # then lines, total and validity read the Italian way
    assert "1.200,00\xa0€" in page and "329,00\xa0€" in page and "1.529,00\xa0€" in page
    assert f"Valid until {_italian(quote.valid_until)}" in page
    assert "£" not in page


@pytest.mark.django_db
def test_a_british_partners_signing_page_reads_the_british_way_after_an_italian_request(
    client, user_it, partner_uk, django_capture_on_commit_callbacks
):
    quote = _presented_quote(partner=partner_uk, currency="GBP",
                             django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    client.force_login(user_it)
    assert client.get(reverse("accounts:list")).status_code == 200
    client.logout()

    page = client.get(signing_path(quote=quote)).content.decode()

    assert "£1,200.00" in page and "£329.00" in page and "£1,529.00" in page
    day = quote.valid_until
    assert f"Valid until {day.day} {day:%b} {day.year}" in page


# --- documents and emails -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_italian_credit_note_pdf_and_email_read_in_italian_whatever_the_thread_was_doing(partner_it, user_it):
    # given the worked example (4 × 60.00 × 96 / 365 = 4 × 15.78; net 63.12, tax 22% 13.89, total 77.01)
    scheduled = factories.credit_note_scheduled(partner=partner_it)

    # when it is issued (PDF and email built) while the thread is formatting for a British partner
    with use_locale("en", "GB"):
        note = credit_note_issue(credit_note_id=scheduled.pk)
    with note.pdf.open("rb") as handle:
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)

    # then the PDF's money, rate and dates are Italian
    assert "60,00\xa0€" in text and "15,78\xa0€" in text
    assert "63,12\xa0€" in text and "13,89\xa0€" in text and "77,01\xa0€" in text and "22%" in text
    assert "1 mar 2026" in text and "25 nov 2026" in text
    assert "£" not in text and "EUR 77" not in text
    # and so is the email's body
    (message,) = mail.outbox
    assert "totale 77,01\xa0€" in message.body and f"del {_italian(note.issue_date)}" in message.body


@pytest.mark.django_db
def test_a_british_credit_note_email_reads_the_british_way_inside_an_italian_locale(partner_uk):
    note = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_uk).pk)
    with use_locale("it", "IT"):
        message = credit_note_email_build(snapshot=note.snapshot, recipients=["a@example.com"], pdf=b"%PDF")
    day = note.issue_date
    assert f"total £{note.total:,.2f}" in message.body and f"dated {day.day} {day:%b} {day.year}" in message.body


# --- the formats, exactly as Babel writes them ----------------------------------------------------------------------


@pytest.mark.parametrize(("language", "country", "currency", "expected"), [
    ("it", "IT", "EUR", "1.234,56\xa0€"),
    ("en", "GB", "GBP", "£1,234.56"),
    ("en", "GB", "EUR", "€1,234.56"),
    ("de", "CH", "CHF", "CHF\xa01'234.56"),
    ("fr", "CH", "CHF", "1'234,56\xa0CHF"),
    ("en", "US", "USD", "$1,234.56"),
])
def test_money_in_each_locale(language, country, currency, expected):
    with use_locale(language, country):
        assert format_money(Decimal("1234.56"), currency) == expected


def test_money_is_rounded_half_up_to_the_cent_before_formatting():
    # 1,234.565 → 1,234.57 by the project's rule (half-up); Babel alone would round half-even to .56
    with use_locale("it", "IT"):
        assert format_money(Decimal("1234.565"), "EUR") == "1.234,57\xa0€"
        assert format_money(Decimal("-15.785"), "EUR") == "-15,79\xa0€"


@pytest.mark.parametrize(("language", "country", "expected"), [
    ("it", "IT", "25 nov 2026"),
    ("en", "GB", "25 Nov 2026"),
    ("en", "US", "Nov 25, 2026"),
    ("de", "CH", "25.11.2026"),
])
def test_dates_in_each_locale_have_a_four_digit_year(language, country, expected):
    with use_locale(language, country):
        assert format_date(dt.date(2026, 11, 25)) == expected
        assert format_date("2026-11-25") == expected


@pytest.mark.parametrize(("language", "country", "rate", "expected"), [
    ("it", "IT", "22.00", "22%"),
    ("it", "IT", "7.7", "7,7%"),
    ("en", "GB", "20.00", "20%"),
    ("en", "GB", "7.7", "7.7%"),
])
def test_tax_rates_in_each_locale(language, country, rate, expected):
    with use_locale(language, country):
        assert format_percent(Decimal(rate)) == expected


@pytest.mark.parametrize(("language", "country", "expected"), [
    ("it", "IT", "it_IT"),
    ("en", "GB", "en_GB"),
    ("de", "CH", "de_CH"),
    ("en-gb", "IT", "en_GB"),  # a language naming its own territory keeps it
    ("it", "ZZ", "it"),  # a country CLDR does not pair with the language: the language alone
    ("it", None, "it"),
    (None, None, "en"),  # nobody signed in: English
])
def test_the_babel_locale_comes_from_the_partners_language_and_country(language, country, expected):
    assert str(babel_locale(language, country)) == expected


def test_leaving_a_locale_restores_the_one_before_even_after_an_error():
    with use_locale("it", "IT"):
        with pytest.raises(RuntimeError), use_locale("en", "GB"):
            assert format_money(Decimal("1.00"), "GBP") == "£1.00"
            raise RuntimeError("rendering failed")
        assert format_money(Decimal("1.00"), "EUR") == "1,00\xa0€"
    assert format_money(Decimal("1.00"), "EUR") == "€1.00"
