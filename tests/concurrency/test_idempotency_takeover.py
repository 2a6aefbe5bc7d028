"""Idempotency-Keys raced on PostgreSQL with real threads: a dead claim or an expired key goes to exactly one retry."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from core.idempotency import IdempotencyInProgress, idempotency_key_claim, request_hash
from core.models import IdempotencyKey

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

THREADS = 12
ENDPOINT = "/api/v1/orders/1/confirm/"
DIGEST = request_hash(endpoint=ENDPOINT, data={"pbx": 1, "transfers": [2, 3]})


@pytest.fixture(autouse=True)
def _postgresql_only():
    assert connection.vendor == "postgresql", "concurrency tests need PostgreSQL's row locks"


def race(user) -> list:
    """Every thread claims the key at the same moment, on its own connection; each returns its row or its error."""
    barrier = threading.Barrier(THREADS)

    def run(_):
        try:
            barrier.wait(timeout=30)
            row, replay = idempotency_key_claim(user=user, key="k-1", endpoint=ENDPOINT, digest=DIGEST)
            return row or replay
        except IdempotencyInProgress as error:
            return error
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(run, range(THREADS)))


def test_a_dead_requests_claim_is_taken_over_by_exactly_one_of_twelve_retries(user_it):
    # given a claim left in progress two minutes ago by a request whose worker was killed
    stopped = timezone.now() - dt.timedelta(minutes=2)
    row = IdempotencyKey.objects.create(user=user_it, key="k-1", endpoint=ENDPOINT, request_hash=DIGEST)
    IdempotencyKey.objects.filter(pk=row.pk).update(created_at=stopped, locked_at=stopped)
    # when twelve retries arrive at once
    results = race(user_it)
    # then one holds the key now and the eleven others are told to wait for it
    claimed = [r for r in results if isinstance(r, IdempotencyKey)]
    waiting = [r for r in results if isinstance(r, IdempotencyInProgress)]
    assert (len(claimed), len(waiting)) == (1, THREADS - 1), results
    assert IdempotencyKey.objects.get(pk=row.pk).locked_at == claimed[0].locked_at > stopped


def test_an_expired_key_is_renewed_by_exactly_one_of_twelve_requests(user_it):
    # given a key answered 25 hours ago
    yesterday = timezone.now() - dt.timedelta(hours=25)
    row = IdempotencyKey.objects.create(user=user_it, key="k-1", endpoint=ENDPOINT, request_hash="0" * 64,
                                        response_status=200, response_body={"id": 7}, completed_at=yesterday)
    IdempotencyKey.objects.filter(pk=row.pk).update(created_at=yesterday, locked_at=yesterday)
    # when twelve requests use it at once
    results = race(user_it)
    # then one of them holds it as a new key, the others wait for that one; nothing old is replayed
    claimed = [r for r in results if isinstance(r, IdempotencyKey)]
    waiting = [r for r in results if isinstance(r, IdempotencyInProgress)]
    assert (len(claimed), len(waiting)) == (1, THREADS - 1), results
    renewed = IdempotencyKey.objects.get(pk=row.pk)
    assert (renewed.request_hash, renewed.response_body, renewed.completed_at) == (DIGEST, None, None)
    assert IdempotencyKey.objects.count() == 1
