"""The quote page offers exactly the moves DOMAIN.md's stage machine allows, and each offered move works.

DOMAIN.md: draft → presented (Submit Proposal) · presented → accepted (signed, or skipped by the partner) ·
presented → rejected · presented → draft (revise) · draft|presented → cancelled · presented → expired.
Only draft is editable.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from quotes import services
from quotes.models import Quote

pytestmark = pytest.mark.django_db

ACTIONS = ("edit", "submit", "accept", "revise", "reject", "cancel")

# What each stage's page may offer, from DOMAIN.md (not from the code).
OFFERED = {
    "draft": {"edit", "submit", "cancel"},
    "presented": {"accept", "revise", "reject", "cancel"},
    "accepted": set(),
    "rejected": set(),
    "cancelled": set(),
    "expired": set(),
}

# Where each offered button leads, from DOMAIN.md.
TARGET = {
    ("draft", "submit"): "presented",
    ("draft", "cancel"): "cancelled",
    ("presented", "accept"): "accepted",
    ("presented", "revise"): "draft",
    ("presented", "reject"): "rejected",
    ("presented", "cancel"): "cancelled",
}


@pytest.fixture
def quote_in(user_it, draft_quote, django_capture_on_commit_callbacks):
    """A factory: the fixture's quote brought to `stage` through the services a partner would use."""

    def bring(stage: str) -> Quote:
        if stage == "draft":
            return draft_quote
        with django_capture_on_commit_callbacks(execute=True):
            quote = services.quote_submit(user=user_it, quote=draft_quote)
        if stage == "accepted":
            services.quote_accept_skip(user=user_it, quote=quote)
        elif stage == "rejected":
            services.quote_reject(user=user_it, quote=quote)
        elif stage == "cancelled":
            services.quote_cancel(user=user_it, quote=quote)
        elif stage == "expired":
            quote.refresh_from_db()
            the_day_after = dt.datetime.combine(quote.valid_until + dt.timedelta(days=1), dt.time(12),
                                                tzinfo=ZoneInfo(quote.partner.timezone))
            with time_machine.travel(the_day_after):
                services.quotes_expire_due(partner=quote.partner)
        quote = Quote.objects.get(pk=quote.pk)
        assert quote.stage == stage
        return quote

    return bring


def _offered(page: str, quote: Quote) -> set[str]:
    """The actions whose URL the page links to or posts to."""
    return {action for action in ACTIONS if reverse(f"quotes:{action}", args=[quote.pk]) in page}


@pytest.mark.parametrize("stage", list(OFFERED))
def test_the_page_offers_exactly_the_moves_the_stage_allows(client_it, quote_in, stage):
    # given a quote in `stage`
    quote = quote_in(stage)

    # when the partner opens its page
    page = client_it.get(reverse("quotes:detail", args=[quote.pk])).content.decode()

    # then the buttons are the stage's allowed moves, no more and no fewer
    assert _offered(page, quote) == OFFERED[stage]


@pytest.mark.parametrize(("stage", "action"), list(TARGET))
def test_every_offered_button_moves_the_quote_where_the_domain_says(client_it, quote_in, stage, action,
                                                                    django_capture_on_commit_callbacks):
    # given a quote in `stage`, whose page offers `action`
    quote = quote_in(stage)
    page = client_it.get(reverse("quotes:detail", args=[quote.pk])).content.decode()
    assert action in _offered(page, quote)

    # when the partner clicks it
    with django_capture_on_commit_callbacks(execute=True):
        response = client_it.post(reverse(f"quotes:{action}", args=[quote.pk]))

    # then the quote is in the stage DOMAIN.md names
    assert response.status_code == 302
    assert Quote.objects.get(pk=quote.pk).stage == TARGET[(stage, action)]


@pytest.mark.parametrize("stage", ["draft", "accepted", "cancelled"])
def test_a_move_the_page_does_not_offer_is_refused_and_changes_nothing(client_it, quote_in, stage):
    # given a quote in a stage from which some moves are not allowed
    quote = quote_in(stage)
    refused = {"submit", "accept", "revise", "reject", "cancel"} - OFFERED[stage]

    for action in sorted(refused):
        # when the partner posts the move anyway
        response = client_it.post(reverse(f"quotes:{action}", args=[quote.pk]), follow=True)

        # then it is refused with a message and the stage stays
        assert "cannot be" in response.content.decode(), action
        assert Quote.objects.get(pk=quote.pk).stage == stage, action


def test_the_skip_signing_page_of_a_draft_offers_no_accept(client_it, quote_in):
    # given a draft quote
    quote = quote_in("draft")

    # when the partner opens the skip-signing confirmation page directly
    page = client_it.get(reverse("quotes:accept", args=[quote.pk])).content.decode()

    # then it explains that only a presented quote can be accepted, with no button to do it
    assert "only a presented quote can be accepted" in page
    assert "Accept without signature" not in page


@pytest.mark.parametrize("stage", ["draft", "accepted", "rejected", "expired"])
def test_the_signing_link_is_shown_only_while_the_customer_may_answer(client_it, quote_in, stage):
    # given a quote that is not (or no longer) presented
    quote = quote_in(stage)

    # when the partner opens its page
    page = client_it.get(reverse("quotes:detail", args=[quote.pk])).content.decode()

    # then no signing link is offered
    assert "Customer signing link" not in page and "/quotes/sign/" not in page


def test_a_presented_quote_shows_its_signing_link(client_it, quote_in):
    quote = quote_in("presented")
    page = client_it.get(reverse("quotes:detail", args=[quote.pk])).content.decode()
    assert "Customer signing link" in page and "/quotes/sign/" in page


@pytest.mark.parametrize("stage", ["presented", "accepted", "draft"])
def test_only_a_draft_opens_the_line_editor(client_it, quote_in, stage):
    # given a quote in `stage`
    quote = quote_in(stage)

    # when the partner opens the line editor
    response = client_it.get(reverse("quotes:edit", args=[quote.pk]))

    # then only a draft's editor opens; the others go back to the quote with a message
    if stage == "draft":
        assert response.status_code == 200 and "Saved lines and prices" in response.content.decode()
    else:
        assert response.status_code == 302 and response.url == reverse("quotes:detail", args=[quote.pk])
