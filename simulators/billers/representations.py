"""Bills, receipts, subjects and payments as JSON: one shape for each, the same wherever it
is shown."""

from __future__ import annotations

import json
import sqlite3

from .billing import Due, Service


def bill(service: Service, subject: sqlite3.Row, due: Due, bill_id: str | None) -> dict[str, object]:
    """The answer to an inquiry; bill_id and due_date are null when nothing is due."""
    return {
        "bill_id": bill_id,
        "subject": service.show_number(subject["number"]),
        "name": subject["name"],
        "address": subject["address"],
        "items": due.shown(),
        "amount_due": due.amount,
        "due_date": None if due.due_date is None else due.due_date.isoformat(),
    }


def receipt(payment: sqlite3.Row) -> dict[str, object]:
    return {
        "receipt_no": payment["receipt_no"],
        "bill_id": payment["bill_id"],
        "amount": payment["amount"],
        "paid_at": payment["paid_at"],
        "status": "paid",
    }


def subject(service: Service, row: sqlite3.Row) -> dict[str, object]:
    """A tax object or customer as the admin list shows it, with its unpaid periods (store.subjects)."""
    return {**_subject(service, row), "unpaid": row["unpaid"].split(",") if row["unpaid"] else []}


def subject_with_bills(service: Service, row: sqlite3.Row, charges: list[sqlite3.Row]) -> dict[str, object]:
    """A tax object or customer with all its own bills (store.charges_of)."""
    return {**_subject(service, row), "bills": [charge(service, c) for c in charges]}


def charge(service: Service, row: sqlite3.Row) -> dict[str, object]:
    """One of the back end's own bills: an SPPT or a month of water, and whether it is paid."""
    shown = {"period": row["period"], "amount": row["amount"]}
    if service.name == "pdam":
        shown["usage_m3"] = row["usage_m3"]
    # receipt_no is null for what was paid before the demo data begins
    return {**shown, "paid_at": row["paid_at"], "receipt_no": row["receipt_no"]}


def payment(row: sqlite3.Row, service: Service) -> dict[str, object]:
    """A recorded payment as /admin/payments shows it (store.payments), with the bill it paid."""
    return {
        **receipt(row),
        "service": row["service"],
        "subject": service.show_number(row["subject"]),
        "items": json.loads(row["items"]),
        "reference": row["reference"],
        "channel": row["channel"],
        "idempotency_key": row["idempotency_key"],
        "recorded_at": row["recorded_at"],
    }


def _subject(service: Service, row: sqlite3.Row) -> dict[str, object]:
    return {
        "subject": service.show_number(row["number"]),
        "name": row["name"],
        "address": row["address"],
        **json.loads(row["details"]),
    }
