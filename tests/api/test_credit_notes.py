"""Credit notes over REST v1: list with filters, detail with lines, the PDF, tenancy, query budget."""

import datetime as dt
import io
import logging
import time
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from billing.models import CreditNote, CreditNoteStatus
from billing.services.credit_notes import credit_note_issue
from billing.tasks import issue_due_credit_notes
from tests import factories
from tests.billing.test_tasks import broker_down  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/credit-notes/"


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()
    yield
    cache.clear()


def test_detail_has_number_status_money_dates_and_lines(api_it, partner_it):
    # given the worked example issued
    note = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it).pk)

    body = api_it.get(f"{LIST_URL}{note.pk}/").json()

    assert body["number"] == note.number and body["status"] == "issued"
    assert (body["net"], body["tax"], body["total"], body["currency"]) == ("63.12", "13.89", "77.01", "EUR")
    assert body["tax_rate"] == "22.00" and body["reason"] == "order_change"
    assert body["giving_account"] == note.giving_account_id and body["order"] == note.order_id
    assert body["due_date"] == "2026-12-02" and body["conversion_date"] == "2026-11-25"
    assert body["issue_date"] == note.issue_date.isoformat() and body["issued_at"]
    assert len(body["lines"]) == 4
    line = body["lines"][0]
    assert line["credited_days"] == 96 and line["period_days"] == 365
    assert line["period_price"] == "60.00" and line["amount"] == "15.78"
    assert line["credited_from"] == "2026-11-25" and line["serial"].startswith("SN")
    assert sum(Decimal(x["amount"]) for x in body["lines"]) == Decimal(body["net"])


def test_list_filters_by_account_status_and_order(api_it, partner_it):
    account = factories.AccountFactory(partner=partner_it)
    issued = credit_note_issue(credit_note_id=factories.credit_note_scheduled(
        partner=partner_it, giving_account=account, devices=1).pk)
    scheduled = factories.credit_note_scheduled(partner=partner_it, devices=1)

    def ids(**params):
        response = api_it.get(LIST_URL, params)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids() == {issued.pk, scheduled.pk}
    assert ids(account=account.pk) == {issued.pk}
    assert ids(status="scheduled") == {scheduled.pk}
    assert ids(order=scheduled.order_id) == {scheduled.pk}
    assert api_it.get(LIST_URL, {"status": "paid"}).json()["code"] == "invalid"


def test_pdf_endpoint_serves_the_pdf_and_says_when_it_is_not_ready(api_it, partner_it):
    issued = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_it).pk)
    scheduled = factories.credit_note_scheduled(partner=partner_it, devices=1)

    response = api_it.get(f"{LIST_URL}{issued.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")

    response = api_it.get(f"{LIST_URL}{scheduled.pk}/pdf/")
    assert response.status_code == 409
    assert response.json()["code"] == "credit_note_pdf_not_ready"
    assert response.json()["extra"] == {"status": "scheduled"}


def test_another_partners_notes_are_404_and_not_listed(api_it, partner_uk):
    theirs = credit_note_issue(credit_note_id=factories.credit_note_scheduled(partner=partner_uk, devices=1).pk)

    assert api_it.get(f"{LIST_URL}{theirs.pk}/").status_code == 404
    assert api_it.get(f"{LIST_URL}{theirs.pk}/pdf/").status_code == 404
    assert api_it.get(f"{LIST_URL}{theirs.pk}/").json()["code"] == "not_found"
    assert api_it.get(LIST_URL).json()["count"] == 0
    assert api_it.get(LIST_URL, {"account": theirs.giving_account_id}).json()["count"] == 0


@pytest.mark.parametrize("notes", [2, 25])
def test_list_runs_a_constant_number_of_queries(api_it, partner_it, notes, django_assert_max_num_queries):
    order = factories.credit_note_order(receiving_account=factories.AccountFactory(partner=partner_it))
    for _ in range(notes):
        factories.credit_note_scheduled(partner=partner_it, order=order, devices=3)

    with django_assert_max_num_queries(6):
        response = api_it.get(LIST_URL)

    assert response.json()["count"] == notes
    assert all(len(row["lines"]) == 3 for row in response.json()["results"])


def test_credit_note_endpoints_are_in_the_schema_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))
    text = target.read_text()
    for path in ("/api/v1/credit-notes/:", "/api/v1/credit-notes/{id}/:", "/api/v1/credit-notes/{id}/pdf/:"):
        assert path in text
    assert "application/pdf" in text and "credit_note_pdf_not_ready" in text


CONFIRM_MOMENT = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)  # Wednesday, 11:00 in Rome


def confirm_worked_example(api, example):
    return api.post(
        f"/api/v1/orders/{example.order.pk}/confirm/",
        {"pbx": example.pbx.pk, "unselected_lines": [example.line.pk], "transfers": [d.pk for d in example.devices]},
        format="json",
    )


def test_worked_example_confirmed_through_the_api_is_issued_after_commit(
    api_it, partner_it, user_it, monkeypatch, django_capture_on_commit_callbacks
):
    # given the worked example, confirmed on 2026-11-25 (tasks run eagerly after the commit)
    monkeypatch.setattr(timezone, "now", lambda: CONFIRM_MOMENT)
    example = factories.worked_example(partner=partner_it)

    with django_capture_on_commit_callbacks(execute=True):
        response = confirm_worked_example(api_it, example)
    assert response.status_code == 200, response.json()
    (scheduled,) = response.json()["credit_notes"]

    # then the credit note is issued as CN-2026-000001 with the worked example's amounts and a PDF
    body = api_it.get(f"{LIST_URL}{scheduled['id']}/").json()
    assert (body["status"], body["number"]) == ("issued", "CN-2026-000001")
    assert (body["net"], body["tax"], body["total"]) == ("63.12", "13.89", "77.01")
    assert body["due_date"] == "2026-12-02" and body["issue_date"] == "2026-11-25"
    pdf = api_it.get(f"{LIST_URL}{scheduled['id']}/pdf/")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages)
    assert "CN-2026-000001" in text and "77,01\xa0€" in text
    assert all(d.serial in text for d in example.devices)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("broker_down")
def test_confirmation_with_the_broker_down_succeeds_promptly_and_the_sweep_issues(
    api_it, partner_it, user_it, monkeypatch, caplog
):
    # given the worked example and a stopped broker
    monkeypatch.setattr(timezone, "now", lambda: CONFIRM_MOMENT)
    example = factories.worked_example(partner=partner_it)

    # when the order is confirmed through the API
    with caplog.at_level(logging.ERROR, logger="core.tasks"):
        started = time.monotonic()
        response = confirm_worked_example(api_it, example)
        elapsed = time.monotonic() - started

    # then the confirmation answers success promptly, the failed publish is only logged
    assert response.status_code == 200, response.json()
    assert elapsed < 5, elapsed
    assert any("not published" in r.getMessage() for r in caplog.records)
    (scheduled,) = response.json()["credit_notes"]
    assert CreditNote.objects.get(pk=scheduled["id"]).status == CreditNoteStatus.SCHEDULED

    # when the sweep runs a few minutes later
    monkeypatch.setattr(timezone, "now", lambda: CONFIRM_MOMENT + dt.timedelta(minutes=5))
    issue_due_credit_notes()

    # then the note is issued
    note = CreditNote.objects.get(pk=scheduled["id"])
    assert note.status == CreditNoteStatus.ISSUED and note.number == "CN-2026-000001" and note.pdf
