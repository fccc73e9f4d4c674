"""The joining procedure as data: which action moves a request from which stages to which, and who may take it.

``submit`` and ``resubmit`` are the region's contact (whoever holds the tracking link); the
ministry designates, returns, refuses and countersigns; only the region's own signatory signs
for the region.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from mpp.identity.models import Role

from .models import Stage

CONTACT = "contact"  # the region's contact, by the tracking link


@dataclass(frozen=True)
class Move:
    sources: tuple[str, ...]
    target: str
    actor: str
    label: str


TRANSITIONS = {
    # A refused region may ask again; its earlier request stays in the history.
    "submit": Move((Stage.NOT_REQUESTED, Stage.REFUSED), Stage.REQUESTED, CONTACT, _("Permohonan diajukan")),
    # Returning stops the designation clock until the region sends the request back.
    "return": Move((Stage.REQUESTED,), Stage.RETURNED, Role.MINISTRY, _("Dikembalikan untuk dilengkapi")),
    "resubmit": Move((Stage.RETURNED,), Stage.REQUESTED, CONTACT, _("Dilengkapi dan diajukan kembali")),
    "designate": Move((Stage.REQUESTED,), Stage.DESIGNATED, Role.MINISTRY, _("Ditetapkan sebagai lokus")),
    "refuse": Move((Stage.REQUESTED, Stage.RETURNED), Stage.REFUSED, Role.MINISTRY, _("Ditolak")),
    "sign_region": Move(
        (Stage.DESIGNATED,), Stage.REGION_SIGNED, Role.REGION_SIGNATORY, _("Perjanjian ditandatangani daerah")
    ),
    # The countersignature completes the agreement: the region is active from then on.
    "sign_ministry": Move(
        (Stage.REGION_SIGNED,), Stage.ACTIVE, Role.MINISTRY, _("Perjanjian ditandatangani kementerian: aktif")
    ),
}

ACTION_LABELS = {action: move.label for action, move in TRANSITIONS.items()} | {
    # Not a move of the table: the 2023 pilots were designated before the platform, and put on record.
    "pilot": _("Lokus percontohan MPP Digital 2023, aktif sejak 20 Juni 2023"),
}
