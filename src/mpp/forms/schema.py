"""A service's application form as data: fields, their rules, when they show, and where they are prefilled from.

A form schema is JSON (YAML in the seed files) validated by ``FormSchema``. It is versioned
with its service template, and an application keeps the version it was made with, so a
changed form never invalidates what a citizen already submitted.

Field types: ``text``, ``number``, ``date``, ``choice``, ``address`` (a village from the
Kemendagri region cascade plus street, RT/RW), ``person`` (the applicant or a member of
their family card), ``document`` (a document of a given type, from the vault or uploaded),
``declaration`` (a statement the citizen must confirm).

``prefill`` names where the state already holds the value — ``registry.<attribute>`` (the
population registry copy of the beneficiary, or ``registry.applicant.<attribute>``),
``profile.<attribute>`` or ``vault.<document type>`` — so the citizen is not asked to type
it. Values from the registry are locked: a wrong registry value is corrected through the
registry's own correction service, not by editing a form. A ``document`` field with
``prefill: vault.<its document type>`` is taken without asking when the citizen's vault holds a
valid document of that type issued through MPP Digital (``documents.selectors.held_issued``;
how long one stays valid: ``documents.models.VALID_DAYS``), and asked as any other otherwise.
"""

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

NAME = r"^[a-z][a-z0-9_]{0,59}$"
PREFILL = r"^(registry(\.applicant)?|profile|vault)\.[a-z][a-z0-9_.-]{0,80}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Strict):
    """Show a field only when an earlier field has one of these values."""

    field: str = Field(pattern=NAME)
    equals: str | int | bool | None = None
    one_of: list[str | int | bool] | None = None

    @model_validator(mode="after")
    def _one_test(self):
        if (self.equals is None) == (self.one_of is None):
            raise ValueError("give exactly one of `equals` and `one_of`")
        return self

    def holds(self, value) -> bool:
        return value == self.equals if self.one_of is None else value in self.one_of


class _Field(_Strict):
    name: str = Field(pattern=NAME)
    label: str = Field(min_length=2, max_length=200)
    label_en: str = Field(min_length=2, max_length=200)
    help: str = ""
    help_en: str = ""
    required: bool = True
    visible_if: Condition | None = None
    prefill: str | None = Field(default=None, pattern=PREFILL)

    @property
    def locked(self) -> bool:
        """Prefilled from the population registry: shown, not editable by the citizen."""
        return bool(self.prefill and self.prefill.startswith("registry."))


class TextField(_Field):
    type: Literal["text"]
    min_length: int = Field(default=0, ge=0)
    max_length: int = Field(default=200, ge=1, le=5000)
    pattern: str | None = None
    #: What the citizen is told when ``pattern`` does not match (Indonesian, English).
    pattern_message: str = ""
    pattern_message_en: str = ""
    multiline: bool = False

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern):
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"pattern does not compile: {error}") from None
        return pattern


class NumberField(_Field):
    type: Literal["number"]
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = True


class DateField(_Field):
    type: Literal["date"]
    not_before: date | None = None
    #: "today" forbids dates in the future (a birth, a death); None allows any.
    not_after: Literal["today"] | None = None


class Choice(_Strict):
    value: str = Field(min_length=1, max_length=60)
    label: str = Field(min_length=1, max_length=200)
    label_en: str = Field(min_length=1, max_length=200)


class ChoiceField(_Field):
    type: Literal["choice"]
    choices: list[Choice] = Field(min_length=1)

    @field_validator("choices")
    @classmethod
    def _unique(cls, choices):
        values = [choice.value for choice in choices]
        if len(set(values)) != len(values):
            raise ValueError("choice values must be unique")
        return choices


class AddressField(_Field):
    type: Literal["address"]


class PersonField(_Field):
    type: Literal["person"]
    #: Whom the citizen may pick: themselves, or members of their family card with these relationships.
    allow_self: bool = True
    relationships: list[str] = Field(default_factory=list)


class DocumentField(_Field):
    type: Literal["document"]
    document_type: str = Field(pattern=r"^[a-z0-9-]{2,60}$")
    #: The service standard's requirement this document satisfies.
    requirement: str | None = Field(default=None, pattern=r"^[a-z0-9_]+$")


class DeclarationField(_Field):
    type: Literal["declaration"]
    text: str = Field(min_length=10)
    text_en: str = Field(min_length=10)


FormField = Annotated[
    TextField | NumberField | DateField | ChoiceField | AddressField | PersonField | DocumentField | DeclarationField,
    Field(discriminator="type"),
]


class FormSchema(_Strict):
    #: Whom an application is for: the applicant or someone they may act for (a minor child on
    #: their KK, a grantor of a delegation) — or a person the service registers (a newborn).
    beneficiary: Literal["self_or_family", "new_person"] = "self_or_family"
    fields: list[FormField] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _consistent(self):
        seen: dict[str, _Field] = {}
        for field in self.fields:
            if field.name in seen:
                raise ValueError(f"field name {field.name!r} is used twice")
            condition = field.visible_if
            if condition is not None and condition.field not in seen:
                raise ValueError(f"{field.name!r} depends on {condition.field!r}, which must come before it")
            seen[field.name] = field
            source = field.prefill or ""
            if source.startswith("vault.") and getattr(field, "document_type", None) != source.removeprefix("vault."):
                raise ValueError(f"{field.name!r}: a vault prefill names the document type of a document field")
        return self

    def field(self, name: str):
        return next((field for field in self.fields if field.name == name), None)

    def requirements(self) -> set[str]:
        """The service standard's requirements this form collects documents for."""
        return {field.requirement for field in self.fields if isinstance(field, DocumentField) and field.requirement}
