import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Public pages are cached by a stamp of the results; tests must not see each other's."""
    cache.clear()
    yield
    cache.clear()
