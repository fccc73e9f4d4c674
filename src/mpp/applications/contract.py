"""One declarative contract per agency system: what a region's manager (or the ministry, for a national
system) configures so that a service's applications reach the agency's own system — without code.

A contract says:

- ``credentials``: the *name* of the system's endpoint and signing secret, resolved from the environment when
  a webhook is sent (``MPP_CONNECTOR_<NAME>_URL``, ``MPP_CONNECTOR_<NAME>_SECRET``): neither the address nor
  the secret is kept in the database;
- ``fields``: the agency's payload, key by key, from the platform's application (``form.<field>`` of the
  service's form, or one of ``SOURCES``). A key naming a form field no connected service has is refused when
  the contract is saved, with the reason;
- ``statuses``: the agency's own status codes and what each means here (``in_process``, ``approved``,
  ``rejected``); an update with a code not listed is refused (422) and changes nothing;
- ``timeout_seconds`` and ``retry``: how long one delivery may take and how often, how far apart, it is tried
  before the outbox marks it failed (and the health page and the application's page say so);
- ``portal_url``: for a handed-over system, where the citizen applies (its own portal, signed in with MPP
  Digital's single sign-on).

Webhook signing is Standard Webhooks, as for every webhook (``notifications.webhooks``).
"""

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

NAME = re.compile(r"^[A-Z][A-Z0-9_]{1,40}$")
FIELD = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
#: What a payload key may be taken from besides ``form.<field>``.
SOURCES = frozenset(
    {
        "tracking_number",
        "region_code",
        "service.code",
        "service.name",
        "applicant.nik",
        "applicant.name",
        "submitted_at",
        "due_at",
        "channel",
    }
)
UPDATES = ("in_process", "approved", "rejected")


class Retry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Attempts before the delivery is marked failed (an operator may send it again).
    attempts: int = Field(default=20, ge=1, le=50)
    #: The first wait after a failure; each next one doubles, up to ``max_delay_seconds``.
    first_delay_seconds: int = Field(default=2, ge=1, le=3600)
    max_delay_seconds: int = Field(default=3600, ge=1, le=86_400)


class Contract(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Required to forward (``connectors`` checks); a handed-over system receives nothing from us.
    credentials: str = Field(default="", description="name of the endpoint and secret in the environment")
    fields: dict[str, str] = Field(default_factory=dict)
    statuses: dict[str, Literal["in_process", "approved", "rejected"]] = Field(default_factory=dict)
    timeout_seconds: float = Field(default=10, gt=0, le=60)
    retry: Retry = Field(default_factory=Retry)
    portal_url: str = ""

    @field_validator("credentials")
    @classmethod
    def _name(cls, value: str) -> str:
        if value and not NAME.fullmatch(value):
            raise ValueError("a name of capitals, digits and _ (2–41 characters), e.g. POLRI_SKCK")
        return value

    @field_validator("fields")
    @classmethod
    def _sources(cls, fields: dict[str, str]) -> dict[str, str]:
        for key, source in fields.items():
            if not re.fullmatch(r"^[A-Za-z][A-Za-z0-9_]{0,60}$", key):
                raise ValueError(f"payload key {key!r}: letters, digits and _ only")
            if source not in SOURCES and not (source.startswith("form.") and FIELD.fullmatch(source[5:])):
                raise ValueError(f"{key}: {source!r} is neither form.<field> nor one of {', '.join(sorted(SOURCES))}")
        return fields

    @field_validator("statuses")
    @classmethod
    def _codes(cls, statuses: dict[str, str]) -> dict[str, str]:
        for code in statuses:
            if not re.fullmatch(r"^[A-Za-z][A-Za-z0-9_.-]{0,40}$", code):
                raise ValueError(f"status code {code!r}: letters, digits, _ . - only")
        return statuses

    @field_validator("portal_url")
    @classmethod
    def _portal(cls, value: str) -> str:
        if value and not re.fullmatch(r"https?://[^\s]{3,300}", value):
            raise ValueError("the portal's address starts with https:// (or http:// on a test machine)")
        return value

    def form_fields(self) -> set[str]:
        """The form fields the payload reads."""
        return {source[5:] for source in self.fields.values() if source.startswith("form.")}

    def update_for(self, code: str) -> str | None:
        """What the agency's status ``code`` means here, or None when the contract does not know it. Without a
        status table the platform's own words are expected."""
        if not self.statuses:
            return code if code in UPDATES else None
        return self.statuses.get(code)


def missing_fields(contract: Contract, forms: dict[str, set[str]]) -> list[str]:
    """For each service (name → its form's fields) the contract's form fields it lacks, as sentences."""
    problems = []
    for service, fields in sorted(forms.items()):
        absent = sorted(contract.form_fields() - fields)
        if absent:
            problems.append(f"{service}: {', '.join(absent)}")
    return problems


def mapped(contract: Contract, payload: dict) -> dict:
    """The agency's payload from the platform's (``forwarding.payload``): each key from its source."""
    flat = {
        "tracking_number": payload["tracking_number"],
        "region_code": payload["region_code"],
        "service.code": payload["service"]["code"],
        "service.name": payload["service"]["name"],
        "applicant.nik": payload["applicant"]["nik"],
        "applicant.name": payload["applicant"]["name"],
        "submitted_at": payload["submitted_at"],
        "due_at": payload["due_at"],
        "channel": payload["channel"],
    }
    form = payload.get("form") or {}
    return {
        key: (form.get(source[5:]) if source.startswith("form.") else flat.get(source))
        for key, source in contract.fields.items()
    }
