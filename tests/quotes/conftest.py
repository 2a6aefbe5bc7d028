import socket

import pytest

from projects.services import project_create_change_order
from quotes.services import quote_create
from tests import factories


@pytest.fixture
def catalogue(db):
    return factories.change_order_catalogue(currency="EUR")


@pytest.fixture
def bianchi(partner_it):
    return factories.receiving_account(partner=partner_it, name="Bianchi SpA", cycle="1m")


@pytest.fixture
def project(user_it, bianchi):
    return project_create_change_order(user=user_it, account=bianchi)


@pytest.fixture
def draft_quote(user_it, project, catalogue):
    return quote_create(
        user=user_it, project=project, additional_configuration="additional_items",
        lines=[{"product": catalogue["WF"], "quantity": 4, "ownership": "hwaas"},
               {"product": catalogue["VIS"], "quantity": 1, "ownership": "capex"}],
    )


@pytest.fixture
def presented_quote(user_it, draft_quote, django_capture_on_commit_callbacks):
    from quotes.services import quote_submit

    with django_capture_on_commit_callbacks(execute=True):
        quote = quote_submit(user=user_it, quote=draft_quote)
    quote.refresh_from_db()
    return quote


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _celery_reset_connections() -> None:
    """Celery reads the Django settings live but keeps its broker pools: drop them."""
    from hwaas_portal.celery import app

    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down(settings):
    """Not eager, and a broker on a closed port: every publish fails like a stopped Redis."""
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _celery_reset_connections()
    yield
    _celery_reset_connections()
