"""Throttles whose rates are read at request time from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].

DRF's own classes copy the rates once, when they are imported; reading them per request lets
settings (and tests) change them, and a rate of None switches the throttle off.
"""

import logging

import redis
from rest_framework import throttling
from rest_framework.settings import api_settings

from apps.core.clients import client_ip

logger = logging.getLogger(__name__)


class _RateFromSettings:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request) -> str:
        """The client's address, believing X-Forwarded-For only from TRUSTED_PROXIES (DRF's own believes anyone)."""
        return client_ip(request)

    def allow_request(self, request, view) -> bool:
        """Fail open: the counters live in the cache (Redis), and Redis away must cost limits, not the API."""
        try:
            return super().allow_request(request, view)
        except (redis.RedisError, OSError):
            logger.warning("Throttle %r not applied: the cache is unreachable.", self.scope)
            return True


class UserRateThrottle(_RateFromSettings, throttling.UserRateThrottle):
    """Per signed-in person (per client address for anonymous requests)."""


class AnonRateThrottle(_RateFromSettings, throttling.AnonRateThrottle):
    """Per client address, for requests without credentials."""


class AuthRateThrottle(_RateFromSettings, throttling.AnonRateThrottle):
    """Token requests per client address: slows password guessing whoever is signed in."""

    scope = "auth"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
