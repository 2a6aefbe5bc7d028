"""Confirm Order over REST v1: the worked example, the preview, transferable devices, Idempotency-Key, tenancy."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from billing.models import CreditNote
from billing.services.credit_notes import credit_note_number
from core.idempotency import request_hash
from core.models import IdempotencyKey
from orders.models import Order
from tests import factories
from tests.orders.test_confirm import db_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def example(partner_it):
    return factories.worked_example(partner=partner_it)


@pytest.fixture
def on_25_november():
    """Stop the clock at 10:00 UTC on Wednesday 2026-11-25 (11:00 in Rome); tests may move it on."""
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC), tick=False) as clock:
        yield clock


def body(example, **overrides):
    data = {"pbx": example.pbx.pk, "unselected_lines": [example.line.pk],
            "transfers": [d.pk for d in example.devices], "po_number": "PO-77"}
    return {**data, **overrides}


def url(order, action):
    return f"/api/v1/orders/{order.pk}/{action}/"


def test_confirm_reproduces_the_worked_example(api_it, example, on_25_november):
    # when Bianchi's order is confirmed with Rossi's four WorkForce devices on 2026-11-25
    response = api_it.post(url(example.order, "confirm"), body(example), format="json")
    # then the confirmed order carries its conversion date and the moved devices
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["status"], data["conversion_date"], data["po_number"], data["pbx"]) == (
        "confirmed", "2026-11-25", "PO-77", example.pbx.pk
    )
    assert sorted(m["device"] for m in data["moved_devices"]) == sorted(d.pk for d in example.devices)
    assert {(m["giving_account"]["name"], m["ownership"]) for m in data["moved_devices"]} == {("Rossi Srl", "hwaas")}
    # and one scheduled credit note for Rossi: 63.12 + 13.89 = 77.01, due 2026-12-02, lines with their inputs
    (note,) = data["credit_notes"]
    assert (note["giving_account"], note["status"], note["currency"], note["due_date"]) == (
        example.rossi.pk, "scheduled", "EUR", "2026-12-02"
    )
    assert (note["net"], note["tax"], note["total"]) == ("63.12", "13.89", "77.01")
    assert len(note["lines"]) == 4
    for line in note["lines"]:
        assert {k: line[k] for k in ("period_start", "period_end", "credited_from", "credited_days", "period_days",
                                     "period_price", "amount")} == {
            "period_start": "2026-03-01", "period_end": "2027-03-01", "credited_from": "2026-11-25",
            "credited_days": 96, "period_days": 365, "period_price": "60.00", "amount": "15.78",
        }
    # and the receiving subscriptions: monthly at 6.00, first period to 2026-12-01 charged 1.20, committed to 2027-05-25
    assert len(data["subscriptions"]) == 4
    for sub in data["subscriptions"]:
        assert {k: sub[k] for k in ("cycle", "period_price", "first_period_start", "first_period_end",
                                    "first_period_charge", "commitment_end")} == {
            "cycle": "1m", "period_price": "6.00", "first_period_start": "2026-11-25",
            "first_period_end": "2026-12-01", "first_period_charge": "1.20", "commitment_end": "2027-05-25",
        }


def test_confirm_on_4_december_is_due_after_the_italian_holiday(api_it, example):
    with time_machine.travel(dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC), tick=False):
        response = api_it.post(url(example.order, "confirm"), body(example), format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["credit_notes"][0]["due_date"] == "2026-12-14"


def test_conversion_date_is_today_in_the_partners_time_zone(api_it, example):
    # given 23:30 UTC on 2026-11-24, which is already 00:30 on 2026-11-25 in Rome
    with time_machine.travel(dt.datetime(2026, 11, 24, 23, 30, tzinfo=dt.UTC), tick=False):
        response = api_it.post(url(example.order, "confirm"), body(example), format="json")
    assert response.json()["conversion_date"] == "2026-11-25"
    assert response.json()["credit_notes"][0]["total"] == "77.01"


def test_inside_the_commitment_over_the_api(api_it, example, on_25_november):
    fresh = factories.hwaas_device(
        account=example.rossi, product=example.workforce, cycle="1y", period_price=Decimal("60.00"),
        period_start=dt.date(2026, 8, 1), period_end=dt.date(2027, 8, 1), started_on=dt.date(2026, 8, 1),
    )
    response = api_it.post(url(example.order, "confirm"), body(example, transfers=[fresh.pk]), format="json")
    (line,) = response.json()["credit_notes"][0]["lines"]
    assert (line["credited_from"], line["credited_days"], line["amount"]) == ("2027-02-01", 181, "29.75")


def test_preview_returns_what_confirm_would_do_and_changes_nothing(api_it, example, on_25_november):
    before = db_state()
    response = api_it.post(url(example.order, "preview"), body(example), format="json")
    assert response.status_code == 200, response.json()
    assert db_state() == before
    data = response.json()
    assert data["conversion_date"] == "2026-11-25" and data["cycle"] == "1m"
    (note,) = data["credit_notes"]
    assert (note["giving_account_name"], note["net"], note["tax"], note["total"], note["due_date"]) == (
        "Rossi Srl", "63.12", "13.89", "77.01", "2026-12-02"
    )
    assert {line["amount"] for line in note["lines"]} == {"15.78"}
    assert {(s["first_period_charge"], s["commitment_end"]) for s in data["subscriptions"]} == {
        ("1.20", "2027-05-25")
    }
    assert [(g["account_name"], len(g["moves"])) for g in data["moves_by_account"]] == [("Rossi Srl", 4)]


def test_the_preview_states_each_credit_line_as_the_note_then_books_and_prints_it(api_it, example, on_25_november):
    # given the preview of the worked example
    previewed = api_it.post(url(example.order, "preview"), body(example), format="json").json()["credit_notes"]
    # when the order is confirmed and its note is numbered
    booked = api_it.post(url(example.order, "confirm"), body(example), format="json").json()["credit_notes"]
    (note,) = booked
    issued = credit_note_number(credit_note_id=note["id"])
    # then each previewed line is the booked one, field for field, plus whether the commitment cut it
    assert [{k: v for k, v in line.items() if k != "inside_commitment"} for line in previewed[0]["lines"]] == (
        note["lines"]
    )
    assert {line["inside_commitment"] for line in previewed[0]["lines"]} == {False}
    # and the issued note's snapshot prints the same inputs (60.00 × 96 / 365 = 15.78 each)
    printed = [{("device" if k == "device_id" else k): v for k, v in line.items()} for line in issued.snapshot["lines"]]
    assert printed == note["lines"]
    assert api_it.get(f"/api/v1/credit-notes/{note['id']}/").json()["lines"] == note["lines"]
    assert {line["amount"] for line in printed} == {"15.78"}


def test_bad_input_is_refused_in_the_error_format_and_changes_nothing(api_it, example, partner_uk, on_25_november):
    foreign = factories.hwaas_device(account=factories.AccountFactory(partner=partner_uk), product=example.workforce)
    capex = factories.DeviceFactory(account=example.rossi, partner=example.partner, product=example.workforce,
                                    ownership="capex")
    own = factories.hwaas_device(account=example.bianchi, product=example.workforce)
    cases = [
        (body(example, transfers=[foreign.pk]), 404, "not_found"),
        (body(example, transfers=[own.pk]), 400, "device_held_by_receiving_account"),
        (body(example, transfers=[capex.pk]), 400, "ownership_mismatch"),
        (body(example, unselected_lines=[]), 400, "product_not_unselected"),
        (body(example, transfers="nope"), 400, "invalid"),
        (body(example, pbx=factories.PbxFactory(account=factories.AccountFactory(partner=partner_uk)).pk), 404,
         "not_found"),
    ]
    before = db_state()
    for data, status, code in cases:
        response = api_it.post(url(example.order, "confirm"), data, format="json")
        assert (response.status_code, response.json()["code"]) == (status, code), response.json()
        assert set(response.json()) == {"code", "message", "extra"}
    assert db_state() == before
    # and an order already confirmed answers 409 with its stage
    assert api_it.post(url(example.order, "confirm"), body(example), format="json").status_code == 200
    again = api_it.post(url(example.order, "confirm"), body(example), format="json")
    assert (again.status_code, again.json()["code"], again.json()["extra"]) == (
        409, "order_not_draft", {"stage": "confirmed"}
    )


def test_another_partners_order_is_a_404_everywhere(api_uk, example, on_25_november):
    for action in ("preview", "confirm"):
        assert api_uk.post(url(example.order, action), body(example), format="json").status_code == 404
    assert api_uk.get(url(example.order, "transferable-devices")).status_code == 404
    assert Order.objects.get(pk=example.order.pk).status == "draft"


# --- Idempotency-Key ---------------------------------------------------------------------------------------------


def test_the_same_key_and_body_replays_the_first_response_without_a_second_effect(api_it, example, on_25_november):
    first = api_it.post(url(example.order, "confirm"), body(example), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = api_it.post(url(example.order, "confirm"), body(example), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert CreditNote.objects.count() == 1
    # and without the key the same request is a real second attempt: refused, the order is not a draft
    assert api_it.post(url(example.order, "confirm"), body(example), format="json").status_code == 409


def test_the_same_key_with_another_body_is_422(api_it, example, on_25_november):
    api_it.post(url(example.order, "confirm"), body(example), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    other = api_it.post(url(example.order, "confirm"), body(example, po_number="PO-78"), format="json",
                        HTTP_IDEMPOTENCY_KEY="k-2")
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")


def test_a_duplicate_while_the_first_is_in_flight_is_409(api_it, user_it, example, on_25_november):
    # given the first request with this key has claimed it and not finished (its row has no response yet)
    path = url(example.order, "confirm")
    IdempotencyKey.objects.create(user=user_it, key="k-3", endpoint=path,
                                  request_hash=request_hash(endpoint=path, data=body(example)))
    before = db_state()
    # when the duplicate arrives
    response = api_it.post(path, body(example), format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    # then it is told to retry later and nothing happened
    assert (response.status_code, response.json()["code"]) == (409, "idempotency_in_progress")
    assert db_state() == before


def test_a_key_left_by_a_request_that_died_is_taken_over_after_a_minute(api_it, user_it, example,
                                                                       on_25_november):
    # given a confirmation claimed its key at 10:00 and its worker was killed (rolled back, no answer stored)
    path = url(example.order, "confirm")
    IdempotencyKey.objects.create(user=user_it, key="k-dead", endpoint=path,
                                  request_hash=request_hash(endpoint=path, data=body(example)))
    # when the client retries at 10:00:30: still told to wait
    on_25_november.shift(dt.timedelta(seconds=30))
    early = api_it.post(path, body(example), format="json", HTTP_IDEMPOTENCY_KEY="k-dead")
    assert (early.status_code, early.json()["code"]) == (409, "idempotency_in_progress")
    # when it retries at 10:01:01
    on_25_november.shift(dt.timedelta(seconds=31))
    retry = api_it.post(path, body(example), format="json", HTTP_IDEMPOTENCY_KEY="k-dead")
    # then the retry confirms the order (77.01 credited to Rossi) and its answer is the key's
    assert retry.status_code == 200, retry.json()
    assert retry.json()["credit_notes"][0]["total"] == "77.01"
    replay = api_it.post(path, body(example), format="json", HTTP_IDEMPOTENCY_KEY="k-dead")
    assert (replay.status_code, replay.json(), replay["Idempotent-Replayed"]) == (200, retry.json(), "true")
    assert CreditNote.objects.count() == 1
    # and another body under the same key is still refused
    other = api_it.post(path, body(example, po_number="PO-78"), format="json", HTTP_IDEMPOTENCY_KEY="k-dead")
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")


def test_a_business_refusal_is_replayed_but_a_malformed_request_releases_the_key(api_it, example, on_25_november):
    path = url(example.order, "confirm")
    # a refusal (the CAPEX line does not exist) is the key's answer
    refused = api_it.post(path, body(example, unselected_lines=[]), format="json", HTTP_IDEMPOTENCY_KEY="k-4")
    replay = api_it.post(path, body(example, unselected_lines=[]), format="json", HTTP_IDEMPOTENCY_KEY="k-4")
    assert refused.status_code == replay.status_code == 400
    assert replay.json() == refused.json() and replay["Idempotent-Replayed"] == "true"
    # a malformed body is not stored: the same key works once the body is fixed
    bad = api_it.post(path, body(example, transfers="x"), format="json", HTTP_IDEMPOTENCY_KEY="k-5")
    assert bad.status_code == 400
    good = api_it.post(path, body(example), format="json", HTTP_IDEMPOTENCY_KEY="k-5")
    assert good.status_code == 200, good.json()


def test_keys_are_per_user(api_it, example, partner_it, on_25_november):
    from rest_framework.test import APIClient

    colleague = factories.UserFactory(partner=partner_it, username="it-sales", role="sales")
    other = APIClient()
    other.force_authenticate(colleague)
    api_it.post(url(example.order, "preview"), body(example), format="json")
    first = api_it.post(url(example.order, "confirm"), body(example), format="json", HTTP_IDEMPOTENCY_KEY="same")
    second = other.post(url(example.order, "confirm"), body(example), format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert first.status_code == 200
    assert (second.status_code, second.json()["code"]) == (409, "order_not_draft")


# --- transferable devices -----------------------------------------------------------------------------------------


def test_transferable_devices_lists_other_accounts_devices_only(api_it, example, partner_uk):
    # given, besides Rossi's four: Bianchi's own, one in stock, a CAPEX one, a Vision, another partner's
    factories.hwaas_device(account=example.bianchi, product=example.workforce)
    factories.DeviceFactory(account=None, partner=example.partner, product=example.workforce)
    capex = factories.DeviceFactory(account=example.rossi, partner=example.partner, product=example.workforce,
                                    ownership="capex")
    vision = factories.ProductFactory(sku="VISION", name="Vision")
    factories.hwaas_device(account=example.rossi, product=vision)
    factories.hwaas_device(account=factories.AccountFactory(partner=partner_uk), product=example.workforce)
    path = url(example.order, "transferable-devices")

    def ids(query=""):
        response = api_it.get(path + query)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    rossi = {d.pk for d in example.devices}
    # then by default: HWaaS devices of the order's products held by other accounts
    assert ids() == rossi
    assert ids(f"?product={example.workforce.pk}") == ids("?product=WORKFORCE") == rossi
    assert ids("?product=VISION") == {factories.Device.objects.get(product=vision).pk}
    assert ids("?ownership=capex") == {capex.pk}
    # and search by serial, MAC and account name
    first = example.devices[0]
    assert ids(f"?search={first.serial}") == {first.pk}
    assert ids(f"?search={first.mac.lower()}") == {first.pk}
    assert ids("?search=rossi") == rossi
    assert ids("?search=bianchi") == set()
    # and rows show where each device is now
    row = api_it.get(path + "?ordering=-serial").json()["results"][0]
    assert row["account"] == {"id": example.rossi.pk, "name": "Rossi Srl"}
    assert row["product"]["sku"] == "WORKFORCE" and row["ownership"] == "hwaas"


def test_transferable_devices_drop_what_another_order_moved(api_it, example, user_it, on_25_november):
    # given another draft order for another account, and this order confirmed with two devices
    gialli = factories.AccountFactory(partner=example.partner, name="Gialli Srl")
    factories.PbxFactory(account=gialli, partner=example.partner)
    later = factories.draft_order(account=gialli, lines=[{"product": example.workforce, "quantity": 4}])
    api_it.post(url(example.order, "confirm"), body(example, transfers=[d.pk for d in example.devices[:2]]),
                format="json")
    # then the other order sees only the two still at Rossi's
    rows = api_it.get(url(later, "transferable-devices")).json()["results"]
    assert {row["id"] for row in rows} == {d.pk for d in example.devices[2:]}


def test_transferable_devices_paginate_with_a_constant_query_count(
    api_it, example, django_assert_max_num_queries
):
    path = url(example.order, "transferable-devices") + "?page_size=10"
    with django_assert_max_num_queries(8):
        small = api_it.get(path)
    for _ in range(40):
        factories.hwaas_device(account=example.rossi, product=example.workforce)
    with django_assert_max_num_queries(8):
        large = api_it.get(path + "&page=2")
    assert small.json()["count"] == 4
    assert large.json()["count"] == 44 and len(large.json()["results"]) == 10
