"""The ledger: every change of a bill's money is an entry appended here, and a bill's state is what its entries
say. Nothing else writes ``Bill.state``; ``replay`` recomputes every bill's state and balance from the entries
alone (a test and ``manage.py check_ledger`` compare it with the bills)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Sum

from .models import Bill, BillState, Entry, EntryKind, Payment

#: The state a bill is in after its last entry of each kind.
_STATE_AFTER = {
    EntryKind.ISSUED: BillState.OPEN,
    EntryKind.PAID: BillState.PAID,
    EntryKind.CANCELLED: BillState.CANCELLED,
    EntryKind.EXPIRED: BillState.EXPIRED,
}


def state_of(kinds: Iterable[str]) -> str:
    """A bill's state from the kinds of its entries, in order."""
    state = None
    for kind in kinds:
        state = _STATE_AFTER[kind]
    if state is None:
        raise ValueError("a bill without entries")
    return state


def append(bill: Bill, kind: str, now, *, payment: Payment | None = None, by=None, note: str = "") -> Entry:
    """Append an entry to the bill (locked by the caller) and write the state it leads to. Issued adds the bill's
    amount; the end of a bill (paid, cancelled, expired) takes away what is still due."""
    due = bill.amount if kind == EntryKind.ISSUED else -balance(bill)
    entry = Entry.objects.create(bill=bill, kind=kind, amount=due, at=now, payment=payment, by=by, note=note[:300])
    bill.state = _STATE_AFTER[kind]
    Bill.objects.filter(pk=bill.pk).update(state=bill.state)
    return entry


def balance(bill: Bill) -> int:
    """What is still due on the bill, from its entries."""
    return Entry.objects.filter(bill=bill).aggregate(due=Sum("amount"))["due"] or 0


@dataclass(frozen=True)
class Replayed:
    state: str
    due: int
    paid: int


def replay() -> dict:
    """Every bill's state, what is still due and what was paid, from the entries alone (bill id → Replayed)."""
    kinds: dict = {}
    due: dict = {}
    paid: dict = {}
    for bill_id, kind, amount in Entry.objects.order_by("bill_id", "id").values_list("bill_id", "kind", "amount"):
        kinds.setdefault(bill_id, []).append(kind)
        due[bill_id] = due.get(bill_id, 0) + amount
        if kind == EntryKind.PAID:
            paid[bill_id] = -amount
    return {bill_id: Replayed(state_of(kinds[bill_id]), due[bill_id], paid.get(bill_id, 0)) for bill_id in kinds}
