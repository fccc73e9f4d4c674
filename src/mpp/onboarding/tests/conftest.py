import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_limits():
    """The request form is limited per address (and the public list cached): each test starts afresh."""
    cache.clear()
    yield
    cache.clear()
