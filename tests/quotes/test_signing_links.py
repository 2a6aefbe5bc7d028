"""Where a signing link points: pages and API answers at the host asked, emails at PORTAL_BASE_URL."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from quotes.services import quote_submit
from quotes.signing import signing_path

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]


def test_the_copy_link_box_names_the_host_the_page_was_asked_on(client_it, presented_quote, settings):
    # given a portal served on port 8111 while PORTAL_BASE_URL names another server
    settings.ALLOWED_HOSTS = ["portal.example"]
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8000"
    # when the partner opens the presented quote there
    page = client_it.get(reverse("quotes:detail", args=[presented_quote.pk]),
                         HTTP_HOST="portal.example:8111").content.decode()
    # then the Copy link box holds a link to that same server
    assert f'value="http://portal.example:8111{signing_path(quote=presented_quote)}"' in page
    assert "127.0.0.1:8000" not in page


def test_the_api_signing_url_names_the_host_the_request_came_to(api_it, presented_quote, settings):
    settings.ALLOWED_HOSTS = ["portal.example"]
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8000"
    response = api_it.get(f"/api/v1/quotes/{presented_quote.pk}/", HTTP_HOST="portal.example:8111")
    assert response.status_code == 200
    assert response.json()["signing_url"] == f"http://portal.example:8111{signing_path(quote=presented_quote)}"


def test_the_customer_email_links_to_portal_base_url(user_it, draft_quote, bianchi, settings,
                                                     django_capture_on_commit_callbacks):
    # given the portal's public address
    settings.PORTAL_BASE_URL = "https://portal.wildcom.example"
    # when the proposal is submitted (no request decides the host of an email)
    with django_capture_on_commit_callbacks(execute=True):
        quote = quote_submit(user=user_it, quote=draft_quote)
    # then the customer's email links to that address
    assert [message.to for message in mail.outbox] == [[bianchi.contact_email]]
    assert f"https://portal.wildcom.example{signing_path(quote=quote)}" in mail.outbox[0].body


def _settings_attribute(name: str, **environment: str) -> subprocess.CompletedProcess:
    """Load the settings in a fresh interpreter with exactly `environment` (and no .env file)."""
    code = (
        "import environ\n"
        "environ.Env.read_env = classmethod(lambda cls, *args, **kwargs: None)\n"
        "from django.conf import settings\n"
        f"print(settings.{name})\n"
    )
    env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "hwaas_portal.settings", **environment}
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=60)


def test_production_settings_refuse_to_start_without_portal_base_url():
    result = _settings_attribute("PORTAL_BASE_URL", DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "PORTAL_BASE_URL" in result.stderr


def test_production_settings_take_portal_base_url_from_the_environment_and_debug_has_a_default():
    given = _settings_attribute("PORTAL_BASE_URL", DEBUG="0", SECRET_KEY="x" * 50,
                                PORTAL_BASE_URL="https://portal.wildcom.example")
    assert given.returncode == 0, given.stderr
    assert given.stdout.strip() == "https://portal.wildcom.example"
    debug = _settings_attribute("PORTAL_BASE_URL", DEBUG="1")
    assert debug.returncode == 0, debug.stderr
    assert debug.stdout.strip() == "http://127.0.0.1:8000"
