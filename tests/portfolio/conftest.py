import pytest

from core.tenancy import vendor_scope


@pytest.fixture(autouse=True)
def _as_the_import_commands_run():
    """The portfolio import loads every partner's installed base: a vendor job, so its tests run in the
    vendor scope the `import_portfolio` and `load_demo` commands open (and nothing else here does)."""
    with vendor_scope():
        yield
