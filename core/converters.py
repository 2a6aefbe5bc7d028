"""URL path converters."""

# Ids are 64-bit: 18 digits always fit, so a longer number is a 404 from the URL resolver instead of an
# overflow in the database driver (SQLite raises OverflowError, PostgreSQL "out of range").
MAX_ID = 10**18 - 1


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
