"""The OpenAPI schema generates cleanly: every endpoint any app adds must be documented."""

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

READ_API = {
    "/api/v1/auth/token/": "post",
    "/api/v1/accounts/": "get",
    "/api/v1/accounts/{id}/": "get",
    "/api/v1/devices/": "get",
    "/api/v1/devices/{id}/": "get",
    "/api/v1/devices/{id}/custody/": "get",
    "/api/v1/subscriptions/": "get",
}


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    # --fail-on-warn turns any generator warning or error (an undocumented view, an unresolvable
    # type, an enum name clash) into a failure; --validate checks the result against the OpenAPI spec.
    target = tmp_path_factory.mktemp("openapi") / "schema.yml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))
    return yaml.safe_load(target.read_text())


def test_the_schema_generates_without_warnings_and_validates(schema):
    assert schema["openapi"].startswith("3.")
    for path, method in READ_API.items():
        assert method in schema["paths"][path], path


def test_errors_are_documented_in_the_one_error_format(schema):
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "message", "extra"}
    for path, method in READ_API.items():
        responses = schema["paths"][path][method]["responses"]
        errors = [status for status in responses if status.startswith(("4", "5"))]
        assert errors, path
        for status in errors:
            assert responses[status]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"
            }, (path, status)


def test_money_is_a_decimal_string_beside_a_currency(schema):
    subscription = schema["components"]["schemas"]["Subscription"]["properties"]
    assert subscription["period_price"]["type"] == "string"
    assert subscription["period_price"]["format"] == "decimal"
    assert subscription["first_period_charge"]["format"] == "decimal"
    assert "currency" in subscription


def test_list_filters_are_documented_as_query_parameters(schema):
    def params(path):
        return {p["name"] for p in schema["paths"][path]["get"].get("parameters", []) if p["in"] == "query"}

    assert {"search", "page", "page_size"} <= params("/api/v1/accounts/")
    assert {"account", "product", "product_sku", "ownership", "search", "page"} <= params("/api/v1/devices/")
    assert {"account", "device", "status", "page"} <= params("/api/v1/subscriptions/")


def test_schema_and_docs_are_served():
    client = APIClient()
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/devices/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
