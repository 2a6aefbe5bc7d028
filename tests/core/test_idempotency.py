"""Idempotency-Key (core.idempotency): replay for 24 hours, then a new key; a dead request's claim is taken over."""

import datetime as dt

import pytest
import time_machine

from core.idempotency import (
    IdempotencyInProgress,
    IdempotencyKeyReused,
    idempotency_key_claim,
    idempotency_key_finish,
    idempotency_key_release,
    idempotency_key_replace_expired,
    idempotency_key_take_over,
    idempotency_keys_purge,
    request_hash,
)
from core.models import IdempotencyKey
from core.tasks import purge_idempotency_keys
from hwaas_portal.celery import app as celery_app

pytestmark = pytest.mark.django_db

ENDPOINT = "/api/v1/orders/1/confirm/"
BODY = {"pbx": 1, "unselected_lines": [4], "transfers": [2, 3], "po_number": "PO-77"}
START = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    """The clock stands still at START until a test moves it."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def claim(user, *, key="k-1", endpoint=ENDPOINT, body=None):
    body = BODY if body is None else body
    return idempotency_key_claim(
        user=user, key=key, endpoint=endpoint, digest=request_hash(endpoint=endpoint, data=body)
    )


def answer(user, *, key="k-1", body=None, status=200, response=None):
    row, replay = claim(user, key=key, body=body)
    assert replay is None
    idempotency_key_finish(row=row, status=status, body=response or {"id": 7, "status": "confirmed"})
    return row


# --- 24 hours ------------------------------------------------------------------------------------------------------


def test_an_answered_key_is_replayed_for_24_hours_then_is_a_new_key(user_it, clock):
    # given a key answered at 10:00
    first = answer(user_it)
    # when the same request comes 1 second before 24 hours have passed
    clock.shift(dt.timedelta(hours=24) - dt.timedelta(seconds=1))
    row, replay = claim(user_it)
    # then the first answer is replayed
    assert row is None
    assert (replay.status_code, replay.data, replay["Idempotent-Replayed"]) == (
        200, {"id": 7, "status": "confirmed"}, "true"
    )
    # when it comes again once the 24 hours are over
    clock.shift(dt.timedelta(seconds=1))
    row, replay = claim(user_it)
    # then the key is new: this request holds it, with nothing stored yet, in the same row
    assert replay is None and row.pk == first.pk
    stored = IdempotencyKey.objects.get(pk=row.pk)
    assert (stored.response_status, stored.response_body, stored.completed_at) == (None, None, None)
    assert stored.created_at == stored.locked_at == START + dt.timedelta(hours=24)
    assert IdempotencyKey.objects.filter(user=user_it, key="k-1").count() == 1


def test_another_request_may_use_a_key_only_once_it_expired(user_it, clock):
    # given a key answered at 10:00
    answer(user_it)
    other = {**BODY, "po_number": "PO-78"}
    # when another body comes with it the next morning: refused
    clock.shift(dt.timedelta(hours=23))
    with pytest.raises(IdempotencyKeyReused) as refused:
        claim(user_it, body=other)
    assert (refused.value.status_code, refused.value.code) == (422, "idempotency_key_reused")
    # when it comes after 24 hours: the key is new, and now stands for the other request
    clock.shift(dt.timedelta(hours=1))
    row, replay = claim(user_it, body=other)
    assert replay is None
    assert IdempotencyKey.objects.get(pk=row.pk).request_hash == request_hash(endpoint=ENDPOINT, data=other)


def test_of_two_requests_replacing_an_expired_key_one_wins(user_it, clock):
    # given a key answered yesterday, read by two requests before either replaced it
    answer(user_it)
    clock.shift(dt.timedelta(hours=25))
    seen_by_a = IdempotencyKey.objects.get(user=user_it, key="k-1")
    seen_by_b = IdempotencyKey.objects.get(user=user_it, key="k-1")
    now = START + dt.timedelta(hours=25)
    digest_b = request_hash(endpoint=ENDPOINT, data={"other": True})
    # when both try to replace it
    a_won = idempotency_key_replace_expired(row=seen_by_a, endpoint=ENDPOINT, digest="a" * 64, now=now)
    b_won = idempotency_key_replace_expired(row=seen_by_b, endpoint=ENDPOINT, digest=digest_b, now=now)
    # then only the first did, and the key stands for its request
    assert (a_won, b_won) == (True, False)
    assert IdempotencyKey.objects.get(user=user_it, key="k-1").request_hash == "a" * 64


# --- a claim left in progress ----------------------------------------------------------------------------------------


def test_a_claim_left_in_progress_is_taken_over_after_60_seconds_and_not_before(user_it, clock):
    # given a request claimed the key and its process died (no answer was ever stored)
    dead, _ = claim(user_it)
    # when the client retries 59 seconds later
    clock.shift(dt.timedelta(seconds=59))
    with pytest.raises(IdempotencyInProgress) as busy:
        claim(user_it)
    # then it is told to retry later
    assert (busy.value.status_code, busy.value.code) == (409, "idempotency_in_progress")
    # when it retries at 60 seconds
    clock.shift(dt.timedelta(seconds=1))
    row, replay = claim(user_it)
    # then this request holds the key now
    assert replay is None and row.pk == dead.pk
    assert IdempotencyKey.objects.get(pk=row.pk).locked_at == START + dt.timedelta(seconds=60)
    # and a duplicate of the retry is told to wait for it
    clock.shift(dt.timedelta(seconds=1))
    with pytest.raises(IdempotencyInProgress):
        claim(user_it)


def test_the_in_progress_timeout_is_a_setting(settings, user_it, clock):
    # given claims time out after 5 minutes here
    settings.IDEMPOTENCY_IN_PROGRESS_TIMEOUT = 300
    claim(user_it)
    # then a retry after 61 seconds still waits, one after 5 minutes takes over
    clock.shift(dt.timedelta(seconds=61))
    with pytest.raises(IdempotencyInProgress):
        claim(user_it)
    clock.shift(dt.timedelta(seconds=300 - 61))
    row, replay = claim(user_it)
    assert row is not None and replay is None


def test_a_stale_claim_is_not_taken_over_by_another_request(user_it, clock):
    # given a claim left in progress 10 minutes ago
    claim(user_it)
    clock.shift(dt.timedelta(minutes=10))
    # when the key comes with another body, or for another endpoint
    for kwargs in ({"body": {**BODY, "transfers": [2]}}, {"endpoint": "/api/v1/orders/2/confirm/"}):
        with pytest.raises(IdempotencyKeyReused):
            claim(user_it, **kwargs)
    # then the claim is untouched
    assert IdempotencyKey.objects.get(user=user_it, key="k-1").locked_at == START


def test_of_two_requests_taking_over_a_stale_claim_one_wins(user_it, clock):
    # given a stale claim, read by two retries before either took it over
    claim(user_it)
    clock.shift(dt.timedelta(seconds=61))
    seen_by_a = IdempotencyKey.objects.get(user=user_it, key="k-1")
    seen_by_b = IdempotencyKey.objects.get(user=user_it, key="k-1")
    now = START + dt.timedelta(seconds=61)
    # when both try to take it over
    results = (idempotency_key_take_over(row=seen_by_a, now=now), idempotency_key_take_over(row=seen_by_b, now=now))
    # then exactly one holds it, and the next retry waits for that one
    assert results == (True, False)
    with pytest.raises(IdempotencyInProgress):
        claim(user_it)


def test_a_request_that_lost_its_claim_keeps_neither_its_answer_nor_its_release(user_it, clock):
    # given a slow request whose claim was taken over by a retry after the timeout
    slow, _ = claim(user_it)
    clock.shift(dt.timedelta(seconds=90))
    retry, _ = claim(user_it)
    # when the slow one tries to release the key, and the retry answers, and then the slow one answers
    idempotency_key_release(row=slow)
    assert idempotency_key_finish(row=retry, status=409, body={"code": "order_not_draft"}) is True
    assert idempotency_key_finish(row=slow, status=200, body={"id": 7}) is False
    # then the key replays the retry's answer
    _, replay = claim(user_it)
    assert (replay.status_code, replay.data) == (409, {"code": "order_not_draft"})


def test_a_released_key_may_be_used_again_at_once(user_it, clock):
    # given a request that failed before it could answer (a malformed body) and released its key
    row, _ = claim(user_it, body={"transfers": "x"})
    idempotency_key_release(row=row)
    # then the same key may carry the corrected request straight away
    row, replay = claim(user_it)
    assert row is not None and replay is None


# --- the purge -------------------------------------------------------------------------------------------------------


def test_the_purge_deletes_keys_older_than_24_hours_only(user_it, clock):
    # given a key answered at 10:00 and one claimed at 11:00 (never answered)
    answer(user_it, key="old")
    clock.shift(dt.timedelta(hours=1))
    claim(user_it, key="young")
    # when the purge runs at 10:30 the next day
    clock.shift(dt.timedelta(hours=23, minutes=30))
    purged = idempotency_keys_purge()
    # then only the key older than 24 hours is gone
    assert purged == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["young"]
    # and the beat's task does the same, an hour later
    clock.shift(dt.timedelta(hours=1))
    assert purge_idempotency_keys.delay().get() == 1
    assert not IdempotencyKey.objects.exists()


def test_the_purge_runs_on_the_beat(settings):
    entries = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values()
               if entry["task"] == "core.tasks.purge_idempotency_keys"]
    assert len(entries) == 1 and entries[0]["schedule"] <= 24 * 3600
    assert "core.tasks.purge_idempotency_keys" in celery_app.tasks
