import pytest
from django.urls import reverse

from orders.models import Order
from quotes.models import Quote, QuoteSignature
from quotes.signing import signing_path, signing_token_make
from tests import factories

pytestmark = pytest.mark.django_db


def _formset(lines, *, initial=0, extra=None):
    data = {"lines-TOTAL_FORMS": str(len(lines)), "lines-INITIAL_FORMS": str(initial),
            "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "50", "additional_configuration": "additional_items"}
    for i, line in enumerate(lines):
        for key, value in line.items():
            data[f"lines-{i}-{key}"] = value
    data.update(extra or {})
    return data


def test_create_quote_page_saves_priced_lines(client_it, project, catalogue):
    url = reverse("quotes:create", args=[project.pk])
    page = client_it.get(url).content.decode()
    assert "Additional Configuration" in page and "Additional Items" in page
    data = _formset([{"product": catalogue["WF"].pk, "quantity": "4", "ownership": "hwaas"},
                     {"product": catalogue["VIS"].pk, "quantity": "1", "ownership": "capex"}], initial=1,
                    extra={"save": "1"})
    response = client_it.post(url, data)
    quote = Quote.objects.get()
    assert response.status_code == 302 and response.url == reverse("quotes:detail", args=[quote.pk])
    detail = client_it.get(response.url).content.decode()
    assert "353,00\xa0€" in detail and "24,00\xa0€" in detail and "Submit Proposal" in detail


def test_add_another_line_rerenders_with_one_more_row_and_saves_nothing(client_it, project, catalogue):
    url = reverse("quotes:create", args=[project.pk])
    data = _formset([{"product": catalogue["WF"].pk, "quantity": "4", "ownership": "hwaas"}], initial=1,
                    extra={"add_line": "1"})
    response = client_it.post(url, data)
    assert response.status_code == 200
    assert 'name="lines-TOTAL_FORMS" value="2"' in response.content.decode()
    assert not Quote.objects.exists()


def test_quantity_out_of_range_and_missing_price_are_field_errors(client_it, project, catalogue):
    url = reverse("quotes:create", args=[project.pk])
    response = client_it.post(url, _formset([{"product": catalogue["WF"].pk, "quantity": "1000",
                                               "ownership": "hwaas"}], initial=1))
    assert "Ensure this value is less than or equal to 999." in response.content.decode()
    unpriced = factories.ProductFactory(sku="HS", name="Headset")
    response = client_it.post(url, _formset([{"product": unpriced.pk, "quantity": "1", "ownership": "hwaas"}],
                                            initial=1))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Headset has no HWaaS price" in page and "slds-has-error" in page
    assert not Quote.objects.exists()


def test_editing_replaces_lines_and_a_presented_quote_cannot_be_edited(client_it, draft_quote, catalogue,
                                                                       django_capture_on_commit_callbacks):
    url = reverse("quotes:edit", args=[draft_quote.pk])
    assert "Saved lines and prices" in client_it.get(url).content.decode()
    lines = [{"product": catalogue["WF"].pk, "quantity": "4", "ownership": "hwaas", "DELETE": "on"},
             {"product": catalogue["VIS"].pk, "quantity": "3", "ownership": "capex"}]
    assert client_it.post(url, _formset(lines, initial=2)).status_code == 302
    assert list(draft_quote.lines.values_list("product__sku", "quantity")) == [("VIS", 3)]
    with django_capture_on_commit_callbacks(execute=True):
        client_it.post(reverse("quotes:submit", args=[draft_quote.pk]))
    response = client_it.get(url, follow=True)
    assert "only a draft quote can be edited" in response.content.decode()


def test_editing_saves_without_the_locked_configuration_as_a_browser_posts_it(client_it, draft_quote, catalogue):
    # given the edit page, whose Additional Configuration is disabled (a browser does not submit it)
    url = reverse("quotes:edit", args=[draft_quote.pk])
    assert "disabled" in client_it.get(url).content.decode()
    data = _formset([{"product": catalogue["WF"].pk, "quantity": "7", "ownership": "hwaas"},
                     {"product": catalogue["VIS"].pk, "quantity": "1", "ownership": "capex"}], initial=2,
                    extra={"save": "1"})
    del data["additional_configuration"]
    # when the partner changes a quantity and saves
    response = client_it.post(url, data)
    # then the lines are saved and the configuration stays as created
    assert response.status_code == 302 and response.url == reverse("quotes:detail", args=[draft_quote.pk])
    assert sorted(draft_quote.lines.values_list("product__sku", "quantity")) == [("VIS", 1), ("WF", 7)]
    draft_quote.refresh_from_db()
    assert draft_quote.additional_configuration == "additional_items"


def test_editing_ignores_a_tampered_configuration(client_it, draft_quote, catalogue):
    # given a post that tries to change the locked configuration
    data = _formset([{"product": catalogue["WF"].pk, "quantity": "2", "ownership": "hwaas"}], initial=1,
                    extra={"additional_configuration": "new_pbx"})
    # when it is saved
    response = client_it.post(reverse("quotes:edit", args=[draft_quote.pk]), data)
    # then only the lines change
    assert response.status_code == 302
    draft_quote.refresh_from_db()
    assert draft_quote.additional_configuration == "additional_items"


def test_submit_then_the_detail_page_shows_link_pdf_and_timeline(client_it, draft_quote,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_it.post(reverse("quotes:submit", args=[draft_quote.pk]))
    page = client_it.get(response.url).content.decode()
    quote = Quote.objects.get(pk=draft_quote.pk)
    assert quote.stage == "presented"
    assert "submitted" in page
    assert signing_path(quote=quote) in page
    assert "Open proposal PDF" in page and "Skip signing" in page and "Copy link" in page
    assert "Draft → Presented" in page
    pdf = client_it.get(reverse("quotes:proposal_pdf", args=[quote.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_pdf_being_prepared_is_shown_when_missing(client_it, presented_quote):
    Quote.objects.filter(pk=presented_quote.pk).update(proposal_pdf_version=None)
    page = client_it.get(reverse("quotes:detail", args=[presented_quote.pk])).content.decode()
    assert "PDF being prepared" in page and "Open proposal PDF" not in page
    fragment = client_it.get(reverse("quotes:pdf_status", args=[presented_quote.pk])).content.decode()
    assert "every 3s" in fragment


def test_skip_signing_confirmation_page_and_post(client_it, presented_quote):
    url = reverse("quotes:accept", args=[presented_quote.pk])
    assert "Accept without signature" in client_it.get(url).content.decode()
    response = client_it.post(url, follow=True)
    assert Quote.objects.get(pk=presented_quote.pk).stage == "accepted"
    order = Order.objects.get(quote=presented_quote)
    assert order.number in response.content.decode()
    # a second accept is refused with a message and changes nothing
    response = client_it.post(url, follow=True)
    assert "cannot be accepted" in response.content.decode()
    assert Order.objects.filter(quote=presented_quote).count() == 1


@pytest.mark.parametrize("action", ["revise", "reject", "cancel"])
def test_stage_buttons(client_it, presented_quote, action):
    client_it.post(reverse(f"quotes:{action}", args=[presented_quote.pk]))
    expected = {"revise": "draft", "reject": "rejected", "cancel": "cancelled"}[action]
    assert Quote.objects.get(pk=presented_quote.pk).stage == expected


def test_every_quote_page_is_404_for_another_partner(client, user_uk, presented_quote):
    client.force_login(user_uk)
    for name in ("detail", "edit", "pdf_status", "proposal_pdf", "signed_pdf", "accept"):
        assert client.get(reverse(f"quotes:{name}", args=[presented_quote.pk])).status_code == 404, name
    for name in ("submit", "accept", "reject", "revise", "cancel"):
        assert client.post(reverse(f"quotes:{name}", args=[presented_quote.pk])).status_code == 404, name
    assert client.get(reverse("quotes:create", args=[presented_quote.project_id])).status_code == 404
    assert presented_quote.number not in client.get(reverse("quotes:list")).content.decode()
    assert Quote.objects.get(pk=presented_quote.pk).stage == "presented"


@pytest.mark.parametrize("size", [2, 30])
def test_quote_list_query_count_is_constant(client_it, user_it, project, catalogue, size,
                                            django_assert_max_num_queries):
    from quotes.services import quote_create

    for _ in range(size):
        quote_create(user=user_it, project=project, additional_configuration="additional_items",
                     lines=[{"product": catalogue["WF"], "quantity": 1, "ownership": "hwaas"}])
    with django_assert_max_num_queries(8):
        assert client_it.get(reverse("quotes:list")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client_it.get(reverse("projects:detail", args=[project.pk])).status_code == 200


# --- the customer's signing page ----------------------------------------------------------------------------------


def test_signing_page_shows_the_proposal_and_signs(client, presented_quote, django_capture_on_commit_callbacks):
    url = signing_path(quote=presented_quote)
    page = client.get(url).content.decode()
    assert presented_quote.number in page and "I accept this proposal" in page and "353,00\xa0€" in page
    pdf = client.get(reverse("quotes:sign_pdf", args=[signing_token_make(quote=presented_quote)]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"signer_name": "Giulia Bianchi", "accept": "on",
                                     "pdf_sha256": presented_quote.proposal_pdf_sha256},
                               REMOTE_ADDR="198.51.100.4", HTTP_USER_AGENT="Browser/1.0")
    assert response.status_code == 200
    assert "Thank you, Giulia Bianchi." in response.content.decode()
    signature = QuoteSignature.objects.get(quote=presented_quote)
    assert (signature.ip_address, signature.user_agent) == ("198.51.100.4", "Browser/1.0")
    # the link is now used
    again = client.get(url)
    assert again.status_code == 410 and "already been accepted" in again.content.decode()


def test_signing_without_the_tick_is_a_field_error(client, presented_quote):
    response = client.post(signing_path(quote=presented_quote),
                           {"signer_name": "Giulia", "pdf_sha256": presented_quote.proposal_pdf_sha256})
    assert response.status_code == 200 and "Tick “I accept” to sign." in response.content.decode()
    assert Quote.objects.get(pk=presented_quote.pk).stage == "presented"


def test_signing_page_while_the_pdf_is_prepared_allows_no_signing(client, presented_quote):
    Quote.objects.filter(pk=presented_quote.pk).update(proposal_pdf_version=None)
    url = signing_path(quote=presented_quote)
    page = client.get(url).content.decode()
    assert "PDF being prepared" in page and "Sign and accept" not in page
    client.post(url, {"signer_name": "Giulia", "accept": "on", "pdf_sha256": "x"})
    assert Quote.objects.get(pk=presented_quote.pk).stage == "presented"


def test_tampered_revised_and_expired_links_get_a_clear_page(client, user_it, presented_quote, settings):
    token = signing_token_make(quote=presented_quote)
    tampered = client.get(reverse("quotes:sign", args=[token[:-3] + "xyz"]))
    assert tampered.status_code == 400 and "not valid" in tampered.content.decode()
    settings.SIGNING_LINK_MAX_AGE = -1
    expired = client.get(reverse("quotes:sign", args=[token]))
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    settings.SIGNING_LINK_MAX_AGE = 3600
    from quotes.services import quote_revise

    quote_revise(user=user_it, quote=presented_quote)
    revised = client.post(reverse("quotes:sign", args=[token]), {"signer_name": "G", "accept": "on"})
    assert revised.status_code == 410 and "revised" in revised.content.decode()
    assert client.get(reverse("quotes:sign_pdf", args=[token])).status_code == 410
    assert Quote.objects.get(pk=presented_quote.pk).stage == "draft"


def test_decline_from_the_signing_page(client, presented_quote):
    response = client.post(reverse("quotes:sign_decline", args=[signing_token_make(quote=presented_quote)]),
                           {"signer_name": "Giulia"})
    assert response.status_code == 200 and "Proposal declined" in response.content.decode()
    assert Quote.objects.get(pk=presented_quote.pk).stage == "rejected"
