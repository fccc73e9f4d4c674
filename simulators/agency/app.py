"""HTTP API of the agency simulator (Flask, served by granian), as one agency profile.

    granian --interface wsgi --factory simulators.agency.app:create_app

POST /webhooks/mpp goes: faults -> signature -> payload -> the profile's required fields ->
store once per webhook id -> 202, and the worker thread (worker.py) takes it from there.
Errors are always JSON {"error": code, "message": text}; bad input is a 4xx, never a 500.
A profile with a portal serves it under /portal/ when its OIDC settings are given (portal.py).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Mapping
from datetime import UTC, datetime

from flask import Flask, Response, current_app, jsonify, request

from .. import admin, fault_injection, sqlite_store, web
from ..web import Refusal, json_error
from . import decision, inbound, store
from .profiles import Profile
from .settings import ENV_PREFIX, Settings, webhook
from .worker import Worker

_connections = sqlite_store.ThreadConnections()


def _db() -> sqlite3.Connection:
    return _connections.get(current_app.config["DB_PATH"], store.connect)


def create_app(environ: Mapping[str, str] | None = None) -> Flask:
    """The WSGI app, configured from AGENCY_* variables (see settings.py), with its worker
    thread running. Raises ValueError at start-up for a malformed setting."""
    env = os.environ if environ is None else environ
    settings = Settings.from_env(env)
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.config.update(
        DB_PATH=settings.db_path,
        SETTINGS=settings,
        WEBHOOK=webhook(settings.webhook_secret),
        FAULT_DEFAULTS=fault_injection.faults_from_env(env, ENV_PREFIX),
        HANG_SECONDS=fault_injection.hang_seconds_from_env(env, ENV_PREFIX),
        MAX_CONTENT_LENGTH=inbound.MAX_BODY_BYTES,
    )
    conn = store.connect(settings.db_path)  # the schema exists before the first call
    try:
        store.bind_profile(conn, settings.profile.code)
    finally:
        conn.close()
    worker = Worker(settings)
    app.extensions["agency_worker"] = worker
    web.install_error_handlers(app, what=f"the agency simulator ({settings.profile.name})")

    @app.errorhandler(inbound.MissingFields)
    def missing_fields(exc: inbound.MissingFields) -> tuple[Response, int]:
        return jsonify(error="missing_fields", message=str(exc), fields=exc.fields), 422

    _register_routes(app)
    if settings.portal_enabled:
        from . import portal  # only a profile with a portal needs the pages and the OIDC client

        portal.install(app, settings, _db)
    worker.start()
    return app


def _register_routes(app: Flask) -> None:
    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @app.get("/profile")
    def show_profile() -> Response:
        return jsonify(current_app.config["SETTINGS"].profile.as_json())

    @app.post("/webhooks/mpp")
    def receive_application() -> Response:
        settings: Settings = current_app.config["SETTINGS"]
        name = settings.profile.name
        fault = fault_injection.delay_and_draw(
            fault_injection.current_faults(_db(), current_app.config["FAULT_DEFAULTS"])
        )
        if fault == "error":  # refused before anything is stored: the platform must retry
            return json_error(503, "unavailable", f"{name} is overloaded (simulated)", {"Retry-After": "5"})
        text = inbound.verify(current_app.config["WEBHOOK"], request.get_data(cache=False), request.headers)
        case = inbound.parse(request.headers["webhook-id"], text)
        inbound.check_form(settings.profile, case.application)
        now = time.time()
        case_id, created = store.add_case(
            _db(), case, now=now, process_at=now + settings.processing_delay, prefix=settings.profile.case_prefix
        )
        if created:
            current_app.extensions["agency_worker"].wake()
        if fault == "timeout":  # stored, but the answer comes too late: the platform's retry is a duplicate
            time.sleep(current_app.config["HANG_SECONDS"])
            return json_error(504, "timeout", f"{name} did not answer in time (simulated)")
        return jsonify(duplicate=not created, case_id=case_id), 202 if created else 200

    @app.get("/cases")
    def list_cases() -> Response:
        _require_admin()
        tracking_number = request.args.get("tracking_number")
        conn = _db()
        settings = current_app.config["SETTINGS"]
        found = store.cases(conn, tracking_number=tracking_number)
        return jsonify(cases=[_case_view(conn, row, settings) for row in found])

    @app.get("/cases/<case_id>")
    def show_case(case_id: str) -> Response:
        _require_admin()
        conn = _db()
        row = store.get_case(conn, case_id)
        if row is None:
            raise Refusal(404, "not_found", "no case with this id")
        return jsonify(_case_view(conn, row, current_app.config["SETTINGS"]))

    @app.route("/admin/faults", methods=["GET", "POST", "DELETE"])
    def faults() -> Response:
        _require_admin()
        return fault_injection.faults_endpoint(_db(), current_app.config["FAULT_DEFAULTS"])


def _require_admin() -> None:
    admin.require_admin(
        current_app.config["SETTINGS"].admin_token, header="X-Admin-Token", variable="AGENCY_ADMIN_TOKEN"
    )


def _iso(epoch: float | None) -> str | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")


def _case_view(conn: sqlite3.Connection, row: sqlite3.Row, settings: Settings) -> dict[str, object]:
    """A case for /cases. Beyond SIAK's keys, a profile with a fee, visits or a portal adds
    `fee`, `appointment` or `handed_over` and `subject` to every case."""
    profile: Profile = settings.profile
    application = json.loads(row["application"])
    view: dict[str, object] = {
        "case_id": row["case_id"],
        "webhook_id": None if row["handed_over"] else row["webhook_id"],
        "tracking_number": row["tracking_number"] or None,  # a handed-over case: none until the platform took it
        "state": row["state"],
        "decision": row["decision"],
        "external_reference": row["external_reference"],
        "received_at": _iso(row["received_at"]),
        "process_at": _iso(row["process_at"]),
        "decided_at": _iso(row["decided_at"]),
        "application": application,
        "status_updates": [
            {
                "status": u["status"],
                "outcome": u["outcome"],
                "kind": u["kind"],
                "note": u["note"],
                "external_reference": u["external_reference"],
                "idempotency_key": u["idempotency_key"],
                "state": u["state"],
                "attempts": u["attempts"],
                "last_status_code": u["last_status_code"],
                "last_error": u["last_error"],
                "next_attempt_at": _iso(u["next_attempt_at"]) if u["state"] == "pending" else None,
                "finished_at": _iso(u["finished_at"]),
            }
            for u in store.updates_of(conn, row["id"])
        ],
    }
    if profile.fee.amount or any(profile.fee.amounts.values()):
        view["fee"] = {
            "amount": profile.fee.for_form(decision.form_of(application)),
            "legal_basis": profile.fee.legal_basis,
        }
    if profile.appointment:
        view["appointment"] = decision.appointment_view(profile, store.appointment_of(conn, row["id"]))
    if profile.portal:
        view["handed_over"] = bool(row["handed_over"])
        view["subject"] = row["subject"]
    return view
