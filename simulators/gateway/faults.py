"""Fault injection: the kinds every simulator has (latency, error_rate, timeout_rate; see
simulators/fault_injection.py) plus the one that makes idempotency matter:

drop_after_accept_rate  the message is stored, then the connection is dropped before the
                        answer's body: the sender sees a network error, cannot know the
                        message went through, and retries with the same Idempotency-Key.

A `seed` makes the draws repeatable. Defaults come from the environment (GATEWAY_LATENCY_MS,
GATEWAY_ERROR_RATE, GATEWAY_TIMEOUT_RATE, GATEWAY_HANG_SECONDS); POST /admin/faults overrides
them at run time, in the database so that every server worker applies them.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from .. import fault_injection

ENV_PREFIX = "GATEWAY_"
SCHEMA = fault_injection.fault_settings_schema("drop_after_accept_rate REAL NOT NULL", "seed INTEGER")


def _seed(name: str, value: object) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValueError(f"{name} must be a whole number or null")
    return value


@dataclass(frozen=True, slots=True)
class GatewayFaults(fault_injection.Faults):
    drop_after_accept_rate: float = 0.0
    seed: int | None = None

    PARSERS: ClassVar[Mapping[str, Callable[[str, object], object]]] = {
        **fault_injection.Faults.PARSERS,
        "drop_after_accept_rate": fault_injection.rate,
        "seed": _seed,
    }


def from_env(environ: Mapping[str, str]) -> GatewayFaults:
    """The start-up faults; ValueError (failing start-up) on a malformed value."""
    return GatewayFaults(**fault_injection.faults_from_env(environ, ENV_PREFIX).as_dict())  # type: ignore[arg-type]


class Dice:
    """The random draws of one server process.

    Without a seed they come from the `random` module. With one they come from
    random.Random(seed), started afresh whenever the settings are written (`version`), so a
    test that posts the same seed twice sees the same sequence twice. The draws of several
    workers, or of requests sent concurrently, interleave in no fixed order.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: str | None = None
        self._rng: random.Random | None = None

    def rng(self, faults: GatewayFaults, version: str | None) -> random.Random | None:
        with self._lock:
            if version != self._version:
                self._version = version
                self._rng = None if faults.seed is None else random.Random(faults.seed)
            return self._rng
