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


@pytest.mark.django_db
def test_ids_too_large_for_the_database_are_a_404_or_a_400_never_a_500(api_it, partner_it):
    # given a number no 64-bit id can hold
    huge = "9" * 25

    # when it is used as a path id, a filter and in a request body
    by_path = api_it.get(f"/api/v1/devices/{huge}/")
    by_filter = api_it.get(f"/api/v1/devices/?account={huge}")
    by_body = api_it.post("/api/v1/change-orders/", {"account": int(huge)}, format="json")

    # then the path is not found, and the filter and body are refused field by field
    assert by_path.status_code == 404 and by_path.json()["code"] == "not_found"
    assert by_filter.status_code == 400 and "account" in by_filter.json()["extra"]["fields"]
    assert by_body.status_code == 400 and "account" in by_body.json()["extra"]["fields"]
