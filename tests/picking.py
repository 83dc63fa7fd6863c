"""Pickers in tests: what htmx fetches as one types in a search picker (apps.core.picker, apps.goals.picker)."""

import re
from html import unescape
from urllib.parse import urlencode


def as_one_types(client, html: str, field: str, typed: str) -> str:
    """The matches htmx swaps in as one types `typed` in the picker of `field`: its search box's hx-get, with the
    words typed (and nothing picked yet)."""
    url = unescape(re.search(rf'<input type="search" id="id_{field}"[^>]*?hx-get="([^"]+)"', html).group(1))
    separator = "&" if "?" in url else "?"
    response = client.get(url + separator + urlencode({f"{field}_q": typed}), HTTP_HX_REQUEST="true")
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()
