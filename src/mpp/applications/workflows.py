"""The officers' workflows: one readable table per workflow.

A workflow is a list of steps. At each step one role acts; each of its actions either moves
the application to another step or ends it. ``REVISION`` hands the application back to the
citizen (the deadline clock stops) and returns it to the same step when they resubmit.
A service template names its workflow (``ServiceTemplate.workflow``).

    verify-approve                 role        action   → next
    ─────────────────────────────  ──────────  ───────────────────────────
    verification                   verifier    accept   → approval
                                               revise   → (citizen) → verification
                                               reject   → rejected
    approval                       approver    approve  → approved (the result is issued)
                                               return   → verification
                                               reject   → rejected

    village-letter                 role             action   → next
    ─────────────────────────────  ───────────────  ───────────────────────────
    verification                   village officer  accept   → signature
                                                    revise   → (citizen) → verification
                                                    reject   → rejected
    signature                      village head     approve  → approved (the signed letter is issued)
                                                    return   → verification
                                                    reject   → rejected
"""

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from mpp.identity.models import Role

APPROVED = "approved"
REJECTED = "rejected"
REVISION = "revision"


@dataclass(frozen=True)
class Action:
    name: str
    label: Promise
    #: The next step's code, or APPROVED / REJECTED / REVISION.
    goes_to: str
    #: Whether the officer must write a reason (shown to the citizen).
    needs_note: bool = False


@dataclass(frozen=True)
class Step:
    code: str
    label: Promise
    role: str
    actions: tuple[Action, ...]
    #: Working days this step may take at most (never past the application's own deadline); None: the rest.
    days: int | None = None

    def action(self, name: str) -> Action | None:
        return next((action for action in self.actions if action.name == name), None)


@dataclass(frozen=True)
class Workflow:
    name: str
    steps: tuple[Step, ...]
    _by_code: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_by_code", {step.code: step for step in self.steps})
        for step in self.steps:
            for action in step.actions:
                if action.goes_to not in self._by_code and action.goes_to not in (APPROVED, REJECTED, REVISION):
                    raise ValueError(f"{self.name}: {step.code}.{action.name} goes to unknown {action.goes_to!r}")

    @property
    def first(self) -> Step:
        return self.steps[0]

    def step(self, code: str) -> Step | None:
        return self._by_code.get(code)


REJECT = Action("reject", _("Tolak"), REJECTED, needs_note=True)

VERIFY_APPROVE = Workflow(
    "verify-approve",
    (
        Step(
            "verification",
            _("Verifikasi berkas"),
            Role.VERIFIER,
            (
                Action("accept", _("Berkas lengkap, teruskan"), "approval"),
                Action("revise", _("Minta perbaikan"), REVISION, needs_note=True),
                REJECT,
            ),
        ),
        Step(
            "approval",
            _("Persetujuan"),
            Role.APPROVER,
            (
                Action("approve", _("Setujui"), APPROVED),
                Action("return", _("Kembalikan ke verifikasi"), "verification", needs_note=True),
                REJECT,
            ),
        ),
    ),
)

#: A village's or kelurahan's letter: its staff checks it, the lurah or kepala desa signs it.
VILLAGE_LETTER = Workflow(
    "village-letter",
    (
        Step(
            "verification",
            _("Pemeriksaan oleh petugas desa/kelurahan"),
            Role.VILLAGE_OFFICER,
            (
                Action("accept", _("Data sesuai, teruskan untuk ditandatangani"), "signature"),
                Action("revise", _("Minta perbaikan"), REVISION, needs_note=True),
                REJECT,
            ),
        ),
        Step(
            "signature",
            _("Penandatanganan oleh lurah/kepala desa"),
            Role.VILLAGE_HEAD,
            (
                Action("approve", _("Tandatangani surat"), APPROVED),
                Action("return", _("Kembalikan ke petugas"), "verification", needs_note=True),
                REJECT,
            ),
        ),
    ),
)

WORKFLOWS: dict[str, Workflow] = {workflow.name: workflow for workflow in [VERIFY_APPROVE, VILLAGE_LETTER]}


def workflow_named(name: str) -> Workflow:
    try:
        return WORKFLOWS[name]
    except KeyError:
        raise LookupError(f"no workflow named {name!r}") from None
