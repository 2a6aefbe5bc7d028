"""Error pages and the template filters every page shares."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template

from core.locale import use_locale


@pytest.mark.django_db
def test_unknown_page_is_a_friendly_404(client_it):
    response = client_it.get("/no-such-page/")
    assert response.status_code == 404
    assert "find that page" in response.content.decode()


def test_money_and_date_filters_follow_the_partner_language():
    template = Template("{% load portal %}{{ amount|money:'EUR' }} {{ day|pdate }} {{ none|money:'EUR' }}")
    context = Context({"amount": Decimal("1234.5"), "day": dt.date(2026, 11, 25), "none": None})
    with use_locale("it", "IT"):
        assert template.render(context) == "1.234,50\xa0€ 25 nov 2026 —"
    with use_locale("en", "GB"):
        assert template.render(context) == "€1,234.50 25 Nov 2026 —"


def test_status_badge_theme():
    html = Template('{% include "includes/status_badge.html" with status="scheduled" label="Scheduled" %}').render(
        Context({})
    )
    assert "slds-theme_warning" in html and "Scheduled" in html


@pytest.mark.django_db
def test_error_pages_render_without_a_request_context():
    from django.template.loader import render_to_string

    # the 500 page must render even when nothing else works (no context processors, no database)
    assert "nothing was changed" in render_to_string("500.html")
    assert "Nothing was changed" in render_to_string("403.html")
