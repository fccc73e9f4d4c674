"""What the agency's back office decides about a case, and the status updates that tell the
platform, as the profile (profiles/<code>.yaml) lays them out.

Every case is approved unless its form asks for a rejection (`"simulate_reject": true`,
for demos and tests) or it falls within the configured reject rate. With a seed the
draw is a hash of the seed and the tracking number, so a case gets the same decision
whatever order the workers take the cases in.

An approved case gets a registration number (the profile's format, numbered per
classification and year); a case whose path goes through the profile's appointment status
is booked a visit on the first day with quota left at its office.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from .. import sqlite_store
from . import store
from .profiles import Profile, month_roman, render, rupiah, tanggal
from .store import NewUpdate


def is_rejected(application: Mapping[str, object], *, reject_rate: float, seed: int | None) -> bool:
    form = application.get("form")
    if isinstance(form, Mapping) and form.get("simulate_reject") is True:
        return True
    if not reject_rate:
        return False
    if seed is None:
        return random.random() < reject_rate
    digest = hashlib.sha256(f"{seed}:{application.get('tracking_number')}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < reject_rate


def form_of(application: Mapping[str, object]) -> Mapping[str, object]:
    form = application.get("form")
    return form if isinstance(form, Mapping) else {}


def service_of(application: Mapping[str, object]) -> tuple[str | None, str]:
    """The service's code and (stripped) name, as far as the application names them."""
    service = application.get("service")
    if not isinstance(service, Mapping):
        return None, ""
    code, name = service.get("code"), service.get("name")
    return (code if isinstance(code, str) else None), (name.strip() if isinstance(name, str) else "")


def registration_number(conn: sqlite3.Connection, profile: Profile, application: Mapping[str, object]) -> str:
    """The next registration number of the profile's format, such as 474.1/00042/DISDUKCAPIL/2026
    (inside the caller's transaction: the sequence is per classification and year)."""
    code, _ = service_of(application)
    classification = profile.registration.classification(code) or profile.code
    year = store.current_year()
    sequence = sqlite_store.next_value(conn, f"registration:{classification}:{year}")
    region = application.get("region_code")
    office = profile.appointment.office_for(form_of(application)).code if profile.appointment else ""
    return profile.registration.format.format_map(
        {
            "sequence": sequence,
            "year": year,
            "month": datetime.now(store.WIB).month,
            "month_roman": month_roman(datetime.now(store.WIB).month),
            "classification": classification,
            "region_digits": region.replace(".", "") if isinstance(region, str) else "",
            "office_code": office,
        }
    )


@dataclass(frozen=True)
class Plan:
    verdict: str  # approved | rejected
    updates: list[NewUpdate]
    external_reference: str | None


def plan(
    conn: sqlite3.Connection,
    profile: Profile,
    case: sqlite3.Row,
    application: Mapping[str, object],
    *,
    rejected: bool,
    skip: frozenset[str] = frozenset(),
) -> Plan:
    """The decision on `case` and the status updates that tell it, in order, leaving out the
    statuses in `skip` (a handed-over case reported its first status when it was created).
    Draws the registration number and books the visit (inside the caller's transaction)."""
    form = form_of(application)
    path = profile.path(form, rejected=rejected)
    reference = case["external_reference"]  # a handed-over case has one from the start
    if not rejected and reference is None:
        reference = registration_number(conn, profile, application)
    variables = _variables(profile, case["case_id"], application, reference)
    if profile.appointment and any(s.code == profile.appointment.status for s in path):
        office = profile.appointment.office_for(form)
        today = datetime.now(store.WIB).date()
        day = store.book_appointment(
            conn, case["id"], office.code, office.quota_per_day, profile.appointment.days(today)
        )
        variables |= _appointment_variables(profile, office.code, day)
    updates = [
        NewUpdate(
            status.code,
            render(status.note, variables),
            reference if status.outcome == "approved" else None,
            status.outcome,
        )
        for status in path
        if status.code not in skip
    ]
    return Plan("rejected" if rejected else "approved", updates, None if rejected else reference)


def initial_note_variables(profile: Profile, case_id: str, application: Mapping[str, object]) -> dict[str, str]:
    """What the first status's note may say before anything is decided."""
    return _variables(profile, case_id, application, None)


def _variables(
    profile: Profile, case_id: str, application: Mapping[str, object], reference: str | None
) -> dict[str, str]:
    form = form_of(application)
    _, service_name = service_of(application)
    applicant = application.get("applicant")
    name = applicant.get("name") if isinstance(applicant, Mapping) else None
    variables = {
        "case_id": case_id,
        "service_name": service_name,
        "subject": profile.subject(service_name),
        "agency": profile.agency,
        "fee": rupiah(profile.fee.for_form(form)),
        "fee_legal_basis": profile.fee.legal_basis,
        "applicant_name": name.strip() if isinstance(name, str) else "",
        "registration_number": reference or "",
    }
    if profile.delivery:
        way = form.get(profile.delivery.field)
        address = form.get(profile.delivery.address_field) if profile.delivery.address_field else None
        variables["delivery_label"] = profile.delivery.options.get(way, "") if isinstance(way, str) else ""
        variables["delivery_address"] = " ".join(address.split()) if isinstance(address, str) else ""
    return variables


def _appointment_variables(profile: Profile, office_code: str, day: date) -> dict[str, str]:
    assert profile.appointment is not None
    office = next(o for o in profile.appointment.offices if o.code == office_code)
    return {
        "appointment_date": tanggal(day),
        "appointment_time": profile.appointment.time,
        "office_name": office.name,
        "office_code": office.code,
    }


def appointment_view(profile: Profile, row: sqlite3.Row | None) -> dict[str, str] | None:
    """A case's visit for the case view and the portal, or None."""
    if row is None or profile.appointment is None:
        return None
    office = next((o for o in profile.appointment.offices if o.code == row["office"]), None)
    day = date.fromisoformat(row["day"])
    return {
        "office": row["office"],
        "office_name": office.name if office else row["office"],
        "date": row["day"],
        "date_text": tanggal(day),
        "time": profile.appointment.time,
    }
