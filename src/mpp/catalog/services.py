"""Writes to the catalog. Each function is one use case, transactional, and
locks what it changes; versions are appended, never edited."""

from django.db import transaction
from django.utils.translation import gettext as _

from mpp.core.errors import DomainError
from mpp.core.public_cache import invalidate_public_cache
from mpp.forms.schema import FormSchema

from .models import Agency, Service, ServiceTemplate, ServiceVersion, TemplateVersion
from .standard import ADJUSTABLE, Adjustments, ServiceStandard, apply_adjustments, list_figures


@transaction.atomic
def publish_template_version(
    *, template: ServiceTemplate, standard: dict, form: dict | None = None, note: str = ""
) -> TemplateVersion | None:
    """Publish a new version of a national template's standard and form, and carry it to every regional service.

    Validates ``standard`` and ``form`` (raises pydantic's ValidationError; a form may only
    collect documents for requirements the standard lists). ``form=None`` keeps the current
    form; ``{}`` removes it (the service is then applied for at the counter). Returns the new version, or None
    when both equal the current ones (so re-seeding is a no-op). Each service of the template
    gets a new version with its region's adjustments re-applied.
    """
    template = (
        ServiceTemplate.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=template.pk)
    )
    parsed = ServiceStandard.model_validate(standard)
    current = template.current_version
    if form is None:  # not given: the current form stays ({} removes it)
        form = current.form if current is not None else {}
    parsed_form = FormSchema.model_validate(form) if form else None
    if parsed_form is not None:
        unknown = parsed_form.requirements() - {requirement.code for requirement in parsed.requirements}
        if unknown:
            raise DomainError(f"The form collects documents for unknown requirements: {', '.join(sorted(unknown))}")
    if parsed.fee.amount_by:
        _check_tariffs(parsed, parsed_form)
    if current is not None and current.parsed == parsed and current.parsed_form == parsed_form:
        return None
    version = TemplateVersion.objects.create(
        template=template,
        number=(current.number + 1) if current else 1,
        standard=parsed.model_dump(mode="json"),
        form=parsed_form.model_dump(mode="json", exclude_defaults=True) if parsed_form else {},
        note=note,
    )
    template.current_version = version
    template.save(update_fields=["current_version", "updated_at"])
    for service in (
        Service.objects.select_for_update(of=("self",)).filter(template=template).select_related("current_version")
    ):
        adjustments = service.current_version.parsed_adjustments if service.current_version else Adjustments()
        _append_version(service=service, template_version=version, adjustments=adjustments, note=note, by=None)
    return version


def _check_tariffs(standard: ServiceStandard, form: FormSchema | None) -> None:
    """A fee that depends on the citizen's choice names a choice field of the form, and only its values."""
    fee = standard.fee
    field = form.field(fee.amount_by) if form is not None else None
    values = {choice.value for choice in getattr(field, "choices", None) or ()}
    if not values or not set(fee.amounts) <= values:
        raise DomainError(f"The fee's tariffs name {fee.amount_by!r}, which is no choice of the form with those values")


@transaction.atomic
def offer_service(*, template: ServiceTemplate, agency: Agency, adjustments: dict | None = None) -> Service:
    """Offer a national template in the agency's region, optionally adjusted from the start.

    Idempotent: returns the existing service of that template in that region unchanged.
    Raises DomainError when the agency is of the wrong kind or the template has no standard.
    """
    if agency.kind_id != template.agency_kind_id:
        raise DomainError(_("Layanan ini diselenggarakan oleh %(kind)s.") % {"kind": template.agency_kind})
    if template.current_version_id is None:
        raise DomainError(_("Templat layanan belum memiliki standar pelayanan."))
    service, created = Service.objects.get_or_create(
        region_id=agency.region_id, template=template, defaults={"agency": agency, "mode": template.mode}
    )
    if created:
        _append_version(
            service=service,
            template_version=template.current_version,
            adjustments=_allowed_adjustments(template, adjustments or {}),
            note=_("Diturunkan dari templat nasional"),
            by=None,
        )
    return service


@transaction.atomic
def adopt_template(*, region, template: ServiceTemplate) -> Service:
    """Offer a national template in ``region`` as it stands, through the region's agency of the template's
    kind (opened if the region has none yet, named after the kind's local pattern). Idempotent."""
    kind = template.agency_kind
    agency, _created = Agency.objects.get_or_create(
        region=region, kind=kind, village=None, defaults={"name": kind.local_name.format(region=region.name)}
    )
    return offer_service(template=template, agency=agency)


@transaction.atomic
def adjust_service(*, service: Service, adjustments: dict, by, note: str) -> ServiceVersion:
    """A region changes what its template allows (fee, location, extra requirements, duration).

    Raises DomainError when a change touches something the template does not let regions
    adjust, and pydantic's ValidationError when the result is not a valid standard.
    The previous versions stay as they were.
    """
    service = (
        Service.objects.select_for_update(of=("self",)).select_related("template", "current_version").get(pk=service.pk)
    )
    return _append_version(
        service=service,
        template_version=service.current_version.template_version,
        adjustments=_allowed_adjustments(service.template, adjustments),
        note=note,
        by=by,
    )


def _allowed_adjustments(template: ServiceTemplate, adjustments: dict) -> Adjustments:
    parsed = Adjustments.model_validate(adjustments)
    touched = set(parsed.model_dump(exclude_defaults=True))
    refused = touched - (set(template.adjustable) & set(ADJUSTABLE))
    if refused:
        raise DomainError(
            _("Templat nasional tidak mengizinkan daerah mengubah: %(fields)s.")
            % {"fields": ", ".join(sorted(refused))}
        )
    return parsed


def _append_version(*, service, template_version, adjustments: Adjustments, note: str, by) -> ServiceVersion:
    effective = apply_adjustments(template_version.parsed, adjustments).model_dump(mode="json")
    number = (service.current_version.number + 1) if service.current_version_id else 1
    version = ServiceVersion.objects.create(
        service=service,
        number=number,
        template_version=template_version,
        adjustments=adjustments.model_dump(mode="json", exclude_defaults=True),
        standard=effective,
        summary=list_figures(effective),
        note=note,
        changed_by=by,
    )
    service.current_version = version
    service.save(update_fields=["current_version", "updated_at"])
    transaction.on_commit(invalidate_public_cache)
    return version
