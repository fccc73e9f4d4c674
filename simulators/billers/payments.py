"""Confirming a payment, exactly once: the platform says it took the money for a bill, and
the back end records it and marks the bill's periods paid.

Everything runs in one BEGIN IMMEDIATE transaction (one writer at a time across all server
workers), in this order:

1. the Idempotency-Key seen before: the same confirmation answers its receipt again (200),
   another one is refused (422 idempotency_key_reused); nothing is recorded twice;
2. the bill: unknown (404), paid under another key (409 already_paid), or no longer what is
   due (409 bill_changed: a month was added, a penalty grew, or part was paid meanwhile);
3. the amount must be the bill's (422 amount_mismatch);
4. the payment is recorded with its receipt number and the periods marked paid.

The payments table's UNIQUE (service, idempotency_key) and UNIQUE (bill_id) back this up.
A refused confirmation records nothing, so its key stays free.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from .. import sqlite_store
from ..web import Refusal
from . import billing, store
from .billing import Service
from .schemas import Payment


def confirm(
    conn: sqlite3.Connection, service: Service, key: str, payment: Payment, today: date
) -> tuple[sqlite3.Row, bool]:
    """(the payment, True) when recorded now; (the earlier one, False) for a replay of its key.
    Raises a Refusal (see the module docstring) otherwise."""
    fingerprint = payment.fingerprint()
    with sqlite_store.transaction(conn):
        earlier = store.payment_by_key(conn, service.name, key)
        if earlier is not None:
            if earlier["fingerprint"] != fingerprint:
                raise Refusal(
                    422,
                    "idempotency_key_reused",
                    f"this Idempotency-Key confirmed {earlier['bill_id']} with another body;"
                    " another payment needs another key",
                )
            return earlier, False
        bill, due = _payable_bill(conn, service, payment, today)
        recorded = store.insert_payment(
            conn,
            receipt_no=store.numbered(conn, service.receipt_prefix, today),
            service=service.name,
            idempotency_key=key,
            fingerprint=fingerprint,
            bill_id=bill["id"],
            amount=payment.amount,
            paid_at=payment.paid_at,
            reference=payment.reference,
            channel=payment.channel,
            recorded_at=store.now_iso(),
        )
        store.mark_paid(conn, service.name, bill["subject"], due.periods, recorded)
    return recorded, True


def _payable_bill(
    conn: sqlite3.Connection, service: Service, payment: Payment, today: date
) -> tuple[sqlite3.Row, billing.Due]:
    """The bill the payment is for and what it asks for, if it may be paid now; a Refusal otherwise."""
    bill = store.bill(conn, service.name, payment.bill_id)
    if bill is None:
        raise Refusal(404, "not_found", f"no {service.bill_prefix} bill {payment.bill_id}")
    paid = store.payment_of_bill(conn, bill["id"])
    if paid is not None:
        raise Refusal(
            409,
            "already_paid",
            f"bill {bill['id']} was paid under another Idempotency-Key (receipt {paid['receipt_no']})",
        )
    due = billing.due(service, store.unpaid_charges(conn, service.name, bill["subject"]), today)
    if due.fingerprint(service.name, bill["subject"]) != bill["fingerprint"]:
        raise Refusal(
            409,
            "bill_changed",
            f"what is due on {service.show_number(bill['subject'])} changed since bill {bill['id']} was issued;"
            " ask for the bill again",
        )
    if payment.amount != bill["amount"]:
        raise Refusal(422, "amount_mismatch", f"bill {bill['id']} is for {bill['amount']} rupiah, not {payment.amount}")
    return bill, due
