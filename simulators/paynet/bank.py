"""The bank's own page, where a citizen (a test, the demo) pays a bill: enter a VA number or
billing code, or paste a QRIS string or pick one waiting, see the bill, press "Bayar".

Plain server-rendered HTML in Indonesian (templates/bank, static/bank.css), no JavaScript.
Looking up is a GET; paying is a POST that redirects to the receipt (post/redirect/get), and
a refused payment shows its reason on the page. Payments taken here are notified to the
platform like any other (context.take_payment).
"""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime

from flask import Blueprint, Response, redirect, render_template, request, url_for

from . import bills, context, qris
from .snap import JAKARTA

blueprint = Blueprint("bank", __name__, url_prefix="/bank")
WAITING_LIMIT = 20
MESSAGES = {
    bills.NOT_FOUND: "Nomor virtual account atau kode billing tidak ditemukan.",
    bills.PAID: "Tagihan ini sudah dibayar.",
    bills.EXPIRED: "Tagihan ini sudah kedaluwarsa dan tidak dapat dibayar.",
    "bad_number": "Masukkan nomor virtual account atau kode billing berupa angka.",
    "bad_qr": "Isi kode QRIS tidak valid. Salin seluruh isi kode QRIS, lalu coba lagi.",
    "unknown_qr": "QRIS tidak ditemukan.",
    "unknown_receipt": "Bukti pembayaran tidak ditemukan.",
}
STATES = {bills.PAID: "Sudah dibayar", bills.EXPIRED: "Kedaluwarsa", "open": "Belum dibayar"}
MONTHS = (
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
ZONES = {7: "WIB", 8: "WITA", 9: "WIT"}

Page = tuple[str, int]


@blueprint.app_template_filter("rupiah")
def rupiah(amount: int) -> str:
    """Rp30.000: whole rupiah, dots between thousands."""
    return f"Rp{amount:,}".replace(",", ".")


@blueprint.app_template_filter("waktu")
def waktu(value: str | float | None) -> str:
    """8 Desember 2026, 23.59 WITA: an ISO 8601 time in its own zone, Unix seconds in WIB."""
    if value is None:
        return "Tidak ada batas waktu"
    at = datetime.fromisoformat(value) if isinstance(value, str) else datetime.fromtimestamp(value, JAKARTA)
    hours = at.utcoffset().total_seconds() / 3600  # type: ignore[union-attr]
    zone = ZONES.get(int(hours), at.strftime("UTC%z")) if hours.is_integer() else at.strftime("UTC%z")
    return f"{at.day} {MONTHS[at.month - 1]} {at.year}, {at:%H.%M} {zone}"


# --- pages ---------------------------------------------------------------------------


@blueprint.get("/")
def index() -> Page:
    return _index()


@blueprint.get("/tagihan")
def bill() -> Page:
    number = request.args.get("nomor", "").strip()
    if not bills.va_key(number).isdigit():
        return _index(MESSAGES["bad_number"], 400, number=number)
    found = bills.by_va(context.db(), number)
    if found is None:
        return _index(MESSAGES[bills.NOT_FOUND], 404, number=number)
    return _bill_page(found, None)


@blueprint.post("/tagihan/bayar")
def pay_bill() -> Page | Response:
    number = request.form.get("nomor", "").strip()
    try:
        payment = context.take_payment(virtual_account_no=bills.va_key(number))
    except bills.Refused as exc:
        if exc.reason == bills.NOT_FOUND:
            return _index(MESSAGES[bills.NOT_FOUND], 404, number=number)
        return _bill_page(bills.by_va(context.db(), number), None, exc.reason)
    return _to_receipt(payment)


@blueprint.get("/qris")
def qr_lookup() -> Page | Response:
    content = request.args.get("konten", "").strip()
    try:
        reference = qris.reference_of(content)
    except ValueError:
        return _index(MESSAGES["bad_qr"], 400, content=content)
    code = bills.qr(context.db(), reference)
    if code is None or code["content"] != content:
        return _index(MESSAGES["unknown_qr"], 404, content=content)
    return redirect(url_for("bank.qr_page", reference=reference), 303)


@blueprint.get("/qris/<reference>")
def qr_page(reference: str) -> Page:
    conn = context.db()
    code = bills.qr(conn, reference)
    if code is None:
        return _index(MESSAGES["unknown_qr"], 404)
    return _bill_page(bills.bill_of_qr(conn, code), code)


@blueprint.post("/qris/<reference>/bayar")
def pay_qr(reference: str) -> Page | Response:
    try:
        payment = context.take_payment(qr_reference=reference)
    except bills.Refused as exc:
        if exc.reason == bills.NOT_FOUND:
            return _index(MESSAGES["unknown_qr"], 404)
        return _qr_page_with(reference, exc.reason)
    return _to_receipt(payment)


@blueprint.get("/bukti/<payment_request_id>")
def receipt(payment_request_id: str) -> Page:
    payment = bills.payment(context.db(), payment_request_id)
    if payment is None:
        return _index(MESSAGES["unknown_receipt"], 404)
    return render_template("bank/receipt.html", payment=payment), 200


# --- helpers -------------------------------------------------------------------------


def _index(error: str | None = None, status: int = 200, *, number: str = "", content: str = "") -> Page:
    waiting = bills.waiting_qrs(context.db(), time.time(), WAITING_LIMIT)
    page = render_template("bank/index.html", waiting=waiting, error=error, number=number, content=content)
    return page, status


def _bill_page(bill: sqlite3.Row, code: sqlite3.Row | None, refused: str | None = None) -> Page:
    """The bill (and the QR it is paid by): its details, its state, "Bayar" while it can be paid.
    `refused`: the reason a payment was just refused (a 409)."""
    payment = bills.payment_of(context.db(), bill["id"])
    state = bills.state(code or bill, payment)
    page = render_template(
        "bank/bill.html",
        bill=bill,
        code=code,
        payment=payment,
        state=state,
        state_text=STATES[state],
        error=MESSAGES.get(refused or state),
    )
    return page, 409 if refused else 200


def _qr_page_with(reference: str, refused: str) -> Page:
    conn = context.db()
    code = bills.qr(conn, reference)
    return _bill_page(bills.bill_of_qr(conn, code), code, refused)


def _to_receipt(payment: sqlite3.Row) -> Response:
    return redirect(url_for("bank.receipt", payment_request_id=payment["payment_request_id"]), 303)
