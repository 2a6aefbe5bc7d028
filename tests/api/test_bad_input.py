"""Input a client may send by mistake or on purpose is a 4xx in the one error format, never a 500 or HTML."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from quotes.api.serializers import QuoteLineInputSerializer
from quotes.forms import QuoteLineForm
from tests import factories

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "extra"}
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    return body


def deep_json(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.fixture
def example(partner_it):
    return factories.worked_example(partner=partner_it, devices=2)


# --- JSON nested too deep ---------------------------------------------------------------------------------------

def test_json_nested_1000_deep_to_the_token_endpoint_is_a_400_unauthenticated(db):
    # given an anonymous client
    anonymous = APIClient()

    # when it sends a body nested 1000 deep
    response = anonymous.post(TOKEN_URL, data=deep_json(1000), content_type="application/json")

    # then it is a parse error, not a RecursionError
    assert_error(response, 400, "parse_error")


def test_json_nested_1000_deep_to_an_authenticated_endpoint_is_a_400(api_it):
    response = api_it.post("/api/v1/change-orders/", data='{"account": ' + deep_json(1000) + "}",
                           content_type="application/json")
    assert_error(response, 400, "parse_error")


def test_json_nested_deeper_than_any_request_is_refused_and_an_ordinary_body_is_read(api_it, example):
    # given a body 40 levels deep (deeper than any request of the API), and a real one (object, list, object)
    too_deep = api_it.post(f"/api/v1/orders/{example.order.pk}/preview/",
                           data='{"pbx": ' + deep_json(40) + "}", content_type="application/json")
    ordinary = api_it.post(f"/api/v1/orders/{example.order.pk}/preview/",
                           data={"pbx": example.pbx.pk, "unselected_lines": [example.line.pk],
                                 "transfers": [d.pk for d in example.devices]}, format="json")

    assert_error(too_deep, 400, "parse_error")
    assert ordinary.status_code == 200, ordinary.content[:300]


# --- Unicode digits and ids past 64 bits -------------------------------------------------------------------------

def test_unicode_digits_in_the_wizard_pick_and_lines_posts_are_not_found_not_a_500(client_it, example):
    client_it.raise_request_exception = False
    pick = reverse("orders:confirm_pick", args=[example.order.pk])
    lines = reverse("orders:confirm_lines", args=[example.order.pk])

    for response in (client_it.post(pick, {"device": "²"}, HTTP_HX_REQUEST="true"),
                     client_it.post(lines, {"line": "²"}, HTTP_HX_REQUEST="true"),
                     client_it.post(pick, {"device": "9" * 25}, HTTP_HX_REQUEST="true"),
                     client_it.post(lines, {"line": "9" * 25}, HTTP_HX_REQUEST="true")):
        assert response.status_code == 404


def test_unicode_digits_and_huge_ids_as_transferable_products_match_nothing(api_it, example):
    api_it.raise_request_exception = False
    url = f"/api/v1/orders/{example.order.pk}/transferable-devices/"

    for product in ("²", "%C2%B2", "9" * 25, "٣"):
        response = api_it.get(url, {"product": product})
        assert response.status_code == 200, (product, response.content[:200])
        assert response.json()["results"] == []
    # while an ASCII id still names its product
    assert response.status_code == 200
    named = api_it.get(url, {"product": str(example.workforce.pk)}).json()["results"]
    assert sorted(d["serial"] for d in named) == sorted(d.serial for d in example.devices)


def test_a_quantity_in_arabic_indic_digits_is_refused_in_the_form_and_the_api(partner_it):
    # given the catalogue's WorkForce and a quantity written "٣" (Arabic-Indic three)
    product = factories.ProductFactory(sku="WF", name="WorkForce")

    form = QuoteLineForm(data={"product": product.pk, "quantity": "٣", "ownership": "hwaas"})
    serializer = QuoteLineInputSerializer(data={"product": "WF", "quantity": "٣", "ownership": "hwaas"})

    assert "quantity" in form.errors
    assert not serializer.is_valid() and "quantity" in serializer.errors
    # while "3" is three
    assert QuoteLineForm(data={"product": product.pk, "quantity": "3", "ownership": "hwaas"}).is_valid()


# --- every error in the one format -------------------------------------------------------------------------------

def test_a_body_over_the_upload_limit_is_a_413_in_the_error_format(api_it, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = api_it.post("/api/v1/change-orders/", data='{"account": "' + "x" * 2000 + '"}',
                           content_type="application/json")

    assert_error(response, 413, "too_large")


def test_a_server_error_under_the_api_answers_the_error_format_not_html(api_it, monkeypatch):
    # given a fault deep inside a list (a bug, not the client's doing)
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("billing.api.subscriptions.subscription_list", broken)
    api_it.raise_request_exception = False

    response = api_it.get("/api/v1/subscriptions/")

    body = assert_error(response, 500, "server_error")
    assert "boom" not in body["message"]


def test_a_server_error_on_a_portal_page_is_still_the_portal_page(client_it, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("billing.views.subscription_list", broken)
    client_it.raise_request_exception = False

    response = client_it.get(reverse("billing:balance"))

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


# --- a blank filter is not given ---------------------------------------------------------------------------------

def test_a_blank_filter_value_is_ignored_as_django_filter_does(api_it, example):
    # given the partner's subscriptions (one per device Rossi Srl rents)
    everything = api_it.get("/api/v1/subscriptions/")
    assert everything.status_code == 200 and everything.json()["count"] == len(example.devices)

    # when an integrator sends empty filters, as a form with untouched fields does
    blank = api_it.get("/api/v1/subscriptions/?account=&device=&status=")
    blank_search = api_it.get("/api/v1/devices/?search=&account=")

    # then they are not given: the whole list, as without them
    assert blank.status_code == 200, blank.content[:300]
    assert blank.json()["results"] == everything.json()["results"]
    assert blank_search.status_code == 200, blank_search.content[:300]
    assert blank_search.json()["count"] == api_it.get("/api/v1/devices/").json()["count"]
    # and a blank next to a real value keeps the real one
    assert api_it.get(f"/api/v1/subscriptions/?account=&account={example.bianchi.pk}").json()["count"] == 0
