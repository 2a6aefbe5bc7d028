"""Celery tasks of the shared pieces (thin, idempotent, on the beat), and the one way to publish a task."""

import logging
from typing import Any

from celery import Task, shared_task
from django.db import transaction

from core.idempotency import idempotency_keys_purge

logger = logging.getLogger(__name__)


def publish_on_commit(task: Task, /, *args: Any, **kwargs: Any) -> None:
    """Send `task` once the caller's transaction commits; a failed publish is logged, never raised.

    The broker is a shortcut, not the source of truth: a rolled-back write publishes nothing, and
    each app's periodic sweep does whatever a lost or unpublished message left undone, so a broker
    that is down must not turn a committed write into an error page.
    """

    def publish() -> None:
        try:
            task.delay(*args, **kwargs)
        except Exception:  # the broker refused or timed out, or an eager run failed: the sweep catches up
            logger.exception("task %s not published (args %r, kwargs %r); the periodic sweep will pick it up",
                             task.name, args, kwargs)

    transaction.on_commit(publish)


@shared_task(acks_late=True)
def purge_idempotency_keys() -> int:
    """Delete Idempotency-Keys past their 24 hours; a key that old already counts as new."""
    deleted = idempotency_keys_purge()
    if deleted:
        logger.info("idempotency keys purged: %s", deleted)
    return deleted
