# The applications' personas for the data-use log: a family in Kota Samarinda, its officers and service.
# A test module's own fixture of the same name (``test_privacy.siti``) still wins over these.
from mpp.applications.tests.conftest import birth_service, budi, family, siti, verifier  # noqa: F401
