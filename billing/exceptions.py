"""Billing errors, raised by billing services and rendered as {code, message, extra}."""

from core.errors import ApplicationError


class PriceMissing(ApplicationError):
    """The price list has no HWaaS price for a product in the partner's currency and the PBX's cycle."""

    default_code = "price_missing"

    def __init__(self, *, products: list[str], currency: str, cycle: str):
        super().__init__(
            f"No HWaaS price in {currency} on the {cycle} cycle for: {', '.join(sorted(products))}.",
            extra={"products": sorted(products), "currency": currency, "cycle": cycle},
        )
