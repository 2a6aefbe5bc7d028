"""Orders and Billing → Account Balance, the credit note page and the PDF download."""

import datetime as dt

import pytest
from django.urls import reverse

from billing.services.credit_notes import credit_note_issue, credit_note_void
from tests import factories


@pytest.mark.django_db
def test_balance_lists_scheduled_issued_and_void_notes(client_it, partner_it, user_it):
    # given a scheduled, an issued and a void note
    scheduled = factories.credit_note_scheduled(partner=partner_it, devices=1, due_date=dt.date(2026, 12, 2))
    issued = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it).pk)
    void = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it, devices=2).pk)
    credit_note_void(credit_note=void, user=user_it, reason="wrong account")

    # when the partner opens Account Balance
    response = client_it.get(reverse("billing:balance"))

    # then all three show: the scheduled one with its due date, the issued one with number, total and PDF link
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Scheduled #{scheduled.pk}" in html and "2 dic 2026" in html
    assert issued.number in html and "77,01\xa0€" in html
    assert reverse("billing:credit_note_pdf", args=[issued.pk]) in html
    assert void.number in html and "Void" in html
    assert 'aria-current="page"' in html  # the Orders and Billing tab is the current one


@pytest.mark.django_db
def test_balance_filters_by_account_status_and_dates(client_it, partner_it):
    account_a = factories.AccountFactory(partner=partner_it, name="Rossi Srl")
    a = credit_note_issue(credit_note_id=factories.credit_note_scheduled(
        partner=partner_it, giving_account=account_a, devices=1).pk)
    b = factories.credit_note_scheduled(partner=partner_it, devices=1, due_date=dt.date(2027, 1, 15))

    def rows(**params):
        html = client_it.get(reverse("billing:balance"), params).content.decode()
        return {pk for pk in (a.pk, b.pk) if f'data-credit-note="{pk}"' in html}

    assert rows() == {a.pk, b.pk}
    assert rows(account=account_a.pk) == {a.pk}
    assert rows(status="scheduled") == {b.pk}
    assert rows(status="issued") == {a.pk}
    assert rows(date_from="2027-01-01") == {b.pk}
    assert rows(date_to=a.issue_date.isoformat()) == {a.pk}


@pytest.mark.django_db
def test_balance_shows_each_accounts_subscriptions(client_it, partner_it):
    # given a receiving account with a new subscription after a transfer (first prorated period)
    account = factories.AccountFactory(partner=partner_it, name="Bianchi SpA")
    factories.hwaas_device(account=account, product=factories.ProductFactory(sku="WF", name="WorkForce"),
                           cycle="1m", period_price="6.00", period_start=dt.date(2026, 11, 25),
                           period_end=dt.date(2026, 12, 1), started_on=dt.date(2026, 11, 25),
                           commitment_end=dt.date(2027, 5, 25), first_period_start=dt.date(2026, 11, 25),
                           first_period_end=dt.date(2026, 12, 1), first_period_charge="1.20")

    html = client_it.get(reverse("billing:balance")).content.decode()

    assert "Bianchi SpA" in html
    assert "1 dic 2026" in html  # next billing date
    assert "25 mag 2027" in html  # commitment end
    assert "1,20\xa0€" in html and "6,00\xa0€" in html


@pytest.mark.django_db
def test_balance_htmx_refresh_returns_only_the_table(client_it, partner_it):
    factories.credit_note_scheduled(partner=partner_it, devices=1)
    response = client_it.get(reverse("billing:balance"), {"status": "scheduled"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "data-credit-note" in html


@pytest.mark.django_db
@pytest.mark.parametrize("notes", [2, 30])
def test_balance_runs_a_constant_number_of_queries(client_it, partner_it, notes, django_assert_max_num_queries):
    # given many notes with lines, over several accounts, and subscriptions
    order = factories.credit_note_order(receiving_account=factories.AccountFactory(partner=partner_it))
    for _ in range(notes):
        factories.credit_note_scheduled(partner=partner_it, order=order, devices=2)
    for _ in range(notes):
        factories.hwaas_device(account=factories.AccountFactory(partner=partner_it),
                               product=factories.ProductFactory(sku="WF", name="WorkForce"))

    # then the page costs the same at 2 and at 30 notes (25 per page)
    with django_assert_max_num_queries(14):
        response = client_it.get(reverse("billing:balance"))
    assert response.status_code == 200


@pytest.mark.django_db
def test_credit_note_detail_shows_lines_with_inputs(client_it, partner_it):
    note = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it).pk)

    html = client_it.get(reverse("billing:credit_note_detail", args=[note.pk])).content.decode()

    assert note.number in html and "77,01\xa0€" in html
    for line in note.lines.all():
        assert line.serial in html
    assert "96 / 365" in html and "15,78\xa0€" in html and "60,00\xa0€" in html


@pytest.mark.django_db
def test_pdf_download_is_the_stored_document(client_it, partner_it):
    note = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it).pk)

    response = client_it.get(reverse("billing:credit_note_pdf", args=[note.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{note.number}.pdf"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    with note.pdf.open("rb") as handle:
        assert body == handle.read()


@pytest.mark.django_db
def test_scheduled_note_has_no_pdf_yet(client_it, partner_it):
    note = factories.credit_note_scheduled(partner=partner_it, devices=1)
    assert client_it.get(reverse("billing:credit_note_pdf", args=[note.pk])).status_code == 404


@pytest.mark.django_db
def test_another_partners_notes_are_404_and_never_listed(client_it, partner_uk):
    # given a British partner's issued note
    theirs = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_uk).pk)

    # then the Italian partner gets 404 for its page and PDF, and does not see it listed
    assert client_it.get(reverse("billing:credit_note_detail", args=[theirs.pk])).status_code == 404
    assert client_it.get(reverse("billing:credit_note_pdf", args=[theirs.pk])).status_code == 404
    html = client_it.get(reverse("billing:balance")).content.decode()
    assert theirs.number not in html and "GBP" not in html
    # and filtering by the other partner's account shows nothing of it either
    html = client_it.get(reverse("billing:balance"), {"account": theirs.giving_account_id}).content.decode()
    assert theirs.number not in html


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_login(client, partner_it):
    note = factories.credit_note_scheduled(partner=partner_it, devices=1)
    for url in (reverse("billing:balance"), reverse("billing:credit_note_pdf", args=[note.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
