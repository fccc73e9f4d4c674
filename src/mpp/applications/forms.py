from django import forms
from django.utils.translation import gettext_lazy as _

from mpp.catalog.models import Agency, Service
from mpp.sso.models import AgencyClient

from .models import ConnectorMode, normalise_tracking_number


class TrackForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("Nomor permohonan"),
        max_length=40,
        help_text=_("Tertera di tanda terima, misalnya 6472-2611-7KQ3XZ9M."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    nik_last4 = forms.RegexField(
        label=_("4 angka terakhir NIK pemohon"),
        regex=r"^\d{4}$",
        error_messages={"invalid": _("Isikan tepat 4 angka.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "4"}),
    )

    def clean_tracking_number(self):
        return normalise_tracking_number(self.cleaned_data["tracking_number"])


def _pairs(text: str, field: str) -> dict[str, str]:
    """``key = value`` per line (blank lines and lines starting with # are skipped) as a dict."""
    pairs = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sign, value = line.partition("=")
        if not sign or not key.strip() or not value.strip():
            raise forms.ValidationError(
                _("Baris %(number)s: tulis sebagai kunci = nilai.") % {"number": number}, code=field
            )
        pairs[key.strip()] = value.strip()
    return pairs


def _lines(pairs: dict) -> str:
    return "\n".join(f"{key} = {value}" for key, value in pairs.items())


class ConnectorForm(forms.Form):
    """A connector contract as a manager writes it: plain fields and ``key = value`` lines, no code."""

    name = forms.CharField(label=_("Nama sistem"), max_length=120)
    mode = forms.ChoiceField(label=_("Cara terhubung"), choices=ConnectorMode.choices)
    agency = forms.ModelChoiceField(label=_("Instansi"), queryset=Agency.objects.none())
    credentials = forms.RegexField(
        label=_("Nama kredensial"),
        regex=r"^[A-Z][A-Z0-9_]{1,40}$",
        required=False,
        help_text=_("Alamat dan rahasia dibaca dari MPP_CONNECTOR_<NAMA>_URL dan MPP_CONNECTOR_<NAMA>_SECRET."),
        error_messages={"invalid": _("Huruf kapital, angka dan garis bawah, misalnya POLRI_SKCK.")},
    )
    mapping = forms.CharField(
        label=_("Pemetaan isian"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Satu per baris: kunci_instansi = form.nama_isian (atau applicant.nik, tracking_number …)."),
    )
    statuses = forms.CharField(
        label=_("Pemetaan status"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Satu per baris: KODE_INSTANSI = in_process, approved atau rejected."),
    )
    timeout_seconds = forms.FloatField(label=_("Batas waktu satu pengiriman (detik)"), min_value=0.5, max_value=60)
    attempts = forms.IntegerField(label=_("Jumlah percobaan"), min_value=1, max_value=50)
    first_delay_seconds = forms.IntegerField(label=_("Jeda percobaan pertama (detik)"), min_value=1, max_value=3600)
    max_delay_seconds = forms.IntegerField(label=_("Jeda terpanjang (detik)"), min_value=1, max_value=86_400)
    portal_url = forms.URLField(label=_("Alamat portal instansi"), required=False, assume_scheme="https")
    sign_in_client = forms.ModelChoiceField(
        label=_("Klien masuk tunggal portal instansi"),
        queryset=AgencyClient.objects.none(),
        required=False,
        help_text=_("Untuk sistem yang diserahkan: klien OpenID Connect yang didaftarkan kementerian untuk portalnya."),
    )

    def __init__(self, *args, agencies=None, system=None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        if system is not None:
            contract = system.contract or {}
            retry = contract.get("retry", {})
            initial = {
                "name": system.name,
                "mode": system.mode,
                "agency": system.agency_id,
                "credentials": contract.get("credentials", ""),
                "mapping": _lines(contract.get("fields", {})),
                "statuses": _lines(contract.get("statuses", {})),
                "timeout_seconds": contract.get("timeout_seconds", 10),
                "attempts": retry.get("attempts", 20),
                "first_delay_seconds": retry.get("first_delay_seconds", 2),
                "max_delay_seconds": retry.get("max_delay_seconds", 3600),
                "portal_url": contract.get("portal_url", ""),
            }
        else:
            initial = {"timeout_seconds": 10, "attempts": 20, "first_delay_seconds": 2, "max_delay_seconds": 3600}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["agency"].queryset = agencies if agencies is not None else Agency.objects.none()
        self.fields["sign_in_client"].queryset = AgencyClient.objects.filter(
            authorization_grant_type=AgencyClient.GRANT_AUTHORIZATION_CODE,
            is_active=True,
            handed_over_system__isnull=True,
        ).order_by("name")
        if system is not None:  # who the system is does not change; its contract does
            initial_client = system.sign_in_client_id
            self.fields["sign_in_client"].queryset = AgencyClient.objects.filter(pk=initial_client)
            self.initial["sign_in_client"] = initial_client
            for name in ("name", "mode", "agency", "sign_in_client"):
                self.fields[name].disabled = True
            self.fields["agency"].required = False

    def clean_mapping(self):
        return _pairs(self.cleaned_data["mapping"], "mapping")

    def clean_statuses(self):
        return _pairs(self.cleaned_data["statuses"], "statuses")

    def contract(self) -> dict:
        data = self.cleaned_data
        contract = {
            "credentials": data["credentials"],
            "fields": data["mapping"],
            "statuses": data["statuses"],
            "timeout_seconds": data["timeout_seconds"],
            "retry": {
                "attempts": data["attempts"],
                "first_delay_seconds": data["first_delay_seconds"],
                "max_delay_seconds": data["max_delay_seconds"],
            },
        }
        if data.get("portal_url"):
            contract["portal_url"] = data["portal_url"]
        return contract

    def add_contract_errors(self, invalid) -> None:
        """The service's refusal, on the fields it names (the rest above the form)."""
        for field, errors in invalid.message_dict.items():
            field = {"fields": "mapping"}.get(field, field)
            self.add_error(field if field in self.fields else None, errors)


class ConnectServiceForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Layanan"), queryset=Service.objects.none())

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services if services is not None else Service.objects.none()
