import pytest
from django.core import mail

from orders.models import Order
from quotes.models import Quote
from tests import factories

pytestmark = pytest.mark.django_db

LINES = [{"product": "WF", "quantity": 4, "ownership": "hwaas"},
         {"product": "VIS", "quantity": 1, "ownership": "capex"}]


@pytest.fixture
def project(partner_it, user_it):
    factories.change_order_catalogue(currency="EUR")
    account = factories.receiving_account(partner=partner_it, name="Bianchi SpA")
    return factories.ProjectFactory(account=account, partner=partner_it, created_by=user_it)


@pytest.fixture
def quote_id(api_it, project):
    response = api_it.post(f"/api/v1/projects/{project.pk}/quotes/",
                           {"additional_configuration": "additional_items", "lines": LINES}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def _submit(api, quote_id, capture):
    with capture(execute=True):
        response = api.post(f"/api/v1/quotes/{quote_id}/submit/")
    return response


def test_create_quote_answers_with_priced_lines_and_totals(api_it, project):
    response = api_it.post(f"/api/v1/projects/{project.pk}/quotes/",
                           {"additional_configuration": "additional_items", "lines": LINES}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["number"].startswith("Q-") and body["stage"] == "draft"
    assert [(line["product"], line["quantity"], line["ownership"], line["unit_price"], line["currency"])
            for line in body["lines"]] == [("WF", 4, "hwaas", "6.00", "EUR"), ("VIS", 1, "capex", "329.00", "EUR")]
    assert all("id" in line for line in body["lines"])
    assert (body["total"], body["currency"]) == ("353.00", "EUR")
    assert (body["order"], body["signing_url"], body["proposal_pdf"]) == (None, None, None)


def test_create_quote_with_an_unknown_sku_or_bad_quantity_is_400(api_it, project):
    response = api_it.post(f"/api/v1/projects/{project.pk}/quotes/",
                           {"lines": [{"product": "NOPE", "quantity": 1, "ownership": "hwaas"}]}, format="json")
    assert response.status_code == 400
    assert "lines" in response.json()["extra"]["fields"]
    response = api_it.post(f"/api/v1/projects/{project.pk}/quotes/",
                           {"lines": [{"product": "WF", "quantity": 1000, "ownership": "hwaas"}]}, format="json")
    assert response.status_code == 400
    assert not Quote.objects.exists()


def test_create_quote_with_a_missing_price_is_a_field_error(api_it, project):
    factories.ProductFactory(sku="HS", name="Headset")
    response = api_it.post(f"/api/v1/projects/{project.pk}/quotes/",
                           {"lines": [{"product": "HS", "quantity": 1, "ownership": "hwaas"}]}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "price_missing"
    assert "lines.0.product" in body["extra"]["fields"]


def test_create_quote_on_another_partners_project_is_404(api_uk, project):
    response = api_uk.post(f"/api/v1/projects/{project.pk}/quotes/", {"lines": LINES}, format="json")
    assert response.status_code == 404


def test_patch_replaces_lines_while_draft_and_409_after_submit(api_it, quote_id, django_capture_on_commit_callbacks):
    response = api_it.patch(f"/api/v1/quotes/{quote_id}/",
                            {"lines": [{"product": "VIS", "quantity": 2, "ownership": "hwaas"}]}, format="json")
    assert response.status_code == 200
    assert [(line["product"], line["quantity"], line["unit_price"]) for line in response.json()["lines"]] == [
        ("VIS", 2, "9.50")]
    assert response.json()["total"] == "19.00"
    assert _submit(api_it, quote_id, django_capture_on_commit_callbacks).status_code == 200
    response = api_it.patch(f"/api/v1/quotes/{quote_id}/",
                            {"lines": [{"product": "WF", "quantity": 1, "ownership": "hwaas"}]}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "quote_not_editable"
    assert response.json()["extra"] == {"stage": "presented"}


def test_submit_then_skip_signing_gives_the_quote_its_order(api_it, quote_id, settings,
                                                            django_capture_on_commit_callbacks):
    response = _submit(api_it, quote_id, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    body = response.json()
    assert body["stage"] == "presented"
    assert body["signing_url"].startswith(settings.PORTAL_BASE_URL + "/quotes/sign/")
    assert len(mail.outbox) == 1
    # the PDF rendered after commit
    body = api_it.get(f"/api/v1/quotes/{quote_id}/").json()
    assert body["proposal_pdf"].endswith(f"/api/v1/quotes/{quote_id}/proposal.pdf")
    pdf = api_it.get(f"/api/v1/quotes/{quote_id}/proposal.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")

    response = api_it.post(f"/api/v1/quotes/{quote_id}/accept/")
    assert response.status_code == 200
    body = response.json()
    assert body["stage"] == "accepted"
    assert body["order"] == Order.objects.get(quote_id=quote_id).pk
    assert body["signing_url"] is None
    assert body["timeline"][-1]["method"] == "skipped"

    again = api_it.post(f"/api/v1/quotes/{quote_id}/accept/")
    assert again.status_code == 409
    assert again.json()["extra"] == {"stage": "accepted"}


@pytest.mark.parametrize("action", ["accept", "reject", "revise"])
def test_moves_not_allowed_from_draft_are_409(api_it, quote_id, action):
    response = api_it.post(f"/api/v1/quotes/{quote_id}/{action}/")
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"
    assert response.json()["extra"] == {"stage": "draft"}


def test_reject_revise_cancel(api_it, quote_id, django_capture_on_commit_callbacks):
    _submit(api_it, quote_id, django_capture_on_commit_callbacks)
    assert api_it.post(f"/api/v1/quotes/{quote_id}/revise/").json()["stage"] == "draft"
    assert api_it.get(f"/api/v1/quotes/{quote_id}/").json()["version"] == 2
    _submit(api_it, quote_id, django_capture_on_commit_callbacks)
    assert api_it.post(f"/api/v1/quotes/{quote_id}/reject/").json()["stage"] == "rejected"
    assert api_it.post(f"/api/v1/quotes/{quote_id}/cancel/").status_code == 409


def test_cancel_a_draft(api_it, quote_id):
    response = api_it.post(f"/api/v1/quotes/{quote_id}/cancel/")
    assert (response.status_code, response.json()["stage"]) == (200, "cancelled")


def test_proposal_pdf_before_it_exists_is_409(api_it, quote_id):
    response = api_it.get(f"/api/v1/quotes/{quote_id}/proposal.pdf")
    assert response.status_code == 409
    assert response.json()["code"] == "quote_pdf_not_ready"


@pytest.mark.parametrize("method,suffix", [
    ("get", ""), ("patch", ""), ("post", "submit/"), ("post", "accept/"), ("post", "reject/"),
    ("post", "revise/"), ("post", "cancel/"), ("get", "proposal.pdf"), ("get", "signed.pdf"),
])
def test_another_partners_quote_is_404_everywhere(api_uk, quote_id, method, suffix):
    response = getattr(api_uk, method)(f"/api/v1/quotes/{quote_id}/{suffix}",
                                       {"lines": LINES} if method == "patch" else None, format="json")
    assert response.status_code == 404
    assert Quote.objects.get(pk=quote_id).stage == "draft"


def test_quote_list_holds_only_the_partners_quotes(api_it, api_uk, quote_id):
    assert [q["id"] for q in api_it.get("/api/v1/quotes/").json()["results"]] == [quote_id]
    assert api_it.get("/api/v1/quotes/").json()["results"][0]["total"] == "353.00"
    assert api_uk.get("/api/v1/quotes/").json()["results"] == []


@pytest.mark.parametrize("size", [2, 12])
def test_quote_list_query_count_is_constant(api_it, api_uk, project, user_it, size, django_assert_max_num_queries):
    from quotes.services import quote_create

    wf = factories.ProductFactory(sku="WF")
    for _ in range(size):
        quote_create(user=user_it, project=project, additional_configuration="additional_items",
                     lines=[{"product": wf, "quantity": 2, "ownership": "hwaas"}])
    with django_assert_max_num_queries(4):
        response = api_it.get("/api/v1/quotes/")
    assert response.json()["count"] == size
