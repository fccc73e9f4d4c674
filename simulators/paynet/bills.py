"""What the network holds for the platform: bills (a retribusi VA or a PNBP billing code), the
dynamic QRs issued for them, and their payments, at most one per bill.

Every function runs inside the caller's transaction (sqlite_store.transaction), so checking a
bill and recording its payment is one step for every server worker; the UNIQUE bill_id of
payments holds even if a caller forgets.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import string
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from .. import sqlite_store
from .snap import JAKARTA

SCHEMA = """
CREATE TABLE IF NOT EXISTS bills (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('va', 'billing')),
    trx_id TEXT NOT NULL UNIQUE,  -- the platform's bill id
    va_key TEXT NOT NULL UNIQUE,  -- the VA number or billing code without its padding: what is looked up
    partner_service_id TEXT NOT NULL,
    customer_no TEXT NOT NULL,
    virtual_account_no TEXT NOT NULL,  -- as on the wire
    name TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount > 0),  -- whole rupiah
    expired_date TEXT,  -- as sent
    expires_at REAL,  -- the same, Unix seconds
    additional_info TEXT,  -- JSON, as sent
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS qr_codes (
    id INTEGER PRIMARY KEY,
    reference_no TEXT NOT NULL UNIQUE,  -- the network's, in tag 62.05
    partner_reference_no TEXT NOT NULL,
    bill_id INTEGER NOT NULL REFERENCES bills (id),
    content TEXT NOT NULL,
    expires_at REAL,  -- the earlier of its validity period and its bill's expiry
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS qr_codes_bill ON qr_codes (bill_id);
CREATE TABLE IF NOT EXISTS payments (
    id INTEGER PRIMARY KEY,
    payment_request_id TEXT NOT NULL UNIQUE,
    bill_id INTEGER NOT NULL UNIQUE REFERENCES bills (id),  -- one payment per bill
    qr_id INTEGER REFERENCES qr_codes (id),
    channel TEXT NOT NULL CHECK (channel IN ('va', 'qris')),
    amount INTEGER NOT NULL,
    paid_at TEXT NOT NULL,  -- ISO 8601 in WIB
    settle_date TEXT NOT NULL,  -- the day of paid_at in WIB
    reference_no TEXT NOT NULL UNIQUE,
    ntpn TEXT,  -- PNBP only
    ntb TEXT,  -- PNBP only
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS payments_day ON payments (settle_date);
"""
#: A payment with what the notification, the inquiry and the admin show of its bill and QR.
PAYMENT_VIEW = (
    "SELECT p.*, b.kind, b.trx_id, b.partner_service_id, b.customer_no, b.virtual_account_no, b.name,"
    " q.reference_no AS qr_reference FROM payments p JOIN bills b ON b.id = p.bill_id"
    " LEFT JOIN qr_codes q ON q.id = p.qr_id"
)
NOT_FOUND, PAID, EXPIRED = "not_found", "paid", "expired"
_NTPN_ALPHABET = string.digits + string.ascii_uppercase


@dataclass(frozen=True)
class NewBill:
    kind: str  # "va" or "billing"
    partner_service_id: str  # eight characters; blank for a billing code (filled in on creation)
    customer_no: str
    virtual_account_no: str
    name: str
    trx_id: str
    amount: int
    expired_date: str | None
    expires_at: float | None
    additional_info: dict[str, object] | None


class DuplicateVa(Exception):
    """The VA number belongs to another bill."""


class Refused(Exception):
    """The network takes no payment for this: args[0] is NOT_FOUND, PAID or EXPIRED."""

    @property
    def reason(self) -> str:
        return self.args[0]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def va_key(number: str) -> str:
    """A VA number or billing code as it is looked up: without the spaces of its padding."""
    return number.replace(" ", "")


# --- bills ---------------------------------------------------------------------------


def create(conn: sqlite3.Connection, bill: NewBill) -> sqlite3.Row:
    """Store the bill, or answer the one stored for its trxId before; a billing code is issued
    here. Raises DuplicateVa for a VA number another bill holds."""
    earlier = conn.execute("SELECT * FROM bills WHERE trx_id = ?", (bill.trx_id,)).fetchone()
    if earlier is not None:
        return earlier
    partner_service_id, customer_no, number = bill.partner_service_id, bill.customer_no, bill.virtual_account_no
    if bill.kind == "billing":
        day = datetime.now(JAKARTA).strftime("%y%m%d")
        number = customer_no = f"82{day}{sqlite_store.next_value(conn, f'billing:{day}'):07d}"
        partner_service_id = " " * 8
    if by_va(conn, va_key(number)) is not None:
        raise DuplicateVa(number)
    return conn.execute(
        "INSERT INTO bills (kind, trx_id, va_key, partner_service_id, customer_no, virtual_account_no, name, amount,"
        " expired_date, expires_at, additional_info, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " RETURNING *",
        (
            bill.kind,
            bill.trx_id,
            va_key(number),
            partner_service_id,
            customer_no,
            number,
            bill.name,
            bill.amount,
            bill.expired_date,
            bill.expires_at,
            None if bill.additional_info is None else json.dumps(bill.additional_info, ensure_ascii=False),
            now_iso(),
        ),
    ).fetchone()


def by_va(conn: sqlite3.Connection, key: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM bills WHERE va_key = ?", (va_key(key),)).fetchone()


def state(bill: sqlite3.Row, payment: sqlite3.Row | None, now: float | None = None) -> str:
    """PAID, EXPIRED or "open", of a bill or of a QR (whose expiry is never later than its bill's)."""
    if payment is not None:
        return PAID
    expires_at = bill["expires_at"]
    return EXPIRED if expires_at is not None and (time.time() if now is None else now) > expires_at else "open"


# --- QRs -----------------------------------------------------------------------------


def create_qr(
    conn: sqlite3.Connection,
    bill: sqlite3.Row,
    *,
    partner_reference_no: str,
    valid_until: float | None,
    content_for: Callable[[str], str],
) -> sqlite3.Row:
    """A new QR for `bill`, its content made by `content_for(reference)`."""
    day = datetime.now(JAKARTA).strftime("%y%m%d")
    reference = f"QR{day}{sqlite_store.next_value(conn, f'qr:{day}'):08d}"
    deadlines = [t for t in (valid_until, bill["expires_at"]) if t is not None]
    return conn.execute(
        "INSERT INTO qr_codes (reference_no, partner_reference_no, bill_id, content, expires_at, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
        (reference, partner_reference_no, bill["id"], content_for(reference), min(deadlines, default=None), now_iso()),
    ).fetchone()


def open_qr(conn: sqlite3.Connection, bill: sqlite3.Row, partner_reference_no: str, now: float) -> sqlite3.Row | None:
    """The latest QR of `bill` under `partner_reference_no` that is still valid, if any."""
    return conn.execute(
        "SELECT * FROM qr_codes WHERE bill_id = ? AND partner_reference_no = ?"
        " AND (expires_at IS NULL OR expires_at >= ?) ORDER BY id DESC LIMIT 1",
        (bill["id"], partner_reference_no, now),
    ).fetchone()


def qr(conn: sqlite3.Connection, reference: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM qr_codes WHERE reference_no = ?", (reference,)).fetchone()


def bill_of_qr(conn: sqlite3.Connection, code: sqlite3.Row) -> sqlite3.Row:
    return conn.execute("SELECT * FROM bills WHERE id = ?", (code["bill_id"],)).fetchone()


def waiting_qrs(conn: sqlite3.Connection, now: float, limit: int) -> list[sqlite3.Row]:
    """QRs that can still be paid, newest first, with their bill's name and amount."""
    return conn.execute(
        "SELECT q.*, b.name, b.amount FROM qr_codes q JOIN bills b ON b.id = q.bill_id"
        " WHERE NOT EXISTS (SELECT 1 FROM payments p WHERE p.bill_id = q.bill_id)"
        " AND (q.expires_at IS NULL OR q.expires_at >= ?) ORDER BY q.id DESC LIMIT ?",
        (now, limit),
    ).fetchall()


# --- payments ------------------------------------------------------------------------


def payable(
    conn: sqlite3.Connection, *, virtual_account_no: str | None = None, qr_reference: str | None = None
) -> tuple[sqlite3.Row, sqlite3.Row | None]:
    """The bill (and QR) a payment is for; Refused(NOT_FOUND) when the network knows neither."""
    if qr_reference is not None:
        code = qr(conn, qr_reference)
        if code is None:
            raise Refused(NOT_FOUND)
        return bill_of_qr(conn, code), code
    bill = by_va(conn, virtual_account_no or "")
    if bill is None:
        raise Refused(NOT_FOUND)
    return bill, None


def pay(conn: sqlite3.Connection, bill: sqlite3.Row, code: sqlite3.Row | None, paid_at: datetime) -> sqlite3.Row:
    """Record the payment of `bill` (through QR `code`, else its VA) at `paid_at`; the payment
    as PAYMENT_VIEW shows it. Refused(PAID) for a bill paid before, Refused(EXPIRED) past its
    (or the QR's) expiry."""
    if payment_of(conn, bill["id"]) is not None:
        raise Refused(PAID)
    deadline = (code or bill)["expires_at"]
    if deadline is not None and paid_at.timestamp() > deadline:
        raise Refused(EXPIRED)
    local = paid_at.astimezone(JAKARTA)
    number = sqlite_store.next_value(conn, f"payment:{local:%Y%m%d}")
    pnbp = bill["kind"] == "billing"
    try:
        payment_id = conn.execute(
            "INSERT INTO payments (payment_request_id, bill_id, qr_id, channel, amount, paid_at, settle_date,"
            " reference_no, ntpn, ntb, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                f"PN{local:%Y%m%d}{number:06d}",
                bill["id"],
                None if code is None else code["id"],
                "va" if code is None else "qris",
                bill["amount"],
                local.isoformat(timespec="seconds"),
                local.date().isoformat(),
                f"{local:%y%m%d}{number:06d}",
                "".join(secrets.choice(_NTPN_ALPHABET) for _ in range(16)) if pnbp else None,
                f"0140{local:%y%m%d}{number:06d}" if pnbp else None,
                now_iso(),
            ),
        ).fetchone()[0]
    except sqlite3.IntegrityError:  # only if a caller paid outside a write transaction
        raise Refused(PAID) from None
    return payment_by_id(conn, payment_id)


def payment_of(conn: sqlite3.Connection, bill_id: int) -> sqlite3.Row | None:
    return conn.execute(f"{PAYMENT_VIEW} WHERE p.bill_id = ?", (bill_id,)).fetchone()


def payment_by_id(conn: sqlite3.Connection, payment_id: int) -> sqlite3.Row:
    return conn.execute(f"{PAYMENT_VIEW} WHERE p.id = ?", (payment_id,)).fetchone()


def payment(conn: sqlite3.Connection, payment_request_id: str) -> sqlite3.Row | None:
    return conn.execute(f"{PAYMENT_VIEW} WHERE p.payment_request_id = ?", (payment_request_id,)).fetchone()


def payments(conn: sqlite3.Connection, *, trx_id: str | None, limit: int) -> list[sqlite3.Row]:
    """Latest first, optionally only those of one bill."""
    where, args = ("WHERE b.trx_id = ?", (trx_id,)) if trx_id is not None else ("", ())
    return conn.execute(f"{PAYMENT_VIEW} {where} ORDER BY p.id DESC LIMIT ?", (*args, limit)).fetchall()
