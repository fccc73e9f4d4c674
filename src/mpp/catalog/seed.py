"""The national catalog and the pilot regions' MPPs, from the YAML files in ``data/``.

Reference data, not demo data: a fresh installation gets it too. Idempotent:
re-running adds what is missing and publishes a new template version only when
a standard's text changed (in Indonesian or in English: ``catalog_en.yaml`` is
merged into the standard as its ``*_en`` twins); it never overwrites what a
region manager edited.
"""

import copy
from pathlib import Path

import yaml
from django.db import transaction

from mpp.regions.models import Region

from .models import Agency, AgencyKind, Counter, DigitalStage, Mpp, ServiceLevel, ServiceTemplate
from .services import adopt_template, offer_service, publish_template_version
from .standard import TRANSLATED_TEXTS

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
    english = {slug: text for slug, text in _read("catalog_en.yaml").items() if not slug.startswith("_")}
    unknown = set(english) - {row["slug"] for row in catalog["templates"]}
    if unknown:
        raise ValueError(f"catalog_en.yaml translates unknown templates: {', '.join(sorted(unknown))}")
    kinds = {}
    for row in catalog["agency_kinds"]:
        kind, _created = AgencyKind.objects.update_or_create(code=row["code"], defaults=row)
        kinds[kind.code] = kind

    for row in catalog["templates"]:
        fields = {k: v for k, v in row.items() if k not in {"slug", "standard", "agency_kind"}}
        translated = english.get(row["slug"], {})
        fields["summary_en"] = translated.get("summary", "")
        template, _created = ServiceTemplate.objects.update_or_create(
            slug=row["slug"], defaults={**fields, "agency_kind": kinds[row["agency_kind"]]}
        )
        publish_template_version(
            template=template,
            standard=with_english(row["standard"], translated, slug=row["slug"]),
            form=_form(template.slug),
            note="Katalog nasional",
        )

    templates = list(ServiceTemplate.objects.select_related("current_version", "agency_kind"))
    for row in _read("mpps.yaml"):
        _seed_mpp(row, kinds, templates)
        # Every pilot region's villages and kelurahan offer the national village letters (a row per region and
        # template, none per village); added to regions seeded before the letters existed too.
        region = Region.objects.get(code=row["region"])
        for template in templates:
            if template.level == ServiceLevel.VILLAGE:
                adopt_template(region=region, template=template)

    return {
        "agency_kinds": AgencyKind.objects.count(),
        "templates": ServiceTemplate.objects.count(),
        "mpps": Mpp.objects.count(),
        "agencies": Agency.objects.count(),
    }


# What catalog_en.yaml may say about a template, beside its requirements, procedure, product and complaints.
_ENGLISH_LISTS = ("facilities", "competence")
_ENGLISH_KEYS = {"summary", "requirements", "procedure", "fee_note", "product", "complaints"}
_ENGLISH_KEYS |= {*TRANSLATED_TEXTS, *_ENGLISH_LISTS}


def with_english(standard: dict, english: dict, *, slug: str) -> dict:
    """A copy of ``standard`` with the English twins (``name_en``…) of the texts ``english`` translates.

    Requirements are matched by code and procedure steps by position; raises ValueError when the
    translation names an unknown field or requirement, or has another number of steps (a list of
    another length is refused when the standard is validated).
    """
    unknown = set(english) - _ENGLISH_KEYS
    if unknown:
        raise ValueError(f"{slug}: unknown English fields {', '.join(sorted(unknown))}")
    merged = copy.deepcopy(standard)
    requirements = english.get("requirements", {})
    unknown = set(requirements) - {requirement["code"] for requirement in merged["requirements"]}
    if unknown:
        raise ValueError(f"{slug}: English for unknown requirements {', '.join(sorted(unknown))}")
    for requirement in merged["requirements"]:
        _twin(requirement, requirements.get(requirement["code"], {}), ("name", "description", "held_source"))
    procedure = english.get("procedure", {})
    _twin(merged["procedure"], procedure, ("summary",))
    if "steps" in procedure:
        if len(procedure["steps"]) != len(merged["procedure"]["steps"]):
            raise ValueError(f"{slug}: the English procedure has another number of steps")
        for step, translated in zip(merged["procedure"]["steps"], procedure["steps"], strict=True):
            _twin(step, translated, ("title", "description", "actor"))
    if english.get("fee_note"):
        merged["fee"]["note_en"] = english["fee_note"]
    _twin(merged["product"], english.get("product", {}), ("name", "description"))
    complaints = english.get("complaints", {})
    _twin(merged["complaints"], complaints, ("summary", "channels"))
    _twin(merged, english, (*TRANSLATED_TEXTS, *_ENGLISH_LISTS))
    return merged


def _twin(target: dict, english: dict, keys: tuple[str, ...]) -> None:
    for key in keys:
        if english.get(key):
            target[f"{key}_en"] = english[key]


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
