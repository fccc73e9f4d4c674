"""A citizen at the counter: the applications a counter officer may open because their owner stands there.

A counter officer does not browse the agency's online applications (least privilege). When a
citizen comes to the counter about one, the officer types its number and the last four digits
of the citizen's NIK (``views.counter.find``); that application then opens for this officer,
in this session, for PRESENT_MINUTES. Every opening is recorded in the citizen's data-use log,
as any officer's view is.
"""

from datetime import datetime, timedelta

from django.utils import timezone

SESSION_KEY = "counter-present"
PRESENT_MINUTES = 30


def mark_present(request, application_id, *, now=None) -> None:
    """The citizen of ``application_id`` is at this officer's counter, from now for PRESENT_MINUTES."""
    now = now or timezone.now()
    held = {pk: until for pk, until in request.session.get(SESSION_KEY, {}).items() if _valid(until, now)}
    held[str(application_id)] = (now + timedelta(minutes=PRESENT_MINUTES)).isoformat()
    request.session[SESSION_KEY] = held


def present_ids(request, *, now=None) -> tuple[str, ...]:
    """The applications whose citizen is still at this officer's counter."""
    now = now or timezone.now()
    return tuple(pk for pk, until in request.session.get(SESSION_KEY, {}).items() if _valid(until, now))


def _valid(until: str, now) -> bool:
    try:
        return datetime.fromisoformat(until) > now
    except (TypeError, ValueError):
        return False
