"""Escalation: an application past its step's or its own deadline goes to the agency's approving officials.

Run by the task worker every minute (``tasks.escalate_overdue``). Idempotent: an application
is escalated once (``escalated_at``); claims with SKIP LOCKED, so two workers never escalate
the same application twice.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mpp.identity.models import Role, RoleAssignment
from mpp.notifications.services import notify

from .models import Application, Event, Status
from .workflows import workflow_named

BATCH = 200


def escalate_overdue(now=None) -> int:
    """Escalate every open application whose deadline (of the step or the whole) has passed; returns how many."""
    now = now or timezone.now()
    escalated = 0
    while True:
        with transaction.atomic():
            batch = list(
                Application.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("service__template", "agency", "region")
                .filter(status__in=[Status.IN_PROGRESS, Status.FORWARDED], escalated_at__isnull=True)
                .filter(Q(step_due_at__lt=now) | Q(due_at__lt=now))
                .order_by("step_due_at")[:BATCH]
            )
            for application in batch:
                _escalate(application, now)
        escalated += len(batch)
        if len(batch) < BATCH:
            return escalated


def _escalate(application: Application, now) -> None:
    application.escalated_at = now
    application.save(update_fields=["escalated_at", "updated_at"])
    step = workflow_named(application.service.template.workflow).step(application.step)
    with translation.override(settings.LANGUAGE_CODE):
        event = Event.objects.create(
            application=application,
            at=now,
            actor=None,
            actor_label=_("Sistem MPP Digital"),
            action="escalate",
            from_status=application.status,
            to_status=application.status,
            from_step=application.step,
            to_step=application.step,
            note=_("Batas waktu terlewati; diteruskan kepada pejabat penyetuju %(agency)s.")
            % {"agency": application.agency.name},
        )
    approvers = RoleAssignment.objects.filter(
        role=Role.APPROVER, agency=application.agency, user__is_active=True
    ).select_related("user")
    for assignment in approvers:
        notify(
            user=assignment.user,
            kind="overdue",
            key=f"application-event:{event.pk}",
            application=application,
            now=now,
            context={
                "number": application.tracking_number,
                "service": application.service.template.name,
                "due_at": (application.step_due_at or application.due_at).isoformat(),
                "zone": application.region.time_zone,
                "step": str(step.label) if step else application.step,
                "url": f"{settings.SITE_URL}/petugas/permohonan/{application.pk}/",
            },
        )
