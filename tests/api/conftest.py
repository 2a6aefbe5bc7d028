import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real checks, cheap hashes: the default hasher's cost is not what these tests are about."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
