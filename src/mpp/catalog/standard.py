"""The service standard (*standar pelayanan*) as machine-readable data.

PermenPANRB 15/2014 names 14 components every public service must publish.
``ServiceStandard`` validates them; ``COMPONENTS`` is their order and their
plain-language names for pages and the API. A region's adjustments are applied
by ``apply_adjustments`` and never edit the national template.

Every text has an optional English twin in a ``<name>_en`` field (a list in
``<name>_en`` of the same length), kept beside it so that whatever replaces a
text (a region's fee, location or added requirement) replaces its translation
too. ``presentation`` chooses between them for the page's language.
"""

from typing import Literal

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


HeldBy = Literal["registry", "issued_document"]


class Requirement(_Strict):
    code: str = Field(pattern=r"^[a-z0-9_]+$", max_length=60)
    name: str = Field(min_length=3, max_length=200)
    description: str = ""
    mandatory: bool = True
    # Where the state already holds this, so the citizen must not be asked for it:
    # "registry" — population or sector registry data; "issued_document" — a document
    # the government issued earlier and can fetch itself.
    held_by_state: HeldBy | None = None
    held_source: str = ""
    # Set on requirements a region added to the national template.
    added_by_region: bool = False
    name_en: str = Field("", max_length=200)
    description_en: str = ""
    held_source_en: str = ""


class ProcedureStep(_Strict):
    title: str = Field(min_length=3)
    description: str = ""
    actor: str = ""
    title_en: str = ""
    description_en: str = ""
    actor_en: str = ""


class Procedure(_Strict):
    summary: str = Field(min_length=10)
    steps: list[ProcedureStep] = Field(min_length=1)
    summary_en: str = ""


class Fee(_Strict):
    amount: int = Field(ge=0, description="rupiah; 0 means free of charge")
    note: str = ""
    note_en: str = ""
    #: When an online application pays it: before the agency processes it, or once approved, before the
    #: result is released (the payments' bill; the deadline stands still while it is unpaid).
    payment: Literal["before", "after"] = "before"
    #: When the tariff depends on what the citizen chooses (a passport's kind): the application form's choice
    #: field, and the amount of each of its values; a value not listed pays ``amount``.
    amount_by: str = Field("", pattern=r"^([a-z][a-z0-9_]{0,59})?$")
    amounts: dict[str, int] = {}

    @model_validator(mode="after")
    def _amounts_by_a_choice(self):
        if bool(self.amount_by) != bool(self.amounts):
            raise ValueError("give both `amount_by` and `amounts`, or neither")
        if any(amount < 0 for amount in self.amounts.values()):
            raise ValueError("amounts are rupiah, 0 or more")
        return self

    def amount_for(self, values: dict) -> int:
        """The fee of an application with these form values."""
        chosen = values.get(self.amount_by) if self.amount_by else None
        return self.amounts.get(chosen, self.amount) if isinstance(chosen, str) else self.amount


class Product(_Strict):
    name: str = Field(min_length=3)
    description: str = ""
    name_en: str = ""
    description_en: str = ""


class Complaints(_Strict):
    summary: str = Field(min_length=10)
    channels: list[str] = Field(min_length=1)
    summary_en: str = ""
    channels_en: list[str] = []

    @model_validator(mode="after")
    def _translated_whole(self):
        _check_twin("channels", self.channels, self.channels_en)
        return self


class ServiceStandard(_Strict):
    requirements: list[Requirement] = Field(min_length=1)
    procedure: Procedure
    duration_days: int = Field(ge=0, le=365, description="working days")
    duration_note: str = ""
    fee: Fee
    product: Product
    complaints: Complaints
    legal_basis: list[str] = Field(min_length=1)
    facilities: list[str] = Field(min_length=1)
    competence: list[str] = Field(min_length=1)
    internal_oversight: str = Field(min_length=10)
    staff: str = Field(min_length=3)
    service_guarantee: str = Field(min_length=10)
    security_guarantee: str = Field(min_length=10)
    performance_evaluation: str = Field(min_length=10)
    location: str = ""
    duration_note_en: str = ""
    facilities_en: list[str] = []
    competence_en: list[str] = []
    internal_oversight_en: str = ""
    staff_en: str = ""
    service_guarantee_en: str = ""
    security_guarantee_en: str = ""
    performance_evaluation_en: str = ""
    location_en: str = ""

    @model_validator(mode="after")
    def _translated_whole(self):
        _check_twin("facilities", self.facilities, self.facilities_en)
        _check_twin("competence", self.competence, self.competence_en)
        return self

    @field_validator("requirements")
    @classmethod
    def _codes_are_unique(cls, value: list[Requirement]) -> list[Requirement]:
        codes = [r.code for r in value]
        if len(codes) != len(set(codes)):
            raise ValueError("requirement codes must be unique")
        return value


def _check_twin(name: str, items: list[str], english: list[str]) -> None:
    """A list's English twin is absent or translates every item, so items never pair up wrongly."""
    if english and len(english) != len(items):
        raise ValueError(f"{name}_en has {len(english)} items, {name} has {len(items)}")


# The 14 components in the order of PermenPANRB 15/2014, with the names a citizen reads.
#: The standard's free texts that have an English twin (``<name>_en``) beside them.
TRANSLATED_TEXTS = (
    "duration_note",
    "internal_oversight",
    "staff",
    "service_guarantee",
    "security_guarantee",
    "performance_evaluation",
    "location",
)

COMPONENTS: list[tuple[str, str]] = [
    ("requirements", _("Persyaratan")),
    ("procedure", _("Sistem, mekanisme dan prosedur")),
    ("duration_days", _("Jangka waktu penyelesaian")),
    ("fee", _("Biaya/tarif")),
    ("product", _("Produk pelayanan")),
    ("complaints", _("Penanganan pengaduan, saran dan masukan")),
    ("legal_basis", _("Dasar hukum")),
    ("facilities", _("Sarana, prasarana dan/atau fasilitas")),
    ("competence", _("Kompetensi pelaksana")),
    ("internal_oversight", _("Pengawasan internal")),
    ("staff", _("Jumlah pelaksana")),
    ("service_guarantee", _("Jaminan pelayanan")),
    ("security_guarantee", _("Jaminan keamanan dan keselamatan pelayanan")),
    ("performance_evaluation", _("Evaluasi kinerja pelaksana")),
]

# What a national template may let a region change.
ADJUSTABLE = ("fee", "location", "extra_requirements", "duration_days")


class Adjustments(_Strict):
    """A region's changes to its instance of a template; absent keys keep the template's value."""

    fee: Fee | None = None
    location: str | None = None
    duration_days: int | None = Field(default=None, ge=0, le=365)
    extra_requirements: list[Requirement] = []


def apply_adjustments(standard: ServiceStandard, adjustments: Adjustments) -> ServiceStandard:
    """The effective standard of a regional service: the template's, with the region's changes."""
    changes = {}
    if adjustments.fee is not None:
        changes["fee"] = adjustments.fee
    if adjustments.location is not None:
        changes["location"] = adjustments.location
        changes["location_en"] = ""  # the template's translation is of another text
    if adjustments.duration_days is not None:
        changes["duration_days"] = adjustments.duration_days
    if adjustments.extra_requirements:
        extra = [r.model_copy(update={"added_by_region": True}) for r in adjustments.extra_requirements]
        changes["requirements"] = [*standard.requirements, *extra]
    # Re-validate: an added requirement may clash with a template code.
    return ServiceStandard.model_validate({**standard.model_dump(), **{k: _dump(v) for k, v in changes.items()}})


def _dump(value):
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value


def list_figures(standard: dict) -> dict:
    """What a list of services shows of a standard's JSON form: how long, what it costs, and how many of its
    requirements the state already holds (``ServiceVersion.summary``)."""
    held, total = once_only_score(standard["requirements"])
    return {
        "duration_days": standard["duration_days"],
        "fee": standard["fee"]["amount"],
        "once_only": {"held_by_state": held, "total": total},
    }


def once_only_score(requirements: list[dict]) -> tuple[int, int]:
    """(requirements the state already holds, all requirements) of a standard's JSON form.

    Works on the stored JSON, not the parsed model, so list pages need not validate
    every standard they show.
    """
    held = sum(1 for requirement in requirements if requirement.get("held_by_state"))
    return held, len(requirements)
