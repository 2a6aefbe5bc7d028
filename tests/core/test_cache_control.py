"""A partner's pages and every API answer say `Cache-Control: private, no-store`: no shared cache keeps them."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories

pytestmark = pytest.mark.django_db

PRIVATE = "private, no-store"


def test_a_signed_in_partners_pages_are_private_and_not_stored(client_it, partner_it):
    factories.AccountFactory(partner=partner_it, name="Rossi Srl")

    for url in ("/", reverse("billing:balance"), reverse("orders:list")):
        response = client_it.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == PRIVATE, url


def test_api_answers_are_private_and_not_stored_errors_included(api_it):
    assert api_it.get("/api/v1/accounts/")["Cache-Control"] == PRIVATE
    assert api_it.get("/api/v1/devices/424242/")["Cache-Control"] == PRIVATE
    assert APIClient().get("/api/v1/accounts/")["Cache-Control"] == PRIVATE
    assert APIClient().post("/api/v1/auth/token/", {"username": "x", "password": "y"})["Cache-Control"] == PRIVATE


def test_a_pdf_keeps_its_own_header(client_it, partner_it):
    note = factories.credit_note_scheduled(partner=partner_it, devices=1)
    from billing.services.credit_notes import credit_note_issue

    credit_note_issue(credit_note_id=note.pk)

    response = client_it.get(reverse("billing:credit_note_pdf", args=[note.pk]))

    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE
