"""Readers for the fields of a portfolio file: each checks one value and records an error with its JSON path."""

import datetime as dt
import re
import zoneinfo
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from holidays.registry import COUNTRIES

from accounts.models import BillingCycle, UserRole
from devices.mac import MAC_NOTATION, normalize_mac
from devices.models import Ownership

# ISO 4217 codes in use (2025). A partner's money is in one of these.
ISO_4217 = frozenset([
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD",
    "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY",
    "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP",
    "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR",
    "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT",
    "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR",
    "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK",
    "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD",
    "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY",
    "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG",
    "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG", "ZWL",
])

CYCLES = tuple(BillingCycle.values)
CYCLE_MONTHS = {BillingCycle.MONTHLY: 1, BillingCycle.YEARLY: 12, BillingCycle.FIVE_YEARLY: 60}
OWNERSHIPS = tuple(Ownership.values)
ROLES = tuple(UserRole.values)

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Money and rates are strings with at most two decimals: a JSON float would already have lost precision.
_MONEY = re.compile(r"^\d{1,12}(\.\d{1,2})?$")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
_USERNAME = re.compile(r"^[\w.@+-]+$")

MISSING = object()


@cache
def iso_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes that have a public-holiday calendar (business days need one)."""
    return frozenset(entry[1] for entry in COUNTRIES.values())


@cache
def time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class Reader:
    """Collects every error of a file as `$.path: message` instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def obj(self, value: Any, path: str, *, required: set[str], optional: set[str]) -> dict | None:
        """An object with these keys: a missing required key or an unknown key is an error."""
        if not isinstance(value, dict):
            self.error(path, f"must be an object, not {_kind(value)}")
            return None
        for key in sorted(required - value.keys()):
            self.error(f"{path}.{key}", "is required")
        for key in sorted(value.keys() - required - optional):
            self.error(f"{path}.{key}", "unknown field")
        return value

    def items(self, data: dict, key: str, path: str) -> list:
        """An optional list (absent or null: empty)."""
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(f"{path}.{key}", f"must be a list, not {_kind(value)}")
            return []
        return value

    def text(self, data: dict, key: str, path: str, *, max_length: int, pattern: re.Pattern | None = None,
             hint: str = "", allow_blank: bool = False) -> Any:
        """A string (MISSING when absent; None when invalid, the error recorded)."""
        if key not in data:
            return MISSING
        value = data[key]
        if not isinstance(value, str):
            self.error(f"{path}.{key}", f"must be a string, not {_kind(value)}")
            return None
        if not value.strip() and not allow_blank:
            self.error(f"{path}.{key}", "must not be blank")
            return None
        if len(value) > max_length:
            self.error(f"{path}.{key}", f"must be at most {max_length} characters")
            return None
        if pattern is not None and value and not pattern.match(value):
            self.error(f"{path}.{key}", f"invalid value {value!r}{': ' + hint if hint else ''}")
            return None
        return value

    def nullable_text(self, data: dict, key: str, path: str, *, max_length: int) -> Any:
        """A string or null (null stays None; absent is MISSING)."""
        if data.get(key, MISSING) is None:
            return None
        return self.text(data, key, path, max_length=max_length)

    def slug(self, data: dict, key: str, path: str) -> Any:
        return self.text(data, key, path, max_length=32, pattern=_SLUG, hint="letters, digits, '-' and '_' only")

    def username(self, data: dict, key: str, path: str) -> Any:
        return self.text(data, key, path, max_length=150, pattern=_USERNAME,
                         hint="letters, digits and @ . + - _ only")

    def email(self, data: dict, key: str, path: str) -> Any:
        value = self.text(data, key, path, max_length=254, allow_blank=True)
        if isinstance(value, str) and value:
            try:
                validate_email(value)
            except ValidationError:
                self.error(f"{path}.{key}", f"invalid e-mail address {value!r}")
                return None
        return value

    def choice(self, data: dict, key: str, path: str, choices: tuple[str, ...]) -> Any:
        if key not in data:
            return MISSING
        value = data[key]
        if value not in choices or not isinstance(value, str):
            self.error(f"{path}.{key}", f"must be one of {', '.join(choices)}, not {value!r}")
            return None
        return value

    def boolean(self, data: dict, key: str, path: str) -> Any:
        if key not in data:
            return MISSING
        value = data[key]
        if not isinstance(value, bool):
            self.error(f"{path}.{key}", f"must be true or false, not {_kind(value)}")
            return None
        return value

    def date(self, data: dict, key: str, path: str) -> Any:
        """An ISO date, YYYY-MM-DD."""
        if key not in data:
            return MISSING
        value = data[key]
        if not isinstance(value, str) or not _DATE.match(value):
            self.error(f"{path}.{key}", f"must be an ISO date YYYY-MM-DD, not {value!r}")
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.error(f"{path}.{key}", f"{value!r} is not a real date")
            return None

    def money(self, data: dict, key: str, path: str, *, maximum: Decimal | None = None) -> Any:
        """A non-negative decimal string with at most two decimals ("6.00"); numbers are refused."""
        if key not in data:
            return MISSING
        value = data[key]
        if not isinstance(value, str):
            self.error(f"{path}.{key}", f"must be a decimal string such as \"6.00\", not {_kind(value)} {value!r}")
            return None
        if not _MONEY.match(value):
            self.error(f"{path}.{key}", f"must be a non-negative decimal string with at most 2 decimals, "
                                        f"not {value!r}")
            return None
        try:
            amount = Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern already guarantees a number
            self.error(f"{path}.{key}", f"invalid amount {value!r}")
            return None
        if maximum is not None and amount > maximum:
            self.error(f"{path}.{key}", f"must be at most {maximum}")
            return None
        return amount

    def country(self, data: dict, key: str, path: str) -> Any:
        value = self.text(data, key, path, max_length=64)
        if isinstance(value, str) and value not in iso_countries():
            self.error(f"{path}.{key}", f"unknown ISO 3166-1 alpha-2 country code {value!r} (e.g. IT, GB)")
            return None
        return value

    def currency(self, data: dict, key: str, path: str) -> Any:
        value = self.text(data, key, path, max_length=64)
        if isinstance(value, str) and value not in ISO_4217:
            self.error(f"{path}.{key}", f"unknown ISO 4217 currency code {value!r} (e.g. EUR, GBP)")
            return None
        return value

    def timezone(self, data: dict, key: str, path: str) -> Any:
        value = self.text(data, key, path, max_length=64)
        if isinstance(value, str) and value not in time_zones():
            self.error(f"{path}.{key}", f"unknown IANA time zone {value!r} (e.g. Europe/Rome)")
            return None
        return value

    def mac(self, data: dict, key: str, path: str) -> Any:
        """A MAC address (AA:BB:CC:DD:EE:FF, '-' or no separators accepted), or null for devices without one."""
        if data.get(key, MISSING) is None:
            return None
        value = self.text(data, key, path, max_length=17)
        if isinstance(value, str):
            if not MAC_NOTATION.match(value):
                self.error(f"{path}.{key}", f"invalid MAC address {value!r}: six hex pairs, e.g. 00:09:45:1A:2B:3C")
                return None
            return normalize_mac(value)
        return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)
