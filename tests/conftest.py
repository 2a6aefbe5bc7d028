import pytest
from rest_framework.test import APIClient

from core.tenancy import partner_scope, vendor_scope
from tests import factories


@pytest.fixture(autouse=True)
def _partner_scope_of_the_test(request):
    """Tests run with scopes on, as production code does.

    - A test about one demo partner (it asks for `partner_it` or `partner_uk`, not both) runs inside that
      partner's scope, as a request of that partner does.
    - A test of both partners sets up and checks rows across them as vendor staff would (`vendor_scope`):
      it exists to show that one partner's requests never reach the other's rows, and those requests
      still run inside their own partner's scope (the middleware and the API mixin re-enter it).
    - Any other test opens the scope it needs where it acts; a query it forgets to scope raises.
    Factories write set-up rows unscoped (see tests/factories.py); nothing else does.
    """
    names = set(request.fixturenames)
    wanted = [name for name in ("partner_it", "partner_uk") if name in names]
    if len(wanted) == 2:
        with vendor_scope():
            yield
        return
    if not wanted:
        yield
        return
    partner = request.getfixturevalue(wanted[0])
    with partner_scope(partner.pk):
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
