"""Device errors: each carries a code, an HTTP status and data for the screens and the API."""

from core.errors import Conflict


class DevicesUnavailable(Conflict):
    """Picked devices are no longer held by the account they were picked from (moved meanwhile)."""

    default_code = "devices_unavailable"

    def __init__(self, serials: list[str], *, message: str | None = None):
        serials = sorted(serials)
        super().__init__(
            message or f"These devices were moved meanwhile and cannot be transferred: {', '.join(serials)}.",
            extra={"devices": serials},
        )
        self.serials = serials
