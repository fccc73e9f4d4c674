"""The ministry's readiness checklist for a region asking to join: infrastructure and the eleven
MPP Digital criteria. Each item is scored met / partly / not met, with a note."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Score(models.TextChoices):
    MET = "met", _("Terpenuhi")
    PARTLY = "partly", _("Sebagian")
    NOT_MET = "not_met", _("Belum terpenuhi")


#: (code, label): the order the ministry's review form shows them in.
CRITERIA = (
    ("infrastructure", _("Infrastruktur (jaringan, perangkat, ruang MPP)")),
    ("general_information", _("Informasi umum layanan")),
    ("queue", _("Antrean")),
    ("consultation_complaints", _("Konsultasi dan pengaduan")),
    ("skm", _("Survei kepuasan masyarakat (SKM)")),
    ("performance_reporting", _("Pelaporan kinerja")),
    ("document_processing", _("Pemrosesan dan pelacakan dokumen")),
    ("commitment", _("Komitmen pimpinan daerah")),
    ("platform", _("Platform")),
    ("sustainability", _("Keberlanjutan")),
    ("security", _("Keamanan")),
    ("user_testing", _("Uji coba pengguna")),
)
CRITERION_CODES = tuple(code for code, _label in CRITERIA)


def summary(checklist: dict) -> dict[str, int]:
    """How many criteria are met, partly met and not met (a criterion not scored counts as not met)."""
    counts = dict.fromkeys(Score.values, 0)
    for code in CRITERION_CODES:
        counts[(checklist.get(code) or {}).get("score", Score.NOT_MET)] += 1
    return counts
