"""Shared test fixtures: the real reference data, loaded once per test database.

Every test database gets all Kemendagri regions and the national catalog with the
pilot MPPs, exactly as `make run` loads them; tests run inside transactions on top.
"""

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from mpp.catalog.seed import seed_catalog
    from mpp.regions.services import load_regions

    with django_db_blocker.unblock():
        load_regions()
        seed_catalog()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ministry(db):
    from mpp.identity.tests.factories import make_staff

    return make_staff("ministry", "ministry")


@pytest.fixture
def samarinda_manager(db):
    from mpp.identity.tests.factories import make_staff

    return make_staff("alice.samarinda", "mpp_manager", "64.72")


@pytest.fixture
def surakarta_manager(db):
    from mpp.identity.tests.factories import make_staff

    return make_staff("bob.surakarta", "mpp_manager", "33.72")
