"""HTTP API of the notification gateway simulator (Flask, served by granian).

    granian --interface wsgi --factory simulators.gateway.app:create_app

Every /v1 call goes: faults -> API key; a send then checks the Idempotency-Key and the
body and stores the message at most once per key. Errors are JSON {"error": code,
"message": text} (422s add "errors": {field: problem}); bad input is a 4xx, never a 500.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Mapping

from flask import Flask, Response, current_app, g, jsonify, request

from .. import admin, clients, fault_injection, sqlite_store, web
from ..web import Refusal
from . import faults, messages, schemas, store
from .schemas import InvalidMessage

API_PREFIX = "/v1/"
ADMIN_TOKEN_VARIABLE = "GATEWAY_ADMIN_TOKEN"
# A WhatsApp text of 4096 characters, each up to 4 bytes and JSON-escaped, with room to spare.
MAX_REQUEST_BYTES = 64 * 1024
MAX_DELIVERY_DELAY_SECONDS = 86_400
DEFAULT_PHONE_LIMIT, MAX_PHONE_LIMIT = 100, 1000

_connections = sqlite_store.ThreadConnections()
_dice = faults.Dice()


class ConnectionDropped(Exception):
    """Raised while the answer's body is being sent, so the server closes the connection."""


def _db() -> sqlite3.Connection:
    return _connections.get(current_app.config["DB_PATH"], store.connect)


def create_app(db_path: str | None = None, environ: Mapping[str, str] | None = None) -> Flask:
    """The WSGI app; configuration comes from the environment (see README.md).

    Raises ValueError at start-up for a missing admin token or a malformed setting rather
    than serving with a guess.
    """
    env = os.environ if environ is None else environ
    admin_token = env.get(ADMIN_TOKEN_VARIABLE, "")
    if not admin_token:
        raise ValueError(f"set {ADMIN_TOKEN_VARIABLE}: the admin endpoints (the simulated phone, faults) need it")
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.config.update(
        DB_PATH=str(store.db_path_from_env(db_path or env.get("GATEWAY_DB"))),
        ADMIN_TOKEN=admin_token,
        FAULT_DEFAULTS=faults.from_env(env),
        HANG_SECONDS=fault_injection.hang_seconds_from_env(env, faults.ENV_PREFIX),
        DELIVERY_DELAY=delivery_delay(env.get("GATEWAY_DELIVERY_DELAY")),
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
    )
    store.connect(app.config["DB_PATH"]).close()  # the schema exists before the first call
    app.before_request(_guard_api)
    web.install_error_handlers(app, what="the gateway simulator")
    _register_routes(app)
    return app


def delivery_delay(raw: str | None) -> float:
    """Seconds from `accepted` to `delivered`: GATEWAY_DELIVERY_DELAY, 0 (at once) by default."""
    try:
        value = float(raw or 0)
    except ValueError:
        raise ValueError(f"GATEWAY_DELIVERY_DELAY must be a number of seconds, got {raw!r}") from None
    if not 0 <= value <= MAX_DELIVERY_DELAY_SECONDS:
        raise ValueError(f"GATEWAY_DELIVERY_DELAY must be from 0 to {MAX_DELIVERY_DELAY_SECONDS} seconds")
    return value


# --- the path of every API call ------------------------------------------------------


def _guard_api() -> Response | None:
    """Faults first, before the key check (an overloaded gateway fails everyone), then the key."""
    # Read the body before any early answer: granian closes a keep-alive connection whose
    # request body was left unread, and a client that reuses it sees "Server disconnected".
    request.get_data()
    if not request.path.startswith(API_PREFIX):
        return None
    conn = _db()
    g.faults = fault_injection.current_faults(conn, current_app.config["FAULT_DEFAULTS"])
    g.rng = _dice.rng(g.faults, store.fault_settings_version(conn))
    failed = fault_injection.fault_answer(
        fault_injection.delay_and_draw(g.faults, g.rng),
        hang_seconds=current_app.config["HANG_SECONDS"],
        timeout=("timeout", "the gateway did not answer in time (simulated); nothing was stored"),
        error=("unavailable", "the gateway is unavailable (simulated); nothing was stored"),
    )
    if failed is not None:
        return failed
    g.client = clients.client_of_request(conn)
    return None


def _invalid(exc: InvalidMessage) -> Response:
    problems = "; ".join(f"{field}: {problem}" for field, problem in exc.errors.items())
    response = jsonify(error="invalid_message", message=f"the message was not accepted: {problems}", errors=exc.errors)
    response.status_code = 422
    return response


def _dropped(answer: dict[str, object]) -> Response:
    """An answer whose status line and headers go out but whose body never does: the server
    closes the connection mid-response, and the sender gets a network error (httpx:
    RemoteProtocolError) for a message that was stored."""
    body = json.dumps(answer).encode()

    def never() -> Iterator[bytes]:
        raise ConnectionDropped("simulated: connection dropped after the message was stored")
        yield body  # makes this a generator; never reached

    return Response(never(), status=202, mimetype="application/json", headers={"Content-Length": str(len(body))})


def _require_admin() -> None:
    admin.require_admin(current_app.config["ADMIN_TOKEN"], header="X-Admin-Token", variable=ADMIN_TOKEN_VARIABLE)


def _phone_limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_PHONE_LIMIT
    if not raw.isdecimal() or not 1 <= int(raw) <= MAX_PHONE_LIMIT:
        raise Refusal(422, "invalid_limit", f"limit must be a whole number from 1 to {MAX_PHONE_LIMIT}")
    return int(raw)


def _phone_number(raw: str | None) -> str | None:
    """The phone's number as messages are stored (+628…), also when asked as written at home (08…)."""
    if raw is not None and raw.startswith("08"):
        return f"+62{raw[1:]}"
    return raw


# --- routes --------------------------------------------------------------------------


def _register_routes(app: Flask) -> None:
    app.register_error_handler(InvalidMessage, _invalid)

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @app.post("/v1/messages")
    def send() -> tuple[Response, int] | Response:
        try:
            key = schemas.parse_idempotency_key(request.headers.get("Idempotency-Key"))
        except ValueError as exc:
            raise Refusal(400, "invalid_idempotency_key", str(exc)) from None
        message = schemas.parse_message(web.json_body())
        try:
            row, created = messages.accept(
                _db(), g.client, key, message, delivery_delay=current_app.config["DELIVERY_DELAY"]
            )
        except messages.KeyReused as exc:
            raise Refusal(
                409,
                "idempotency_key_reused",
                f"this Idempotency-Key was used for message {exc.args[0]} with a different body;"
                " a new message needs a new key",
            ) from None
        answer = {
            "id": row["id"],
            "status": "accepted" if created else messages.status(row),
            "segments": row["segments"],
            "duplicate": not created,
        }
        if created and fault_injection.happens(g.faults.drop_after_accept_rate, g.rng):
            return _dropped(answer)
        return jsonify(answer), 202 if created else 200

    @app.get("/v1/messages/<message_id>")
    def message(message_id: str) -> Response:
        row = store.message_by_id(_db(), g.client.id, message_id)
        if row is None:
            raise Refusal(404, "not_found", "no message with this id was sent with this API key")
        return jsonify(messages.view(row))

    @app.get("/admin/messages")
    def phone() -> Response:
        """What citizens received, newest first: the simulated phone that tests and the demo read."""
        _require_admin()
        rows = store.find_messages(
            _db(),
            to=_phone_number(request.args.get("to")),
            reference=request.args.get("reference"),
            limit=_phone_limit(request.args.get("limit")),
        )
        return jsonify(messages=[messages.admin_view(row) for row in rows])

    @app.route("/admin/faults", methods=["GET", "POST", "DELETE"])
    def admin_faults() -> Response:
        _require_admin()
        return fault_injection.faults_endpoint(_db(), current_app.config["FAULT_DEFAULTS"])
