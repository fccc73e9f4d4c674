"""What a service checks beyond its form's rules before an application is accepted, by template.

A check reads what another system holds (the practice permit reads the applicant's STR from
SISDMK), may add what it found to the application's values, and answers field errors and, for
each value it supplied, where it came from; it raises mpp.core.errors.Unavailable when that
system does not answer.
"""

from mpp.forms.prefill import Prefill
from mpp.permits import sip

BEFORE_SUBMIT = {"sip-tenaga-kesehatan": sip.check}


def before_submit(template_slug: str, *, applicant, values: dict) -> tuple[dict[str, str], dict[str, Prefill]]:
    """Field errors from the service's own check, and the sources of the values it supplied (none for most)."""
    check = BEFORE_SUBMIT.get(template_slug)
    return check(applicant=applicant, values=values) if check else ({}, {})
