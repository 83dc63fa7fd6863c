"""EMAIL_URL: where mail goes, as one URL (DESIGN.md, "Runtime"), turned into Django's EMAIL_* settings.

    smtp://user:password@host:587?tls=1   SMTP with STARTTLS (port 25 without a port; 587 with tls=1)
    smtps://user:password@host            SMTP over TLS from the first byte (port 465 without a port)
    console:                              every mail printed to the log: the embedded default

A user name or password holding `@ : / ? #` or `%` is percent-encoded (`p%40ss` for `p@ss`). The query may also
carry `timeout=<seconds>` (10 by default, so that a relay that hangs fails a task instead of holding its worker).
Anything else is refused with a message that names EMAIL_URL and never the password.
"""

from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
DEFAULT_TIMEOUT = 10.0
QUERY_KEYS = frozenset({"tls", "timeout"})
TRUE, FALSE = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off"})


def _refuse(url: str, why: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"EMAIL_URL {_masked(url)!r} {why}")


def _masked(url: str) -> str:
    """The URL with its password replaced, for error messages (they end up in logs)."""
    scheme, sep, rest = url.partition("://")
    userinfo, at, host = rest.rpartition("@")
    if not sep or not at or ":" not in userinfo:
        return url
    return f"{scheme}://{userinfo.partition(':')[0]}:***@{host}"


def parse_email_url(url: str) -> dict:
    """Django's EMAIL_* settings for `url`; ImproperlyConfigured (naming what is wrong) for a malformed one."""
    url = url.strip()
    scheme = url.partition(":")[0].lower()
    if scheme == "console":
        if url.lower() not in ("console:", "console://"):
            raise _refuse(url, "takes nothing after 'console:'.")
        return {"EMAIL_BACKEND": CONSOLE_BACKEND}
    if scheme not in ("smtp", "smtps"):
        raise _refuse(url, "must start with smtp://, smtps:// or be console:.")
    return _smtp_settings(url, ssl=scheme == "smtps")


def _smtp_settings(url: str, *, ssl: bool) -> dict:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise _refuse(url, "has a port that is not a number from 1 to 65535.") from None
    if not parts.hostname:
        raise _refuse(url, "names no host, e.g. smtp://user:password@mail.example.com:587?tls=1.")
    if parts.path not in ("", "/") or parts.fragment:
        raise _refuse(url, "has a path or fragment: only user, password, host, port and ?tls=, ?timeout= are read.")
    options = _query(url, parts.query)
    tls = options.get("tls", False)
    if ssl and tls:
        raise _refuse(url, "asks for both smtps:// (TLS from the start) and tls=1 (STARTTLS): choose one.")
    return {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or (465 if ssl else 587 if tls else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": tls,
        "EMAIL_USE_SSL": ssl,
        "EMAIL_TIMEOUT": options.get("timeout", DEFAULT_TIMEOUT),
    }


def _query(url: str, query: str) -> dict:
    options: dict = {}
    for key, value in parse_qsl(query, keep_blank_values=True, strict_parsing=False):
        if key not in QUERY_KEYS:
            raise _refuse(url, f"has an unknown option {key!r}: only tls and timeout are read.")
        options[key] = _bool(url, value) if key == "tls" else _timeout(url, value)
    return options


def _bool(url: str, value: str) -> bool:
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise _refuse(url, f"has tls={value!r}: use tls=1 or tls=0.")


def _timeout(url: str, value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 600:
        raise _refuse(url, f"has timeout={value!r}: give seconds, more than 0 and at most 600.")
    return seconds


def parse_site_url(url: str) -> str:
    """SITE_URL without its trailing slash: http(s)://host[:port][/path], the address every link in a mail uses."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"SITE_URL {url!r} must be the address people reach the app at, e.g. https://goals.example.com"
        )
    try:
        parts.port  # noqa: B018 -- reading it checks it
    except ValueError:
        raise ImproperlyConfigured(f"SITE_URL {url!r} has a port that is not a number.") from None
    return url.strip().rstrip("/")
