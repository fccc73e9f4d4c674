"""HTTP API of the SISDMK simulator (Flask, served by granian).

    granian --interface wsgi --factory simulators.sisdmk.app:create_app

Every /v1 call goes: faults -> API key -> handler -> access log. Errors are JSON
{"error": code, "message": text} (422s add "errors": {field: problem}); bad input is a 4xx,
never a 500.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from collections.abc import Mapping
from datetime import date, datetime

from flask import Flask, Response, current_app, g, jsonify, request

from .. import admin, clients, fault_injection, sqlite_store, web
from ..dukcapil.institutions import WIB
from ..web import Refusal
from . import practice, records, store
from .practice import InvalidPlace

log = logging.getLogger(__name__)

API_PREFIX = "/v1/"
ENV_PREFIX = "SISDMK_"
ADMIN_TOKEN_VARIABLE = "SISDMK_ADMIN_TOKEN"
MAX_REQUEST_BYTES = 16 * 1024
_NIK = re.compile(r"\d{16}")

_connections = sqlite_store.ThreadConnections()


def _db() -> sqlite3.Connection:
    return _connections.get(current_app.config["DB_PATH"], store.connect)


def today() -> date:
    """The registry's calendar day (Jakarta), against which STR and SIP validity is read."""
    return datetime.now(WIB).date()


def create_app(db_path: str | None = None, environ: Mapping[str, str] | None = None) -> Flask:
    """The WSGI app; configuration comes from the environment (see README.md).

    Raises ValueError at start-up for a malformed setting rather than serving with a guess.
    Without SISDMK_ADMIN_TOKEN the admin endpoints answer 403.
    """
    env = os.environ if environ is None else environ
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.config.update(
        DB_PATH=str(store.db_path_from_env(db_path or env.get("SISDMK_DB"))),
        ADMIN_TOKEN=env.get(ADMIN_TOKEN_VARIABLE, ""),
        FAULT_DEFAULTS=fault_injection.faults_from_env(env, ENV_PREFIX),
        HANG_SECONDS=fault_injection.hang_seconds_from_env(env, ENV_PREFIX),
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
    )
    store.connect(app.config["DB_PATH"]).close()  # the schema exists before the first call
    app.before_request(_guard_api)
    app.after_request(_log_api_call)
    app.register_error_handler(InvalidPlace, _invalid)
    web.install_error_handlers(app, what="the SISDMK simulator")
    _register_routes(app)
    return app


# --- the path of every API call ------------------------------------------------------


def _guard_api() -> Response | None:
    """Faults first, before the key check (an overloaded registry fails everyone), then the key."""
    # Read the body before any early answer: granian closes a keep-alive connection whose
    # request body was left unread.
    request.get_data()
    if not request.path.startswith(API_PREFIX):
        return None
    g.started = datetime.now(WIB)
    conn = _db()
    failed = fault_injection.fault_answer(
        fault_injection.delay_and_draw(fault_injection.current_faults(conn, current_app.config["FAULT_DEFAULTS"])),
        hang_seconds=current_app.config["HANG_SECONDS"],
        timeout=("timeout", "SISDMK did not answer in time (simulated); nothing was changed"),
        error=("unavailable", "SISDMK is unavailable (simulated); nothing was changed"),
    )
    if failed is not None:
        return failed
    g.client = clients.client_of_request(conn)
    return None


def _log_api_call(response: Response) -> Response:
    """Every /v1 call, refused ones too (401, faults), with who asked and why."""
    if request.path.startswith(API_PREFIX) and "started" in g:
        args = request.view_args or {}
        client = g.get("client")
        try:
            store.log_call(
                _db(),
                client_id=client.id if client else None,
                method=request.method,
                endpoint=request.url_rule.rule if request.url_rule else request.path,
                nik=_clip(g.get("nik") or args.get("nik"), 32),
                str_number=_clip(g.get("str_number") or args.get("number"), 32),
                sip_number=_clip(g.get("sip_number") or args.get("sip_number"), 100),
                purpose=_clip(web.header_text("X-Purpose"), 500),
                actor=_clip(web.header_text("X-Actor"), 200),
                status=response.status_code,
                at=g.started.isoformat(),
            )
        except sqlite3.Error:
            log.exception("could not write the access log")
    return response


def _clip(value: str | None, limit: int) -> str | None:
    return value[:limit] if value else None


def _invalid(exc: InvalidPlace) -> Response:
    response = jsonify(error="invalid_practice_place", message=f"not registered: {exc}", errors=exc.errors)
    response.status_code = 422
    return response


def _parse_nik(nik: str) -> str:
    if not _NIK.fullmatch(nik):
        raise Refusal(422, "invalid_nik", "a NIK has 16 digits")
    return nik


# --- routes --------------------------------------------------------------------------


def _register_routes(app: Flask) -> None:
    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @app.get("/v1/health-workers/<nik>")
    def health_worker(nik: str) -> Response:
        conn, day = _db(), today()
        worker = store.worker(conn, _parse_nik(nik))
        if worker is None:
            raise Refusal(404, "not_found", "no health worker with this NIK")
        registrations = store.registrations_of(conn, nik)
        places = store.current_practice_places(conn, nik, day.isoformat())
        return jsonify(records.worker_view(worker, registrations, places, day))

    @app.get("/v1/str/<number>")
    def registration(number: str) -> Response:
        row = store.registration(_db(), number)
        if row is None:
            raise Refusal(404, "not_found", "no STR with this number")
        g.nik = row["nik"]
        return jsonify(records.str_view(row, today()))

    @app.post("/v1/practice-places")
    def register_practice_place() -> tuple[Response, int]:
        body = web.json_body()
        if isinstance(body, dict):  # for the access log, even when the body is refused
            g.nik, g.sip_number = str(body.get("nik") or ""), str(body.get("sip_number") or "")
            g.str_number = str(body.get("str_number") or "")
        place = practice.parse_place(body)
        row, created = practice.register(_db(), place, client_id=g.client.id, today=today())
        return jsonify({**records.place_view(row), "created": created}), 201 if created else 200

    @app.get("/v1/practice-places/<path:sip_number>")
    def practice_place(sip_number: str) -> Response:
        row = store.practice_place(_db(), sip_number)
        if row is None:
            raise Refusal(404, "not_found", "no practice place with this SIP number")
        g.nik = row["nik"]
        return jsonify(records.place_view(row))

    @app.delete("/v1/practice-places/<path:sip_number>")
    def end_practice_place(sip_number: str) -> Response:
        """The SIP was revoked or given up: the place ends today (again: unchanged, still 200)."""
        row = store.end_practice_place(_db(), sip_number, today().isoformat())
        if row is None:
            raise Refusal(404, "not_found", "no practice place with this SIP number")
        g.nik = row["nik"]
        return jsonify(records.place_view(row))

    @app.route("/admin/faults", methods=["GET", "POST", "DELETE"])
    def admin_faults() -> Response:
        admin.require_admin(current_app.config["ADMIN_TOKEN"], header="X-Admin-Token", variable=ADMIN_TOKEN_VARIABLE)
        return fault_injection.faults_endpoint(_db(), current_app.config["FAULT_DEFAULTS"])
