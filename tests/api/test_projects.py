import pytest

from projects.models import Project
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def bianchi(partner_it):
    return factories.receiving_account(partner=partner_it, name="Bianchi SpA")


def test_change_order_creates_the_project_for_the_receiving_account(api_it, bianchi, user_it):
    response = api_it.post("/api/v1/change-orders/", {"account": bianchi.pk}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Bianchi SpA - Change Order"
    assert (body["type"], body["status"], body["account"]) == (
        "change_order", "open", {"id": bianchi.pk, "name": "Bianchi SpA"})
    project = Project.objects.get(pk=body["id"])
    assert (project.partner_id, project.created_by) == (bianchi.partner_id, user_it)


def test_change_order_for_another_partners_account_is_404(api_uk, bianchi):
    response = api_uk.post("/api/v1/change-orders/", {"account": bianchi.pk}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not Project.objects.exists()


def test_change_order_without_account_is_400(api_it):
    response = api_it.post("/api/v1/change-orders/", {}, format="json")
    assert response.status_code == 400
    assert "account" in response.json()["extra"]["fields"]


def test_project_list_and_detail_are_the_partners_own(api_it, api_uk, partner_it, partner_uk, user_it):
    mine = factories.ProjectFactory(account__partner=partner_it, partner=partner_it, created_by=user_it)
    theirs = factories.ProjectFactory(account__partner=partner_uk, partner=partner_uk)
    listed = api_it.get("/api/v1/projects/").json()["results"]
    assert [p["id"] for p in listed] == [mine.pk]
    assert api_it.get(f"/api/v1/projects/{mine.pk}/").json()["title"] == mine.title
    assert api_it.get(f"/api/v1/projects/{theirs.pk}/").status_code == 404
    assert api_uk.get(f"/api/v1/projects/{mine.pk}/").status_code == 404


def test_project_list_filters(api_it, partner_it, user_it):
    open_project = factories.ProjectFactory(account__partner=partner_it, account__name="Rossi Srl",
                                            partner=partner_it, created_by=user_it)
    closed = factories.ProjectFactory(account__partner=partner_it, partner=partner_it, created_by=user_it)
    closed.close()
    closed.save()
    assert [p["id"] for p in api_it.get("/api/v1/projects/?status=closed").json()["results"]] == [closed.pk]
    assert [p["id"] for p in api_it.get("/api/v1/projects/?search=rossi").json()["results"]] == [open_project.pk]
    assert api_it.get("/api/v1/projects/?status=bogus").status_code == 400


@pytest.mark.parametrize("size", [2, 12])
def test_project_list_query_count_is_constant(api_it, partner_it, user_it, size, django_assert_max_num_queries):
    for _ in range(size):
        factories.ProjectFactory(account__partner=partner_it, partner=partner_it, created_by=user_it)
    with django_assert_max_num_queries(4):
        response = api_it.get("/api/v1/projects/")
    assert response.json()["count"] == size
