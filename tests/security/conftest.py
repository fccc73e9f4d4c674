"""The family and officers of the applications tests: a citizen with pages of her own, an officer with a worklist."""

from mpp.applications.tests.conftest import family, siti, verifier  # noqa: F401
