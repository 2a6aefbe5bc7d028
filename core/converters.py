"""URL path converters, and the one reading of an object id written as text."""

import re

# Ids are 64-bit: 18 digits always fit, so a longer number is a 404 from the URL resolver instead of an
# overflow in the database driver (SQLite raises OverflowError, PostgreSQL "out of range").
MAX_ID = 10**18 - 1

_ID = re.compile(r"[0-9]{1,18}")


def id_parse(value: object) -> int | None:
    """The id written in `value` (ASCII digits, 1 to MAX_ID), or None for anything else.

    `str.isdigit()` and `int()` accept "²" and "٣"; an id given by a client is plain ASCII digits, and
    one past MAX_ID would overflow the database driver.
    """
    text = str(value)
    if not _ID.fullmatch(text):
        return None
    number = int(text)
    return number if number >= 1 else None


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
