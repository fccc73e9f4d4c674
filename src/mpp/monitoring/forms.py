"""What the ministry and the managers type: checked here, field by field, before a service sees it."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mpp.files.checks import validate_document

from .models import FIGURES, ObstacleCategory
from .services import MAX_COUNT, MAX_OBSTACLES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Tulis tanggal yang sah, misalnya 2023-07-28.")}


class RoundForm(forms.Form):
    AUDIENCE = [
        ("active", _("Semua kabupaten/kota yang MPP Digital-nya aktif")),
        ("chosen", _("Kabupaten/kota tertentu")),
    ]

    title = forms.CharField(
        label=_("Judul putaran"),
        max_length=200,
        help_text=_("Misalnya: Monev MPP Digital Semester I 2023."),
        error_messages={"required": _("Tuliskan judul putaran.")},
    )
    period_start = forms.DateField(
        label=_("Awal periode"), widget=DATE, error_messages=DATE_ERRORS | {"required": _("Isi awal periode.")}
    )
    period_end = forms.DateField(
        label=_("Akhir periode"), widget=DATE, error_messages=DATE_ERRORS | {"required": _("Isi akhir periode.")}
    )
    deadline = forms.DateField(
        label=_("Batas pengiriman laporan"),
        widget=DATE,
        help_text=_(
            "Laporan yang dikirim setelah hari ini berakhir (waktu setempat) tetap diterima, ditandai terlambat."
        ),
        error_messages=DATE_ERRORS | {"required": _("Isi batas pengiriman.")},
    )
    audience = forms.ChoiceField(
        label=_("Daerah yang diminta melapor"), choices=AUDIENCE, widget=forms.RadioSelect, initial="active"
    )
    regions = forms.MultipleChoiceField(
        label=_("Pilih kabupaten/kota"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Hanya bila memilih kabupaten/kota tertentu."),
        error_messages={"invalid_choice": _("Kabupaten/kota %(value)s tidak dapat dipilih.")},
    )

    def __init__(self, *args, regions, active_codes: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.active_codes = active_codes
        self.fields["regions"].choices = [(region.code, f"{region.name} ({region.code})") for region in regions]
        self.fields["audience"].choices = [
            ("active", _("Semua kabupaten/kota yang MPP Digital-nya aktif (%(count)d)") % {"count": len(active_codes)}),
            self.AUDIENCE[1],
        ]

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise ValidationError(_("Batas pengiriman tidak boleh di masa lalu."))
        return deadline

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("Akhir periode tidak boleh sebelum awal periode."))
        audience = cleaned.get("audience")
        if audience == "chosen" and not cleaned.get("regions") and "regions" not in self.errors:
            self.add_error("regions", _("Pilih paling sedikit satu kabupaten/kota."))
        if audience == "active" and not self.active_codes:
            self.add_error("audience", _("Belum ada kabupaten/kota dengan MPP Digital aktif. Pilih daerah tertentu."))
        return cleaned

    @property
    def region_codes(self) -> set[str] | None:
        """The regions asked: None for every active one."""
        return set(self.cleaned_data["regions"]) if self.cleaned_data["audience"] == "chosen" else None


COUNT_ERRORS = {
    "invalid": _("Isi dengan bilangan bulat, misalnya 12."),
    "min_value": _("Jumlah tidak boleh negatif."),
    "max_value": _("Jumlah ini terlalu besar."),
}


def _count(label) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_COUNT,
        error_messages=COUNT_ERRORS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
    )


def _text(label, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=5000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("Paling banyak %(limit_value)d karakter.")},
    )


class ReportForm(forms.Form):
    """The report's own fields. Every field may stay empty in a draft; what a submission needs is the
    service's check (``services.REQUIRED_TO_SUBMIT``)."""

    decree_number = forms.CharField(label=_("Nomor SK Pengelola MPP Digital"), max_length=120, required=False)
    decree_date = forms.DateField(label=_("Tanggal SK"), required=False, widget=DATE, error_messages=DATE_ERRORS)
    decree_file = forms.FileField(
        label=_("Berkas SK (PDF, paling besar 5 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    usage_efforts = _text(_("Upaya percepatan pemanfaatan MPP Digital"))
    ikd_sisdmk_efforts = _text(
        _("Upaya percepatan aktivasi IKD dan pengisian data SISDMK"),
        _("IKD: Identitas Kependudukan Digital. SISDMK: sistem informasi SDM kesehatan."),
    )
    suggestions = _text(_("Saran dan masukan"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in FIGURES:
            self.fields[f"{key}_outside"] = _count(_("%(item)s di luar platform") % {"item": label})

    def clean_decree_file(self):
        uploaded = self.cleaned_data.get("decree_file")
        if not uploaded:
            return None
        # The content decides, not the name or the browser's claim: a PDF starts so (a photo of the decree does not).
        if uploaded.read(5) != b"%PDF-":
            raise ValidationError(_("SK harus berupa berkas PDF, bukan foto, gambar, atau berkas lain."))
        uploaded.seek(0)
        validate_document(uploaded)  # size, and a PDF that is complete
        uploaded.seek(0)
        return uploaded

    def values(self) -> dict:
        """The valid fields' values, for ``services.save_draft`` (the file and invalid fields left out)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "decree_file"}

    @property
    def figure_fields(self):
        return [self[f"{key}_outside"] for key, _label in FIGURES]


def obstacles_from(data) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The obstacle rows posted (``obstacle_category`` and ``obstacle_text``, in order), without the empty
    ones, and errors keyed ``obstacle-<n>-category`` / ``-text`` (n counts the rows that are not empty, from 1,
    as the page numbers them when it shows them again)."""
    categories, texts = data.getlist("obstacle_category"), data.getlist("obstacle_text")
    rows, errors, number = [], {}, 0
    for category, text in zip(categories, texts, strict=False):
        category, text = category.strip(), text.strip()
        if not category and not text:
            continue  # an empty row left for adding one: not counted
        number += 1
        if number > MAX_OBSTACLES:
            errors[f"obstacle-{number}-text"] = _("Paling banyak %(count)d kendala.") % {"count": MAX_OBSTACLES}
            continue
        if category and category not in ObstacleCategory.values:
            errors[f"obstacle-{number}-category"] = _("Pilih salah satu kategori yang tersedia.")
            continue
        if len(text) > 5000:
            errors[f"obstacle-{number}-text"] = _("Paling banyak 5000 karakter.")
            continue
        rows.append((category, text))
    return rows, errors


class ReviewForm(forms.Form):
    version = forms.IntegerField(min_value=0)
    action = forms.ChoiceField(choices=[("accept", "accept"), ("return", "return")])
    note = forms.CharField(
        label=_("Catatan untuk daerah"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wajib bila laporan dikembalikan: apa yang harus diperbaiki."),
    )
