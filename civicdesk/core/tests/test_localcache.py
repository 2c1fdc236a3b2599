"""The per-process cache: entries live their ttl, a read may set its own."""

from civicdesk.core.localcache import LocalCache


def test_entries_live_the_caches_ttl_unless_a_read_sets_its_own():
    loads = []

    def load():
        loads.append(1)
        return len(loads)

    cache: LocalCache[int] = LocalCache("test.ttl", ttl=60)
    assert cache.get_or_load("k", load) == 1
    assert cache.get_or_load("k", load) == 1  # within the cache's minute
    assert cache.get_or_load("k", load, ttl=0) == 2  # this read allows no age at all
    assert cache.get_or_load("k", load, ttl=60) == 2
    cache.clear()
    assert cache.get_or_load("k", load) == 3
