"""Throttles whose rates are read at request time from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].

DRF's own classes copy the rates once, when they are imported; reading them per request lets
settings (and tests) change them, and a rate of None switches the throttle off.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings


class _RateFromSettings:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class UserRateThrottle(_RateFromSettings, throttling.UserRateThrottle):
    """Per signed-in person (per client address for anonymous requests)."""


class AnonRateThrottle(_RateFromSettings, throttling.AnonRateThrottle):
    """Per client address, for requests without credentials."""


class AuthRateThrottle(_RateFromSettings, throttling.AnonRateThrottle):
    """Token requests per client address: slows password guessing whoever is signed in."""

    scope = "auth"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
