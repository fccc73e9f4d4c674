"""HTTP API of the payment-network simulator (Flask, served by granian).

    granian --interface wsgi --factory simulators.paynet.app:create_app

Every SNAP call (/v1.0/*) goes: faults -> who is calling (auth.py) -> the X-EXTERNAL-ID (a
successful answer is remembered and replayed, in the same transaction that made it) -> the
body. Payments are made at the bank page (bank.py) or on /admin (X-Admin-Token); each is
notified to the platform by the worker thread (worker.py) when there is a platform URL.
Errors are always JSON in SNAP form {"responseCode", "responseMessage"}; bad input is a 4xx,
never a 500.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Mapping
from datetime import datetime

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from .. import admin, fault_injection, sqlite_store, web
from ..web import Refusal
from . import auth, bank, bills, context, faults, keys, qris, representations, schemas, snap, store
from .settings import ENV_PREFIX, Settings
from .snap import JAKARTA, SnapError
from .worker import NotificationWorker

API_PREFIX = "/v1.0/"
MAX_REQUEST_BYTES = 64 * 1024
MAX_ADMIN_LIST = 100
_REFUSALS = {bills.NOT_FOUND: snap.not_found, bills.PAID: snap.paid_bill, bills.EXPIRED: snap.bill_expired}

log = logging.getLogger(__name__)

Handler = Callable[[sqlite3.Connection, dict[str, object]], dict[str, object]]


def create_app(environ: Mapping[str, str] | None = None) -> Flask:
    """The WSGI app, configured from PAYNET_* variables (see settings.py), with its notification
    thread running when there is a platform URL. Raises ValueError at start-up for a malformed
    setting or a key file it cannot read."""
    env = os.environ if environ is None else environ
    settings = Settings.from_env(env)
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.config.update(
        DB_PATH=settings.db_path,
        SETTINGS=settings,
        PLATFORM_PUBLIC_KEY=keys.load_public_key(
            settings.platform_public_key_file, source="PAYNET_PLATFORM_PUBLIC_KEY_FILE"
        ),
        FAULT_DEFAULTS=faults.from_env(env),
        HANG_SECONDS=fault_injection.hang_seconds_from_env(env, ENV_PREFIX),
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
    )
    store.connect(settings.db_path).close()  # the schema exists before the first call
    app.before_request(_guard_api)
    _install_error_handlers(app)
    _register_api(app)
    _register_admin(app)
    app.register_blueprint(bank.blueprint)
    if settings.platform_url:
        worker = NotificationWorker(settings, app.config["FAULT_DEFAULTS"])
        app.extensions[context.WORKER] = worker
        worker.start()
    return app


# --- the path of every API call ------------------------------------------------------


def _guard_api() -> None:
    """Faults first, before anything is read or stored (an overloaded network fails everyone)."""
    # Read the body before any early answer: granian closes a keep-alive connection whose
    # request body was left unread, and a client that reuses it sees "Server disconnected".
    request.get_data()
    if not request.path.startswith(API_PREFIX):
        return
    outcome = fault_injection.delay_and_draw(
        fault_injection.current_faults(context.db(), current_app.config["FAULT_DEFAULTS"])
    )
    if outcome == "timeout":
        time.sleep(current_app.config["HANG_SECONDS"])
        raise snap.timeout()
    if outcome == "error":
        raise snap.general_error()


def _install_error_handlers(app: Flask) -> None:
    """Every error as SNAP JSON: the contract's own, the shared helpers' refusals (admin token,
    fault settings, malformed JSON), Werkzeug's HTTP errors and anything unexpected."""

    def answer(error: SnapError, headers: Mapping[str, str] | None = None) -> Response:
        response = jsonify(error.body(snap.service_of(request.path)))
        response.status_code = error.status
        response.headers.update(headers or {})
        return response

    @app.errorhandler(SnapError)
    def snap_error(exc: SnapError) -> Response:
        return answer(exc)

    @app.errorhandler(Refusal)
    def refused(exc: Refusal) -> Response:
        return answer(SnapError(exc.status, "00", exc.message), exc.headers)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        return answer(SnapError(exc.code or 500, "00", exc.name))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        log.exception("unexpected error")
        return answer(snap.general_error())


def _answered_once(handle: Handler) -> Response:
    """Verify the call, then answer it once per X-EXTERNAL-ID: the same id and body that day
    get the first successful answer again (changing nothing), another body a 409 Conflict.
    A refusal is not remembered: it changed nothing, and asking again re-checks."""
    conn = context.db()
    caller = auth.verify_call(conn, context.settings())
    body = schemas.json_object(request.get_data())
    fingerprint = hashlib.sha256(json.dumps([request.method, request.path, body], sort_keys=True).encode()).hexdigest()
    with sqlite_store.transaction(conn):
        earlier = store.earlier_answer(conn, caller.client_key, caller.day, caller.external_id)
        if earlier is not None and earlier["fingerprint"] != fingerprint:
            raise snap.conflict()
        if earlier is not None:
            text = earlier["body"]
        else:
            text = snap.minified(handle(conn, body)).decode()
            store.remember_answer(
                conn, caller.client_key, caller.day, caller.external_id, fingerprint=fingerprint, body=text
            )
    return Response(text, mimetype="application/json")


# --- the SNAP calls ------------------------------------------------------------------


def _create_va(conn: sqlite3.Connection, body: dict[str, object]) -> dict[str, object]:
    bill = schemas.new_bill(body, context.settings().padded_partner_service_id)
    try:
        row = bills.create(conn, bill)
    except bills.DuplicateVa:
        raise snap.duplicate_va() from None
    return snap.success("27", virtualAccountData=representations.virtual_account_data(row))


def _va_status(conn: sqlite3.Connection, body: dict[str, object]) -> dict[str, object]:
    number, inquiry_request_id = schemas.status_query(body)
    bill = _bill(conn, number)
    data = representations.status_data(bill, bills.payment_of(conn, bill["id"]), inquiry_request_id)
    return snap.success("26", virtualAccountData=data)


def _qr_generate(conn: sqlite3.Connection, body: dict[str, object]) -> dict[str, object]:
    """A dynamic QR for an open bill of that amount; the same partnerReferenceNo for the same bill
    answers the same QR while it is valid (a retry under a new X-EXTERNAL-ID makes no second one)."""
    settings = context.settings()
    wanted = schemas.qr_request(body, settings.client_key)
    if wanted.valid_until is not None and wanted.valid_until < time.time():
        raise snap.invalid_field("validityPeriod")
    bill = _bill(conn, wanted.virtual_account_no)
    state = bills.state(bill, bills.payment_of(conn, bill["id"]))
    if state != "open":
        raise _REFUSALS[state]()
    if wanted.amount != bill["amount"]:
        raise snap.invalid_amount()

    def content(reference: str) -> str:
        return qris.merchant_presented(
            amount=bill["amount"],
            reference=reference,
            merchant_id=settings.client_key,
            merchant_name=settings.merchant_name,
            merchant_city=settings.merchant_city,
            acquirer=settings.partner_service_id,
        )

    reference = wanted.partner_reference_no
    code = bills.open_qr(conn, bill, reference, time.time()) or bills.create_qr(
        conn, bill, partner_reference_no=reference, valid_until=wanted.valid_until, content_for=content
    )
    return snap.success(
        "47",
        referenceNo=code["reference_no"],
        partnerReferenceNo=code["partner_reference_no"],
        qrContent=code["content"],
    )


def _qr_query(conn: sqlite3.Connection, body: dict[str, object]) -> dict[str, object]:
    reference, partner_reference = schemas.qr_query(body)
    code = bills.qr(conn, reference)
    if code is None or partner_reference not in (None, code["partner_reference_no"]):
        raise snap.not_found()
    return snap.success("51", **representations.qr_status(code, bills.payment_of(conn, code["bill_id"])))


def _bill(conn: sqlite3.Connection, number: str) -> sqlite3.Row:
    bill = bills.by_va(conn, number)
    if bill is None:
        raise snap.not_found()
    return bill


def _register_api(app: Flask) -> None:
    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @app.post("/v1.0/access-token/b2b")
    def access_token() -> Response:
        public_key = current_app.config["PLATFORM_PUBLIC_KEY"]
        return jsonify(auth.issue_token(context.db(), context.settings(), public_key))

    @app.post("/v1.0/transfer-va/create-va")
    def create_va() -> Response:
        return _answered_once(_create_va)

    @app.post("/v1.0/transfer-va/status")
    def va_status() -> Response:
        return _answered_once(_va_status)

    @app.post("/v1.0/qr/qr-mpm-generate")
    def qr_generate() -> Response:
        return _answered_once(_qr_generate)

    @app.post("/v1.0/qr/qr-mpm-query")
    def qr_query() -> Response:
        return _answered_once(_qr_query)

    @app.get("/v1.0/settlements/<day>")
    def settlement_file(day: str) -> Response:
        """The day's payments as CSV; read-only, so its X-EXTERNAL-ID is checked but not remembered."""
        conn = context.db()
        auth.verify_call(conn, context.settings())
        wanted = schemas.settlement_day(day)
        if wanted >= datetime.now(JAKARTA).date():
            raise snap.too_early()
        return Response(
            representations.settlement_csv(store.settlement_lines(conn, wanted.isoformat())), mimetype="text/csv"
        )


# --- the admin endpoints -------------------------------------------------------------


def _require_admin() -> None:
    admin.require_admin(context.settings().admin_token, header="X-Admin-Token", variable="PAYNET_ADMIN_TOKEN")


def _payment_view(conn: sqlite3.Connection, payment: sqlite3.Row) -> dict[str, object]:
    return representations.payment(payment, store.notification_state(conn, payment["id"]))


def _register_admin(app: Flask) -> None:
    @app.post("/admin/pay")
    def pay() -> tuple[Response, int]:
        _require_admin()
        wanted = schemas.admin_payment(web.json_body())
        try:
            payment = context.take_payment(
                virtual_account_no=wanted.virtual_account_no, qr_reference=wanted.qr_reference, paid_at=wanted.paid_at
            )
        except bills.Refused as exc:
            raise _REFUSALS[exc.reason]() from None
        return jsonify(_payment_view(context.db(), payment)), 201

    @app.get("/admin/payments")
    def payments() -> Response:
        _require_admin()
        conn = context.db()
        rows = bills.payments(conn, trx_id=request.args.get("trxId"), limit=MAX_ADMIN_LIST)
        return jsonify(payments=[_payment_view(conn, row) for row in rows])

    @app.get("/admin/notifications")
    def notifications() -> Response:
        _require_admin()
        conn = context.db()
        rows = store.notifications(conn, trx_id=request.args.get("trxId"), limit=MAX_ADMIN_LIST)
        shown = [representations.notification_view(row, store.deliveries_of(conn, row["id"])) for row in rows]
        return jsonify(notifications=shown)

    @app.route("/admin/settlement-lines", methods=["GET", "POST"])
    def settlement_lines() -> Response | tuple[Response, int]:
        _require_admin()
        conn = context.db()
        if request.method == "GET":
            return jsonify(adjustments=[representations.adjustment(row) for row in store.adjustments(conn)])
        wanted = schemas.adjustment(web.json_body())
        with sqlite_store.transaction(conn):
            row = _adjust(conn, wanted)
        return jsonify(representations.adjustment(row)), 201

    @app.route("/admin/faults", methods=["GET", "POST", "PUT", "DELETE"])
    def admin_faults() -> Response:
        _require_admin()
        return fault_injection.faults_endpoint(context.db(), current_app.config["FAULT_DEFAULTS"])


def _adjust(conn: sqlite3.Connection, wanted: schemas.Adjustment) -> sqlite3.Row:
    """Record a settlement-file adjustment (inside the caller's transaction)."""
    if wanted.kind == "extra":
        return store.adjust_settlement(conn, "extra", payment_id=None, **wanted.line)
    payment = bills.payment(conn, wanted.payment_request_id or "")
    if payment is None:
        raise Refusal(404, "not_found", f"no payment {wanted.payment_request_id}")
    return store.adjust_settlement(
        conn,
        wanted.kind,
        payment_id=payment["id"],
        settle_date=payment["settle_date"],
        payment_request_id=payment["payment_request_id"],
        **wanted.line,
    )
