"""Telling people about a complaint: the reporter (by account, or by the contact they confirmed) and the
officers who handle it. Through the outbox, in the transaction of the change; the step's id is the key,
so reporting a change twice sends nothing twice."""

from django.conf import settings
from django.urls import reverse

from mpp.identity.models import Role, RoleAssignment
from mpp.notifications.services import email, notify, text

from .models import Complaint, Step


def complaint_url(complaint: Complaint) -> str:
    return f"{settings.SITE_URL}{reverse('complaints:detail', args=[complaint.tracking_number])}"


def _context(complaint: Complaint, step: Step, due_at=None) -> dict:
    return {
        "number": complaint.tracking_number,
        "title": complaint.title,
        "note": step.note,
        "due_at": due_at.isoformat() if due_at else "",
        "zone": complaint.region.time_zone,
        "url": complaint_url(complaint),
    }


def tell_reporter(complaint: Complaint, kind: str, step: Step, *, extra: dict | None = None) -> None:
    """The reporter hears of ``step``: in the app and by their account's channels, or at the confirmed contact.
    A reporter who left no way to reach them follows the complaint with its number and secret."""
    context = _context(complaint, step, complaint.verdict_due_at or complaint.resolve_due_at) | (extra or {})
    key = f"complaint-step:{step.pk}"
    if complaint.reporter_id is not None:
        notify(user=complaint.reporter, kind=kind, key=key, context=context, now=step.at)
    elif complaint.contact and complaint.contact_confirmed_at:
        send = email if "@" in complaint.contact else text
        send(to=complaint.contact, kind=kind, key=key, context=context, now=step.at)


def tell_handlers(complaint: Complaint, kind: str, step: Step) -> None:
    """The agency's complaint officers hear of the reporter's move (the region's managers when it has no agency)."""
    if complaint.agency_id:
        people = RoleAssignment.objects.filter(role=Role.COMPLAINT_OFFICER, agency_id=complaint.agency_id)
    else:
        people = RoleAssignment.objects.filter(role=Role.MPP_MANAGER, region_id=complaint.region_id)
    _tell_staff(complaint, kind, step, people)


def tell_escalation(complaint: Complaint, step: Step, late: str) -> None:
    """A deadline passed: the agency's head (its approvers) and the region's MPP managers."""
    people = RoleAssignment.objects.filter(role=Role.MPP_MANAGER, region_id=complaint.region_id)
    if complaint.agency_id:
        people = people | RoleAssignment.objects.filter(role=Role.APPROVER, agency_id=complaint.agency_id)
    due_at = getattr(complaint, f"{late}_due_at")
    _tell_staff(complaint, "complaint_overdue", step, people, due_at=due_at)


def _tell_staff(complaint: Complaint, kind: str, step: Step, people, *, due_at=None) -> None:
    url = f"{settings.SITE_URL}{reverse('complaints:officer_detail', args=[complaint.pk])}"
    context = _context(complaint, step, due_at) | {"url": url}
    users = {assignment.user for assignment in people.filter(user__is_active=True).select_related("user")}
    for user in users:
        notify(user=user, kind=kind, key=f"complaint-step:{step.pk}", context=context, now=step.at)
