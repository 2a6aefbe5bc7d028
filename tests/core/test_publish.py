"""core.tasks.publish_on_commit: sent only after the commit, never raised, a failed publish logged by task name."""

import logging
import socket
import time

import pytest
from celery import shared_task
from django.db import transaction
from kombu.exceptions import OperationalError

from core.tasks import publish_on_commit
from hwaas_portal.celery import app as celery_app

# What the eager test task was run with, in order.
RECEIVED: list[tuple] = []


@shared_task(name="tests.core.record_delivery")
def record_delivery(*args, **kwargs) -> None:
    RECEIVED.append((args, kwargs))


@shared_task(name="tests.core.fail_delivery")
def fail_delivery(note_id: int) -> None:
    raise RuntimeError(f"rendering note {note_id} failed")


@pytest.fixture(autouse=True)
def _nothing_received():
    RECEIVED.clear()
    yield
    RECEIVED.clear()


def _closed_loopback_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens there


def _celery_reset_connections() -> None:
    """Celery reads the Django settings live but keeps its broker pools: drop them."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_refusing(settings):
    """Not eager, a Redis broker on a loopback port nobody listens on, and one quick retry: a stopped Redis."""
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_closed_loopback_port()}/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_CONNECTION_TIMEOUT = 1
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1,
                                                "socket_connect_timeout": 1, "socket_timeout": 1}
    settings.CELERY_TASK_PUBLISH_RETRY = False
    _celery_reset_connections()
    yield
    _celery_reset_connections()


@pytest.mark.django_db(transaction=True)
def test_a_refusing_broker_is_logged_with_the_task_name_and_the_commit_still_succeeds(broker_refusing, caplog):
    # given a write that publishes a task after it commits, with the broker refusing connections
    with caplog.at_level(logging.ERROR, logger="core.tasks"):
        started = time.monotonic()
        with transaction.atomic():
            publish_on_commit(record_delivery, 42, reason="order_change")
        elapsed = time.monotonic() - started

    # then the commit returned promptly, nothing was raised, nothing ran
    assert elapsed < 5, elapsed
    assert RECEIVED == []
    # and the failed publish was logged once, naming the task and what it was sent with, with the broker's error
    (record,) = [r for r in caplog.records if r.name == "core.tasks"]
    message = record.getMessage()
    assert "tests.core.record_delivery" in message and "not published" in message
    assert "42" in message and "order_change" in message
    assert record.levelno == logging.ERROR and isinstance(record.exc_info[1], OperationalError)


@pytest.mark.django_db
def test_the_task_is_sent_after_the_commit_and_not_before(django_capture_on_commit_callbacks):
    # given eager tasks (the test settings), a publish inside a transaction
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        publish_on_commit(record_delivery, 7, reason="reissue")
        # then nothing is sent while the transaction is open
        assert RECEIVED == []
    # then the commit sends it once, with its arguments
    assert len(callbacks) == 1
    assert RECEIVED == [((7,), {"reason": "reissue"})]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_publishes_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        publish_on_commit(record_delivery, 8)
        raise RuntimeError("the write failed")
    assert RECEIVED == []


@pytest.mark.django_db
def test_a_task_failing_when_run_eagerly_is_logged_not_raised(django_capture_on_commit_callbacks, caplog):
    # given eager tasks that propagate errors (the test settings), and a task that fails
    with caplog.at_level(logging.ERROR, logger="core.tasks"), django_capture_on_commit_callbacks(execute=True):
        publish_on_commit(fail_delivery, 9)
    # then the caller's commit is not turned into an error; the failure is in the log
    (record,) = [r for r in caplog.records if r.name == "core.tasks"]
    assert "tests.core.fail_delivery" in record.getMessage()
    assert "rendering note 9 failed" in str(record.exc_info[1])
