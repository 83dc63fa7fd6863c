"""Which address a request came from: one answer for throttles and the sign-in lockout.

X-Forwarded-For is anyone's to write. It is believed only when the request reached us through a proxy
named in TRUSTED_PROXIES (the load balancer in front of the app), and then only as far as the proxies
it passed through are trusted: the client is the right-most address that is not a trusted proxy.
Otherwise the socket's address is the client, whatever headers say — so rotating X-Forwarded-For
resets no count.
"""

import ipaddress

from django.conf import settings


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(proxy, strict=False) for proxy in settings.TRUSTED_PROXIES)


def client_ip(request) -> str:
    """The client's address for `request` (a Django or DRF request)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not _trusted(remote):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if not _trusted(address):
            return address
    return forwarded[0] if forwarded else remote
