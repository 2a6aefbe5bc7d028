import pytest
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from tests import factories


@pytest.fixture(autouse=True)
def _test_code_sees_all_partners():
    """Test set-up and assertions run unscoped, as vendor staff would; requests made through the
    test client still run inside the caller's partner scope (middleware / API mixin)."""
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # Tests create many users; a real password hash costs ~1 s each and proves nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def partner_it(db):
    return factories.PartnerFactory(code="it-demo", name="Telefonia Alpina Srl", country="IT", currency="EUR",
                                    tax_rate="22.00", timezone="Europe/Rome", language="it")


@pytest.fixture
def partner_uk(db):
    return factories.PartnerFactory(code="uk-demo", name="Thames Voice Ltd", country="GB", currency="GBP",
                                    tax_rate="20.00", timezone="Europe/London", language="en")


@pytest.fixture
def user_it(partner_it):
    return factories.UserFactory(partner=partner_it, username="it-admin", role="admin")


@pytest.fixture
def user_uk(partner_uk):
    return factories.UserFactory(partner=partner_uk, username="uk-admin", role="admin")


@pytest.fixture
def client_it(client, user_it):
    client.force_login(user_it)
    return client


@pytest.fixture
def api_it(user_it):
    api = APIClient()
    api.force_authenticate(user_it)
    return api


@pytest.fixture
def api_uk(user_uk):
    api = APIClient()
    api.force_authenticate(user_uk)
    return api
