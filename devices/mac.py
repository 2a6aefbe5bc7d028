"""MAC addresses in one notation: AA:BB:CC:DD:EE:FF, whatever a file, a form or a search box was given.

A device's MAC is stored in that notation only, so the import and every search agree on what a MAC is.
"""

import re

from django.db.models import Q

# Six hex pairs separated by ':' or '-' (the same one throughout) or by nothing: what the import accepts.
MAC_NOTATION = re.compile(r"^[0-9A-Fa-f]{2}([:-]?)[0-9A-Fa-f]{2}(\1[0-9A-Fa-f]{2}){4}$")
# Part of a MAC with separators: hex groups of one or two digits, inner groups whole pairs, one separator.
_PART_WITH_SEPARATORS = re.compile(r"^[0-9A-Fa-f]{1,2}([:-])(?:[0-9A-Fa-f]{2}\1){0,4}[0-9A-Fa-f]{1,2}$")
_HEX_DIGITS = re.compile(r"^[0-9A-Fa-f]{2,12}$")


def normalize_mac(value: str) -> str:
    """AA:BB:CC:DD:EE:FF in upper case, whatever separator (':', '-' or none) the value used."""
    digits = re.sub(r"[^0-9A-Fa-f]", "", value).upper()
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def mac_fragments(search: str) -> list[str]:
    """What a stored MAC contains when `search` is all or part of it in any notation; [] if it is not one.

    Without separators the digits may start on either half of a pair (`7FFF05` or `9457F`), so both ways
    of cutting them into pairs are candidates.
    """
    search = search.strip()
    if _PART_WITH_SEPARATORS.match(search):
        return [re.sub(r"[:-]", ":", search).upper()]
    if not _HEX_DIGITS.match(search):
        return []
    digits = search.upper()
    aligned = ":".join(digits[i : i + 2] for i in range(0, len(digits), 2))
    shifted = ":".join([digits[0], *(digits[i : i + 2] for i in range(1, len(digits), 2))])
    return [aligned] if len(digits) == 12 else [aligned, shifted]


def mac_search_q(search: str, *, field: str = "mac") -> Q:
    """A filter matching devices whose MAC contains `search` typed in any notation (an empty Q if none)."""
    q = Q()
    for fragment in mac_fragments(search):
        q |= Q(**{f"{field}__contains": fragment})
    return q
