"""Every API error has one shape: {"code", "message", "extra"}."""

import pytest
from rest_framework.test import APIClient

from tests import factories

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "extra"}
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["extra"], dict)
    return body


def test_not_found(api_it):
    assert_error(api_it.get("/api/v1/devices/424242/"), 404, "not_found")


def test_not_authenticated():
    assert_error(APIClient().get("/api/v1/devices/"), 401, "not_authenticated")


def test_permission_denied_for_users_without_partner(db):
    api = APIClient()
    api.force_authenticate(factories.UserFactory(username="staff", partner=None, role="", is_staff=True))
    assert_error(api.get("/api/v1/subscriptions/"), 403, "permission_denied")


def test_validation_errors_list_the_fields(api_it):
    body = assert_error(api_it.get("/api/v1/devices/", {"ownership": "leased", "account": "x"}), 400, "invalid")
    assert set(body["extra"]["fields"]) == {"ownership", "account"}
    assert all(isinstance(messages, list) and messages for messages in body["extra"]["fields"].values())


def test_a_read_only_resource_refuses_writes(api_it):
    assert_error(api_it.post("/api/v1/accounts/", {"name": "X"}, format="json"), 405, "method_not_allowed")
    assert_error(api_it.delete("/api/v1/subscriptions/"), 405, "method_not_allowed")


def test_an_invalid_page(api_it):
    assert_error(api_it.get("/api/v1/accounts/", {"page": "last-but-one"}), 404, "not_found")
