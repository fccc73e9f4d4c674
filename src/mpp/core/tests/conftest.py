# The applications' personas for the one-clock pages: a family in Kota Samarinda (WITA), its officers and service.
from mpp.applications.tests.conftest import (  # noqa: F401
    approver,
    birth_service,
    budi,
    family,
    registry,
    registry_template,
    siti,
    verifier,
)
