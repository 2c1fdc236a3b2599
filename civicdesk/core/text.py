"""Text put together from translated pieces, as the active language writes it."""

from __future__ import annotations

from django.utils.translation import get_language


def sentences(*parts: str) -> str:
    """Sentences in the active language, one after another: Chinese puts no space after its
    full stop (。), the other languages one space."""
    joiner = "" if (get_language() or "").lower().startswith("zh") else " "
    return joiner.join(part.strip() for part in parts if part and part.strip())
