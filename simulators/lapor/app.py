"""HTTP API of the SP4N-LAPOR! simulator (Flask, served by granian).

    granian --interface wsgi --factory simulators.lapor.app:create_app

Every /api/v1 call goes: faults -> X-Api-Key; filing a report then checks the
Idempotency-Key and the body and stores the report at most once per key. Operators move
reports on /admin (X-Admin-Token); every update gets a seq for polling and, with a callback
URL, a signed callback sent by the worker thread (worker.py). Errors are always JSON
{"error": code, "message": text}; bad input is a 4xx, never a 500.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Mapping

from flask import Flask, Response, current_app, g, jsonify, request

from .. import admin, fault_injection, sqlite_store, web
from ..web import Refusal, json_error
from . import faults, lifecycle, representations, schemas, store
from .settings import ENV_PREFIX, Settings
from .worker import CallbackWorker

API_PREFIX = "/api/v1/"
MAX_REQUEST_BYTES = 64 * 1024  # a report's text is at most 5000 characters; attachments are counted, not sent
MAX_ADMIN_LIST = 100

_connections = sqlite_store.ThreadConnections()


def _db() -> sqlite3.Connection:
    return _connections.get(current_app.config["DB_PATH"], store.connect)


def create_app(environ: Mapping[str, str] | None = None) -> Flask:
    """The WSGI app, configured from LAPOR_* variables (see settings.py), with its callback
    thread running when there is a callback URL. Raises ValueError at start-up for a
    malformed setting."""
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
    web.install_error_handlers(app, what="the LAPOR! simulator")
    _register_routes(app)
    if settings.callback_url:
        worker = CallbackWorker(settings, app.config["FAULT_DEFAULTS"])
        app.extensions["lapor_callbacks"] = worker
        worker.start()
    return app


# --- the path of every API call ------------------------------------------------------


def _guard_api() -> Response | None:
    return fault_injection.guard_keyed_api(
        prefix=API_PREFIX,
        conn=_db(),
        defaults=current_app.config["FAULT_DEFAULTS"],
        hang_seconds=current_app.config["HANG_SECONDS"],
        api_key=current_app.config["SETTINGS"].api_key,
        name="LAPOR!",
        nothing_was="stored",
        key_hint="the API key LAPOR! gave you",
    )


def _require_admin() -> None:
    admin.require_admin(
        current_app.config["SETTINGS"].admin_token, header="X-Admin-Token", variable="LAPOR_ADMIN_TOKEN"
    )


def _report_or_404(lapor_id: str) -> sqlite3.Row:
    row = store.report(_db(), lapor_id)
    if row is None:
        raise Refusal(404, "not_found", f"no report {lapor_id}")
    return row


def _report_view(row: sqlite3.Row) -> dict[str, object]:
    return representations.report(row, store.updates_of(_db(), row["id"]))


def _moved(lapor_id: str, *, status: str, note: str | None, agency: str | None = None) -> tuple[Response, int]:
    """Apply an operator's move; 201 with the update it recorded."""
    conn = _db()
    try:
        seq = store.move(
            conn,
            lapor_id,
            status=status,
            note=note,
            agency=agency,
            callback_url=current_app.config["SETTINGS"].callback_url,
        )
    except store.UnknownReport:
        raise Refusal(404, "not_found", f"no report {lapor_id}") from None
    except lifecycle.IllegalMove as exc:
        raise Refusal(409, "illegal_transition", str(exc)) from None
    _wake_callbacks()
    return jsonify(representations.update(store.update(conn, seq))), 201


def _wake_callbacks() -> None:
    worker = current_app.extensions.get("lapor_callbacks")
    if worker is not None:
        worker.wake()


# --- routes --------------------------------------------------------------------------


def _register_routes(app: Flask) -> None:
    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @app.post("/api/v1/reports")
    def file_report() -> tuple[Response, int] | Response:
        key = schemas.idempotency_key(request.headers.get("Idempotency-Key"))
        report = schemas.report(web.json_body())
        try:
            row, created = store.file_report(_db(), key, report)
        except store.KeyReused as exc:
            raise Refusal(
                422,
                "idempotency_key_reused",
                f"this Idempotency-Key was used for report {exc.args[0]} with a different body;"
                " a new report needs a new key",
            ) from None
        if created and fault_injection.happens(g.faults.lost_answer_rate):
            time.sleep(current_app.config["HANG_SECONDS"])  # stored, but the answer comes too late
            return json_error(504, "timeout", "LAPOR! did not answer in time (simulated)")
        answer = {"lapor_id": row["lapor_id"], "status": row["status"], "created_at": row["created_at"]}
        return jsonify(answer), 201 if created else 200

    @app.get("/api/v1/reports/<lapor_id>")
    def show_report(lapor_id: str) -> Response:
        return jsonify(_report_view(_report_or_404(lapor_id)))

    @app.get("/api/v1/updates")
    def updates() -> Response:
        after, limit = schemas.page(request.args)
        rows = store.updates_after(_db(), after, limit)
        return jsonify(updates=[representations.update(row) for row in rows], last=rows[-1]["seq"] if rows else after)

    @app.post("/admin/reports/<lapor_id>/status")
    def move_status(lapor_id: str) -> tuple[Response, int]:
        _require_admin()
        status, note = schemas.status_move(web.json_body())
        return _moved(lapor_id, status=status, note=note)

    @app.post("/admin/reports/<lapor_id>/dispositions")
    def add_disposition(lapor_id: str) -> tuple[Response, int]:
        _require_admin()
        agency, note = schemas.disposition(web.json_body())
        return _moved(lapor_id, status="dispositioned", note=note, agency=agency)

    @app.post("/admin/reports")
    def file_at_lapor() -> tuple[Response, int]:
        _require_admin()
        report = schemas.report(web.json_body(), filed_at_lapor=True)
        row, _seq = store.file_at_lapor(_db(), report, callback_url=current_app.config["SETTINGS"].callback_url)
        _wake_callbacks()
        return jsonify(_report_view(row)), 201

    @app.get("/admin/reports")
    def list_reports() -> Response:
        _require_admin()
        rows = store.reports(_db(), reference=request.args.get("reference"), limit=MAX_ADMIN_LIST)
        return jsonify(reports=[_report_view(row) for row in rows])

    @app.get("/admin/reports/<lapor_id>")
    def show_report_to_admin(lapor_id: str) -> Response:
        _require_admin()
        return jsonify(_report_view(_report_or_404(lapor_id)))

    @app.get("/admin/callbacks")
    def list_callbacks() -> Response:
        _require_admin()
        return jsonify(callbacks=[representations.callback(row) for row in store.callbacks(_db(), MAX_ADMIN_LIST)])

    @app.route("/admin/faults", methods=["GET", "POST", "PUT", "DELETE"])
    def admin_faults() -> Response:
        _require_admin()
        return fault_injection.faults_endpoint(_db(), current_app.config["FAULT_DEFAULTS"])
