"""How close a child's title is to its parent's: "translate, don't copy".

The score is difflib's ratio on the lower-cased, whitespace-normalised titles: 1.0 for the
same words, about 0.5 for titles that share half their characters in order. At or above
COPY_THRESHOLD (0.8) a child reads as a copy of its parent rather than a translation — for
example "Increase revenue" under "Increase revenue by 10%" scores 0.82.
"""

from difflib import SequenceMatcher

COPY_THRESHOLD = 0.8


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def title_similarity(child: str, parent: str) -> float:
    return SequenceMatcher(None, _normal(child), _normal(parent)).ratio()


def looks_copied(child: str, parent: str) -> bool:
    return title_similarity(child, parent) >= COPY_THRESHOLD
