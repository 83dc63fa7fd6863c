"""Keeping an uploaded HR file between its preview and the confirmation.

The file goes to the cache — Redis in production, so that whichever web process serves the
confirmation finds it; memory in the embedded mode (one process) — compressed, under a random
token and the uploader's id, for an hour. Only the uploader finds it again, and the confirmation
checks the file afresh against the organisation as it is then. Nothing touches the session (it
is read on every request) or the local disk (another web process would not see it).
"""

import secrets
import zlib
from dataclasses import dataclass

from django.core.cache import cache

KEEP_SECONDS = 3600


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def _key(owner_id: int, token: str) -> str:
    return f"org:people-import:{owner_id}:{token}"


def keep(*, owner, name: str, data: bytes) -> str:
    """Store the file; the token returned names it in the preview's URL."""
    token = secrets.token_urlsafe(18)
    cache.set(_key(owner.pk, token), {"name": name, "data": zlib.compress(data)}, KEEP_SECONDS)
    return token


def fetch(*, owner, token: str) -> Upload | None:
    """The file `owner` uploaded under `token`; None when it expired, was imported, or is someone else's."""
    stored = cache.get(_key(owner.pk, token))
    if stored is None:
        return None
    return Upload(name=stored["name"], data=zlib.decompress(stored["data"]))


def discard(*, owner, token: str) -> None:
    cache.delete(_key(owner.pk, token))
