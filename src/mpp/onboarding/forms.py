from django import forms
from django.utils.translation import gettext_lazy as _

from mpp.catalog.models import Mode, ServiceTemplate
from mpp.regions.models import Level, Region

from .models import Stage
from .readiness import CRITERIA, Score

YES_NO = [("yes", _("Ya, sudah ada")), ("no", _("Belum"))]


class JoinRequestForm(forms.Form):
    """The public request to join, with the readiness self-assessment."""

    region_code = forms.CharField(
        label=_("Kode wilayah kabupaten/kota"),
        max_length=5,
        help_text=_("Kode Kemendagri, mis. 64.02 untuk Kabupaten Kutai Kartanegara."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "64.02"}),
    )
    applicant_name = forms.CharField(label=_("Nama pejabat pemohon"), max_length=120)
    applicant_position = forms.CharField(
        label=_("Jabatan"), max_length=160, help_text=_("Kepala daerah atau pejabat yang diberi kuasa.")
    )
    letter = forms.FileField(label=_("Surat permohonan resmi (PDF, maks. 5 MB)"))
    contact_email = forms.EmailField(
        label=_("Surel kontak"), help_text=_("Tautan untuk mengikuti permohonan dikirim ke alamat ini.")
    )
    contact_phone = forms.RegexField(
        label=_("Telepon kontak"),
        regex=r"^\+?[0-9 ()-]{8,20}$",
        error_messages={"invalid": _("Tulis nomor telepon dengan angka, mis. 0541 123456.")},
    )
    bandwidth_mbps = forms.IntegerField(label=_("Bandwidth internet di MPP (Mbps)"), min_value=0, max_value=100_000)
    counters = forms.IntegerField(label=_("Jumlah loket layanan"), min_value=0, max_value=1_000)
    officers_trained = forms.IntegerField(label=_("Jumlah petugas yang sudah dilatih"), min_value=0, max_value=10_000)
    has_dukcapil_agreement = forms.ChoiceField(
        label=_("Perjanjian kerja sama (PKS) akses data dengan Dukcapil"), choices=YES_NO, widget=forms.RadioSelect
    )
    first_services = forms.ModelMultipleChoiceField(
        label=_("Layanan yang pertama diselenggarakan"),
        queryset=ServiceTemplate.objects.filter(mode=Mode.APPLICATION).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Pilih dari templat layanan nasional."),
    )
    manager_name = forms.CharField(label=_("Nama calon pengelola MPP Digital"), max_length=120)
    manager_position = forms.CharField(label=_("Jabatan calon pengelola"), max_length=160, required=False)
    manager_email = forms.EmailField(
        label=_("Surel dinas calon pengelola"), help_text=_("Undangan akun pengelola dikirim ke alamat ini.")
    )

    def __init__(self, *args, returned=False, **kwargs):
        super().__init__(*args, **kwargs)
        if returned:  # completing a returned request: the region is fixed, a new letter is optional
            del self.fields["region_code"]
            self.fields["letter"].required = False
            self.fields["letter"].label = _("Surat permohonan resmi yang baru (PDF, bila ada)")

    def clean_region_code(self):
        code = self.cleaned_data["region_code"].strip()
        region = Region.objects.filter(code=code, level=Level.REGENCY).first()
        if region is None:
            raise forms.ValidationError(_("Kode ini bukan kode kabupaten/kota. Contoh yang benar: 64.02."))
        return region.code

    def clean_has_dukcapil_agreement(self):
        return self.cleaned_data["has_dukcapil_agreement"] == "yes"

    def request_fields(self) -> dict:
        """The cleaned values as ``services.submit_request`` / ``resubmit_request`` take them."""
        data = dict(self.cleaned_data)
        data.pop("region_code", None)
        data.pop("letter", None)
        data.pop("first_services", None)
        return data


class ChecklistForm(forms.Form):
    """The ministry's designation: every readiness criterion scored, with a note, and the decree."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    decree_number = forms.CharField(label=_("Nomor keputusan penetapan lokus"), max_length=120)
    decree_date = forms.DateField(label=_("Tanggal keputusan"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in CRITERIA:
            self.fields[f"score_{code}"] = forms.ChoiceField(
                label=label, choices=[("", "—"), *Score.choices], required=True
            )
            self.fields[f"note_{code}"] = forms.CharField(
                label=_("Catatan: %(criterion)s") % {"criterion": label}, max_length=500, required=False
            )

    def checklist(self) -> dict:
        return {
            code: {"score": self.cleaned_data[f"score_{code}"], "note": self.cleaned_data[f"note_{code}"]}
            for code, _label in CRITERIA
        }

    def criteria(self):
        """(score field, note field) pairs, for the template."""
        return [(self[f"score_{code}"], self[f"note_{code}"]) for code, _label in CRITERIA]


class NoteForm(forms.Form):
    """Returning or refusing a request: the reason is required."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Alasan atau keterangan yang diminta"), max_length=2000, widget=forms.Textarea)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ListFilterForm(forms.Form):
    """The public list's filters: a province and a stage."""

    provinsi = forms.ModelChoiceField(
        label=_("Provinsi"),
        queryset=Region.objects.filter(level=Level.PROVINCE).only("code", "name"),
        required=False,
        to_field_name="code",
        empty_label=_("Semua provinsi"),
    )
    tahap = forms.ChoiceField(label=_("Tahap"), choices=[("", _("Semua tahap")), *Stage.choices], required=False)


class AdoptForm(forms.Form):
    template = forms.ModelChoiceField(queryset=ServiceTemplate.objects.all(), to_field_name="slug")
