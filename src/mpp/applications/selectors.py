"""Reads of applications, each scoped to who asks: a citizen sees their own, an officer their agency's.

Anything outside the asker's scope is simply not found (None / an empty list): pages answer 404.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from mpp.files.models import Upload
from mpp.identity.models import Role, User
from mpp.identity.selectors import agency_roles, can_act_for
from mpp.regions.models import Region

from .models import (
    DONE_STATUSES,
    LIVE_STATUSES,
    OPEN_STATUSES,
    Application,
    Event,
    ExternalSystem,
    Status,
    normalise_tracking_number,
)

#: Worklist orderings an officer may choose (the first is the default).
WORKLIST_ORDERS = {
    "due": ("step_due_at", "submitted_at"),
    "-due": ("-step_due_at", "-submitted_at"),
    "submitted": ("submitted_at",),
    "-submitted": ("-submitted_at",),
}


def officer_agencies(officer) -> set:
    return {agency for agency, _role in agency_roles(officer)}


def officer_scope(officer, *, present=()) -> Q | None:
    """The applications an officer may open, as a filter; None for no one's.

    The back office (verifiers, approvers) opens every application of its agencies. The counter
    serves walk-ins (least privilege): a counter officer opens the applications they filed, and
    those of a citizen standing at the counter, ``present`` (found by number and NIK digits,
    ``counter.find``), never the agency's online applications.
    """
    scope = None
    for agency, role in agency_roles(officer):
        if role == Role.COUNTER_OFFICER:
            condition = Q(agency_id=agency) & (Q(entered_by=officer) | Q(pk__in=list(present)))
        else:
            condition = Q(agency_id=agency)
        scope = condition if scope is None else scope | condition
    return scope


def worklist(officer, *, mine: bool = False, overdue: bool = False, service=None, order: str = "due") -> QuerySet:
    """Applications waiting at a step the officer's role acts on, in their agencies: one query, whatever its size.

    ``mine`` keeps those the officer claimed; ``overdue`` those past the step's due date.
    """
    pairs = agency_roles(officer)
    if not pairs:
        return Application.objects.none()
    queryset = Application.objects.filter(status=Status.IN_PROGRESS)
    scope = None
    for agency, role in pairs:
        condition = {"agency_id": agency, "step_role": role}
        scope = queryset.filter(**condition) if scope is None else scope | queryset.filter(**condition)
    queryset = scope
    if mine:
        queryset = queryset.filter(assignee=officer)
    if overdue:
        queryset = queryset.filter(step_due_at__lt=timezone.now())
    if service is not None:
        queryset = queryset.filter(service_id=service)
    return (
        queryset.select_related("service__template", "assignee")
        .only(
            "id",
            "tracking_number",
            "service__id",
            "service__template__name",
            "beneficiary_name",
            "channel",
            "step",
            "step_role",
            "submitted_at",
            "step_due_at",
            "due_at",
            "version",
            "assignee__id",
            "assignee__username",
            "assignee__first_name",
            "assignee__last_name",
        )
        .order_by(*WORKLIST_ORDERS.get(order, WORKLIST_ORDERS["due"]))
    )


def with_duplicate_flag(queryset: QuerySet) -> QuerySet:
    """``queryset`` annotated with ``has_duplicate``: another live application of the same service
    template and agency has the same ``duplicate_key`` (an index lookup per row).

    A row without a key is never a duplicate, and its subquery never runs (CASE): the empty key is
    shared by every application of a service that has none, so looking it up would walk them all.
    """
    others = Application.objects.filter(
        duplicate_key=OuterRef("duplicate_key"),
        service__template_id=OuterRef("service__template_id"),
        agency_id=OuterRef("agency_id"),
        status__in=LIVE_STATUSES,
    ).exclude(pk=OuterRef("pk"))
    return queryset.annotate(
        has_duplicate=Case(
            When(duplicate_key="", then=Value(False)), default=Exists(others), output_field=BooleanField()
        )
    )


def likely_duplicates(application: Application) -> list[Application]:
    """The other live applications of the same agency and service template about the same thing, oldest first."""
    if not application.duplicate_key:
        return []
    return list(
        Application.objects.filter(
            duplicate_key=application.duplicate_key,
            service__template_id=application.service.template_id,
            agency_id=application.agency_id,
            status__in=LIVE_STATUSES,
        )
        .exclude(pk=application.pk)
        .only("id", "tracking_number", "status", "submitted_at")
        .order_by("submitted_at")
    )


def application_for_officer(officer, application_id, *, present=()) -> Application | None:
    """An application the officer may open (``officer_scope``: any step or status), or None."""
    scope = officer_scope(officer, present=present)
    if scope is None:
        return None
    try:
        return (
            Application.objects.select_related(
                "service__template", "service_version__template_version", "region", "agency", "applicant", "assignee"
            )
            .filter(scope, pk=application_id)
            .first()
        )
    except (ValidationError, ValueError, TypeError):  # not a UUID
        return None


def citizen_applications(user) -> QuerySet:
    """The citizen's own applications, newest first (drafts included), for the dashboard: one query, as plain
    rows (``tracking_number``, ``status``, ``beneficiary_name``, ``beneficiary_nik``, ``due_at``, ``decided_at``,
    ``service_id``, ``service_name`` and the region's ``zone``): a model instance for each of a row's four tables
    cost more than the page's template (issue #16's profiles)."""
    return (
        Application.objects.filter(applicant=user)
        .values(
            "tracking_number",
            "status",
            "beneficiary_name",
            "beneficiary_nik",
            "due_at",
            "decided_at",
            "service_id",
            service_name=F("service__template__name"),
            zone=F("region__time_zone"),
        )
        .order_by("-created_at")
    )


def citizen_application(user, tracking_number: str) -> Application | None:
    return (
        Application.objects.select_related("service__template", "service_version__template_version", "region", "agency")
        .filter(applicant=user, tracking_number=tracking_number)
        .first()
    )


def timeline(application: Application) -> QuerySet[Event]:
    return Event.objects.filter(application=application).order_by("at", "id")


def tracked(tracking_number: str, nik_last4: str) -> Application | None:
    """The application with this number whose applicant's NIK ends in ``nik_last4``; None for anything else.

    The second factor keeps a guessed or overheard number from showing anything; a wrong pair
    and an unknown number look the same.
    """
    if not (tracking_number and len(nik_last4) == 4 and nik_last4.isdigit()):
        return None
    return (
        Application.objects.select_related("service__template", "agency", "region")
        .filter(tracking_number=normalise_tracking_number(tracking_number), applicant__nik__endswith=nik_last4)
        .exclude(status=Status.DRAFT)
        .first()
    )


def upload_for(user, upload_id, *, present=()) -> tuple[Upload | None, Application | None]:
    """A file the user may open, with the application through which an officer opens it.

    The owner, or someone who may act for them (a delegation), opens their files (no
    application). An officer opens a file used by an application they may open
    (``officer_scope``): the one it was uploaded for, or one that took it from the owner's
    vault. Anyone else: (None, None).
    """
    try:
        upload = Upload.objects.select_related("owner", *_WITH_APPLICATION).filter(pk=upload_id).first()
    except (ValidationError, ValueError, TypeError):
        return None, None
    if upload is None:
        return None, None
    if upload.owner_id == user.pk or (user.nik and upload.owner.nik and can_act_for(user, upload.owner.nik)):
        return upload, None  # the owner's, or a delegate's of the owner
    scope = officer_scope(user, present=present)
    if scope is None:
        return None, None
    visible = Application.objects.filter(scope)
    if upload.application_id and visible.filter(pk=upload.application_id).exists():
        return upload, upload.application
    candidates = visible.select_related(*_APPLICATION_PARTS).filter(applicant_id=upload.owner_id)
    using = next((a for a in candidates if str(upload.pk) in document_ids(a.data)), None)
    return (upload, using) if using is not None else (None, None)


_APPLICATION_PARTS = ("agency", "applicant", "service_version__template_version")
_WITH_APPLICATION = tuple(f"application__{part}" for part in _APPLICATION_PARTS)


def open_application_using(owner, upload_ids: set[str]) -> str:
    """The tracking number of one of the owner's open applications that names any of ``upload_ids``, or ""."""
    open_applications = Application.objects.filter(applicant=owner, status__in=OPEN_STATUSES).only(
        "tracking_number", "data"
    )
    return next((a.tracking_number for a in open_applications if upload_ids & document_ids(a.data)), "")


def document_ids(data: dict) -> set[str]:
    """The ids of the files an application's values name (uploads and vault documents)."""
    return {str(value["id"]) for value in data.values() if isinstance(value, dict) and value.get("id")}


def assignable_officers(application: Application) -> list:
    """The officers who act at the application's current step in its agency (for an approver to assign)."""
    return list(
        User.objects.filter(
            is_active=True,
            is_staff=True,
            role_assignments__agency=application.agency_id,
            role_assignments__role=application.step_role,
        ).order_by("username")
    )


def monev_figures(region_code: str, start, end) -> dict[str, int]:
    """What a region's monev report counts for the period ``start``–``end`` (dates, both included, read as
    the region's own local days), from its applications:

    - ``population_applicants`` / ``health_permit_applicants``: applications submitted to Disdukcapil
      (population services) / for a health-worker practice permit (SIP, ``mpp.permits.sip``);
    - ``population_processed``: Disdukcapil applications decided, approved or rejected;
    - ``health_permits_issued``: SIP applications approved.

    An approval still waiting for the registry counts as approved, on the day of its approval event (its
    ``decided_at`` is set only once the registry has recorded it). Two queries, whatever the numbers.
    """
    population = Q(agency__kind__code="disdukcapil")
    permit = Q(service__template__slug__in=("sip-tenaga-kesehatan",))
    zone = Region.objects.filter(pk=region_code).values_list("time_zone", flat=True).first() or "Asia/Jakarta"
    since = dt.datetime.combine(start, dt.time.min, tzinfo=ZoneInfo(zone))
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=ZoneInfo(zone))
    submitted = Q(submitted_at__gte=since, submitted_at__lt=until)
    approved_waiting = Event.objects.filter(
        application=OuterRef("pk"), to_status=Status.WAITING_REGISTRY, at__gte=since, at__lt=until
    )
    decided = Q(status__in=DONE_STATUSES, decided_at__gte=since, decided_at__lt=until) | Q(
        Exists(approved_waiting), status=Status.WAITING_REGISTRY
    )
    granted = decided & ~Q(status=Status.REJECTED)
    return Application.objects.filter(Q(region_id=region_code) & (submitted | decided)).aggregate(
        population_applicants=Count("pk", filter=submitted & population),
        health_permit_applicants=Count("pk", filter=submitted & permit),
        population_processed=Count("pk", filter=decided & population),
        health_permits_issued=Count("pk", filter=granted & permit),
    )


def connection_of(service_id):
    """The active agency system a service's applications go through (forwarded, or applied for at its portal),
    or None when they are processed here: one query."""
    return ExternalSystem.objects.filter(forwardings__service_id=service_id, is_active=True).first()
