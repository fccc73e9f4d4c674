"""Reads of onboarding: where each region stands, the ministry's queue, and who may see a request."""

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Prefetch, QuerySet, Value
from django.db.models.functions import Coalesce

from mpp.catalog.models import Mode, Service, ServiceTemplate
from mpp.identity.models import Role, RoleAssignment
from mpp.regions.models import Level, Region

from .models import JoinRequest, Participation, Stage, StageChange


def active_region_codes() -> set[str]:
    """The kabupaten/kota codes where MPP Digital is active."""
    return set(Participation.objects.filter(stage=Stage.ACTIVE).values_list("region_id", flat=True))


def stage_counts(province_code: str | None = None) -> dict[str, int]:
    """How many kabupaten/kota stand at each stage (every ``Stage`` value, ``not_requested`` included),
    nationally or in one province. Two grouped counts, whatever the number of regions."""
    regions = Region.objects.filter(level=Level.REGENCY)
    participations = Participation.objects.all()
    if province_code:
        regions = regions.filter(parent_id=province_code)
        participations = participations.filter(region__parent_id=province_code)
    counts = dict.fromkeys(Stage.values, 0)
    for row in participations.values("stage").annotate(n=Count("region")).order_by():
        counts[row["stage"]] = row["n"]
    counts[Stage.NOT_REQUESTED] = regions.count() - sum(counts.values())
    return counts


def participations() -> QuerySet[Participation]:
    return Participation.objects.select_related("region", "region__parent")


def participation_of(region_code: str) -> Participation | None:
    """The region's place in MPP Digital, or None when it never asked (a region page reads this)."""
    return Participation.objects.filter(region_id=region_code).first()


def public_list(*, province_code: str | None = None, stage: str | None = None) -> QuerySet[Region]:
    """Every kabupaten/kota with its stage (``stage`` annotated, ``not_requested`` when it never asked) and,
    when active, since when: the public "Daftar daerah MPP Digital". One query."""
    regions = (
        Region.objects.filter(level=Level.REGENCY)
        .select_related("parent")
        .annotate(
            stage=Coalesce(F("participation__stage"), Value(Stage.NOT_REQUESTED.value)),
            active_since=F("participation__active_since"),
        )
        .only("code", "name", "parent__name", "parent__code")
        .order_by("code")
    )
    if province_code:
        regions = regions.filter(parent_id=province_code)
    if stage:
        regions = regions.filter(stage=stage)
    return regions


def ministry_queue(*, stage: str | None = None) -> QuerySet[JoinRequest]:
    """Requests the ministry has to act on (or filtered by ``stage``), the nearest deadline first."""
    requests = JoinRequest.objects.select_related("region", "region__parent")
    if stage:
        return requests.filter(stage=stage).order_by("due_at")
    return requests.filter(stage__in=[Stage.REQUESTED, Stage.RETURNED, Stage.REGION_SIGNED]).order_by("due_at")


def request_for_ministry(request_id) -> JoinRequest | None:
    try:
        return _with_details(JoinRequest.objects.filter(pk=request_id)).first()
    except (ValueError, ValidationError):
        return None


def request_by_token(token: str) -> JoinRequest | None:
    """The request whose tracking link this is, or None (an unknown or malformed token alike)."""
    if not token or len(token) > 40:
        return None
    return _with_details(JoinRequest.objects.filter(tracking_token=token)).first()


def requests_for_signatory(user) -> QuerySet[JoinRequest]:
    """The requests of the regions ``user`` signs for, newest first."""
    regions = RoleAssignment.objects.filter(user=user, role=Role.REGION_SIGNATORY).values("region_id")
    return _with_details(JoinRequest.objects.filter(region_id__in=regions)).exclude(agreement=None)


def request_for_signatory(user, request_id) -> JoinRequest | None:
    try:
        return requests_for_signatory(user).filter(pk=request_id).first()
    except (ValueError, ValidationError):
        return None


def _with_details(requests: QuerySet[JoinRequest]) -> QuerySet[JoinRequest]:
    return requests.select_related(
        "region", "region__parent", "letter", "agreement", "agreement__file"
    ).prefetch_related("first_services", Prefetch("history", queryset=StageChange.objects.order_by("at", "id")))


def managed_regions(user) -> QuerySet[Region]:
    """The kabupaten/kota ``user`` manages, each with its participation."""
    regions = RoleAssignment.objects.filter(user=user, role=Role.MPP_MANAGER).values("region_id")
    return Region.objects.filter(code__in=regions).select_related("participation").order_by("code")


def adoptable_templates(region_code: str) -> QuerySet[ServiceTemplate]:
    """National templates for online application the region does not offer yet."""
    offered = Service.objects.filter(region_id=region_code).values("template_id")
    return (
        ServiceTemplate.objects.filter(mode=Mode.APPLICATION, current_version__isnull=False)
        .exclude(pk__in=offered)
        .select_related("agency_kind")
        .order_by("agency_kind__name", "name")
    )


def offered_services(region_code: str) -> QuerySet[Service]:
    return Service.objects.filter(region_id=region_code).select_related("template", "agency").order_by("template__name")


def staff_region_codes(user) -> set[str]:
    """The kabupaten/kota whose onboarding papers ``user`` may open: where they sign or manage."""
    return set(
        RoleAssignment.objects.filter(user=user, role__in=[Role.REGION_SIGNATORY, Role.MPP_MANAGER]).values_list(
            "region_id", flat=True
        )
    )
