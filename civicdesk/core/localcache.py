"""A small per-process cache for rows read on every request and changed rarely (API keys,
categories, closures), so that a hot path does not pay a query for them each time.

Entries live `ttl` seconds at most: another process's change shows within that. Changes made
in this process clear the cache at once (the caller connects `clear` to the models' signals),
so a test or an admin who just changed a row sees it. Values are handed out as copies, so a
request that changes an attribute never leaks it into another request.

When an entry expires under load, one thread reads it again while the others keep using the
expired value for the length of that read (without this, every request in flight at that moment
read the same row at once). A key never read before is read by whoever asks.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")
_MISSING = object()
_ALL: list[LocalCache] = []


class LocalCache(Generic[V]):
    def __init__(self, name: str, *, ttl: float = 10.0, max_entries: int = 1024) -> None:
        self.name = name
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, V]] = {}
        self._lock = threading.Lock()
        self._loading: set[Hashable] = set()
        _ALL.append(self)

    def get_or_load(self, key: Hashable, load: Callable[[], V], *, ttl: float | None = None) -> V:
        """The cached value for `key`, or `load()` (cached when it is not None). `ttl`: this
        read's own limit (a setting read at call time), else the cache's."""
        hit = self._entries.get(key, _MISSING)
        at = time.monotonic()
        if hit is not _MISSING and at - hit[0] < (self.ttl if ttl is None else ttl):
            return copy.copy(hit[1])
        with self._lock:
            if hit is not _MISSING and key in self._loading:
                return copy.copy(hit[1])  # another thread is reading it again just now
            self._loading.add(key)
        try:
            value = load()
            with self._lock:
                if value is not None:
                    if len(self._entries) >= self.max_entries:
                        self._entries.clear()
                    self._entries[key] = (at, value)
        finally:
            with self._lock:
                self._loading.discard(key)
        return copy.copy(value) if value is not None else value

    def clear(self, *args, **kwargs) -> None:
        """Forget everything (signal receivers pass sender, instance...: ignored)."""
        with self._lock:
            self._entries.clear()


def clear_all() -> None:
    for cache in _ALL:
        cache.clear()
