"""The forms of complaints: filing (online and at the counter), the reporter's moves and the officers' steps."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mpp.catalog.models import Agency, Mpp, Service
from mpp.regions.models import Level, Region

from .models import Category, Weight
from .services import MAX_ATTACHMENTS

PHONE = re.compile(r"^(\+62|0)8[0-9]{7,12}$")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Up to ``MAX_ATTACHMENTS`` photos or PDFs (each checked by ``files`` when it is stored)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}))
        super().__init__(required=False, **kwargs)

    def clean(self, data, initial=None):
        files = [file for file in (data if isinstance(data, list | tuple) else [data]) if file]
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(_("Lampiran paling banyak %(count)s berkas.") % {"count": MAX_ATTACHMENTS})
        return [super(FilesField, self).clean(file, initial) for file in files]


class RegionChoiceForm(forms.Form):
    """The first step of filing without an application: which kabupaten/kota."""

    wilayah = forms.ModelChoiceField(
        label=_("Kabupaten/kota tempat layanan"),
        queryset=Region.objects.filter(level=Level.REGENCY).only("code", "name").order_by("name"),
        to_field_name="code",
        empty_label=_("Pilih kabupaten/kota"),
        error_messages={"required": _("Pilih kabupaten/kota."), "invalid_choice": _("Kabupaten/kota tidak dikenal.")},
    )


class ComplaintForm(forms.Form):
    """A complaint about a region's service, agency or MPP (or an application: then those are fixed)."""

    category = forms.ChoiceField(
        label=_("Kategori"),
        choices=Category.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih kategori pengaduan.")},
    )
    agency = forms.ModelChoiceField(
        label=_("Instansi yang diadukan (opsional)"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("Belum tahu / tidak ada"),
    )
    service = forms.ModelChoiceField(
        label=_("Layanan yang diadukan (opsional)"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=_("Bukan layanan tertentu"),
    )
    mpp = forms.ModelChoiceField(
        label=_("Gedung MPP (opsional)"),
        queryset=Mpp.objects.none(),
        required=False,
        empty_label=_("Bukan gedung MPP"),
    )
    title = forms.CharField(label=_("Judul singkat"), max_length=150, error_messages={"required": _("Isi judul.")})
    description = forms.CharField(
        label=_("Uraian"),
        max_length=4000,
        min_length=20,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Apa yang terjadi, kapan, dan di mana. Jangan menuliskan NIK atau data pribadi orang lain."),
        error_messages={"required": _("Uraikan pengaduan Anda."), "min_length": _("Uraian terlalu singkat.")},
    )
    occurred_on = forms.DateField(
        label=_("Tanggal kejadian (opsional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.ModelChoiceField(
        label=_("Desa/kelurahan tempat kejadian (opsional)"),
        queryset=Region.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("Tidak disebutkan"),
    )
    files = FilesField(label=_("Lampiran: foto atau PDF (opsional, paling banyak 5)"))
    anonymous = forms.BooleanField(label=_("Anonim: sembunyikan identitas saya dari petugas"), required=False)
    confidential = forms.BooleanField(label=_("Rahasia: isi pengaduan tidak pernah dipublikasikan"), required=False)
    publish_consent = forms.BooleanField(
        label=_("Boleh dipublikasikan tanpa identitas setelah selesai (tidak berlaku untuk pengaduan rahasia)"),
        required=False,
    )

    def __init__(self, *args, region: Region, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.region, self.application = region, application
        if application is not None:
            for name in ("agency", "service", "mpp"):
                del self.fields[name]
        else:
            self.fields["agency"].queryset = Agency.objects.filter(region=region).order_by("name")
            self.fields["service"].queryset = (
                # The agency too: a service chosen without its agency names it (``clean``).
                Service.objects.filter(region=region).select_related("template", "agency").order_by("template__name")
            )
            self.fields["service"].label_from_instance = lambda service: service.template.name
            self.fields["mpp"].queryset = Mpp.objects.filter(region=region).order_by("name")
        self.fields["place"].queryset = Region.objects.filter(
            code__startswith=f"{region.code}.", level=Level.VILLAGE
        ).order_by("name")

    def filing(self) -> dict:
        """What ``services.file_complaint`` takes from this form (once it is valid)."""
        data = self.cleaned_data
        names = ("category", "title", "description", "anonymous", "confidential", "publish_consent", "files")
        optional = ("agency", "service", "mpp", "place", "occurred_on")
        return {name: data[name] for name in names} | {name: data.get(name) for name in optional}

    def clean(self):
        data = super().clean()
        service, agency = data.get("service"), data.get("agency")
        if service is not None and agency is not None and service.agency_id != agency.pk:
            self.add_error("service", _("Layanan ini bukan layanan instansi yang dipilih."))
        if service is not None and agency is None:
            data["agency"] = service.agency
        if data.get("confidential"):
            data["publish_consent"] = False
        return data


class ContactForm(forms.Form):
    """Who a reporter without an account is, and where to reach them (blank: anonymous, by number and secret)."""

    reporter_name = forms.CharField(label=_("Nama (opsional)"), max_length=120, required=False)
    contact = forms.CharField(
        label=_("Surel atau nomor ponsel (opsional)"),
        max_length=120,
        required=False,
        help_text=_(
            "Kami mengirim kode untuk memastikan kontak ini milik Anda. Tanpa kontak, Anda mengikuti "
            "pengaduan dengan nomor pengaduan dan kode rahasia."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "email"}),
    )

    def clean_contact(self):
        contact = self.cleaned_data["contact"].strip()
        if not contact:
            return ""
        if "@" in contact:
            forms.EmailField().clean(contact)
            return contact.lower()
        phone = re.sub(r"[\s-]", "", contact)
        if not PHONE.match(phone):
            raise ValidationError(_("Tulis alamat surel, atau nomor ponsel Indonesia seperti 081234567890."))
        return phone


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Kode konfirmasi"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Kode terdiri dari 6 angka."), "required": _("Masukkan kode.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class TrackForm(forms.Form):
    number = forms.CharField(label=_("Nomor pengaduan"), max_length=40)
    secret = forms.CharField(label=_("Kode rahasia"), max_length=20)


class InformForm(forms.Form):
    text = forms.CharField(label=_("Keterangan tambahan"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    files = FilesField(label=_("Lampiran (opsional)"))


class VerdictForm(forms.Form):
    """The reporter's verdict on a resolved complaint."""

    RATINGS = [(4, _("4 — Sangat baik")), (3, _("3 — Baik")), (2, _("2 — Kurang baik")), (1, _("1 — Tidak baik"))]
    verdict = forms.ChoiceField(
        label=_("Apakah pengaduan Anda sudah selesai?"),
        choices=[("confirm", _("Ya, sudah selesai")), ("reopen", _("Belum, buka kembali"))],
        widget=forms.RadioSelect,
    )
    rating = forms.TypedChoiceField(
        label=_("Nilai penanganan pengaduan"), choices=RATINGS, coerce=int, required=False, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Bila belum selesai: apa yang masih kurang?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    publish_consent = forms.BooleanField(label=_("Boleh dipublikasikan tanpa identitas"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("verdict") == "confirm" and not data.get("rating"):
            self.add_error("rating", _("Beri nilai 1 sampai 4."))
        if data.get("verdict") == "reopen" and len((data.get("reason") or "").strip()) < 10:
            self.add_error("reason", _("Tuliskan apa yang masih kurang (paling sedikit 10 karakter)."))
        return data


# --- officers --------------------------------------------------------------------------------------


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class TriageForm(VersionForm):
    category = forms.ChoiceField(label=_("Kategori"), choices=Category.choices)
    weight = forms.ChoiceField(label=_("Bobot"), choices=Weight.choices)
    agency = forms.ModelChoiceField(label=_("Instansi penanggung jawab"), queryset=Agency.objects.none())
    note = forms.CharField(label=_("Catatan untuk pelapor (opsional)"), max_length=1000, required=False)

    def __init__(self, *args, region_id: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(region_id=region_id).order_by("name")


class MergeForm(VersionForm):
    into = forms.CharField(label=_("Nomor pengaduan yang sama"), max_length=40)


class ForwardForm(VersionForm):
    outside_remit = forms.BooleanField(
        label=_("Di luar kewenangan daerah: ditangani SP4N-LAPOR! sepenuhnya"), required=False
    )
    note = forms.CharField(label=_("Catatan (opsional)"), max_length=1000, required=False)


class AnswerForm(VersionForm):
    text = forms.CharField(
        label=_("Tanggapan atau pertanyaan"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ResolveForm(VersionForm):
    action_taken = forms.CharField(
        label=_("Tindakan yang dilakukan"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    answer = forms.CharField(
        label=_("Jawaban untuk pelapor"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RuleForm(forms.Form):
    weight = forms.ChoiceField(label=_("Bobot"), choices=Weight.choices)
    acknowledge_days = forms.IntegerField(label=_("Verifikasi (hari kerja)"), min_value=0, max_value=10)
    respond_days = forms.IntegerField(label=_("Tanggapan (hari kerja)"), min_value=0, max_value=60)
    resolve_days = forms.IntegerField(label=_("Penyelesaian (hari kerja)"), min_value=1, max_value=120)
    forward_to_lapor = forms.BooleanField(label=_("Teruskan ke SP4N-LAPOR!"), required=False)

    def clean(self):
        data = super().clean()
        days = (data.get("acknowledge_days"), data.get("respond_days"), data.get("resolve_days"))
        if None not in days and not days[0] <= days[1] <= days[2]:
            raise ValidationError(_("Batas verifikasi ≤ batas tanggapan ≤ batas penyelesaian."))
        return data


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Dasar pemeriksaan identitas pelapor"), min_length=20, max_length=1000, widget=forms.Textarea
    )
