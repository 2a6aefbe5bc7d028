"""Tenancy: the partner is the tenant. django-scopes makes a query on a partner-owned model fail
loudly unless a scope is active, so a forgotten filter raises instead of leaking.

Three ways in, each used on purpose:
- `partner_scope(partner_id)`: one partner's rows only. Every partner request (session or token), the
  public signing page (the token names the partner) and every task re-entering its document's partner.
- `vendor_scope()`: every partner's rows. Vendor staff in the admin, management commands and the
  sweeps that look up which partner a document belongs to.
- no scope at all: anonymous requests and staff outside the admin; a scoped query there raises.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django_scopes import get_scope, scope, scopes_disabled


@contextmanager
def partner_scope(partner_id: int) -> Iterator[None]:
    """Activate one partner's scope for a block.

    A partner id is required: django-scopes adds no filter for `None`, so `scope(partner=None)` would
    show every partner's rows while looking scoped.
    """
    if not isinstance(partner_id, int) or isinstance(partner_id, bool) or partner_id <= 0:
        raise TypeError(f"partner_scope needs a partner id, got {partner_id!r}")
    with scope(partner=partner_id):
        yield


@contextmanager
def vendor_scope() -> Iterator[None]:
    """Vendor staff and system jobs see every partner: used on purpose, never by partner code paths."""
    with scopes_disabled():
        yield


def active_partner_id() -> int | None:
    """The partner whose scope is active, or None (no scope, or the vendor's unscoped view)."""
    current = get_scope()
    if not current.get("_enabled", False):
        return None
    return current.get("partner")
