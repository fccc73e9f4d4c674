"""The national catalog and the pilot regions' MPPs, from the YAML files in ``data/``.

Reference data, not demo data: a fresh installation gets it too. Idempotent:
re-running adds what is missing and publishes a new template version only when
a standard's text changed; it never overwrites what a region manager edited.
"""

from pathlib import Path

import yaml
from django.db import transaction

from mpp.regions.models import Region

from .models import Agency, AgencyKind, Counter, DigitalStage, Mpp, ServiceTemplate
from .services import offer_service, publish_template_version

DATA_DIR = Path(__file__).resolve().parent / "data"


def _read(name: str):
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _form(slug: str) -> dict | None:
    """The template's application form from ``data/forms/<slug>.yaml``, if it has one."""
    return _read(f"forms/{slug}.yaml") if (DATA_DIR / "forms" / f"{slug}.yaml").exists() else None


@transaction.atomic
def seed_catalog() -> dict[str, int]:
    """Load agency kinds, templates and pilot MPPs; return how many of each exist afterwards."""
    catalog = _read("catalog.yaml")
    kinds = {}
    for row in catalog["agency_kinds"]:
        kind, _created = AgencyKind.objects.update_or_create(code=row["code"], defaults=row)
        kinds[kind.code] = kind

    for row in catalog["templates"]:
        fields = {k: v for k, v in row.items() if k not in {"slug", "standard", "agency_kind"}}
        template, _created = ServiceTemplate.objects.update_or_create(
            slug=row["slug"], defaults={**fields, "agency_kind": kinds[row["agency_kind"]]}
        )
        publish_template_version(
            template=template, standard=row["standard"], form=_form(template.slug), note="Katalog nasional"
        )

    templates = list(ServiceTemplate.objects.select_related("current_version"))
    for row in _read("mpps.yaml"):
        _seed_mpp(row, kinds, templates)

    return {
        "agency_kinds": AgencyKind.objects.count(),
        "templates": ServiceTemplate.objects.count(),
        "mpps": Mpp.objects.count(),
        "agencies": Agency.objects.count(),
    }


def _seed_mpp(row: dict, kinds: dict[str, AgencyKind], templates: list[ServiceTemplate]) -> None:
    region = Region.objects.get(code=row["region"])
    if Mpp.objects.filter(region=region).exists():
        return  # the region's manager owns it from here on
    mpp = Mpp.objects.create(
        region=region,
        name=row["name"],
        address=row["address"],
        phone=row.get("phone", ""),
        email=row.get("email", ""),
        opening_hours=row["opening_hours"],
        digital_stage=row.get("digital_stage", DigitalStage.PILOT),
    )
    number = 0
    for code, counters in row["agencies"].items():
        kind = kinds[code]
        agency, _created = Agency.objects.get_or_create(
            region=region,
            kind=kind,
            defaults={"name": kind.local_name.format(region=region.name), "address": mpp.address},
        )
        for _ in range(counters):
            number += 1
            Counter.objects.create(mpp=mpp, agency=agency, number=number)
        for template in templates:
            if template.agency_kind_id == kind.pk:
                location = f"Loket {kind.short_name}, {mpp.name}, {mpp.address}"
                adjustments = {"location": location} if "location" in template.adjustable else {}
                offer_service(template=template, agency=agency, adjustments=adjustments)
