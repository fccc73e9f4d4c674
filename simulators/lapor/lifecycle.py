"""A report's life at LAPOR!: its statuses, the moves allowed between them, and the notes an
operator's move carries when it names none.

LAPOR!'s own words are kept as labels: Belum terverifikasi, Terverifikasi, Terdisposisi,
Ditindaklanjuti, Selesai, Diarsipkan. A move not in TRANSITIONS is refused (409).
"""

from __future__ import annotations

STATUSES = ("received", "verified", "dispositioned", "in_followup", "completed", "archived")
LABELS = {
    "received": "Belum terverifikasi",
    "verified": "Terverifikasi",
    "dispositioned": "Terdisposisi",
    "in_followup": "Ditindaklanjuti",
    "completed": "Selesai",
    "archived": "Diarsipkan",
}
CATEGORIES = ("service_delay", "officer_conduct", "illegal_fees", "facilities", "information", "other")

TRANSITIONS: dict[str, frozenset[str]] = {
    # Archived from here: not a report LAPOR! can act on (spam, incomplete, a duplicate).
    "received": frozenset({"verified", "archived"}),
    "verified": frozenset({"dispositioned", "archived"}),
    # Dispositioned again: the agency hands the report on to the one responsible.
    "dispositioned": frozenset({"dispositioned", "in_followup"}),
    "in_followup": frozenset({"completed", "dispositioned"}),
    # Archived once the reporter's time to respond to the follow-up has passed.
    "completed": frozenset({"archived"}),
    "archived": frozenset(),
}

DEFAULT_NOTES = {
    "received": "Laporan Anda telah diterima SP4N-LAPOR! dan menunggu verifikasi.",
    "verified": "Laporan Anda telah diverifikasi oleh admin SP4N-LAPOR!.",
    "dispositioned": "Laporan Anda telah didisposisikan kepada instansi yang berwenang.",
    "in_followup": "Laporan Anda sedang ditindaklanjuti oleh instansi yang berwenang.",
    "completed": "Laporan Anda telah selesai ditindaklanjuti.",
    "archived": "Laporan Anda diarsipkan.",
}


class IllegalMove(Exception):
    """The report cannot go from its status to the one asked."""


def check_move(current: str, target: str) -> None:
    """Raise IllegalMove unless a report in `current` may move to `target`."""
    allowed = TRANSITIONS[current]
    if target not in allowed:
        choices = ", ".join(sorted(allowed)) or "none: it is final"
        raise IllegalMove(f"a report that is {current} cannot become {target}; allowed: {choices}")
