"""What a service checks beyond its form's rules before an application is accepted, by template.

A check reads what another system holds (the practice permit reads the applicant's STR from
SISDMK), may add what it found to the application's values, and answers field errors; it
raises mpp.core.errors.Unavailable when that system does not answer.
"""

from mpp.permits import sip

BEFORE_SUBMIT = {"sip-tenaga-kesehatan": sip.check}


def before_submit(template_slug: str, *, applicant, values: dict) -> dict[str, str]:
    """Field errors from the service's own check (none for most services)."""
    check = BEFORE_SUBMIT.get(template_slug)
    return check(applicant=applicant, values=values) if check else {}
