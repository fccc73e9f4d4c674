"""Writes of monev: open a round, save and submit a region's report, accept or return it (reminders:
``reminders.py``).

Every function is keyword-only and transactional; it locks the report it changes
(``select_for_update``) and acts on the version the person saw (``expected_version``), so a
stale page is refused with ``Conflict`` instead of overwriting someone else's move. Telling
people goes through the outbox (``notifications.services.notify``) inside the same transaction.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mpp.applications.calendar import end_of_day
from mpp.applications.selectors import monev_figures
from mpp.core.errors import Conflict, DomainError, NotFound
from mpp.files.services import store_pdf
from mpp.identity.access import has_role
from mpp.identity.models import Role, RoleAssignment, User
from mpp.onboarding import selectors as onboarding
from mpp.regions.models import Level, Region

from .models import (
    EDITABLE_STATUSES,
    FIGURE_KEYS,
    Obstacle,
    ObstacleCategory,
    Report,
    ReportChange,
    ReportingRound,
)
from .notices import managers_of, tell
from .workflow import Move, move_named, submission

#: What a manager types into a report (the decree file and the obstacles come separately).
REPORT_FIELDS = (
    "decree_number",
    "decree_date",
    *(f"{key}_outside" for key in FIGURE_KEYS),
    "usage_efforts",
    "ikd_sisdmk_efforts",
    "suggestions",
)
COUNT_FIELDS = tuple(f"{key}_outside" for key in FIGURE_KEYS)
#: What must be there before a report is sent; the figures are counted, and the outside counts may be 0.
REQUIRED_TO_SUBMIT = (
    "decree_number",
    "decree_date",
    "decree_file",
    "usage_efforts",
    "ikd_sisdmk_efforts",
    "suggestions",
)
MAX_COUNT = 10_000_000
MAX_OBSTACLES = 20


class ReportIncomplete(DomainError):
    """A report is missing what it needs to be sent: ``errors`` maps each field (``obstacle-<n>-text`` for
    the n-th obstacle, from 1) to what is wrong."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(_("Laporan belum lengkap. Lengkapi isian yang ditandai, lalu kirim lagi."))
        self.errors = errors


# --- the ministry opens a round ----------------------------------------------------------------


@transaction.atomic
def open_round(
    *,
    opened_by: User | None,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    deadline: dt.date,
    region_codes: Iterable[str] | None = None,
    now=None,
) -> ReportingRound:
    """Open a reporting round and give each asked kabupaten/kota an empty report; their managers are told.

    ``region_codes`` None asks every region where MPP Digital is active. Raises DomainError for an
    empty title, a period that ends before it starts, or no region to ask. A deadline in the past is
    the form's business, not this one's: the demo data records rounds the ministry sent years ago
    (``now`` is when it was opened), and their managers are not told about them.
    """
    now = now or timezone.now()
    title = title.strip()
    if not title:
        raise DomainError(_("Tuliskan judul putaran monev."))
    if period_end < period_start:
        raise DomainError(_("Akhir periode tidak boleh sebelum awal periode."))
    codes = set(onboarding.active_region_codes() if region_codes is None else region_codes)
    regions = list(Region.objects.filter(pk__in=codes, level=Level.REGENCY).order_by("code"))
    if not regions or len(regions) != len(codes):
        raise DomainError(_("Pilih paling sedikit satu kabupaten/kota, dan hanya kabupaten/kota."))
    reporting_round = ReportingRound.objects.create(
        title=title[:200], period_start=period_start, period_end=period_end, deadline=deadline, opened_by=opened_by
    )
    # Opened at ``now``: the demo data records the rounds of past years when they were sent.
    ReportingRound.objects.filter(pk=reporting_round.pk).update(created_at=now)
    reporting_round.created_at = now
    Report.objects.bulk_create([Report(reporting_round=reporting_round, region=region) for region in regions])
    if deadline >= timezone.localdate():  # by the real clock: a round recorded after the fact asks nobody
        names = {region.code: region.name for region in regions}
        for assignment in managers_of(names):
            tell(
                assignment.user,
                "monev_opened",
                key=f"monev-opened:{reporting_round.pk}:{assignment.region_id}:{assignment.user_id}",
                reporting_round=reporting_round,
                region=names[assignment.region_id],
                region_code=assignment.region_id,
                now=now,
            )
    return reporting_round


# --- a region's manager fills in and submits ------------------------------------------------------


@transaction.atomic
def save_draft(
    *,
    manager: User,
    report_id,
    expected_version: int,
    values: dict,
    obstacles: list[tuple[str, str]] | None = None,
    decree_file=None,
    now=None,
) -> Report:
    """Save what the manager typed so far into an editable report: only the ``values`` given
    (``REPORT_FIELDS``), the ``obstacles`` when given (they replace the report's list), and the
    ``decree_file`` when one was uploaded (checked: a PDF of at most 5 MB).

    Raises NotFound outside the manager's regions, Conflict when the report was submitted or moved
    since the page was opened, DomainError for a count that is not a whole number from 0, or a file
    that is not a PDF.
    """
    report = _for_manager(manager, report_id)
    if report.version != expected_version or report.status not in EDITABLE_STATUSES:
        raise Conflict(_("Laporan ini sudah dikirim atau berubah sejak halaman dibuka. Muat ulang halaman."))
    changed = []
    for name, value in values.items():
        if name not in REPORT_FIELDS:
            continue
        if name in COUNT_FIELDS:
            value = 0 if value is None else value
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
                raise DomainError(_("Jumlah harus bilangan bulat 0 atau lebih."))
        elif name == "decree_date":
            if value is not None and not isinstance(value, dt.date):
                raise DomainError(_("Tanggal SK tidak sah."))
        else:
            value = (value or "").strip()
        setattr(report, name, value)
        changed.append(name)
    if decree_file is not None:
        try:
            report.decree_file = store_pdf(owner=manager, uploaded=decree_file, now=now)
        except ValidationError as invalid:
            raise DomainError(invalid.messages[0]) from None
        changed.append("decree_file")
    report.save(update_fields=[*changed, "updated_at"])
    if obstacles is not None:
        _replace_obstacles(report, obstacles)
    return report


@transaction.atomic
def submit_report(*, manager: User, report_id, expected_version: int, now=None) -> Report:
    """Send the report to the ministry: its platform figures are counted and frozen into it, and it is
    locked. The first submission after the deadline (the end of that day in the region's zone) marks
    it late; a revision sent after a return keeps the first submission's mark.

    Raises NotFound outside the manager's regions, Conflict on a stale page or a report already sent,
    ReportIncomplete with the field errors.
    """
    now = now or timezone.now()
    report = _for_manager(manager, report_id)
    if report.version != expected_version:
        raise Conflict(_("Laporan ini berubah sejak halaman dibuka. Muat ulang halaman lalu periksa lagi."))
    move = submission(report.status)
    if move is None:
        raise Conflict(_("Laporan ini sudah dikirim dan terkunci."))
    errors = _missing(report)
    if errors:
        raise ReportIncomplete(errors)
    reporting_round = report.reporting_round
    figures = monev_figures(report.region_id, reporting_round.period_start, reporting_round.period_end)
    report.platform_figures = {key: int(figures[key]) for key in FIGURE_KEYS}
    if report.first_submitted_at is None:
        report.first_submitted_at = now
        report.is_late = now > end_of_day(reporting_round.deadline, report.region.time_zone)
    report.submitted_at, report.submitted_by = now, manager
    _move(report, move, actor=manager, label=_manager_label(manager, report), now=now)
    return report


# --- the ministry reviews ----------------------------------------------------------------------


@transaction.atomic
def accept_report(*, reviewer: User, report_id, expected_version: int, now=None) -> Report:
    """Accept a submitted report. Raises NotFound for anyone but the ministry, Conflict on a stale page
    or a report that is not waiting for review."""
    return _review(reviewer=reviewer, report_id=report_id, action="accept", note="", version=expected_version, now=now)


@transaction.atomic
def return_report(*, reviewer: User, report_id, note: str, expected_version: int, now=None) -> Report:
    """Return a submitted report to its region for revision, saying why; its managers are told.
    Raises as ``accept_report``, and DomainError without a note."""
    report = _review(
        reviewer=reviewer, report_id=report_id, action="return", note=note, version=expected_version, now=now
    )
    names = {report.region_id: report.region.name}
    for assignment in managers_of(names):
        tell(
            assignment.user,
            "monev_returned",
            key=f"monev-returned:{report.pk}:{report.version}:{assignment.user_id}",
            reporting_round=report.reporting_round,
            region=report.region.name,
            region_code=report.region_id,
            note=note.strip(),
            now=now,
        )
    return report


def _review(*, reviewer: User, report_id, action: str, note: str, version: int, now) -> Report:
    now = now or timezone.now()
    if not has_role(reviewer, Role.MINISTRY):
        raise NotFound(_("Laporan tidak ditemukan."))
    report = _locked(report_id)
    if report is None:
        raise NotFound(_("Laporan tidak ditemukan."))
    if report.version != version:
        raise Conflict(_("Laporan ini baru saja berubah. Halaman sudah dimuat ulang; periksa lagi sebelum bertindak."))
    move = move_named(action, report.status)
    if move is None:
        raise Conflict(_("Laporan ini tidak sedang menunggu pemeriksaan."))
    note = note.strip()
    if move.needs_note and not note:
        raise DomainError(_("Tuliskan apa yang harus diperbaiki daerah."))
    _move(report, move, actor=reviewer, label=_ministry_label(reviewer), note=note, now=now)
    return report


# --- inside ------------------------------------------------------------------------------------


def _locked(report_id) -> Report | None:
    try:
        return (
            Report.objects.select_for_update(of=("self",))
            .select_related("reporting_round", "region")
            .filter(pk=report_id)
            .first()
        )
    except (ValidationError, ValueError, TypeError):  # not a UUID
        return None


def _for_manager(manager: User, report_id) -> Report:
    """The report, locked, if ``manager`` manages its region; NotFound otherwise (as if it did not exist)."""
    report = _locked(report_id)
    if report is None or not _manages(manager, report.region_id):
        raise NotFound(_("Laporan tidak ditemukan."))
    return report


def _manages(user: User, region_code: str) -> bool:
    if not has_role(user, Role.MPP_MANAGER):
        return False
    if user.is_superuser:
        return True
    return RoleAssignment.objects.filter(user=user, role=Role.MPP_MANAGER, region_id=region_code).exists()


def _move(report: Report, move: Move, *, actor: User, label: str, note: str = "", now) -> None:
    before = report.status
    report.status = move.target
    report.version += 1
    report.save()
    ReportChange.objects.create(
        report=report,
        at=now,
        actor=actor,
        actor_label=label[:200],
        action=move.action,
        from_status=before,
        to_status=move.target,
        note=note,
    )


def _missing(report: Report) -> dict[str, str]:
    errors = {}
    for name in REQUIRED_TO_SUBMIT:
        value = getattr(report, f"{name}_id" if name == "decree_file" else name)
        if value in (None, ""):
            errors[name] = (
                _("Unggah SK Pengelola MPP Digital (PDF).")
                if name == "decree_file"
                else _("Wajib diisi sebelum laporan dikirim.")
            )
    for number, obstacle in enumerate(report.obstacles.all(), start=1):
        if obstacle.category not in ObstacleCategory.values:
            errors[f"obstacle-{number}-category"] = _("Pilih kategori kendala.")
        if not obstacle.text.strip():
            errors[f"obstacle-{number}-text"] = _("Uraikan kendala ini, atau kosongkan kategorinya.")
    return errors


def _replace_obstacles(report: Report, obstacles: list[tuple[str, str]]) -> None:
    rows = []
    for category, text in obstacles[:MAX_OBSTACLES]:
        category, text = (category or "").strip(), (text or "").strip()
        if not category and not text:
            continue
        if category and category not in ObstacleCategory.values:
            raise DomainError(_("Kategori kendala tidak dikenal."))
        rows.append(Obstacle(report=report, position=len(rows), category=category, text=text[:5000]))
    report.obstacles.all().delete()
    Obstacle.objects.bulk_create(rows)


def _manager_label(manager: User, report: Report) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return f"{manager.get_full_name() or manager.username} · {_('Pengelola MPP')} {report.region.name}"


def _ministry_label(reviewer: User) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return f"{reviewer.get_full_name() or reviewer.username} · {_('Kementerian PANRB')}"
