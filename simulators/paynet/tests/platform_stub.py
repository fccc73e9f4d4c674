"""A stand-in for MPP Digital's side of the payment notifications, for these tests only: a test
fixture, not a simulator. It runs in a thread of the test process and serves

    POST /snap/v1.0/access-token/b2b     a B2B token, when the network's RSA signature verifies
    POST /snap/v1.0/transfer-va/payment  a payment notification, when its token and HMAC verify

checking both as the contract says, recording every call, recording each payment once (by
paymentRequestId, however often and under whatever X-EXTERNAL-ID it comes), and answering as
the test scripts it (a series of statuses per bill, revoked tokens).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from simulators.paynet import snap

TOKEN_PATH = "/snap/v1.0/access-token/b2b"
PAYMENT_PATH = "/snap/v1.0/transfer-va/payment"


@dataclass(frozen=True)
class Notification:
    """One payment notification as it arrived, and what the stub answered."""

    headers: dict[str, str]  # names in lower case
    body: bytes
    signature_valid: bool
    answered: int
    at: float  # time.monotonic() of its arrival

    @property
    def data(self) -> dict:
        return json.loads(self.body)


@dataclass
class PlatformStub:
    bank_client_key: str
    bank_client_secret: str
    network_public_key: rsa.RSAPublicKey
    url: str = ""
    token_requests: int = 0
    _tokens: set[str] = field(default_factory=set)
    _calls: list[Notification] = field(default_factory=list)
    _scripts: dict[str, list[int]] = field(default_factory=dict)
    _recorded: dict[str, str] = field(default_factory=dict)  # trxId -> paymentRequestId, recorded once
    _numbers: Iterator[int] = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- what tests use ---

    def script(self, trx_id: str, *statuses: int) -> None:
        """Answer the next notifications of bill `trx_id` with these statuses, then normally."""
        with self._lock:
            self._scripts[trx_id] = list(statuses)

    def revoke_tokens(self) -> None:
        with self._lock:
            self._tokens.clear()

    def calls(self, trx_id: str) -> list[Notification]:
        with self._lock:
            return [c for c in self._calls if _trx_id(c.body) == trx_id]

    def recorded(self, trx_id: str) -> str | None:
        """The paymentRequestId recorded for bill `trx_id`, if any."""
        with self._lock:
            return self._recorded.get(trx_id)

    def wait_for(
        self, trx_id: str, condition: Callable[[list[Notification]], bool], *, timeout: float = 10
    ) -> list[Notification]:
        """The notifications of `trx_id` once `condition(calls)` holds; AssertionError after `timeout` s."""
        deadline = time.monotonic() + timeout
        while not condition(calls := self.calls(trx_id)):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout} s; notifications received: {len(calls)}")
            time.sleep(0.02)
        return calls

    # --- the WSGI app ---

    def __call__(self, environ: dict, start_response: Callable) -> Iterator[bytes]:
        request = Request(environ)
        if request.method == "POST" and request.path == TOKEN_PATH:
            status, body = self._token(request)
        elif request.method == "POST" and request.path == PAYMENT_PATH:
            status, body = self._payment(request)
        else:
            status, body = 404, {"responseCode": "4040000", "responseMessage": "Not Found"}
        return Response(json.dumps(body), status=status, content_type="application/json")(environ, start_response)

    def _token(self, request: Request) -> tuple[int, dict]:
        at, key = request.headers.get("X-TIMESTAMP", ""), request.headers.get("X-CLIENT-KEY", "")
        signature = request.headers.get("X-SIGNATURE", "")
        moment = snap.parse_timestamp(at)
        with self._lock:
            self.token_requests += 1
            if (
                key != self.bank_client_key
                or moment is None
                or not snap.is_fresh(moment)
                or not snap.asymmetric_signature_is_valid(self.network_public_key, key, at, signature)
                or json.loads(request.get_data() or b"{}").get("grantType") != "client_credentials"
            ):
                return 401, {"responseCode": "4017300", "responseMessage": "Unauthorized. Signature"}
            token = f"platform-token-{next(self._numbers)}"
            self._tokens.add(token)
        return 200, snap.success("73", accessToken=token, tokenType="Bearer", expiresIn="900")

    def _payment(self, request: Request) -> tuple[int, dict]:
        body, headers = request.get_data(), {name.lower(): value for name, value in request.headers.items()}
        scheme, _, token = headers.get("authorization", "").partition(" ")
        valid = snap.symmetric_signature_is_valid(
            self.bank_client_secret,
            "POST",
            request.path,
            token,
            body,
            headers.get("x-timestamp", ""),
            headers.get("x-signature", ""),
        )
        with self._lock:
            status, answer = self._judge(headers, body, valid, scheme == "Bearer" and token in self._tokens)
            self._calls.append(Notification(headers, body, valid, status, time.monotonic()))
        return status, answer

    def _judge(self, headers: dict[str, str], body: bytes, valid: bool, known_token: bool) -> tuple[int, dict]:
        """What the platform answers (under the lock); records the payment once."""
        data = json.loads(body)
        script = self._scripts.get(data["trxId"])
        if script:
            status = script.pop(0)
            return status, {"responseCode": f"{status}2500", "responseMessage": "scripted"}
        if not known_token or not valid or headers.get("x-partner-id") != self.bank_client_key:
            return 401, {"responseCode": "4012500", "responseMessage": "Unauthorized. Signature"}
        if headers.get("channel-id") != snap.NETWORK_CHANNEL_ID or not snap.is_external_id(
            headers.get("x-external-id", "")
        ):
            return 400, {"responseCode": "4002502", "responseMessage": "Invalid Mandatory Field"}
        recorded = self._recorded.setdefault(data["trxId"], data["paymentRequestId"])
        if recorded != data["paymentRequestId"]:
            return 404, {"responseCode": "4042514", "responseMessage": "Paid Bill"}
        virtual_account = {key: data[key] for key in ("partnerServiceId", "customerNo", "virtualAccountNo")}
        return 200, snap.success("25", virtualAccountData={**virtual_account, "paymentFlagStatus": "00"})

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


def _trx_id(body: bytes) -> str | None:
    try:
        return json.loads(body).get("trxId")
    except (ValueError, AttributeError):
        return None
