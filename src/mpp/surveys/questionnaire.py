"""The questionnaire of the satisfaction survey (SKM), as PermenPANRB 14/2017 words it: data, not templates.

Nine elements (*unsur*), U1 to U9 in the regulation's order, each asked as one question with four
answers valued 1 (worst) to 4 (best). The respondent's profile is optional and uses the
regulation's categories, except age, which is asked as a band rather than in years (a band
identifies no one).
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Element:
    #: The answer's and the figures' column: u1 … u9.
    field: str
    #: The element's name in the regulation (*unsur*).
    name: Promise
    question: Promise
    #: The four answers, for the values 1, 2, 3 and 4.
    answers: tuple[Promise, Promise, Promise, Promise]

    @property
    def number(self) -> int:
        return int(self.field[1:])

    @property
    def code(self) -> str:
        return f"U{self.number}"


ELEMENTS = (
    Element(
        "u1",
        _("Persyaratan"),
        _("Bagaimana pendapat Anda tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?"),
        (_("Tidak sesuai"), _("Kurang sesuai"), _("Sesuai"), _("Sangat sesuai")),
    ),
    Element(
        "u2",
        _("Sistem, mekanisme, dan prosedur"),
        _("Bagaimana pemahaman Anda tentang kemudahan prosedur pelayanan di unit ini?"),
        (_("Tidak mudah"), _("Kurang mudah"), _("Mudah"), _("Sangat mudah")),
    ),
    Element(
        "u3",
        _("Waktu penyelesaian"),
        _("Bagaimana pendapat Anda tentang kecepatan waktu dalam memberikan pelayanan?"),
        (_("Tidak cepat"), _("Kurang cepat"), _("Cepat"), _("Sangat cepat")),
    ),
    Element(
        "u4",
        _("Biaya/tarif"),
        _("Bagaimana pendapat Anda tentang kewajaran biaya/tarif dalam pelayanan?"),
        (_("Sangat mahal"), _("Cukup mahal"), _("Murah"), _("Gratis")),
    ),
    Element(
        "u5",
        _("Produk spesifikasi jenis pelayanan"),
        _(
            "Bagaimana pendapat Anda tentang kesesuaian produk pelayanan antara yang tercantum dalam standar "
            "pelayanan dengan hasil yang diberikan?"
        ),
        (_("Tidak sesuai"), _("Kurang sesuai"), _("Sesuai"), _("Sangat sesuai")),
    ),
    Element(
        "u6",
        _("Kompetensi pelaksana"),
        _("Bagaimana pendapat Anda tentang kompetensi/kemampuan petugas dalam pelayanan?"),
        (_("Tidak kompeten"), _("Kurang kompeten"), _("Kompeten"), _("Sangat kompeten")),
    ),
    Element(
        "u7",
        _("Perilaku pelaksana"),
        _("Bagaimana pendapat Anda tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?"),
        (_("Tidak sopan dan ramah"), _("Kurang sopan dan ramah"), _("Sopan dan ramah"), _("Sangat sopan dan ramah")),
    ),
    Element(
        "u8",
        _("Penanganan pengaduan, saran, dan masukan"),
        _("Bagaimana pendapat Anda tentang penanganan pengaduan pengguna layanan?"),
        (_("Tidak ada"), _("Ada tetapi tidak berfungsi"), _("Berfungsi kurang maksimal"), _("Dikelola dengan baik")),
    ),
    Element(
        "u9",
        _("Sarana dan prasarana"),
        _("Bagaimana pendapat Anda tentang kualitas sarana dan prasarana?"),
        (_("Buruk"), _("Cukup"), _("Baik"), _("Sangat baik")),
    ),
)
FIELDS = tuple(element.field for element in ELEMENTS)
BY_FIELD = {element.field: element for element in ELEMENTS}
VALUES = (1, 2, 3, 4)


class Gender(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class AgeBand(models.TextChoices):
    UNDER_20 = "-19", _("di bawah 20 tahun")
    TWENTIES = "20-29", _("20–29 tahun")
    THIRTIES = "30-39", _("30–39 tahun")
    FORTIES = "40-49", _("40–49 tahun")
    FIFTIES = "50-59", _("50–59 tahun")
    SIXTY_PLUS = "60-", _("60 tahun ke atas")


class Education(models.TextChoices):
    PRIMARY = "sd", _("SD ke bawah")
    JUNIOR = "sltp", _("SLTP")
    SENIOR = "slta", _("SLTA")
    DIPLOMA = "d1-d3", _("D1–D2–D3")
    D4 = "d4", _("D4")
    S1 = "s1", _("S1")
    S2 = "s2", _("S2")
    S3 = "s3", _("S3")


class Occupation(models.TextChoices):
    CIVIL_SERVANT = "pns", _("PNS")
    MILITARY = "tni", _("TNI")
    POLICE = "polri", _("POLRI")
    PRIVATE = "swasta", _("Swasta")
    ENTREPRENEUR = "wirausaha", _("Wirausaha")
    OTHER = "lainnya", _("Lainnya")


#: The longest suggestion kept (a few paragraphs).
SUGGESTION_LENGTH = 1000
