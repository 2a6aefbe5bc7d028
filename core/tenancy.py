"""Tenancy: the partner is the tenant. django-scopes makes a query on a partner-owned model fail
loudly unless a scope is active, so a forgotten filter raises instead of leaking."""

from collections.abc import Iterator
from contextlib import contextmanager

from django_scopes import scope, scopes_disabled


@contextmanager
def partner_scope(partner_id: int | None) -> Iterator[None]:
    """Activate the partner scope for a block (tasks, commands, the public signing page)."""
    with scope(partner=partner_id):
        yield


@contextmanager
def vendor_scope() -> Iterator[None]:
    """Vendor staff and system jobs see every partner: used on purpose, never by partner code paths."""
    with scopes_disabled():
        yield
