"""What is due on a day: the two back ends' rules, as pure functions of their unpaid bills
and the simulated date.

PBB-P2 (Bapenda Kota Samarinda): one SPPT per tax object and year, due on 31 August of that
year. After it, a penalty of 1% of the principal for every month begun (a part of a month
counts as a whole one), for at most 24 months, rounded down to the rupiah.

PDAM (Perumda Air Minum Tirta Kencana): one bill per customer and month of usage, payable
from the 1st of the following month and due on its 20th; after that a flat late fee of
Rp5.000 for that month. All unpaid months are paid together.

A payable bill (Due) lists what is due now, oldest first, each period's principal followed
by its penalty. Its fingerprint (the service, the subject and the items) is what the bill
id stands for: when a month is added or a penalty grows, the fingerprint, and so the bill
id, changes.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import date

from . import numbers

PBB_DUE_MONTH, PBB_DUE_DAY = 8, 31
PBB_PENALTY_PERCENT = 1  # of the principal, per month begun after the due date
PBB_MAX_PENALTY_MONTHS = 24
PDAM_DUE_DAY = 20  # of the month after the month of usage
PDAM_LATE_FEE = 5_000  # rupiah, once per month paid late


@dataclass(frozen=True, slots=True)
class Charge:
    """One of the back end's own bills: an SPPT (period "2026", amount its principal) or a
    month of water (period "2026-11", amount the water bill, usage in m³)."""

    period: str
    amount: int
    usage_m3: int | None = None


@dataclass(frozen=True, slots=True)
class Item:
    description: str
    period: str
    amount: int


@dataclass(frozen=True)
class Due:
    """What is due now: the items, oldest first, and the last day this amount holds (None when nothing is due)."""

    items: tuple[Item, ...]
    due_date: date | None

    @property
    def amount(self) -> int:
        return sum(item.amount for item in self.items)

    @property
    def periods(self) -> list[str]:
        return sorted({item.period for item in self.items})

    def shown(self) -> list[dict[str, object]]:
        """The items as the API shows them: {"description", "period", "amount"}."""
        return [asdict(item) for item in self.items]

    def fingerprint(self, service: str, subject: str) -> str:
        return hashlib.sha256(json.dumps([service, subject, self.shown()], ensure_ascii=False).encode()).hexdigest()


# --- PBB-P2 ----------------------------------------------------------------------------


def pbb_due_date(period: str) -> date:
    return date(int(period), PBB_DUE_MONTH, PBB_DUE_DAY)


def pbb_months_late(period: str, today: date) -> int:
    """Months begun since the SPPT's due date, at most 24: 1 from 1 September, 2 from 1 October…
    (the due date is the last day of a month, so a month begun is a calendar month begun)."""
    year = int(period)
    if today <= pbb_due_date(period):
        return 0
    return min(PBB_MAX_PENALTY_MONTHS, (today.year - year) * 12 + today.month - PBB_DUE_MONTH)


def pbb_items(charge: Charge, today: date) -> tuple[Item, ...]:
    principal = Item(f"PBB-P2 tahun {charge.period}", charge.period, charge.amount)
    months = pbb_months_late(charge.period, today)
    penalty = charge.amount * months * PBB_PENALTY_PERCENT // 100
    if not penalty:
        return (principal,)
    described = f"Denda PBB-P2 tahun {charge.period} ({months} bulan × {PBB_PENALTY_PERCENT}%)"
    return principal, Item(described, charge.period, penalty)


def pbb_is_billed(period: str, today: date) -> bool:
    """An SPPT is payable from the start of its year."""
    return int(period) <= today.year


def parse_pbb_period(raw: str) -> str:
    """An SPPT's year, 2000 to 2099; ValueError otherwise."""
    if not re.fullmatch(r"20[0-9]{2}", raw):
        raise ValueError("period must be a year YYYY from 2000 to 2099")
    return raw


# --- PDAM ------------------------------------------------------------------------------


def pdam_due_date(period: str) -> date:
    year, month = int(period[:4]), int(period[5:])
    return date(year + month // 12, month % 12 + 1, PDAM_DUE_DAY)


def pdam_items(charge: Charge, today: date) -> tuple[Item, ...]:
    water = Item(f"Tagihan air {charge.period} ({charge.usage_m3} m³)", charge.period, charge.amount)
    if today <= pdam_due_date(charge.period):
        return (water,)
    return water, Item(f"Denda keterlambatan {charge.period}", charge.period, PDAM_LATE_FEE)


def pdam_is_billed(period: str, today: date) -> bool:
    """A month of usage is payable from the 1st of the month after it."""
    return period < f"{today:%Y-%m}"


def parse_pdam_period(raw: str) -> str:
    """A month of usage YYYY-MM, from 2000; ValueError otherwise."""
    if not re.fullmatch(r"20[0-9]{2}-(0[1-9]|1[0-2])", raw):
        raise ValueError("period must be a month YYYY-MM from 2000-01")
    return raw


# --- the two back ends -----------------------------------------------------------------


@dataclass(frozen=True)
class Service:
    """One back end: how its numbers are written, when its bills are payable and due, and
    what they cost on a day. `name` is the path segment of its API and its key in the database."""

    name: str
    collection: str  # the path segment of its subjects: /api/<name>/v1/<collection>/<number>/bill
    what: str  # its subject in messages
    bill_prefix: str  # of its bill ids: PBB-2026-000123
    receipt_prefix: str  # of its receipt numbers: NTPD-2026-000001
    parse_number: Callable[[str], str]
    show_number: Callable[[str], str]
    parse_period: Callable[[str], str]
    is_billed: Callable[[str, date], bool]
    due_date: Callable[[str], date]
    items: Callable[[Charge, date], tuple[Item, ...]]


PBB = Service(
    name="pbb",
    collection="objects",
    what="tax object",
    bill_prefix="PBB",
    receipt_prefix="NTPD",  # Nomor Transaksi Pendapatan Daerah
    parse_number=numbers.parse_nop,
    show_number=numbers.show_nop,
    parse_period=parse_pbb_period,
    is_billed=pbb_is_billed,
    due_date=pbb_due_date,
    items=pbb_items,
)
PDAM = Service(
    name="pdam",
    collection="customers",
    what="customer",
    bill_prefix="PDAM",
    receipt_prefix="KWT",  # kuitansi
    parse_number=numbers.parse_customer_number,
    show_number=str,
    parse_period=parse_pdam_period,
    is_billed=pdam_is_billed,
    due_date=pdam_due_date,
    items=pdam_items,
)
SERVICES = {service.name: service for service in (PBB, PDAM)}


def due(service: Service, unpaid: Iterable[Charge], today: date) -> Due:
    """What `service` asks for on `today`, given a subject's unpaid bills."""
    billed = sorted((c for c in unpaid if service.is_billed(c.period, today)), key=lambda c: c.period)
    items = tuple(item for charge in billed for item in service.items(charge, today))
    return Due(items, _last_day(service, billed, today))


def _last_day(service: Service, billed: list[Charge], today: date) -> date | None:
    """The last day the amount holds: the earliest due date still ahead, but while anything is
    late no later than the end of this month (PBB penalties grow on the 1st; a PDAM bill is
    raised anew each month)."""
    if not billed:
        return None
    dates = [service.due_date(charge.period) for charge in billed]
    ahead = [day for day in dates if day >= today]
    if len(ahead) < len(dates):
        ahead.append(today.replace(day=calendar.monthrange(today.year, today.month)[1]))
    return min(ahead)
