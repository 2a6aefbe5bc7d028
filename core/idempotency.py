"""Idempotency-Key for a POST, Stripe's way: the first response is kept for 24 hours and replayed.

The key's row is inserted in its own short transaction before the request runs, so a concurrent
duplicate sees it (409 `idempotency_in_progress`); the response is stored after. The same key with
the same request (a hash of the endpoint and the body's canonical JSON) replays the stored status and
body with no second effect; with another request it is 422 `idempotency_key_reused`.

Two promises keep a key from blocking a client forever:
- a key expires 24 hours after its first use: then it is a new key (its row is replaced), and
  `idempotency_keys_purge()` deletes expired rows on the beat;
- a claim left "in progress" by a process that died (a killed worker, a lost database connection)
  is taken over once it is older than `IDEMPOTENCY_IN_PROGRESS_TIMEOUT` seconds (60 by default).
Replacing and taking over are each one conditional UPDATE on the row's state and timestamp: of two
requests racing for the same row exactly one changes it, the other sees the winner's claim (SQLite
serialises writers; PostgreSQL re-checks the WHERE on the row the winner committed).
"""

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.errors import ApplicationError, Conflict
from core.models import IdempotencyKey

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
# Stripe's promise: a key is remembered for 24 hours from its first use.
KEY_TTL = dt.timedelta(hours=24)
# Longer than any request may run (gunicorn's default timeout kills a worker at 30 s): a live request keeps its claim.
DEFAULT_IN_PROGRESS_TIMEOUT_SECONDS = 60
# Each lost race means another request changed the row; a few rounds always settle it.
_CLAIM_ROUNDS = 5


class IdempotencyErrorCode(StrEnum):
    KEY_REUSED = "idempotency_key_reused"
    IN_PROGRESS = "idempotency_in_progress"


class IdempotencyKeyReused(ApplicationError):
    """The key was first used for another request: a new request needs a new key."""

    status_code = 422
    default_code = IdempotencyErrorCode.KEY_REUSED.value


class IdempotencyInProgress(Conflict):
    """The first request with this key is still running: retry later."""

    default_code = IdempotencyErrorCode.IN_PROGRESS.value


IDEMPOTENCY_HEADER = OpenApiParameter(
    HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="Replays the first response for the same key and body; 422 with another body; 409 while the "
                "first is still running.",
)


def in_progress_timeout() -> dt.timedelta:
    """How long a claim may stay unfinished before another request with the key takes it over."""
    return dt.timedelta(
        seconds=getattr(settings, "IDEMPOTENCY_IN_PROGRESS_TIMEOUT", DEFAULT_IN_PROGRESS_TIMEOUT_SECONDS)
    )


def request_hash(*, endpoint: str, data: Any) -> str:
    """A digest of the request a key was first used for: the endpoint and the body's canonical JSON."""
    canonical = json.dumps({"endpoint": endpoint, "body": data}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(row: IdempotencyKey) -> Response:
    response = Response(row.response_body, status=row.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


def _in_progress(key: str) -> IdempotencyInProgress:
    return IdempotencyInProgress(
        "A request with this Idempotency-Key is still being processed; retry later.", extra={"key": key}
    )


def idempotency_key_replace_expired(*, row: IdempotencyKey, endpoint: str, digest: str, now: dt.datetime) -> bool:
    """Reuse an expired key's row for a new request; False if another request changed the row first.

    Conditional on the row still being expired: a concurrent replacer makes it fresh, so only one wins.
    """
    fields = {"endpoint": endpoint, "request_hash": digest, "response_status": None, "response_body": None,
              "created_at": now, "locked_at": now, "completed_at": None}
    replaced = IdempotencyKey.objects.filter(pk=row.pk, created_at__lte=now - KEY_TTL).update(**fields)
    if replaced:
        for name, value in fields.items():
            setattr(row, name, value)
    return bool(replaced)


def idempotency_key_take_over(*, row: IdempotencyKey, now: dt.datetime) -> bool:
    """Claim a key whose request stopped without an answer; False if it finished or was taken meanwhile.

    Conditional on the row being unfinished, for the same request, and claimed before the timeout:
    the winner moves `locked_at` to now, so a second taker's UPDATE matches nothing.
    """
    taken = IdempotencyKey.objects.filter(
        pk=row.pk, endpoint=row.endpoint, request_hash=row.request_hash, completed_at__isnull=True,
        locked_at__lte=now - in_progress_timeout(),
    ).update(locked_at=now)
    if taken:
        logger.warning("Idempotency-Key %s of user %s: taken over from a request that stopped at %s",
                       row.key, row.user_id, row.locked_at.isoformat())
        row.locked_at = now
    return bool(taken)


def idempotency_key_claim(
    *, user, key: str, endpoint: str, digest: str
) -> tuple[IdempotencyKey | None, Response | None]:
    """Claim the key for this request (committed at once, so a duplicate sees it) or answer from it.

    Returns the claimed row, or the stored response to replay. Raises 422 when the key belongs to
    another request and 409 while that request's claim is live.
    """
    for _ in range(_CLAIM_ROUNDS):
        now = timezone.now()
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(
                    user=user, key=key, endpoint=endpoint, request_hash=digest, locked_at=now
                )
            return row, None
        except IntegrityError:
            existing = IdempotencyKey.objects.filter(user=user, key=key).first()
        if existing is None:
            continue  # purged since the insert failed: insert again
        if existing.created_at <= now - KEY_TTL:
            # Expired: a new key, whatever it answered before.
            if idempotency_key_replace_expired(row=existing, endpoint=endpoint, digest=digest, now=now):
                return existing, None
            continue
        if existing.endpoint != endpoint or existing.request_hash != digest:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was used with another request; use a new key for a new request.",
                extra={"key": key},
            )
        if existing.completed_at is not None:
            return None, _replay(existing)
        if existing.locked_at > now - in_progress_timeout():
            raise _in_progress(key)
        if idempotency_key_take_over(row=existing, now=now):
            return existing, None
    raise _in_progress(key)


def idempotency_key_finish(*, row: IdempotencyKey, status: int, body: Any) -> bool:
    """Store the response as the key's answer, if this request still holds the claim.

    A request slower than the timeout lost its claim to a retry: the retry's answer is kept.
    """
    stored = IdempotencyKey.objects.filter(pk=row.pk, locked_at=row.locked_at, completed_at__isnull=True).update(
        response_status=status, response_body=body, completed_at=timezone.now()
    )
    if not stored:
        logger.warning("Idempotency-Key %s of user %s: claim lost to a retry; its answer is kept", row.key, row.user_id)
    return bool(stored)


def idempotency_key_release(*, row: IdempotencyKey) -> None:
    """Forget the claim, so the client may retry with the same key (unless a retry already took it)."""
    IdempotencyKey.objects.filter(pk=row.pk, locked_at=row.locked_at, completed_at__isnull=True).delete()


def idempotency_keys_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the keys older than 24 hours (already treated as new); returns how many went."""
    cutoff = (now or timezone.now()) - KEY_TTL
    deleted, _ = IdempotencyKey.objects.filter(created_at__lte=cutoff).delete()
    return deleted


def idempotent_post(*, request, run: Callable[[], Any]) -> Response:
    """Answer a POST with `run()`'s body, once per Idempotency-Key; without the header, just run it.

    A business refusal (an ApplicationError) means the request ran and said no: that answer is the
    key's, replayed on a retry. Anything else (a malformed body, an unknown id, a crash) releases the
    key, so the client may retry with it.
    """
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return Response(_json(run()))
    if len(key) > MAX_KEY_LENGTH:
        raise ValidationError({HEADER: [f"At most {MAX_KEY_LENGTH} characters."]})
    row, replay = idempotency_key_claim(
        user=request.user, key=key, endpoint=request.path,
        digest=request_hash(endpoint=request.path, data=request.data),
    )
    if replay is not None:
        return replay
    try:
        body = _json(run())
    except ApplicationError as refusal:
        idempotency_key_finish(
            row=row, status=refusal.status_code,
            body=_json({"code": refusal.code, "message": refusal.message, "extra": refusal.extra}),
        )
        raise
    except Exception:
        try:
            idempotency_key_release(row=row)
        except Exception:  # the database went away too: the claim times out and is taken over
            logger.exception("Idempotency-Key %s of user %s: claim not released", row.key, row.user_id)
        raise
    idempotency_key_finish(row=row, status=200, body=body)
    return Response(body)


def _json(body: Any) -> Any:
    """The body as plain JSON values, as it is stored and replayed."""
    return json.loads(json.dumps(body, default=str))
