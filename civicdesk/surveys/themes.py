"""A simple theme view: the most frequent terms and phrases in free text, per period.

English (and Malay): lower-cased words without common stop words, plus two-word phrases.
Chinese has no spaces, so each run of Han characters gives its overlapping two-character
terms (a standard, dictionary-free approach that surfaces words like 等候 and 職員).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable

_WORD = re.compile(r"[a-z][a-z'\-]{2,}")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
STOP_WORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "was",
        "were",
        "are",
        "but",
        "not",
        "with",
        "you",
        "your",
        "our",
        "this",
        "that",
        "have",
        "has",
        "had",
        "too",
        "very",
        "from",
        "they",
        "them",
        "their",
        "there",
        "then",
        "than",
        "what",
        "when",
        "where",
        "which",
        "who",
        "will",
        "would",
        "could",
        "should",
        "been",
        "being",
        "into",
        "out",
        "about",
        "all",
        "any",
        "can",
        "did",
        "does",
        "just",
        "more",
        "most",
        "some",
        "such",
        "only",
        "also",
        "very",
        "much",
        "many",
        "its",
        "it's",
        "i'm",
        "i've",
        "don't",
        "didn't",
        "wasn't",
        "isn't",
        "really",
        "got",
        "get",
        "one",
        "two",
        "yang",
        "dan",
        "di",
        "ke",
        "untuk",
        "dengan",
        "saya",
        "ini",
        "itu",
        "tidak",
        "ada",
        "kami",
        "anda",
        "sangat",
        "juga",
    ]
)
# Han bigrams made only of function characters carry no theme.
HAN_STOP = frozenset("的了是我在有和很也都就不人這这個个們们您你他她它")


def terms(text: str) -> list[str]:
    found: list[str] = []
    lowered = text.lower()
    words = [w.strip("'-") for w in _WORD.findall(lowered)]
    words = [w for w in words if w and w not in STOP_WORDS]
    found.extend(words)
    found.extend(f"{a} {b}" for a, b in itertools.pairwise(words))
    for run in _HAN.findall(text):
        for i in range(len(run) - 1):
            pair = run[i : i + 2]
            if not (pair[0] in HAN_STOP and pair[1] in HAN_STOP) and pair[0] != pair[1]:
                found.append(pair)
    return found


def top_terms(
    texts: Iterable[str], *, limit: int = 10, min_count: int = 2
) -> list[tuple[str, int]]:
    """Most frequent terms, each counted once per comment (so one long rant does not dominate)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(terms(text)))
    ranked = [(term, n) for term, n in counts.most_common() if n >= min_count]
    # Prefer a phrase over its words when they are about as frequent.
    phrases = {t for t, _n in ranked if " " in t}
    kept = []
    for term, n in ranked:
        if " " not in term and any(term in p.split() and counts[p] >= 0.8 * n for p in phrases):
            continue
        kept.append((term, n))
    return kept[:limit]
