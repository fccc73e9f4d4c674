"""HTTP client for the systems whose bills the MPP collects: Kota Samarinda's land and building tax (PBB-P2, at its
revenue agency) and its water company (PDAM), real or simulated (``simulators/billers``), known by BILLERS_URL
and BILLERS_API_KEY.

``due`` asks what a tax object or a customer owes now, under the system's id of exactly those items; once the
citizen paid it through the network, ``confirm`` tells the system, under an Idempotency-Key of ours (the
payment's id), so a retry after a timeout never pays twice and gets the same receipt.

``BillerUnavailable``: try again later. ``BillerRefused``: the system said no (its code and message).
"""

import datetime as dt
from dataclasses import dataclass

import httpx
from django.conf import settings

from mpp.core import http

from .models import Revenue

#: The systems, by the bill's revenue: the path of their API, and what their numbers are called.
SYSTEMS = {Revenue.PBB: "pbb/v1/objects", Revenue.PDAM: "pdam/v1/customers"}
_PAYMENTS = {Revenue.PBB: "pbb/v1/payments", Revenue.PDAM: "pdam/v1/payments"}
_RETRIED = frozenset({408, 429})


class BillerUnavailable(Exception):
    """Worth retrying later: not configured, no answer, 408, 429, 5xx, or an answer outside the contract."""


class BillerRefused(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(f"HTTP {status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Item:
    description: str
    amount: int


@dataclass(frozen=True)
class Due:
    """What a tax object or a water customer owes now (``bill_id`` None and no items: nothing)."""

    bill_id: str | None
    subject: str
    name: str
    address: str
    items: tuple[Item, ...]
    amount: int
    due_date: dt.date | None


def _request(method: str, path: str, **kwargs) -> dict:
    if not settings.BILLERS_URL:
        raise BillerUnavailable("BILLERS_URL is not configured")
    try:
        answer = http.client().request(
            method,
            f"{settings.BILLERS_URL}/api/{path}",
            headers={"X-Api-Key": settings.BILLERS_API_KEY, **kwargs.pop("headers", {})},
            timeout=settings.BILLERS_TIMEOUT_SECONDS,
            **kwargs,
        )
    except httpx.HTTPError as exc:
        raise BillerUnavailable(f"{path}: {exc!r}") from exc
    if answer.status_code in _RETRIED or answer.status_code >= 500:
        raise BillerUnavailable(f"{path}: HTTP {answer.status_code}")
    try:
        data = answer.json()
    except ValueError:
        raise BillerUnavailable(f"{path}: not JSON (HTTP {answer.status_code})") from None
    if answer.status_code >= 400:
        raise BillerRefused(answer.status_code, str(data.get("error", "")), str(data.get("message", "")))
    return data


def due(revenue: str, number: str) -> Due:
    """What ``number`` owes at the system of ``revenue`` (BillerRefused 400 malformed, 404 unknown)."""
    data = _request("GET", f"{SYSTEMS[revenue]}/{number}/bill")
    try:
        items = tuple(Item(str(item["description"]), int(item["amount"])) for item in data["items"])
        return Due(
            bill_id=data["bill_id"],
            subject=str(data["subject"]),
            name=str(data["name"]),
            address=str(data.get("address", "")),
            items=items,
            amount=int(data["amount_due"]),
            due_date=dt.date.fromisoformat(data["due_date"]) if data.get("due_date") else None,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BillerUnavailable(f"inquiry answer outside the contract: {exc!r}") from exc


def confirm(
    revenue: str, *, key: str, bill_id: str, amount: int, paid_at: dt.datetime, reference: str, channel: str
) -> str:
    """Tell the system the bill was paid; returns its receipt number (the same on every retry with ``key``)."""
    body = {
        "bill_id": bill_id,
        "amount": amount,
        "paid_at": paid_at.isoformat(),
        "reference": reference,
        "channel": channel if channel in ("va", "qris", "cash") else "va",
    }
    data = _request("POST", _PAYMENTS[revenue], json=body, headers={"Idempotency-Key": key})
    try:
        return str(data["receipt_no"])
    except KeyError as exc:
        raise BillerUnavailable("confirmation answer outside the contract") from exc
