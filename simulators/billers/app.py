"""HTTP API of the billers simulator (Flask, served by granian): PBB-P2 under /api/pbb/v1 and
PDAM under /api/pdam/v1, the same calls for both.

    granian --interface wsgi --factory simulators.billers.app:create_app

Every /api call goes: faults -> X-Api-Key. An inquiry reckons what is due on the simulated
today (clock.py) and names it by a bill id; a payment confirmation is recorded at most once
per Idempotency-Key and per bill (payments.py). The admin endpoints (X-Admin-Token) list the
subjects and payments, add bills, move the clock and switch faults. Errors are always JSON
{"error": code, "message": text}; bad input is a 4xx, never a 500.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Mapping
from datetime import date
from functools import partial

from flask import Flask, Response, current_app, g, jsonify, request

from .. import admin, fault_injection, sqlite_store, web
from ..web import Refusal, json_error
from . import billing, clock, faults, payments, representations, schemas, store
from .billing import SERVICES, Service
from .settings import ENV_PREFIX, Settings

API_PREFIX = "/api/"
MAX_REQUEST_BYTES = 16 * 1024  # a payment confirmation is a few hundred bytes

_connections = sqlite_store.ThreadConnections()


def _db() -> sqlite3.Connection:
    return _connections.get(current_app.config["DB_PATH"], store.connect)


def create_app(environ: Mapping[str, str] | None = None) -> Flask:
    """The WSGI app, configured from BILLERS_* variables (see settings.py). Raises ValueError
    at start-up for a malformed setting."""
    env = os.environ if environ is None else environ
    settings = Settings.from_env(env)
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.config.update(
        DB_PATH=settings.db_path,
        SETTINGS=settings,
        FAULT_DEFAULTS=faults.from_env(env),
        HANG_SECONDS=fault_injection.hang_seconds_from_env(env, ENV_PREFIX),
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
    )
    store.connect(settings.db_path).close()  # the schema exists before the first call
    app.before_request(_guard_api)
    web.install_error_handlers(app, what="the billers simulator")
    _register_routes(app)
    return app


# --- the path of every API call ------------------------------------------------------


def _guard_api() -> Response | None:
    return fault_injection.guard_keyed_api(
        prefix=API_PREFIX,
        conn=_db(),
        defaults=current_app.config["FAULT_DEFAULTS"],
        hang_seconds=current_app.config["HANG_SECONDS"],
        api_key=current_app.config["SETTINGS"].api_key,
        name="the biller",
        nothing_was="recorded",
        key_hint="the API key of the billers",
    )


def _require_admin() -> None:
    admin.require_admin(
        current_app.config["SETTINGS"].admin_token, header="X-Admin-Token", variable="BILLERS_ADMIN_TOKEN"
    )


def _today() -> date:
    return clock.today(_db(), current_app.config["SETTINGS"].today)


def _subject_or_404(service: Service, raw: str) -> sqlite3.Row:
    row = store.subject(_db(), service.name, schemas.number(service, raw))
    if row is None:
        raise Refusal(404, "not_found", f"no {service.what} {raw}")
    return row


# --- the API of each back end --------------------------------------------------------


def _inquire(service: Service, number: str) -> Response:
    subject, today = _subject_or_404(service, number), _today()
    due = billing.due(service, store.unpaid_charges(_db(), service.name, subject["number"]), today)
    bill_id = store.issue_bill(_db(), service, subject["number"], due, today) if due.items else None
    return jsonify(representations.bill(service, subject, due, bill_id))


def _pay(service: Service) -> tuple[Response, int] | Response:
    key = schemas.idempotency_key(request.headers.get("Idempotency-Key"))
    payment = schemas.payment(web.json_body())
    row, created = payments.confirm(_db(), service, key, payment, _today())
    if created and fault_injection.happens(g.faults.lost_answer_rate):
        time.sleep(current_app.config["HANG_SECONDS"])  # recorded, but the answer comes too late
        return json_error(504, "timeout", "the biller did not answer in time (simulated)")
    return jsonify(representations.receipt(row)), 201 if created else 200


# --- admin ---------------------------------------------------------------------------


def _list_subjects(service: Service) -> Response:
    _require_admin()
    limit, offset = schemas.page(request.args)
    rows = store.subjects(_db(), service.name, limit=limit, offset=offset)
    return jsonify({service.collection: [representations.subject(service, row) for row in rows]})


def _show_subject(service: Service, number: str) -> Response:
    _require_admin()
    row = _subject_or_404(service, number)
    charges = store.charges_of(_db(), service.name, row["number"])
    return jsonify(representations.subject_with_bills(service, row, charges))


def _add_bill(service: Service, number: str) -> tuple[Response, int]:
    """A bill of the back end's own (an SPPT, a month of water), as if it had just been raised;
    201 with the subject and all its bills."""
    _require_admin()
    row = _subject_or_404(service, number)
    charge = schemas.new_charge(service, web.json_body())
    try:
        store.insert_charge(_db(), service.name, row["number"], charge)
    except sqlite3.IntegrityError:
        raise Refusal(409, "already_billed", f"{number} already has a bill for {charge.period}") from None
    charges = store.charges_of(_db(), service.name, row["number"])
    return jsonify(representations.subject_with_bills(service, row, charges)), 201


# --- routes --------------------------------------------------------------------------


def _register_routes(app: Flask) -> None:
    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    for service in SERVICES.values():
        api, subjects, name = f"/api/{service.name}/v1", f"/admin/{service.name}/{service.collection}", service.name
        app.add_url_rule(f"{api}/{service.collection}/<number>/bill", f"{name}_bill", partial(_inquire, service))
        app.add_url_rule(f"{api}/payments", f"{name}_pay", partial(_pay, service), methods=["POST"])
        app.add_url_rule(subjects, f"{name}_list", partial(_list_subjects, service))
        app.add_url_rule(f"{subjects}/<number>", f"{name}_show", partial(_show_subject, service))
        app.add_url_rule(f"{subjects}/<number>/bills", f"{name}_add", partial(_add_bill, service), methods=["POST"])

    @app.get("/admin/payments")
    def list_payments() -> Response:
        _require_admin()
        limit, offset = schemas.page(request.args)
        rows = store.payments(_db(), schemas.service_filter(request.args, SERVICES), limit=limit, offset=offset)
        return jsonify(payments=[representations.payment(row, SERVICES[row["service"]]) for row in rows])

    @app.route("/admin/clock", methods=["GET", "PUT", "DELETE"])
    def admin_clock() -> Response:
        _require_admin()
        if request.method == "PUT":
            clock.set_today(_db(), schemas.new_today(web.json_body()))
        elif request.method == "DELETE":
            clock.reset(_db())
        return jsonify(clock.shown(_db(), current_app.config["SETTINGS"].today))

    @app.route("/admin/faults", methods=["GET", "POST", "PUT", "DELETE"])
    def admin_faults() -> Response:
        _require_admin()
        return fault_injection.faults_endpoint(_db(), current_app.config["FAULT_DEFAULTS"])
