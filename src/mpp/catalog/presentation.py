"""How a service reads for people and clients: the same shapes for pages and the API."""

from .models import Service
from .standard import COMPONENTS, once_only_score


def service_summary(service: Service) -> dict:
    standard = service.current_version.standard
    held, total = once_only_score(standard["requirements"])
    template = service.template
    return {
        "id": service.id,
        "slug": template.slug,
        "name": template.name,
        "name_en": template.name_en,
        "summary": template.summary,
        "agency": service.agency.name,
        "mode": template.mode,
        "channels": template.channels,
        "assurance_level": template.assurance_level,
        "duration_days": standard["duration_days"],
        "fee": standard["fee"]["amount"],
        "once_only": {"held_by_state": held, "total": total},
        "version": service.current_version.number,
    }


def service_detail(service: Service) -> dict:
    standard = service.current_version.standard
    return {
        **service_summary(service),
        "region_code": service.region_id,
        "region_name": service.region.name,
        "agency_kind": service.template.agency_kind.name,
        "standard": standard,
        "components": [{"key": key, "title": str(title), "value": standard[key]} for key, title in COMPONENTS],
    }
