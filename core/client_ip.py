"""The client's address, the one place that reads it: lockouts, throttles and signatures agree on it.

`TRUSTED_PROXY_COUNT` says how many reverse proxies of our own stand in front of the portal. With none
(the default) the connecting peer, REMOTE_ADDR, is the client and any X-Forwarded-For is the client's own
claim, ignored. With N, each of our proxies appended the address it saw, so the Nth entry from the right of
X-Forwarded-For is the one our outermost proxy saw; entries further left were written by the client.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's address as our trusted proxies report it: only they can't be forged by the client."""
    remote_addr = request.META.get("REMOTE_ADDR") or None
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote_addr
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        # Fewer hops than proxies: the request did not come through all of them, so no entry is ours.
        return remote_addr
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr
