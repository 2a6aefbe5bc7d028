import pytest
from django.urls import reverse

from projects.models import Project
from tests import factories

pytestmark = pytest.mark.django_db


def test_change_order_page_lists_only_the_partners_accounts(client_it, partner_it, partner_uk):
    factories.AccountFactory(partner=partner_it, name="Bianchi SpA")
    factories.AccountFactory(partner=partner_uk, name="Thames Customer Ltd")
    page = client_it.get(reverse("projects:change_order")).content.decode()
    assert "Bianchi SpA" in page and "Thames Customer Ltd" not in page
    searched = client_it.get(reverse("projects:change_order"), {"q": "zzz"}).content.decode()
    assert "Bianchi SpA" not in searched


def test_next_creates_the_project_and_lands_on_it(client_it, partner_it):
    account = factories.AccountFactory(partner=partner_it, name="Bianchi SpA")
    response = client_it.post(reverse("projects:change_order"), {"account": account.pk})
    project = Project.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("projects:detail", args=[project.pk])
    page = client_it.get(response.url).content.decode()
    assert "Bianchi SpA - Change Order" in page and "Create Quote" in page


def test_next_without_an_account_or_with_another_partners_shows_a_field_error(client_it, partner_uk):
    response = client_it.post(reverse("projects:change_order"), {})
    assert response.status_code == 200
    assert "Choose the account that will receive the devices." in response.content.decode()
    foreign = factories.AccountFactory(partner=partner_uk)
    response = client_it.post(reverse("projects:change_order"), {"account": foreign.pk})
    assert "Choose one of your accounts." in response.content.decode()
    assert not Project.objects.exists()


def test_project_pages_are_404_for_another_partner(client_it, partner_uk):
    theirs = factories.ProjectFactory(account__partner=partner_uk, partner=partner_uk)
    assert client_it.get(reverse("projects:detail", args=[theirs.pk])).status_code == 404
    assert theirs.title not in client_it.get(reverse("projects:list")).content.decode()


def test_project_list_search_and_status_filter(client_it, partner_it, user_it):
    rossi = factories.ProjectFactory(account__partner=partner_it, account__name="Rossi Srl", partner=partner_it,
                                     created_by=user_it)
    verdi = factories.ProjectFactory(account__partner=partner_it, account__name="Verdi Srl", partner=partner_it,
                                     created_by=user_it)
    verdi.close()
    verdi.save()
    page = client_it.get(reverse("projects:list"), {"q": "rossi"}).content.decode()
    assert rossi.title in page and verdi.title not in page
    page = client_it.get(reverse("projects:list"), {"status": "closed"}).content.decode()
    assert verdi.title in page and rossi.title not in page


@pytest.mark.parametrize("size", [2, 30])
def test_project_list_query_count_is_constant(client_it, partner_it, user_it, size, django_assert_max_num_queries):
    for _ in range(size):
        factories.ProjectFactory(account__partner=partner_it, partner=partner_it, created_by=user_it)
    with django_assert_max_num_queries(8):
        response = client_it.get(reverse("projects:list"))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 30])
def test_change_order_page_query_count_is_constant(client_it, partner_it, size, django_assert_max_num_queries):
    for _ in range(size):
        factories.AccountFactory(partner=partner_it)
    with django_assert_max_num_queries(8):
        response = client_it.get(reverse("projects:change_order"))
    assert response.status_code == 200
