"""Agency profiles: which agency the simulator stands in for, read from a data file in
profiles/ (one YAML file per agency). The code is generic; the domain is in the data:

    code, name, agency      the profile's name, its system's name, the agency's display name
    case_prefix             case ids are <case_prefix>-<year>-<6 digits>
    default_port            where `serve` listens unless told otherwise
    fee                     the state fee: amount (rupiah), legal_basis, optionally an amount per
                            value of one form field (field, amounts)
    required_fields         form keys a forwarded application must carry (else 422 missing_fields)
    fields                  what the form's values must be (choice, document, text, required_when)
                            and how the portal asks for them (label, help)
    note_subject            {subject} in the notes: with_service / without_service
    registration_number     format (str.format: sequence, year, month, month_roman, classification,
                            region_digits, office_code) and classification (by_service, default)
    statuses                ordered: code, label, outcome (in_process | approved | rejected), note
                            (a template), optionally `when` (form field -> value or values)
    appointment             a visit booked against a quota per office and day (optional)
    delivery                pick-up or delivery of the document (optional)
    portal                  the handed-over portal's service and form (optional)

A case's path through the statuses follows the list: an approved case gets every in_process
and approved status whose `when` holds, in order; a rejected case gets the in_process
statuses listed before its rejected status, then that status. So where a rejected status
stands in the list says where a rejection stops the case.

A malformed profile is a ValueError naming the file and the entry, at start-up.
"""

from __future__ import annotations

import dataclasses
import json
import re
import string
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

PROFILES_DIR = Path(__file__).resolve().parent / "profiles"
DEFAULT_PROFILE = "siak"
OUTCOMES = ("in_process", "approved", "rejected")
FIELD_TYPES = ("text", "textarea", "choice", "document")

_CODE = re.compile(r"[a-z][a-z0-9-]{0,39}")
_STATUS_CODE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
_CASE_PREFIX = re.compile(r"[A-Z][A-Z0-9]{1,9}")
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")

# What a note template may use, besides what the profile's extras add.
_NOTE_VARIABLES = frozenset({"case_id", "service_name", "agency", "fee", "fee_legal_basis", "applicant_name"})
_APPOINTMENT_VARIABLES = frozenset({"appointment_date", "appointment_time", "office_name", "office_code"})
_DELIVERY_VARIABLES = frozenset({"delivery_label", "delivery_address"})
_REGISTRATION_SAMPLE = {
    "sequence": 1,
    "year": 2026,
    "month": 11,
    "month_roman": "XI",
    "classification": "X",
    "region_digits": "6472",
    "office_code": "office",
}
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
_MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


# --- the profile -----------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    code: str
    label: str
    outcome: str
    note: str
    when: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)

    def applies(self, form: Mapping[str, object]) -> bool:
        return all(_text(form.get(name)) in values for name, values in self.when.items())


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    type: str = "text"
    choices: Mapping[str, str] = dataclasses.field(default_factory=dict)  # value -> label
    required_when: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    help: str = ""
    max_length: int = 300


@dataclass(frozen=True)
class Fee:
    amount: int
    legal_basis: str
    field: str | None = None
    amounts: Mapping[str, int] = dataclasses.field(default_factory=dict)

    def for_form(self, form: Mapping[str, object]) -> int:
        if self.field is None:
            return self.amount
        return self.amounts.get(_text(form.get(self.field)), self.amount)


@dataclass(frozen=True)
class Office:
    code: str
    name: str
    quota_per_day: int


@dataclass(frozen=True)
class Appointment:
    status: str  # the status whose path books the visit
    offices: tuple[Office, ...]
    field: str | None = None  # the form field naming the office; absent or empty: the first
    lead_days: int = 1
    weekdays: tuple[int, ...] = (1, 2, 3, 4, 5)  # ISO: Monday is 1
    time: str = ""

    def office_for(self, form: Mapping[str, object]) -> Office:
        chosen = _text(form.get(self.field)) if self.field else ""
        return next((o for o in self.offices if o.code == chosen), self.offices[0])

    def days(self, today: date, horizon: int = 366) -> Iterator[date]:
        """The days a visit can be booked on, from `lead_days` after today."""
        for offset in range(self.lead_days, self.lead_days + horizon):
            day = today + timedelta(days=offset)
            if day.isoweekday() in self.weekdays:
                yield day


@dataclass(frozen=True)
class Delivery:
    field: str
    options: Mapping[str, str]
    address_field: str | None = None
    address_for: tuple[str, ...] = ()


@dataclass(frozen=True)
class Registration:
    format: str
    by_service: Mapping[str, str] = dataclasses.field(default_factory=dict)
    default_classification: str = ""

    def classification(self, service_code: object) -> str:
        if isinstance(service_code, str) and service_code in self.by_service:
            return self.by_service[service_code]
        return self.default_classification


@dataclass(frozen=True)
class Portal:
    service_code: str
    service_name: str
    title: str
    intro: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Profile:
    code: str
    name: str
    agency: str
    case_prefix: str
    default_port: int
    fee: Fee
    required_fields: tuple[str, ...]
    fields: Mapping[str, FormField]
    statuses: tuple[Status, ...]
    registration: Registration
    subject_with_service: str | None = None
    subject_without_service: str | None = None
    appointment: Appointment | None = None
    delivery: Delivery | None = None
    portal: Portal | None = None
    source: str = ""

    # --- what a case goes through ---

    def status(self, code: str) -> Status:
        return next(s for s in self.statuses if s.code == code)

    def path(self, form: Mapping[str, object], *, rejected: bool) -> list[Status]:
        """The statuses a case posts, in order (see the module's docstring)."""
        if not rejected:
            return [s for s in self.statuses if s.outcome != "rejected" and s.applies(form)]
        rejection = next(s for s in self.statuses if s.outcome == "rejected" and s.applies(form))
        before = self.statuses[: self.statuses.index(rejection)]
        return [*(s for s in before if s.outcome == "in_process" and s.applies(form)), rejection]

    @property
    def initial_status(self) -> Status:
        return self.statuses[0]

    # --- what a form must carry ---

    def missing_fields(self, form: Mapping[str, object]) -> list[str]:
        """The required form keys `form` lacks (absent, null or blank), in the profile's order."""
        wanted = list(self.required_fields)
        for spec in self.fields.values():
            applies = all(_text(form.get(name)) in values for name, values in spec.required_when.items())
            if spec.required_when and applies and spec.name not in wanted:
                wanted.append(spec.name)
        return [name for name in wanted if _blank(form.get(name))]

    def invalid_field(self, form: Mapping[str, object], attachments: object) -> str | None:
        """What is wrong with the first form value that breaks its field's rule, or None."""
        for spec in self.fields.values():
            value = form.get(spec.name)
            if _blank(value):
                continue
            if spec.type == "choice" and _text(value) not in spec.choices:
                return f"form.{spec.name} must be one of {', '.join(spec.choices)}"
            if spec.type == "document" and not _is_document(value, attachments):
                return (
                    f"form.{spec.name} must reference a document: an uploaded file "
                    '({"source": "upload", "id": …}) or the id of one of the attachments'
                )
            # Text: a number typed in, or the document itself (the platform's form may ask for the upload).
            if spec.type in ("text", "textarea") and not (
                (isinstance(value, str) and len(value) <= spec.max_length) or _is_document(value, attachments)
            ):
                return f"form.{spec.name} must be text of at most {spec.max_length} characters, or a document"
        return None

    # --- the notes ---

    def subject(self, service_name: str) -> str:
        if service_name and self.subject_with_service:
            return self.subject_with_service.format(service_name=service_name)
        return self.subject_without_service or ""

    def as_json(self) -> dict[str, object]:
        """GET /profile: what the platform's admin needs to map the statuses and build the form."""
        body: dict[str, object] = {
            "code": self.code,
            "name": self.name,
            "agency": self.agency,
            "fee": {
                "amount": self.fee.amount,
                "currency": "IDR",
                "legal_basis": self.fee.legal_basis,
                **({"field": self.fee.field, "amounts": dict(self.fee.amounts)} if self.fee.field else {}),
            },
            "required_fields": list(self.required_fields),
            "fields": {
                spec.name: {
                    "label": spec.label,
                    "type": spec.type,
                    **({"choices": dict(spec.choices)} if spec.choices else {}),
                    **(
                        {"required_when": {k: list(v) for k, v in spec.required_when.items()}}
                        if spec.required_when
                        else {}
                    ),
                }
                for spec in self.fields.values()
            },
            "statuses": [
                {
                    "code": s.code,
                    "label": s.label,
                    "outcome": s.outcome,
                    **({"when": {k: list(v) for k, v in s.when.items()}} if s.when else {}),
                }
                for s in self.statuses
            ],
            "registration_number": {"format": self.registration.format},
        }
        if self.appointment:
            body["appointment"] = {
                "status": self.appointment.status,
                "field": self.appointment.field,
                "lead_days": self.appointment.lead_days,
                "weekdays": list(self.appointment.weekdays),
                "time": self.appointment.time,
                "offices": [
                    {"code": o.code, "name": o.name, "quota_per_day": o.quota_per_day} for o in self.appointment.offices
                ],
            }
        if self.delivery:
            body["delivery"] = {
                "field": self.delivery.field,
                "options": dict(self.delivery.options),
                "address_field": self.delivery.address_field,
                "address_for": list(self.delivery.address_for),
            }
        body["portal"] = None if self.portal is None else {"service": self.portal.service_code}
        return body


# --- helpers the worker and the portal share -------------------------------------------


def render(template: str, variables: Mapping[str, object]) -> str:
    return template.format_map(variables)


def rupiah(amount: int) -> str:
    """Rp350.000: whole rupiah, dots between thousands."""
    return f"Rp{amount:,}".replace(",", ".")


def tanggal(day: date) -> str:
    """Senin, 7 Desember 2026."""
    return f"{_DAYS[day.weekday()]}, {day.day} {_MONTHS[day.month - 1]} {day.year}"


def month_roman(month: int) -> str:
    return _ROMAN[month - 1]


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.strip() if isinstance(value, str) else "" if value is None else str(value)


def _blank(value: object) -> bool:
    return value is None or (
        isinstance(value, str | list | dict) and not (value.strip() if isinstance(value, str) else value)
    )


def _is_document(value: object, attachments: object) -> bool:
    """An uploaded or vault file as the platform puts it in a form ({"source", "id"}), a
    document link ({"url"}), or the id of one of the webhook's attachments."""
    if isinstance(value, Mapping):
        return any(isinstance(value.get(key), str) and value[key].strip() for key in ("id", "url"))
    if isinstance(value, str) and isinstance(attachments, list):
        return any(isinstance(a, Mapping) and value.strip() in (a.get("id"), a.get("url")) for a in attachments)
    return False


# --- loading ---------------------------------------------------------------------------


def available() -> list[str]:
    """The profiles shipped in profiles/."""
    return sorted(p.stem for p in PROFILES_DIR.iterdir() if p.suffix in (".yaml", ".yml", ".json"))


def resolve(name: str) -> Path:
    """The data file of `name`: a profile shipped in profiles/, or a path to a YAML/JSON file."""
    if _CODE.fullmatch(name):
        for suffix in (".yaml", ".yml", ".json"):
            candidate = PROFILES_DIR / f"{name}{suffix}"
            if candidate.is_file():
                return candidate
        raise ValueError(f"no agency profile {name!r}; the profiles are {', '.join(available())} (or give a file path)")
    path = Path(name)
    if not path.is_file():
        raise ValueError(f"agency profile file {name!r} does not exist")
    return path


def load(name: str = DEFAULT_PROFILE) -> Profile:
    """The profile `name` (see resolve), validated; ValueError naming what is wrong."""
    path = resolve(name)
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise ValueError(f"agency profile {path}: cannot read it: {exc}") from None
    profile = parse(data, source=str(path))
    if _CODE.fullmatch(name) and profile.code != name:
        raise ValueError(f"agency profile {path}: code is {profile.code!r}, not the file's name {name!r}")
    return profile


def parse(data: object, *, source: str = "<profile>") -> Profile:
    """A Profile from the data of a file; ValueError naming `source` and the entry."""
    try:
        return _Parser(source).profile(data)
    except _Invalid as exc:
        raise ValueError(f"agency profile {source}: {exc}") from None


class _Invalid(Exception):
    pass


_TOP_KEYS = {
    "code",
    "name",
    "agency",
    "case_prefix",
    "default_port",
    "fee",
    "required_fields",
    "fields",
    "note_subject",
    "registration_number",
    "statuses",
    "appointment",
    "delivery",
    "portal",
}


@dataclass
class _Parser:
    source: str

    def profile(self, data: object) -> Profile:
        top = self._mapping(data, "the profile", _TOP_KEYS, required=("code", "name", "agency", "statuses"))
        code = self._match(top["code"], "code", _CODE)
        fields = self._fields(top.get("fields", {}))
        delivery = self._delivery(top.get("delivery"), fields)
        appointment = self._appointment(top.get("appointment"), fields)
        for spec in fields.values():  # once the extras have added their fields
            self._check_condition(spec.required_when, fields, f"fields.{spec.name}.required_when")
        required = self._names(top.get("required_fields", []), "required_fields")
        fee = self._fee(top.get("fee", {"amount": 0, "legal_basis": "-"}), fields)
        subject = self._subject(top.get("note_subject"))
        statuses = self._statuses(top["statuses"], fields, appointment, delivery, subject_given=subject is not None)
        portal = self._portal(top.get("portal"), fields, required)
        port = top.get("default_port", 8040)
        if not _is_int(port) or not 1 <= port <= 65535:
            raise _Invalid("default_port must be a port number")
        return Profile(
            code=code,
            name=self._str(top["name"], "name"),
            agency=self._str(top["agency"], "agency"),
            case_prefix=self._match(top.get("case_prefix", code.upper()), "case_prefix", _CASE_PREFIX),
            default_port=port,
            fee=fee,
            required_fields=tuple(required),
            fields=fields,
            statuses=tuple(statuses),
            registration=self._registration(top.get("registration_number")),
            subject_with_service=subject[0] if subject else None,
            subject_without_service=subject[1] if subject else None,
            appointment=appointment,
            delivery=delivery,
            portal=portal,
            source=self.source,
        )

    # --- the parts ---

    def _fields(self, data: object) -> dict[str, FormField]:
        specs = self._mapping(data, "fields")
        fields = {}
        for name, raw in specs.items():
            where = f"fields.{name}"
            self._match(name, where, _FIELD_NAME)
            spec = self._mapping(
                raw, where, {"label", "type", "choices", "required_when", "help", "max_length"}, required=("label",)
            )
            kind = spec.get("type", "choice" if "choices" in spec else "text")
            if kind not in FIELD_TYPES:
                raise _Invalid(f"{where}.type must be one of {', '.join(FIELD_TYPES)}")
            choices = self._labels(spec.get("choices", {}), f"{where}.choices")
            if (kind == "choice") != bool(choices):
                raise _Invalid(f"{where}: a choice field needs choices, and only a choice field has them")
            max_length = spec.get("max_length", 300)
            if not _is_int(max_length) or not 1 <= max_length <= 5000:
                raise _Invalid(f"{where}.max_length must be a whole number from 1 to 5000")
            fields[name] = FormField(
                name=name,
                label=self._str(spec["label"], f"{where}.label"),
                type=kind,
                choices=choices,
                required_when=self._condition(spec.get("required_when", {}), f"{where}.required_when"),
                help=self._str(spec.get("help", ""), f"{where}.help", empty=True),
                max_length=max_length,
            )
        return fields

    def _delivery(self, data: object, fields: dict[str, FormField]) -> Delivery | None:
        if data is None:
            return None
        keys = {"field", "label", "options", "address_field", "address_label", "address_for"}
        spec = self._mapping(data, "delivery", keys, required=("field", "label", "options"))
        name = self._match(spec["field"], "delivery.field", _FIELD_NAME)
        options = self._labels(spec["options"], "delivery.options")
        if not options:
            raise _Invalid("delivery.options must name at least one way")
        address_field = spec.get("address_field")
        address_for = tuple(self._names(spec.get("address_for", []), "delivery.address_for"))
        if any(o not in options for o in address_for):
            raise _Invalid("delivery.address_for must name delivery.options")
        for taken in (name, address_field):
            if taken in fields:
                raise _Invalid(f"fields.{taken} is declared by delivery; leave it out of fields")
        fields[name] = FormField(
            name=name, label=self._str(spec["label"], "delivery.label"), type="choice", choices=options
        )
        if address_field is not None:
            self._match(address_field, "delivery.address_field", _FIELD_NAME)
            fields[address_field] = FormField(
                name=address_field,
                label=self._str(spec.get("address_label", ""), "delivery.address_label"),
                type="textarea",
                required_when={name: address_for} if address_for else {},
            )
        elif address_for:
            raise _Invalid("delivery.address_for needs delivery.address_field")
        return Delivery(field=name, options=options, address_field=address_field, address_for=address_for)

    def _appointment(self, data: object, fields: dict[str, FormField]) -> Appointment | None:
        if data is None:
            return None
        keys = {"status", "field", "label", "lead_days", "weekdays", "time", "offices"}
        spec = self._mapping(data, "appointment", keys, required=("status", "offices"))
        raw_offices = spec["offices"]
        if not isinstance(raw_offices, list) or not raw_offices:
            raise _Invalid("appointment.offices must be a non-empty list")
        offices = []
        for n, raw in enumerate(raw_offices):
            where = f"appointment.offices[{n}]"
            office = self._mapping(
                raw, where, {"code", "name", "quota_per_day"}, required=("code", "name", "quota_per_day")
            )
            quota = office["quota_per_day"]
            if not _is_int(quota) or quota < 1:
                raise _Invalid(f"{where}.quota_per_day must be a whole number of at least 1")
            offices.append(
                Office(
                    self._match(office["code"], f"{where}.code", _CODE),
                    self._str(office["name"], f"{where}.name"),
                    quota,
                )
            )
        if len({o.code for o in offices}) != len(offices):
            raise _Invalid("appointment.offices: each office code once")
        name = spec.get("field")
        if name is not None:
            self._match(name, "appointment.field", _FIELD_NAME)
            if name in fields:
                raise _Invalid(f"fields.{name} is declared by appointment; leave it out of fields")
            label = self._str(spec.get("label", ""), "appointment.label")
            fields[name] = FormField(name=name, label=label, type="choice", choices={o.code: o.name for o in offices})
        lead_days = spec.get("lead_days", 1)
        if not _is_int(lead_days) or not 0 <= lead_days <= 90:
            raise _Invalid("appointment.lead_days must be a whole number from 0 to 90")
        weekdays = spec.get("weekdays", [1, 2, 3, 4, 5])
        if not isinstance(weekdays, list) or not weekdays or not all(_is_int(d) and 1 <= d <= 7 for d in weekdays):
            raise _Invalid("appointment.weekdays must list ISO weekdays (1 Monday … 7 Sunday)")
        return Appointment(
            status=self._str(spec["status"], "appointment.status"),
            offices=tuple(offices),
            field=name,
            lead_days=lead_days,
            weekdays=tuple(sorted(set(weekdays))),
            time=self._str(spec.get("time", ""), "appointment.time", empty=True),
        )

    def _fee(self, data: object, fields: Mapping[str, FormField]) -> Fee:
        spec = self._mapping(
            data, "fee", {"amount", "legal_basis", "field", "amounts"}, required=("amount", "legal_basis")
        )
        amount = spec["amount"]
        if not _is_int(amount) or amount < 0:
            raise _Invalid("fee.amount must be a whole number of rupiah, 0 or more")
        name, amounts = spec.get("field"), spec.get("amounts", {})
        if (name is None) != (not amounts):
            raise _Invalid("fee.field and fee.amounts go together")
        amounts = self._mapping(amounts, "fee.amounts")
        for value, each in amounts.items():
            if not _is_int(each) or each < 0:
                raise _Invalid(f"fee.amounts.{value} must be a whole number of rupiah, 0 or more")
        if name is not None:
            self._match(name, "fee.field", _FIELD_NAME)
            choices = fields[name].choices if name in fields else {}
            if not choices or any(str(value) not in choices for value in amounts):
                raise _Invalid("fee.field must be a choice field and fee.amounts must name its choices")
        return Fee(
            amount=amount,
            legal_basis=self._str(spec["legal_basis"], "fee.legal_basis"),
            field=name,
            amounts={str(k): v for k, v in amounts.items()},
        )

    def _subject(self, data: object) -> tuple[str, str] | None:
        if data is None:
            return None
        spec = self._mapping(
            data, "note_subject", {"with_service", "without_service"}, required=("with_service", "without_service")
        )
        with_service = self._template(spec["with_service"], "note_subject.with_service", {"service_name"})
        return with_service, self._template(spec["without_service"], "note_subject.without_service", set())

    def _registration(self, data: object) -> Registration:
        if data is None:
            raise _Invalid("registration_number is required (its format)")
        spec = self._mapping(data, "registration_number", {"format", "classification"}, required=("format",))
        text = self._str(spec["format"], "registration_number.format")
        if not 0 < len(self._render_sample(text)) <= 64:
            raise _Invalid("registration_number.format must make a number of 1 to 64 characters")
        classification = self._mapping(
            spec.get("classification", {}), "registration_number.classification", {"by_service", "default"}
        )
        by_service = self._labels(classification.get("by_service", {}), "registration_number.classification.by_service")
        return Registration(
            format=text,
            by_service=by_service,
            default_classification=self._str(
                classification.get("default", ""), "registration_number.classification.default", empty=True
            ),
        )

    def _statuses(
        self,
        data: object,
        fields: Mapping[str, FormField],
        appointment: Appointment | None,
        delivery: Delivery | None,
        *,
        subject_given: bool,
    ) -> list[Status]:
        if not isinstance(data, list) or not data:
            raise _Invalid("statuses must be a non-empty list")
        if appointment is not None:  # checked first: the notes' variables depend on it
            booking = next((s for s in data if isinstance(s, dict) and s.get("code") == appointment.status), None)
            if booking is None or booking.get("outcome") != "in_process" or booking.get("when"):
                raise _Invalid("appointment.status must name an in_process status without `when`")
        statuses: list[Status] = []
        booked = False  # from the appointment's status on, its variables are known
        for n, raw in enumerate(data):
            where = f"statuses[{n}]"
            spec = self._mapping(
                raw, where, {"code", "label", "outcome", "note", "when"}, required=("code", "label", "outcome", "note")
            )
            code = self._match(spec["code"], f"{where}.code", _STATUS_CODE)
            where = f"statuses[{n}] ({code})"
            outcome = spec["outcome"]
            if outcome not in OUTCOMES:
                raise _Invalid(f"{where}.outcome must be one of {', '.join(OUTCOMES)}")
            when = self._condition(spec.get("when", {}), f"{where}.when")
            self._check_condition(when, fields, f"{where}.when")
            booked = booked or (appointment is not None and code == appointment.status)
            allowed = set(_NOTE_VARIABLES)
            allowed |= {"subject"} if subject_given else set()
            allowed |= {"registration_number"} if outcome == "approved" else set()
            allowed |= _APPOINTMENT_VARIABLES if booked else set()
            allowed |= _DELIVERY_VARIABLES if delivery else set()
            statuses.append(
                Status(
                    code=code,
                    label=self._str(spec["label"], f"{where}.label"),
                    outcome=outcome,
                    note=self._template(spec["note"], f"{where}.note", allowed),
                    when=when,
                )
            )
        codes = [s.code for s in statuses]
        if len(set(codes)) != len(codes):
            raise _Invalid("statuses: each code once")
        if statuses[0].outcome != "in_process" or statuses[0].when:
            raise _Invalid("statuses: the first (the case received) must be in_process, without `when`")
        if not any(s.outcome == "rejected" and not s.when for s in statuses):
            raise _Invalid("statuses: a rejected status without `when` is needed (where a rejection stops)")
        self._check_approval_covers(statuses, fields)
        return statuses

    def _check_approval_covers(self, statuses: Sequence[Status], fields: Mapping[str, FormField]) -> None:
        """Every approved case reaches an approved status, whatever the form says."""
        approved = [s for s in statuses if s.outcome == "approved"]
        if not approved:
            raise _Invalid("statuses: an approved status is needed")
        if any(not s.when for s in approved):
            return
        names = {name for s in approved for name in s.when}
        if len(names) != 1 or any(len(s.when) != 1 for s in approved):
            raise _Invalid("statuses: conditional approved statuses must all depend on one choice field")
        [name] = names
        covered = {value for s in approved for value in s.when[name]}
        if name not in fields or set(fields[name].choices) - covered:
            raise _Invalid(f"statuses: the approved statuses must cover every choice of form field {name}")

    def _portal(self, data: object, fields: Mapping[str, FormField], required: Sequence[str]) -> Portal | None:
        if data is None:
            return None
        spec = self._mapping(
            data, "portal", {"service", "title", "intro", "fields"}, required=("service", "title", "fields")
        )
        service = self._mapping(spec["service"], "portal.service", {"code", "name"}, required=("code", "name"))
        names = self._names(spec["fields"], "portal.fields")
        unknown = [n for n in names if n not in fields]
        if unknown:
            raise _Invalid(f"portal.fields names undeclared fields: {', '.join(unknown)}")
        missing = [n for n in required if n not in names]
        if missing:
            raise _Invalid(f"portal.fields must ask for every required field; missing: {', '.join(missing)}")
        return Portal(
            service_code=self._match(service["code"], "portal.service.code", _CODE),
            service_name=self._str(service["name"], "portal.service.name"),
            title=self._str(spec["title"], "portal.title"),
            intro=self._str(spec.get("intro", ""), "portal.intro", empty=True),
            fields=tuple(names),
        )

    # --- small checks ---

    def _mapping(
        self, data: object, where: str, keys: set[str] | None = None, *, required: Sequence[str] = ()
    ) -> dict[str, object]:
        if not isinstance(data, dict):
            raise _Invalid(f"{where} must be a mapping")
        if keys is not None:
            unknown = sorted(str(k) for k in data if k not in keys)
            if unknown:
                raise _Invalid(f"{where}: unknown key(s) {', '.join(unknown)}")
        missing = [k for k in required if k not in data]
        if missing:
            raise _Invalid(f"{where}: missing {', '.join(missing)}")
        return {str(k): v for k, v in data.items()}

    def _str(self, value: object, where: str, *, empty: bool = False) -> str:
        if not isinstance(value, str) or (not empty and not value.strip()):
            raise _Invalid(f"{where} must be {'text' if empty else 'non-empty text'}")
        return value.strip()

    def _match(self, value: object, where: str, pattern: re.Pattern[str]) -> str:
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise _Invalid(f"{where} must match {pattern.pattern}, got {value!r}")
        return value

    def _names(self, value: object, where: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) and _FIELD_NAME.fullmatch(v) for v in value):
            raise _Invalid(f"{where} must be a list of form keys (matching {_FIELD_NAME.pattern})")
        if len(set(value)) != len(value):
            raise _Invalid(f"{where}: each key once")
        return value

    def _labels(self, value: object, where: str) -> dict[str, str]:
        mapping = self._mapping(value, where)
        return {str(k): self._str(v, f"{where}.{k}") for k, v in mapping.items()}

    def _condition(self, value: object, where: str) -> dict[str, tuple[str, ...]]:
        mapping = self._mapping(value, where)
        condition = {}
        for name, wanted in mapping.items():
            self._match(name, where, _FIELD_NAME)
            values = wanted if isinstance(wanted, list) else [wanted]
            if not values or not all(isinstance(v, str) and v for v in values):
                raise _Invalid(f"{where}.{name} must be a value or a list of values")
            condition[name] = tuple(values)
        return condition

    def _check_condition(
        self, condition: Mapping[str, tuple[str, ...]], fields: Mapping[str, FormField], where: str
    ) -> None:
        for name, values in condition.items():
            choices = fields[name].choices if name in fields else {}
            if not choices or any(v not in choices for v in values):
                raise _Invalid(f"{where}: {name} must be a choice field and the values its choices")

    def _template(self, value: object, where: str, allowed: set[str] | frozenset[str]) -> str:
        text = self._str(value, where)
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
        except ValueError as exc:
            raise _Invalid(f"{where}: malformed template: {exc}") from None
        for name in names:
            if name not in allowed:
                known = ", ".join(sorted(allowed)) or "none"
                raise _Invalid(f"{where}: unknown variable {{{name}}} (known here: {known})")
        return text

    def _render_sample(self, text: str) -> str:
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
            unknown = [n for n in names if n not in _REGISTRATION_SAMPLE]
            if unknown:
                raise _Invalid(
                    f"registration_number.format: unknown variable {{{unknown[0]}}}"
                    f" (known: {', '.join(_REGISTRATION_SAMPLE)})"
                )
            return text.format_map(_REGISTRATION_SAMPLE)
        except (ValueError, TypeError) as exc:
            raise _Invalid(f"registration_number.format: {exc}") from None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
