"""Device errors: each carries a code, an HTTP status and data for the screens and the API."""

from enum import StrEnum

from core.errors import Conflict


class DeviceErrorCode(StrEnum):
    DEVICES_UNAVAILABLE = "devices_unavailable"


class DevicesUnavailable(Conflict):
    """Picked devices are no longer held by the account they were picked from (moved meanwhile)."""

    default_code = DeviceErrorCode.DEVICES_UNAVAILABLE.value

    def __init__(self, serials: list[str], *, message: str | None = None):
        serials = sorted(serials)
        super().__init__(
            message or f"These devices were moved meanwhile and cannot be transferred: {', '.join(serials)}.",
            extra={"devices": serials},
        )
        self.serials = serials
