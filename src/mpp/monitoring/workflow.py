"""The moves of a monev report, as one table: who may make each, from which status, to which.

Saving a draft is not a move: it changes the content of an editable report (``EDITABLE_STATUSES``),
not its status, and writes no history.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from mpp.identity.models import Role

from .models import ReportStatus

DRAFT, SUBMITTED, RETURNED, ACCEPTED = (
    ReportStatus.DRAFT,
    ReportStatus.SUBMITTED,
    ReportStatus.RETURNED,
    ReportStatus.ACCEPTED,
)


@dataclass(frozen=True)
class Move:
    action: str
    source: str
    target: str
    role: str
    needs_note: bool
    label: str


# fmt: off
MOVES = (
    #    action       from        to          who                  note?  shown as
    Move("submit",   DRAFT,      SUBMITTED,  Role.MPP_MANAGER,    False, _("Laporan dikirim")),
    # A returned report goes back to the ministry once its manager has revised it.
    Move("resubmit", RETURNED,   SUBMITTED,  Role.MPP_MANAGER,    False, _("Perbaikan laporan dikirim")),
    Move("accept",   SUBMITTED,  ACCEPTED,   Role.MINISTRY,       False, _("Laporan diterima")),
    # The manager must know what to revise: a return says why.
    Move("return",   SUBMITTED,  RETURNED,   Role.MINISTRY,       True,  _("Dikembalikan untuk diperbaiki")),
    # ACCEPTED is final: an accepted report is the region's record for the round and is not reopened.
)
# fmt: on

ACTION_LABELS = {move.action: move.label for move in MOVES}


def submission(status: str) -> Move | None:
    """The manager's move that sends a report in ``status`` to the ministry (first or revised), or None."""
    return next((move for move in MOVES if move.source == status and move.role == Role.MPP_MANAGER), None)


def move_named(action: str, status: str) -> Move | None:
    """The move ``action`` from ``status``, or None when it is not one."""
    return next((move for move in MOVES if move.action == action and move.source == status), None)
