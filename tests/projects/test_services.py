import datetime as dt

import pytest
from django.http import Http404

from core.errors import NotFound
from projects.models import Project
from projects.selectors import project_get, project_list
from projects.services import project_close, project_create_change_order
from tests import factories

pytestmark = pytest.mark.django_db


def test_change_order_opens_a_project_titled_after_the_receiving_account(user_it, partner_it):
    account = factories.AccountFactory(partner=partner_it, name="Bianchi SpA")
    project = project_create_change_order(user=user_it, account=account)
    assert (project.title, project.type, project.status, project.account, project.partner, project.created_by) == (
        "Bianchi SpA - Change Order", "change_order", "open", account, partner_it, user_it)


def test_change_order_for_another_partners_account_is_not_found(user_uk, partner_it):
    account = factories.AccountFactory(partner=partner_it)
    with pytest.raises(NotFound):
        project_create_change_order(user=user_uk, account=account)
    assert not Project.objects.exists()


def test_selectors_hold_only_the_partners_projects(user_it, partner_it, partner_uk):
    mine = project_create_change_order(user=user_it, account=factories.AccountFactory(partner=partner_it))
    theirs = factories.ProjectFactory(account__partner=partner_uk, partner=partner_uk)
    assert list(project_list(partner=partner_it)) == [mine]
    with pytest.raises(Http404):
        project_get(partner=partner_it, project_id=theirs.pk)


# --- closing: the project's change is booked once an order is confirmed ----------------------------------------


def test_closing_an_open_project_records_when(user_it, partner_it):
    # given an open project
    project = project_create_change_order(user=user_it, account=factories.AccountFactory(partner=partner_it))
    at = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)

    # when it is closed at the confirmation's time
    project_close(project=project, at=at)

    # then it is closed, with that time, and takes no new quote
    project.refresh_from_db()
    assert (project.status, project.closed_at) == ("closed", at)


def test_closing_a_closed_project_keeps_its_first_closing_time(user_it, partner_it):
    # given a project closed by its first confirmed order
    project = project_create_change_order(user=user_it, account=factories.AccountFactory(partner=partner_it))
    first = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
    project_close(project=project, at=first)

    # when a later order of the same project is confirmed (the stale copy still says open)
    project_close(project=project, at=first + dt.timedelta(days=3))

    # then nothing changes: it stays closed since the first confirmation
    project.refresh_from_db()
    assert (project.status, project.closed_at) == ("closed", first)


def test_a_closed_project_takes_no_new_quote(user_it, partner_it):
    from projects.exceptions import ProjectClosed
    from quotes.services import quote_create

    catalogue = factories.change_order_catalogue(currency="EUR")
    project = project_create_change_order(user=user_it, account=factories.receiving_account(partner=partner_it))
    project_close(project=project)
    project.refresh_from_db()
    with pytest.raises(ProjectClosed):
        quote_create(user=user_it, project=project, additional_configuration="additional_items",
                     lines=[{"product": catalogue["WF"], "quantity": 1, "ownership": "hwaas"}])
