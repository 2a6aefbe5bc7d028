import pytest
from django.http import Http404

from core.errors import NotFound
from projects.models import Project
from projects.selectors import project_get, project_list
from projects.services import project_create_change_order
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
