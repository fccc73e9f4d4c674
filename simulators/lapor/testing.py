"""Run a real SP4N-LAPOR! simulator for tests: its own database, granian on a free loopback port.

For the simulator's own tests and for the platform's:

    from simulators.lapor.testing import TEST_API_KEY, TEST_WEBHOOK_SECRET, running_lapor

    with running_lapor(tmp_path, api_key=TEST_API_KEY, webhook_secret=TEST_WEBHOOK_SECRET) as lapor:
        httpx.post(f"{lapor.url}/api/v1/reports", json={...},
                   headers={"X-Api-Key": lapor.api_key, "Idempotency-Key": "complaint-1"})
        lapor.move_status("LAPOR-2026-000001", "verified")
        lapor.set_faults(lost_answer_rate=1)

To see the callbacks, run a receiver and start the simulator with its URL:

    with receiving_callbacks() as receiver, running_lapor(tmp_path, ..., callback_url=receiver.url) as lapor:
        receiver.script("LAPOR-2026-000001", 500, 500)  # the next two callbacks of it fail
        receiver.wait_for(lambda calls: len(calls) == 3, lapor_id="LAPOR-2026-000001")
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from .. import admin_client, processes
from .faults import LaporFaults
from .settings import ENV_PREFIX

TEST_API_KEY = "test-lapor-key-0123456789abcdef"
TEST_WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"lapor-tests-webhook-secret-01234").decode()
DEFAULT_ADMIN_TOKEN = "test-lapor-admin-token-0123456789"


@dataclass(frozen=True)
class RunningLapor(admin_client.AdminApi):
    """The running simulator and its operator's desk (the admin endpoints)."""

    api_key: str
    webhook_secret: str
    callback_url: str | None
    db: Path

    # latency_ms, error_rate, timeout_rate, lost_answer_rate, duplicate_callback_rate
    FAULTS = LaporFaults

    def move_status(self, lapor_id: str, status: str, note: str | None = None) -> dict[str, Any]:
        """An operator moves the report (not to dispositioned: add_disposition); returns the update."""
        body = {"status": status, **({"note": note} if note is not None else {})}
        return self._admin("POST", f"/admin/reports/{quote(lapor_id)}/status", json=body)

    def add_disposition(self, lapor_id: str, agency: str, note: str | None = None) -> dict[str, Any]:
        """An operator hands the report to `agency` (status dispositioned); returns the update."""
        body = {"agency": agency, **({"note": note} if note is not None else {})}
        return self._admin("POST", f"/admin/reports/{quote(lapor_id)}/dispositions", json=body)

    def file_at_lapor(self, **fields: Any) -> dict[str, Any]:
        """A report filed at LAPOR! itself (a report.created update); `fields` override a
        plausible complaint about Samarinda's MPP. Returns the report."""
        report = {
            "region_code": "64.72",
            "agency": "Mal Pelayanan Publik Kota Samarinda",
            "category": "service_delay",
            "title": "Antrean di loket Disdukcapil sangat lama",
            "content": "Saya menunggu lebih dari tiga jam untuk mengurus KTP-el tanpa kejelasan.",
            "anonymous": False,
            "confidential": False,
            "reporter": {"name": "Rina Wulandari", "contact": "+6281250001234"},
            **fields,
        }
        return self._admin("POST", "/admin/reports", json=report)

    def report(self, lapor_id: str) -> dict[str, Any]:
        """The report with its updates."""
        return self._admin("GET", f"/admin/reports/{quote(lapor_id)}")

    def reports(self, reference: str | None = None) -> list[dict[str, Any]]:
        """The stored reports, latest first (at most 100), optionally those of one platform reference."""
        params = {"reference": reference} if reference is not None else {}
        return self._admin("GET", "/admin/reports", params=params)["reports"]

    def callbacks(self) -> list[dict[str, Any]]:
        """The callbacks queued and sent, latest first (at most 100), with their attempts."""
        return self._admin("GET", "/admin/callbacks")["callbacks"]


@contextmanager
def running_lapor(
    tmp_path: Path,
    *,
    api_key: str,
    webhook_secret: str,
    callback_url: str | None = None,
    admin_token: str = DEFAULT_ADMIN_TOKEN,
    retry_base: float = 0.05,
    max_attempts: int = 5,
    hang_seconds: float = 1,
    workers: int = 1,
    env: Mapping[str, str] | None = None,
) -> Iterator[RunningLapor]:
    """`python -m simulators.lapor serve` on a free port, with <tmp_path>/lapor.sqlite3, until the
    block ends. Entering it again with the same `tmp_path` restarts it on the same database.

    Callbacks go to `callback_url` (none without it), retried every `retry_base` seconds and
    doubling, `max_attempts` times; a simulated timeout hangs `hang_seconds`. LAPOR_* variables
    of the calling environment are not inherited (pass them in `env`); secrets go by
    environment, not on the command line. The server's output goes to
    <tmp_path>/lapor.server.log. Raises RuntimeError if it does not come up.
    """
    db = tmp_path / "lapor.sqlite3"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    environment.update(
        {
            "LAPOR_API_KEY": api_key,
            "LAPOR_WEBHOOK_SECRET": webhook_secret,
            "LAPOR_CALLBACK_URL": callback_url or "",
            "LAPOR_ADMIN_TOKEN": admin_token,
            "LAPOR_HANG_SECONDS": str(hang_seconds),
            **(env or {}),
        }
    )
    command = ["-m", "simulators.lapor", "serve", "--db", str(db), "--workers", str(workers)]
    command += ["--retry-base", str(retry_base), "--max-attempts", str(max_attempts)]
    with processes.running_server(command, env=environment, log_path=tmp_path / "lapor.server.log") as url:
        yield RunningLapor(
            url=url,
            admin_token=admin_token,
            api_key=api_key,
            webhook_secret=webhook_secret,
            callback_url=callback_url,
            db=db,
        )


# --- a stand-in for the platform's callback endpoint ---------------------------------


@dataclass(frozen=True)
class Callback:
    """One POST that reached the receiver, as it arrived."""

    headers: dict[str, str]  # names in lower case
    body: bytes
    answered: int

    @property
    def data(self) -> dict[str, Any]:
        return json.loads(self.body)["data"]


@dataclass
class CallbackReceiver:
    """Records every callback POSTed to `url` and answers 204, or as `script` says."""

    url: str = ""
    _calls: list[Callback] = field(default_factory=list)
    _scripts: dict[str, list[int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def script(self, lapor_id: str, *statuses: int) -> None:
        """Answer the next callbacks about `lapor_id` with these statuses, then 204."""
        with self._lock:
            self._scripts[lapor_id] = list(statuses)

    def calls(self, lapor_id: str | None = None) -> list[Callback]:
        """The callbacks received (about `lapor_id`), in order of arrival."""
        with self._lock:
            return [c for c in self._calls if lapor_id is None or _lapor_id(c.body) == lapor_id]

    def wait_for(
        self, condition: Callable[[list[Callback]], bool], *, lapor_id: str | None = None, timeout: float = 10
    ) -> list[Callback]:
        """The calls (about `lapor_id`) once `condition(calls)` holds; AssertionError after `timeout` s."""
        deadline = time.monotonic() + timeout
        while not condition(calls := self.calls(lapor_id)):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout} s; callbacks received: {len(calls)}")
            time.sleep(0.05)
        return calls

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        body = request.get_data()
        with self._lock:
            script = self._scripts.get(_lapor_id(body) or "")
            answer = script.pop(0) if script else 204
            headers = {name.lower(): value for name, value in request.headers.items()}
            self._calls.append(Callback(headers, body, answer))
        return Response(status=answer)(environ, start_response)


def _lapor_id(body: bytes) -> str | None:
    try:
        data = json.loads(body)["data"]
    except (ValueError, KeyError, TypeError):
        return None
    return data.get("lapor_id") if isinstance(data, dict) else None


@contextmanager
def receiving_callbacks() -> Iterator[CallbackReceiver]:
    """A CallbackReceiver serving on a free loopback port, from a thread of this process."""
    receiver = CallbackReceiver()
    server = make_server("127.0.0.1", 0, receiver, threaded=True)
    receiver.url = f"http://127.0.0.1:{server.server_port}/callbacks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        thread.join(timeout=5)
