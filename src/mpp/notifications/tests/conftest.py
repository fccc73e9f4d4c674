# The applications' personas: a family in Kota Samarinda and its birth-certificate service.
from mpp.applications.tests.conftest import birth_service, family, siti  # noqa: F401
