"""Rate limits: whom a request counts against, and the page shown when a limit is reached.

Every limit (django-ratelimit's and allauth's) counts per client address. Behind our own reverse proxy
(``BEHIND_PROXY``) the TCP peer is the proxy, so the address is taken from ``X-Forwarded-For``: each of our
``TRUSTED_PROXY_COUNT`` proxies appends the address it saw, so the client is the entry that many places
from the right. Entries further left come from the client itself and are never trusted. See
docs/rate-limits.md.
"""

import ipaddress

from django.conf import settings
from django.shortcuts import render


def _valid_address(value: str) -> str | None:
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request) -> str:
    """The client's IP address as our trusted proxy saw it, else the TCP peer (REMOTE_ADDR)."""
    remote = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        count = max(settings.TRUSTED_PROXY_COUNT, 1)
        if len(hops) >= count:
            address = _valid_address(hops[-count])
            if address:
                return address
    return _valid_address(remote) or "0.0.0.0"  # noqa: S104 - a key, not a bind address


def too_many_requests(request, exception=None):
    """The 429 page for django-ratelimit (RATELIMIT_VIEW) and allauth (handler429 in the root URLconf)."""
    return render(request, "429.html", status=429)
