from django.db import transaction

from core.models import Sequence


def sequence_next(*, key: str) -> int:
    """Take the next number of a sequence inside the caller's transaction.

    The row lock is held until that transaction ends, so a rolled-back caller gives its number
    back and the sequence stays gapless.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("sequence_next must run inside the transaction that uses the number")
    # Create the row without racing: a concurrent creator just makes this a no-op.
    Sequence.objects.bulk_create([Sequence(key=key, last_number=0)], ignore_conflicts=True)
    row = Sequence.objects.select_for_update().get(key=key)
    row.last_number += 1
    row.save(update_fields=["last_number"])
    return row.last_number
