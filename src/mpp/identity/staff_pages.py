"""Where each staff role works: the header's menu and the page a sign-in lands on.

The pages belong to the apps above (named here, never imported); the first page a role has is
its home. A role's page whose app is not installed is left out, so the menu never breaks.
"""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .access import has_role
from .models import VILLAGE_ROLES, Role

#: (roles, URL name, label), in the menu's order.
STAFF_PAGES = (
    ((Role.MINISTRY,), "statistics:national", _("Dasbor nasional")),
    ((Role.MINISTRY,), "onboarding:queue", _("Permohonan bergabung")),
    ((Role.MINISTRY,), "monitoring:rounds", _("Monev")),
    ((Role.MPP_MANAGER,), "onboarding:manager", _("Pengelola MPP")),
    ((Role.MPP_MANAGER,), "statistics:region", _("Statistik daerah")),
    ((Role.MPP_MANAGER,), "monitoring:manager_reports", _("Laporan monev")),
    ((Role.MPP_MANAGER,), "surveys:manager", _("Survei kepuasan (IKM)")),
    ((Role.MPP_MANAGER,), "queueing:manager", _("Antrean MPP")),
    ((Role.MPP_MANAGER, Role.MINISTRY), "applications:connectors", _("Sistem instansi")),
    ((Role.TREASURER,), "payments:treasurer", _("Penerimaan dan rekonsiliasi")),
    ((Role.REGION_SIGNATORY,), "onboarding:region_agreements", _("Perjanjian")),
    ((Role.COUNTER_OFFICER, Role.VERIFIER, Role.APPROVER, *VILLAGE_ROLES), "applications:worklist", _("Daftar kerja")),
    (tuple(VILLAGE_ROLES), "villages:mine", _("Desa/kelurahan saya")),
    ((Role.COUNTER_OFFICER,), "queueing:console_start", _("Konsol antrean")),
    # Managers triage; complaint officers answer; approvers (the agency's head) receive the overdue ones.
    ((Role.MPP_MANAGER, Role.COMPLAINT_OFFICER, Role.APPROVER), "complaints:worklist", _("Pengaduan")),
    ((Role.MPP_MANAGER,), "complaints:rules", _("Batas waktu pengaduan")),
    ((Role.COUNTER_OFFICER,), "complaints:counter_file", _("Catat pengaduan warga")),
    ((Role.COUNTER_OFFICER,), "payments:cash", _("Pembayaran tunai")),
)


def staff_pages(user) -> list[tuple[str, str]]:
    """(URL, label) of every page ``user``'s roles work on, in the menu's order; kept on the user."""
    cached = getattr(user, "_staff_pages", None)
    if cached is not None:
        return cached
    pages = []
    for roles, name, label in STAFF_PAGES:
        if has_role(user, *roles):
            try:
                pages.append((reverse(name), label))
            except NoReverseMatch:
                continue
    user._staff_pages = pages
    return pages
