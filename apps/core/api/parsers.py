"""JSON in, bounded: a document nested too deep is a 400 that says so, never a RecursionError (a 500).

The body's size is bounded before parsing: DRF reads it through `request.body`, which Django
limits to DATA_UPLOAD_MAX_MEMORY_SIZE (apps.core.api.exceptions turns the refusal into a 400).
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No request of the API nests deeper than a few levels; this leaves room and stops pathological input.
MAX_JSON_DEPTH = 32


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = ParseError(f"JSON may nest at most {MAX_JSON_DEPTH} levels deep.")
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep from None
        if nesting_exceeds(data, MAX_JSON_DEPTH):
            raise too_deep
        return data


def nesting_exceeds(data, limit: int) -> bool:
    """Whether lists and objects in `data` nest deeper than `limit` (iterative: no recursion of our own)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False
