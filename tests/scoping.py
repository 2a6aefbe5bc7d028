"""Test helpers for django-scopes."""

from collections.abc import Iterator
from contextlib import contextmanager

from django_scopes import state as scopes_state


@contextmanager
def outside_any_scope() -> Iterator[None]:
    """Leave every open scope for a block: the context of a worker, a thread or an anonymous request,
    where scopes are enforced and none is open, so a query on a partner-owned model raises."""
    token = scopes_state.state.set({"_enabled": True})
    try:
        yield
    finally:
        scopes_state.state.reset(token)
