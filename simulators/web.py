"""The Flask side every simulator shares: refusals and Werkzeug's errors answered as JSON
(`{"error": code, "message": message}`), and reading a request's JSON body and
percent-encoded headers.

Each simulator names itself in its 500s; the behaviour is the same everywhere, so a fix
here fixes every simulator.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from urllib.parse import unquote

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

# --- JSON errors ---------------------------------------------------------------------


class Refusal(Exception):
    """Raise from a view to answer `{"error": code, "message": message}` with `status`."""

    def __init__(self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, dict(headers or {})


def json_error(status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> Response:
    response = jsonify(error=code, message=message)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def install_error_handlers(app: Flask, *, what: str) -> None:
    """Refusals, Werkzeug's HTTP errors (404, 405, 413, …) and anything unexpected, all as JSON.

    `what` names the simulator in the message of a 500 ("the registry simulator failed").
    """

    @app.errorhandler(Refusal)
    def refused(exc: Refusal) -> Response:
        return json_error(exc.status, exc.code, exc.message, exc.headers)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        code = "payload_too_large" if exc.code == 413 else (exc.name or "error").lower().replace(" ", "_")
        return json_error(exc.code or 500, code, exc.description or exc.name)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        app.logger.exception("unexpected error")
        return json_error(500, "internal_error", f"{what} failed; see its log")


# --- reading the request -------------------------------------------------------------


def json_body() -> object:
    """The request body parsed as JSON; a 400 Refusal when it is not JSON."""
    try:
        return json.loads(request.get_data())
    except (ValueError, RecursionError):  # RecursionError: "[[[[…" nested deeper than the parser goes
        raise Refusal(400, "malformed_json", "the body is not valid JSON") from None


def header_text(name: str) -> str | None:
    """A header the platform sends percent-encoded as UTF-8 (HTTP headers are ASCII), decoded."""
    value = request.headers.get(name)
    return unquote(value) if value is not None else None
