"""Text put together from translated pieces, as the active language writes it."""

from __future__ import annotations

from django.utils.translation import get_language


def sentence_marks() -> tuple[str, str]:
    """(full stop, what comes before the next sentence) in the active language: Chinese ends
    with 。 and puts no space after it, the other languages ". "."""
    if (get_language() or "").lower().startswith("zh"):
        return "。", ""
    return ".", " "


def sentences(*parts: str) -> str:
    """Sentences in the active language, one after another (`sentence_marks`' joiner)."""
    _end, joiner = sentence_marks()
    return joiner.join(part.strip() for part in parts if part and part.strip())
