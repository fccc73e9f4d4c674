"""HTTP API of the demo CA's trust services (Flask, served by granian).

    granian --interface wsgi --factory simulators.trust.app:create_app

POST /tsa            RFC 3161: application/timestamp-query in, application/timestamp-reply out
POST /ocsp           RFC 6960: application/ocsp-request in, application/ocsp-response out
GET  /ocsp/<base64>  RFC 6960 appendix A.1, the same as a GET
GET  /ca.pem         the root certificate
GET  /healthz
/admin/revocations   GET the list, POST {"serial": hex, "reason": …} to revoke (X-Admin-Token);
                     DELETE /admin/revocations/<serial> takes a certificate off hold
/admin/faults        the faults every simulator has (TRUST_LATENCY_MS, TRUST_ERROR_RATE, …)

Malformed requests get a 400 with a JSON message; faults answer 503 or a 504 after hanging.
"""

from __future__ import annotations

import base64
import binascii
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote

from flask import Flask, Response, current_app, jsonify, request

from .. import admin, fault_injection, sqlite_store, web
from ..web import Refusal
from . import store
from .authority import Authority, BadRequest

ADMIN_TOKEN_VARIABLE = "TRUST_ADMIN_TOKEN"
ENV_PREFIX = "TRUST_"
MAX_REQUEST_BYTES = 16 * 1024  # a request is a hash and a few identifiers: a few hundred bytes

_connections = sqlite_store.ThreadConnections()


def _db() -> sqlite3.Connection:
    return _connections.get(current_app.config["DB_PATH"], store.connect)


def create_app(db_path: str | None = None, environ: Mapping[str, str] | None = None) -> Flask:
    """The WSGI app. TRUST_CA_DIR (the demo CA's directory) is required; TRUST_DB, TRUST_ADMIN_TOKEN
    and the fault settings are optional. ValueError at start-up rather than serving with a guess."""
    env = os.environ if environ is None else environ
    ca_dir = env.get("TRUST_CA_DIR", "")
    if not ca_dir:
        raise ValueError("set TRUST_CA_DIR (or --ca-dir): the demo CA's directory, e.g. var/signing")
    app = Flask(__name__)
    app.config.update(
        DB_PATH=str(store.db_path_from_env(db_path or env.get("TRUST_DB"))),
        AUTHORITY=Authority.load(Path(ca_dir)),
        ADMIN_TOKEN=env.get(ADMIN_TOKEN_VARIABLE, ""),
        FAULT_DEFAULTS=fault_injection.faults_from_env(env, ENV_PREFIX),
        HANG_SECONDS=fault_injection.hang_seconds_from_env(env, ENV_PREFIX),
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
    )
    web.install_error_handlers(app, what="the trust services simulator")

    def authority() -> Authority:
        return current_app.config["AUTHORITY"]

    def faulty() -> Response | None:
        faults = fault_injection.current_faults(_db(), current_app.config["FAULT_DEFAULTS"])
        return fault_injection.fault_answer(
            fault_injection.delay_and_draw(faults),
            hang_seconds=current_app.config["HANG_SECONDS"],
            timeout=("timeout", "the trust service did not answer in time (simulated)"),
            error=("unavailable", "the trust service is unavailable (simulated)"),
        )

    def answer(body: bytes, content_type: str) -> Response:
        response = Response(body, content_type=content_type)
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @app.get("/ca.pem")
    def ca_pem() -> Response:
        from asn1crypto import pem

        return Response(
            pem.armor("CERTIFICATE", authority().root.dump()), content_type="application/pem-certificate-chain"
        )

    @app.post("/tsa")
    def tsa() -> Response:
        failed = faulty()
        if failed is not None:
            return failed
        if request.mimetype != "application/timestamp-query":
            raise Refusal(415, "unsupported_media_type", "send Content-Type: application/timestamp-query")
        try:
            body = authority().timestamp(request.get_data(), conn=_db())
        except BadRequest as exc:
            raise Refusal(400, "malformed_request", str(exc)) from None
        return answer(body, "application/timestamp-reply")

    @app.post("/ocsp")
    def ocsp_post() -> Response:
        failed = faulty()
        if failed is not None:
            return failed
        if request.mimetype != "application/ocsp-request":
            raise Refusal(415, "unsupported_media_type", "send Content-Type: application/ocsp-request")
        return _ocsp(request.get_data())

    @app.get("/ocsp/<path:encoded>")
    def ocsp_get(encoded: str) -> Response:
        failed = faulty()
        if failed is not None:
            return failed
        try:
            der = base64.b64decode(unquote(encoded), validate=True)
        except (binascii.Error, ValueError):
            raise Refusal(400, "malformed_request", "the path is not a base64 OCSP request") from None
        return _ocsp(der)

    def _ocsp(der: bytes) -> Response:
        try:
            body = authority().ocsp_response(der, conn=_db())
        except BadRequest as exc:
            raise Refusal(400, "malformed_request", str(exc)) from None
        return answer(body, "application/ocsp-response")

    def require_admin() -> None:
        admin.require_admin(current_app.config["ADMIN_TOKEN"], header="X-Admin-Token", variable=ADMIN_TOKEN_VARIABLE)

    @app.route("/admin/revocations", methods=["GET", "POST"])
    def admin_revocations() -> Response:
        require_admin()
        if request.method == "POST":
            body = web.json_body()
            if not isinstance(body, dict) or not isinstance(body.get("serial"), str):
                raise Refusal(422, "invalid_body", 'send {"serial": "<hex>", "reason": "key_compromise"}')
            try:
                revoked = store.revoke(_db(), body["serial"], reason=body.get("reason") or "unspecified")
            except ValueError as exc:
                raise Refusal(422, "invalid_body", str(exc)) from None
            return jsonify(revoked)
        return jsonify(revocations=store.revocations(_db()), timestamps_issued=store.timestamp_count(_db()))

    @app.delete("/admin/revocations/<serial>")
    def admin_release(serial: str) -> Response:
        require_admin()
        try:
            released = store.release(_db(), serial)
        except ValueError:
            raise Refusal(404, "not_found", "no such certificate on hold") from None
        if not released:
            raise Refusal(409, "not_on_hold", "only a certificate on hold (certificate_hold) can be released")
        return jsonify(released=serial)

    @app.route("/admin/faults", methods=["GET", "POST", "DELETE"])
    def admin_faults() -> Response:
        require_admin()
        return fault_injection.faults_endpoint(_db(), current_app.config["FAULT_DEFAULTS"])

    return app
