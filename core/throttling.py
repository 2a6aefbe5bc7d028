"""API throttles that count per client address as core.client_ip reads it, never per claimed header."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle

from core.client_ip import client_ip


class ClientIpThrottleMixin:
    """Identify an anonymous client by `client_ip`: DRF's own reading trusts a forged X-Forwarded-For."""

    def get_ident(self, request) -> str:
        return client_ip(request) or ""


class PortalUserRateThrottle(ClientIpThrottleMixin, UserRateThrottle):
    """The default API throttle: per user when signed in, per client address otherwise."""

    def get_rate(self):
        # Read at request time (DRF reads it once at import), so a changed DEFAULT_THROTTLE_RATES applies.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class ClientIpRateThrottle(ClientIpThrottleMixin, SimpleRateThrottle):
    """Per client address, whoever it claims to be (the base of login-guessing throttles)."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
