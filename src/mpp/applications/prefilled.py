"""What the state already holds for an application's form: the registry and the profile (``forms.prefill``), and
the valid documents the platform issued, taken from the applicant's vault (``documents.selectors.held_issued``)."""

from mpp.documents.selectors import held_issued
from mpp.forms.prefill import prefill


def known_values(schema, *, applicant, beneficiary_nik: str = "", now=None) -> dict:
    return prefill(schema, applicant=applicant, beneficiary_nik=beneficiary_nik, now=now, held=held_issued)
