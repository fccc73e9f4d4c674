"""The test side of a running simulator's admin endpoints: a JSON POST or GET with the admin
header (post_admin_json, get_admin_json), and AdminApi, the faults switch of a simulator
whose admin endpoints take X-Admin-Token.

Each simulator keeps its own admin header and paths; its testing.py starts it
(simulators/processes.py) and talks to it with these.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import httpx

from .fault_injection import Faults


def post_admin_json(url: str, body: object, headers: Mapping[str, str]) -> object:
    """POST `body` as JSON to a simulator's admin endpoint and return the decoded answer."""
    req = urllib.request.Request(  # noqa: S310 - our loopback URL
        url, data=json.dumps(body).encode(), method="POST", headers={**headers, "Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=5) as response:  # noqa: S310
        return json.loads(response.read())


def get_admin_json(url: str, headers: Mapping[str, str]) -> object:
    """GET a simulator's admin endpoint and return the decoded answer."""
    req = urllib.request.Request(url, headers=dict(headers))  # noqa: S310 - our loopback URL
    with urllib.request.urlopen(req, timeout=5) as response:  # noqa: S310
        return json.loads(response.read())


@dataclass(frozen=True)
class AdminApi:
    """The admin side of a running simulator whose admin endpoints take X-Admin-Token; a
    simulator's Running… dataclass subclasses it (FAULTS: its Faults class)."""

    url: str
    admin_token: str

    FAULTS: ClassVar[type[Faults]] = Faults

    def _admin(self, method: str, path: str, **kwargs: Any) -> Any:
        response = httpx.request(
            method, f"{self.url}{path}", headers={"X-Admin-Token": self.admin_token}, timeout=10, **kwargs
        )
        response.raise_for_status()
        return response.json()

    def set_faults(self, **faults: float | int | None) -> dict[str, Any]:
        """Exactly these faults (the FAULTS fields); the rest off."""
        return self._admin("POST", "/admin/faults", json={**self.FAULTS().as_dict(), **faults})

    def clear_faults(self) -> dict[str, Any]:
        return self._admin("DELETE", "/admin/faults")
