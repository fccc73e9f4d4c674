"""A stand-in for MPP Digital's side of the exchange, for these tests only: a test
fixture, not a simulator. It runs in a thread of the test process and serves

    POST /o/token/                                            OAuth2 client credentials
    POST /api/v1/agency/applications/<tracking number>/status  the agency's status updates
    POST /api/v1/agency/cases                                  a case applied for at the agency

recording every call, and answers as the test tells it (a scripted series of statuses
per tracking number or for the case reports, revoked tokens, other client credentials).
A status must be one of `statuses` (SIAK's, and any a test accepts with accept_statuses);
a case report is applied once per Idempotency-Key (201, then 200 with the same answer),
its status the first of the new tracking number's applied statuses.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import unquote_plus

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

STATUS_PATH = "/api/v1/agency/applications/{}/status"
TOKEN_PATH = "/o/token/"
CASES_PATH = "/api/v1/agency/cases"
STATUSES = ("in_process", "approved", "rejected")
REPORT_KEYS = {"subject", "service", "region_code", "external_reference", "status", "note"}


@dataclass(frozen=True)
class StatusCall:
    tracking_number: str
    token: str
    idempotency_key: str
    body: object
    answered: int
    at: float  # time.monotonic() of its arrival


@dataclass(frozen=True)
class ReportCall:
    token: str
    idempotency_key: str
    body: object
    answered: int
    tracking_number: str | None  # the one the platform gave (or gave before, for a repeat)


@dataclass
class PlatformStub:
    client_id: str
    client_secret: str
    expires_in: int = 3600
    url: str = ""
    token_requests: int = 0
    _calls: list[StatusCall] = field(default_factory=list)
    _scripts: dict[str, list[int]] = field(default_factory=dict)
    _holds: dict[str, float] = field(default_factory=dict)
    _arrived: list[str] = field(default_factory=list)
    _valid_tokens: set[str] = field(default_factory=set)
    _applied_keys: set[tuple[str, str]] = field(default_factory=set)  # keys are scoped to their application
    _applied: dict[str, list[str]] = field(default_factory=dict)  # tracking number -> statuses
    _numbers: Iterator[int] = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: set[str] = field(default_factory=lambda: set(STATUSES))
    _reports: list[ReportCall] = field(default_factory=list)
    _report_script: list[int] = field(default_factory=list)
    _created: dict[str, str] = field(default_factory=dict)  # Idempotency-Key -> tracking number
    _case_numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    # --- what tests use ---

    def status_url(self, tracking_number: str) -> str:
        return self.url + STATUS_PATH.format(tracking_number)

    def token_url(self) -> str:
        return self.url + TOKEN_PATH

    def script(self, tracking_number: str, *statuses: int) -> None:
        """Answer the next status calls for `tracking_number` with these statuses, then normally."""
        with self._lock:
            self._scripts[tracking_number] = list(statuses)

    def hold(self, tracking_number: str, seconds: float) -> None:
        """Keep each status call for `tracking_number` waiting this long before it is handled."""
        with self._lock:
            self._holds[tracking_number] = seconds

    def arrived(self, tracking_number: str) -> int:
        """Status calls that reached the platform, held ones included."""
        with self._lock:
            return self._arrived.count(tracking_number)

    def accept_statuses(self, *codes: str) -> None:
        """Take status updates with these codes too (an agency profile's own)."""
        with self._lock:
            self.statuses.update(codes)

    def script_reports(self, *statuses: int) -> None:
        """Answer the next case reports with these statuses, then normally."""
        with self._lock:
            self._report_script = list(statuses)

    def reports(self) -> list[ReportCall]:
        with self._lock:
            return list(self._reports)

    def created(self, idempotency_key: str) -> str | None:
        """The tracking number a case report with this key was given, if it was applied."""
        with self._lock:
            return self._created.get(idempotency_key)

    def revoke_tokens(self) -> None:
        with self._lock:
            self._valid_tokens.clear()

    def calls(self, tracking_number: str) -> list[StatusCall]:
        with self._lock:
            return [c for c in self._calls if c.tracking_number == tracking_number]

    def applied(self, tracking_number: str) -> list[str]:
        """The statuses applied for `tracking_number`, in order, each once."""
        with self._lock:
            return list(self._applied.get(tracking_number, []))

    # --- the WSGI app ---

    def __call__(self, environ: dict, start_response: Callable) -> Iterator[bytes]:
        request = Request(environ)
        if request.method == "POST" and request.path == TOKEN_PATH:
            response = self._token(request)
        elif request.method == "POST" and request.path == CASES_PATH:
            response = self._case_report(request)
        elif request.method == "POST" and request.path.startswith("/api/v1/agency/applications/"):
            response = self._status(request, request.path.split("/")[5])
        else:
            response = _json(404, {"error": "not_found"})
        return response(environ, start_response)

    def _token(self, request: Request) -> Response:
        auth = request.authorization
        given = (unquote_plus(auth.username or ""), unquote_plus(auth.password or "")) if auth else None
        with self._lock:
            self.token_requests += 1
            if auth is None or auth.type != "basic" or given != (self.client_id, self.client_secret):
                return _json(401, {"error": "invalid_client"})
            if request.form.get("grant_type") != "client_credentials":
                return _json(400, {"error": "unsupported_grant_type"})
            if "applications.status" not in request.form.get("scope", "").split():
                return _json(400, {"error": "invalid_scope"})
            token = f"token-{next(self._numbers)}"
            self._valid_tokens.add(token)
        return _json(200, {"access_token": token, "expires_in": self.expires_in, "token_type": "Bearer"})

    def _status(self, request: Request, tracking_number: str) -> Response:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        key = request.headers.get("Idempotency-Key", "")
        body = request.get_json(silent=True)
        with self._lock:
            self._arrived.append(tracking_number)
            hold = self._holds.get(tracking_number, 0)
        time.sleep(hold)
        with self._lock:
            script = self._scripts.get(tracking_number)
            if script:
                answer = script.pop(0)
            elif scheme != "Bearer" or token not in self._valid_tokens:
                answer = 401
            elif not key or not isinstance(body, dict) or body.get("status") not in self.statuses:
                answer = 422
            else:
                answer = 200
                if (tracking_number, key) not in self._applied_keys:  # a repeat is answered 200, applied once
                    self._applied_keys.add((tracking_number, key))
                    self._applied.setdefault(tracking_number, []).append(body["status"])
            self._calls.append(StatusCall(tracking_number, token, key, body, answer, time.monotonic()))
        return _json(answer, {"tracking_number": tracking_number} if answer == 200 else {"error": str(answer)})

    def _case_report(self, request: Request) -> Response:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        key = request.headers.get("Idempotency-Key", "")
        body = request.get_json(silent=True)
        with self._lock:
            number = self._created.get(key)
            if self._report_script:
                answer = self._report_script.pop(0)
            elif scheme != "Bearer" or token not in self._valid_tokens:
                answer = 401
            elif (
                not key
                or not isinstance(body, dict)
                or set(body) != REPORT_KEYS
                or not all(isinstance(v, str) and v for v in body.values())
                or body["status"] not in self.statuses
            ):
                answer = 422
            elif number is not None:
                answer = 200  # a repeat: the same answer, applied once
            else:
                answer = 201
                number = f"MPP-6472-2612-{next(self._case_numbers):06d}"
                self._created[key] = number
                self._applied[number] = [body["status"]]
            self._reports.append(ReportCall(token, key, body, answer, number if answer in (200, 201) else None))
        if answer in (200, 201):
            return _json(answer, {"tracking_number": number, "status_url": self.status_url(number)})
        return _json(answer, {"error": str(answer)})

    # --- the server ---

    @contextmanager
    def serving(self) -> Iterator[PlatformStub]:
        server = make_server("127.0.0.1", 0, self, threaded=True)
        self.url = f"http://127.0.0.1:{server.server_port}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            thread.join(timeout=5)


def _json(status: int, body: object) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


def wait_until(condition: Callable[[], object], *, timeout: float = 10, what: str = "the condition") -> None:
    """Poll `condition` until it is true; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)
