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
