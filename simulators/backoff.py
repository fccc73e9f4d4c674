"""How long a simulator waits before it tries an outgoing call again (the agency's status
updates, LAPOR!'s callbacks): exponential backoff with jitter, capped."""

from __future__ import annotations

import random

RETRY_CAP_SECONDS = 60


def retry_delay(attempts: int, base: float, rng: random.Random | None = None) -> float:
    """Seconds before attempt `attempts + 1`: base, 2·base, 4·base … capped at RETRY_CAP_SECONDS,
    each drawn from its upper half so that calls failing together do not retry together."""
    ceiling = min(RETRY_CAP_SECONDS, base * 2 ** min(max(attempts - 1, 0), 32))
    return ceiling / 2 + (rng or random).random() * ceiling / 2
